// `json`: the whole run as one JSON document at the end, in the shape of ansible.posix.json:
// {custom_stats, global_custom_stats, plays: [{play: {duration, id, name, path}, tasks: [{hosts:
// {HOST: result + action (+ failed/skipped: true)}, task: {duration, id, name, path}}]}], stats}.
// Ids are stable counters in uuid form (drover has no task uuids); play paths are not known to the
// callback and are left empty. `[callback_json] json_indent` (default 4; <= 0: one line).
#include <chrono>
#include <cstdio>
#include <ctime>

#include "core/output/result_format.hpp"
#include "core/secrets/redactor.hpp"
#include "core/value/json.hpp"
#include "plugins/callback/builtins.hpp"

namespace drover::callback {

namespace {

using namespace output;

// ISO 8601 UTC time with microseconds and a Z, as ansible.posix.json writes it.
std::string current_time() {
  auto now = std::chrono::system_clock::now();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(micros % 1000000));
  return buf;
}

std::string fake_uuid(int n) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "00000000-0000-0000-0000-%012d", n);
  return buf;
}

Value section(const std::string& name, const std::string& path, int id) {
  Map duration;
  duration.set("start", Value(current_time()));
  Map info;
  info.set("name", Value(name));
  info.set("id", Value(fake_uuid(id)));
  info.set("path", Value(path));
  info.set("duration", Value(std::move(duration)));
  return Value(std::move(info));
}

class JsonCallback final : public Callback {
public:
  explicit JsonCallback(const CallbackOptions& options) : m_options(options) {
    try {
      m_indent = std::stoi(options.text("json_indent", "4"));
    } catch (const std::exception&) {
      m_indent = 4;
    }
  }
  std::string name() const override { return "json"; }

  void on_play_start(const PlayInfo& play) override {
    Map p;
    p.set("play", section(play.name.empty() ? play.hosts : play.name, "", ++m_ids));
    p.set("tasks", Value::list());
    m_plays.push_back(Value(std::move(p)));
  }

  void on_task_start(const TaskInfo& task) override {
    if (m_plays.empty()) on_play_start(PlayInfo{});
    Map t;
    t.set("task", section(task.name, task.path, ++m_ids));
    t.set("hosts", Value::map());
    m_plays.back().mutable_map()["tasks"].mutable_list().push_back(Value(std::move(t)));
  }

  void on_host_result(const HostResult& r) override {
    if (m_plays.empty() || m_plays.back().get("tasks").as_list().empty()) on_task_start(r.task);
    Value result = r.result.is_map() ? r.result : Value::map();
    Map& m = result.mutable_map();
    if (r.status == Status::failed) m.set("failed", Value(true));
    if (r.status == Status::skipped) m.set("skipped", Value(true));
    m.set("action", Value(r.task.action));
    std::string end = current_time();
    Value& task = m_plays.back().mutable_map()["tasks"].mutable_list().back();
    task.mutable_map()["hosts"].mutable_map().set(r.host, result);
    task.mutable_map()["task"].mutable_map()["duration"].mutable_map().set("end", Value(end));
    m_plays.back().mutable_map()["play"].mutable_map()["duration"].mutable_map().set("end", Value(end));
  }

  void on_stats(const RunStats& stats) override {
    Map summary;
    for (const auto& [host, s] : stats.hosts) {
      Map h;
      h.set("ok", Value(s.ok));
      h.set("failures", Value(s.failures));
      h.set("unreachable", Value(s.unreachable));
      h.set("changed", Value(s.changed));
      h.set("skipped", Value(s.skipped));
      h.set("rescued", Value(s.rescued));
      h.set("ignored", Value(s.ignored));
      summary.set(host, Value(std::move(h)));
    }
    Map out;
    out.set("plays", Value(m_plays));
    out.set("stats", Value(std::move(summary)));
    out.set("custom_stats", Value::map());
    out.set("global_custom_stats", Value::map());
    std::string text = dump_json(Value(std::move(out)), JsonStyle{m_indent > 0 ? m_indent : -1, true, false});
    *m_options.out << secrets::Redactor::global().mask(text) << '\n';
    m_options.out->flush();
  }

private:
  CallbackOptions m_options;
  int m_indent = 4;
  int m_ids = 0;
  List m_plays;
};

}  // namespace

std::unique_ptr<output::Callback> make_json_callback(const output::CallbackOptions& options) {
  return std::make_unique<JsonCallback>(options);
}

}  // namespace drover::callback
