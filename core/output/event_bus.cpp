#include "core/output/event_bus.hpp"

#include "core/output/result_format.hpp"
#include "core/secrets/redactor.hpp"

namespace drover::output {

void EventBus::set_stdout_callback(std::unique_ptr<Callback> callback) { m_stdout = Slot{std::move(callback)}; }

void EventBus::add_notification_callback(std::unique_ptr<Callback> callback) {
  m_notification.push_back(Slot{std::move(callback)});
}

template <class Fn>
void EventBus::forward(const char* event, Fn&& fn) {
  auto call = [&](Slot& slot) {
    if (!slot.callback || !slot.enabled) return;
    try {
      fn(*slot.callback);
    } catch (const std::exception& e) {
      slot.enabled = false;
      m_failed.push_back(slot.callback->name());
      *m_errors << "[ERROR]: callback plugin '" << slot.callback->name() << "' failed in " << event << ": "
                << secrets::Redactor::global().mask(e.what()) << "; it is disabled for the rest of this run\n";
    } catch (...) {
      slot.enabled = false;
      m_failed.push_back(slot.callback->name());
      *m_errors << "[ERROR]: callback plugin '" << slot.callback->name() << "' failed in " << event
                << " with an unknown error; it is disabled for the rest of this run\n";
    }
  };
  call(m_stdout);
  for (auto& slot : m_notification) call(slot);
}

void EventBus::count(const HostResult& r) {
  HostStats& s = m_stats.hosts[r.host];
  bool changed = r.result.get("changed").truthy();
  switch (r.status) {
    case Status::ok:
    case Status::changed:
      ++s.ok;
      if (changed || r.status == Status::changed) ++s.changed;
      break;
    case Status::failed:
      if (r.ignore_errors) {
        ++s.ok;
        ++s.ignored;
        if (changed) ++s.changed;
      } else if (r.rescued) {
        ++s.rescued;
      } else {
        ++s.failures;
      }
      break;
    case Status::unreachable:
      if (r.ignore_unreachable) {
        ++s.ok;
        ++s.ignored;
      } else {
        ++s.unreachable;
      }
      break;
    case Status::skipped: ++s.skipped; break;
  }
}

void EventBus::on_playbook_start(const std::string& file) {
  forward("on_playbook_start", [&](Callback& c) { c.on_playbook_start(file); });
}

void EventBus::on_play_start(const PlayInfo& play) {
  forward("on_play_start", [&](Callback& c) { c.on_play_start(play); });
}

void EventBus::on_no_hosts_matched() {
  forward("on_no_hosts_matched", [&](Callback& c) { c.on_no_hosts_matched(); });
}

void EventBus::on_no_hosts_remaining() {
  forward("on_no_hosts_remaining", [&](Callback& c) { c.on_no_hosts_remaining(); });
}

void EventBus::on_task_start(const TaskInfo& task) {
  forward("on_task_start", [&](Callback& c) { c.on_task_start(task); });
}

void EventBus::on_host_result(const HostResult& result) {
  if (result.counted) count(result);
  secrets::Redactor::global().add_marked(result.result);
  HostResult clean = result;
  clean.result = clean_result(result.result, result.task.action);
  forward("on_host_result", [&](Callback& c) { c.on_host_result(clean); });
}

void EventBus::on_item_result(const ItemResult& result) {
  secrets::Redactor::global().add_marked(result.result);
  ItemResult clean = result;
  clean.result = clean_result(result.result, result.task.action);
  forward("on_item_result", [&](Callback& c) { c.on_item_result(clean); });
}

void EventBus::on_include(const IncludeInfo& include) {
  for (const auto& host : include.hosts) ++m_stats.hosts[host].ok;
  forward("on_include", [&](Callback& c) { c.on_include(include); });
}

void EventBus::on_async(const AsyncResult& async) {
  secrets::Redactor::global().add_marked(async.result);
  forward("on_async", [&](Callback& c) { c.on_async(async); });
}

void EventBus::on_retry(const RetryResult& retry) {
  secrets::Redactor::global().add_marked(retry.result);
  RetryResult clean = retry;
  clean.result = clean_result(retry.result, "");
  forward("on_retry", [&](Callback& c) { c.on_retry(clean); });
}

void EventBus::on_warning(const std::string& message) {
  forward("on_warning", [&](Callback& c) { c.on_warning(message); });
}

void EventBus::on_stats(const RunStats& stats) {
  forward("on_stats", [&](Callback& c) { c.on_stats(stats); });
}

void EventBus::on_playbook_end() {
  forward("on_playbook_end", [&](Callback& c) { c.on_playbook_end(); });
}

ExitCode exit_code_for(const RunStats& stats, RunEnd end) {
  if (end == RunEnd::interrupted) return ExitCode::interrupted;
  bool failed = false;
  for (const auto& [host, s] : stats.hosts) {
    if (s.unreachable > 0) return ExitCode::host_unreachable;
    if (s.failures > 0) failed = true;
  }
  return failed ? ExitCode::host_failed : ExitCode::ok;
}

}  // namespace drover::output
