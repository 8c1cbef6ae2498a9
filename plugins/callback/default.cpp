// `default`: what ansible-playbook 2.14 prints (ansible.builtin.default with its default options).
// Options from `[callback_default]`: display_ok_hosts, display_skipped_hosts,
// display_failed_stderr, show_task_path_on_failure, check_mode_markers (Ansible's names and
// defaults).
#include <cstdio>
#include <optional>

#include "core/output/result_format.hpp"
#include "core/value/python_repr.hpp"
#include "core/value/text.hpp"
#include "plugins/callback/builtins.hpp"
#include "plugins/callback/callback_base.hpp"

namespace drover::callback {

namespace {

using namespace output;

std::string base_name(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// colorize() of ansible.utils.color: "ok=%-4s", coloured when non-zero.
std::string recap_field(const char* lead, int n, std::string_view code, bool color) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s=%-4d", lead, n);
  return n != 0 && color ? colorize_text(buf, code) : std::string(buf);
}

std::string pad_right(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

class DefaultCallback final : public CallbackBase {
public:
  explicit DefaultCallback(const CallbackOptions& options)
      : CallbackBase(options), m_display_ok(options.flag("display_ok_hosts", true)),
        m_display_skipped(options.flag("display_skipped_hosts", true)),
        m_failed_stderr(options.flag("display_failed_stderr", false)),
        m_path_on_failure(options.flag("show_task_path_on_failure", false)),
        m_check_markers(options.flag("check_mode_markers", false)) {}

  std::string name() const override { return "default"; }

  void on_playbook_start(const std::string& file) override {
    if (m_options.verbosity > 1) m_display.banner("PLAYBOOK: " + base_name(file));
    if (m_options.check && m_check_markers) m_display.banner("DRY RUN");
  }

  void on_play_start(const PlayInfo& play) override {
    std::string name(trim(play.name.empty() ? play.hosts : play.name));
    std::string check = play.check_mode && m_check_markers ? " [CHECK MODE]" : "";
    m_display.banner(name.empty() ? "PLAY" + check : "PLAY [" + name + "]" + check);
    m_banner_with_results = play.strategy == "free" || play.strategy == "host_pinned";
  }

  void on_no_hosts_matched() override { m_display.display("skipping: no hosts matched", color::skip); }
  void on_no_hosts_remaining() override { m_display.banner("NO MORE HOSTS LEFT"); }

  void on_task_start(const TaskInfo& task) override {
    // free and host_pinned: a host starts a task whenever it is ready, so the banner goes with
    // each result of a task other than the last one shown (Ansible's _last_task_banner)
    if (m_banner_with_results) return;
    m_last_banner.reset();
    if (m_display_skipped && m_display_ok) print_task_banner(task);
  }

  void on_host_result(const HostResult& r) override {
    switch (r.status) {
      case Status::ok:
      case Status::changed: on_ok(r); break;
      case Status::failed: on_failed(r); break;
      case Status::skipped: on_skipped(r); break;
      case Status::unreachable: on_unreachable(r); break;
    }
  }

  void on_item_result(const ItemResult& r) override {
    switch (r.status) {
      case Status::ok:
      case Status::changed: on_item_ok(r); break;
      case Status::failed: on_item_failed(r); break;
      case Status::skipped: on_item_skipped(r); break;
      case Status::unreachable: on_item_failed(r); break;
    }
  }

  // "included: FILE for web1, web2 => (item=x)", in the skip colour, as v2_playbook_on_include.
  void on_include(const IncludeInfo& include) override {
    // free/host_pinned: the include's ok result shows its banner (Ansible's v2_runner_on_ok)
    if (m_banner_with_results && !include.task.name.empty()) ensure_banner(include.task);
    std::string msg = "included: " + include.file + " for ";
    for (std::size_t i = 0; i < include.hosts.size(); ++i) msg += (i ? ", " : "") + include.hosts[i];
    if (include.vars.find("_ansible_item_label")) msg += " => (item=" + item_label(include.vars) + ")";
    m_display.display(msg, color::skip);
  }

  // "ASYNC POLL on web1: jid=j1.2 started=1 finished=0", "ASYNC OK on web1: jid=j1.2", "ASYNC
  // FAILED on web1: jid=..." (the job id from async_result when the job never finished).
  void on_async(const AsyncResult& async) override {
    const Value& r = async.result;
    std::string jid = python_str(r.get("ansible_job_id"));
    switch (async.event) {
      case AsyncEvent::poll:
        m_display.display("ASYNC POLL on " + async.host + ": jid=" + jid + " started=" + python_str(r.get("started")) +
                              " finished=" + python_str(r.get("finished")),
                          color::debug);
        break;
      case AsyncEvent::ok: m_display.display("ASYNC OK on " + async.host + ": jid=" + jid, color::debug); break;
      case AsyncEvent::failed:
        if (!r.find("ansible_job_id"))
          if (const Value* inner = r.find("async_result"); inner && inner->is_map())
            jid = python_str(inner->get("ansible_job_id"));
        m_display.display("ASYNC FAILED on " + async.host + ": jid=" + jid, color::debug);
        break;
    }
  }

  // v2_runner_retry: "FAILED - RETRYING: [web1]: wait (3 retries left).", with the attempt's
  // result run on at -vvv ("...left).Result was: {...}", no space, as Ansible prints it).
  void on_retry(const RetryResult& retry) override {
    HostResult as_host;
    as_host.host = retry.host;
    as_host.result = retry.result;
    as_host.delegated = !retry.delegate_host.empty();
    as_host.delegate_host = retry.delegate_host;
    const std::int64_t left = retry.result.get("retries").as_int() - retry.result.get("attempts").as_int();
    std::string msg = "FAILED - RETRYING: [" + host_label(as_host) + "]: " + retry.task_name + " (" +
                      std::to_string(left) + " retries left).";
    if (run_is_verbose(retry.result, m_options.verbosity, 2)) msg += "Result was: " + dump_result(retry.result, m_options.verbosity);
    m_display.display(msg, color::debug);
  }

  void on_stats(const RunStats& stats) override {
    m_display.banner("PLAY RECAP");
    for (const auto& [host, s] : stats.hosts) {
      bool c = m_display.color();
      std::string host_text = host;
      if (c) {
        std::string_view code = s.failures || s.unreachable ? color::error : s.changed ? color::changed : color::ok;
        host_text = pad_right(colorize_text(host, code), 37);
      } else {
        host_text = pad_right(host, 26);
      }
      m_display.display(host_text + " : " + recap_field("ok", s.ok, color::ok, c) + " " +
                        recap_field("changed", s.changed, color::changed, c) + " " +
                        recap_field("unreachable", s.unreachable, color::unreachable, c) + " " +
                        recap_field("failed", s.failures, color::error, c) + " " +
                        recap_field("skipped", s.skipped, color::skip, c) + " " +
                        recap_field("rescued", s.rescued, color::ok, c) + " " +
                        recap_field("ignored", s.ignored, color::warn, c));
    }
    m_display.display("");
    if (m_options.check && m_check_markers) m_display.banner("DRY RUN");
  }

private:
  static bool same_task(const TaskInfo& a, const TaskInfo& b) {
    if (a.identity && b.identity && a.identity != b.identity) return false;
    return a.name == b.name && a.path == b.path && a.action == b.action && a.is_handler == b.is_handler;
  }

  void print_task_banner(const TaskInfo& task) {
    std::string prefix = task.is_handler ? "RUNNING HANDLER" : "TASK";
    std::string check = m_options.check && m_check_markers ? " [CHECK MODE]" : "";
    m_display.banner(prefix + " [" + std::string(trim(task.name)) + "]" + check);
    if (m_options.verbosity >= 2) print_task_path(task);
    m_last_banner = task;
  }

  void ensure_banner(const TaskInfo& task) {
    if (!m_last_banner || !same_task(*m_last_banner, task)) print_task_banner(task);
  }

  void print_task_path(const TaskInfo& task) {
    if (!task.path.empty()) m_display.display("task path: " + task.path, color::debug);
  }

  bool diff_wanted(const TaskInfo& task) const { return m_options.diff || task.diff; }

  // v2_on_file_diff: Ansible sends it before the ok/changed line of a result (or of a loop
  // item) that has a diff; only changed results show theirs.
  void print_diff(const TaskInfo& task, const Value& result) {
    if (!diff_wanted(task)) return;
    const Value& diff = result.get("diff");
    if (!diff.truthy() || !result.get("changed").truthy()) return;
    std::string text = format_diff(diff, m_display.color());
    if (text.empty()) return;
    ensure_banner(task);
    m_display.display(text);
  }

  static Value without_results(Value res) {
    if (res.is_map()) res.mutable_map().erase("results");
    return res;
  }

  void on_ok(const HostResult& r) {
    print_diff(r.task, r.result);
    bool changed = r.result.get("changed").truthy();
    if (!changed && !m_display_ok) return;
    ensure_banner(r.task);
    std::string msg = std::string(changed ? "changed" : "ok") + ": [" + host_label(r) + "]";
    Value res = r.result;
    handle_warnings(res);
    if (r.task.loop && res.find("results")) return;  // the items were printed one by one
    res = clean_debug_result(res, r.task.action);
    if (run_is_verbose(res, m_options.verbosity)) msg += " => " + dump_result(res, m_options.verbosity);
    m_display.display(msg, changed ? color::changed : color::ok);
  }

  void on_failed(const HostResult& r) {
    Value res = clean_debug_result(r.result, r.task.action);
    ensure_banner(r.task);
    handle_exception(res, m_failed_stderr);
    handle_warnings(res);
    if (!(r.task.loop && res.find("results"))) {
      if (m_options.verbosity < 2 && m_path_on_failure) print_task_path(r.task);
      m_display.display("fatal: [" + host_label(r) + "]: FAILED! => " + dump_result(res, m_options.verbosity),
                        color::error, m_failed_stderr);
    }
    if (r.ignore_errors) m_display.display("...ignoring", color::skip);
  }

  void on_skipped(const HostResult& r) {
    if (!m_display_skipped) return;
    Value res = clean_debug_result(r.result, r.task.action);
    ensure_banner(r.task);
    if (r.task.loop) res = without_results(res);
    std::string msg = "skipping: [" + r.host + "]";
    if (run_is_verbose(res, m_options.verbosity)) msg += " => " + dump_result(res, m_options.verbosity);
    m_display.display(msg, color::skip);
  }

  void on_unreachable(const HostResult& r) {
    ensure_banner(r.task);
    m_display.display("fatal: [" + host_label(r) + "]: UNREACHABLE! => " + dump_result(r.result, m_options.verbosity),
                      color::unreachable, m_failed_stderr);
    if (r.ignore_unreachable) m_display.display("...ignoring", color::skip);
  }

  std::string item_host_label(const ItemResult& r) const {
    HostResult as_host;
    as_host.host = r.host;
    as_host.result = r.result;
    return host_label(as_host);
  }

  void on_item_ok(const ItemResult& r) {
    print_diff(r.task, r.result);
    bool changed = r.result.get("changed").truthy();
    if (!changed && !m_display_ok) return;
    ensure_banner(r.task);
    std::string msg = std::string(changed ? "changed" : "ok") + ": [" + item_host_label(r) +
                      "] => (item=" + item_label(r.result) + ")";
    Value res = clean_debug_result(r.result, r.task.action);
    if (run_is_verbose(res, m_options.verbosity)) msg += " => " + dump_result(res, m_options.verbosity);
    m_display.display(msg, changed ? color::changed : color::ok);
  }

  void on_item_failed(const ItemResult& r) {
    ensure_banner(r.task);
    Value res = clean_debug_result(r.result, r.task.action);
    handle_exception(res, m_failed_stderr);
    handle_warnings(res);
    m_display.display("failed: [" + item_host_label(r) + "] (item=" + item_label(res) + ") => " +
                          dump_result(res, m_options.verbosity),
                      color::error, m_failed_stderr);
  }

  void on_item_skipped(const ItemResult& r) {
    if (!m_display_skipped) return;
    ensure_banner(r.task);
    Value res = clean_debug_result(r.result, r.task.action);
    std::string msg = "skipping: [" + r.host + "] => (item=" + item_label(res) + ") ";
    if (run_is_verbose(res, m_options.verbosity)) msg += " => " + dump_result(res, m_options.verbosity);
    m_display.display(msg, color::skip);
  }

  bool m_display_ok;
  bool m_display_skipped;
  bool m_failed_stderr;
  bool m_path_on_failure;
  bool m_check_markers;
  bool m_banner_with_results = false;  // the play runs with the free or host_pinned strategy
  std::optional<TaskInfo> m_last_banner;
};

}  // namespace

std::unique_ptr<output::Callback> make_default_callback(const output::CallbackOptions& options) {
  return std::make_unique<DefaultCallback>(options);
}

}  // namespace drover::callback
