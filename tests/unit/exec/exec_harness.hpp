// Drives whole plays through the real executor (strategy, task executor, Target, runner
// protocol) against fake hosts: a test action table instead of the built-in one, and Targets over
// the fake connection of the transport tests. Every event the executor emits is recorded as one
// line, so tests assert exact sequences.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <array>
#include <map>
#include <sstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "core/exec/playbook_executor.hpp"
#include "core/output/result_format.hpp"
#include "core/playbook/parser.hpp"
#include "core/value/json.hpp"
#include "plugins/action/action.hpp"
#include "plugins/become/registry.hpp"
#include "plugins/lookup/lookup_table.hpp"
#include "tests/unit/transport/fake_connection.hpp"

// Event sequences print one event a line when a CHECK fails.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& lines) {
    std::string out = "\n";
    for (const auto& l : lines) out += "    " + l + "\n";
    return String(out.c_str());
  }
};
}  // namespace doctest

namespace drover::testing {

// One line per event: "PLAY [p]", "TASK [t]", "HANDLER [h]", "ok: [web1]", "changed: [web1]",
// "failed: [web1] (ignored)", "skipped: [web1]", "unreachable: [web1]", "item ok: [web1] (a)",
// "NO MORE HOSTS LEFT". A delegated result reads "ok: [web1 -> db1]"; a rescued failure
// "failed: [web1] (rescued)".
class RecordingCallback : public output::Callback {
public:
  explicit RecordingCallback(std::vector<std::string>& lines, std::vector<output::HostResult>& results,
                             std::vector<std::string>* warnings = nullptr)
      : m_lines(lines), m_results(results), m_warnings(warnings) {}
  // warnings are events ("WARNING: ...") and are also kept apart (warnings())
  void on_warning(const std::string& message) override {
    if (m_warnings) m_warnings->push_back(message);
    m_lines.push_back("WARNING: " + message);
  }
  std::string name() const override { return "recording"; }
  void on_play_start(const output::PlayInfo& p) override {
    m_lines.push_back("PLAY [" + (p.name.empty() ? p.hosts : p.name) + "]");
  }
  void on_no_hosts_matched() override { m_lines.push_back("NO HOSTS MATCHED"); }
  void on_no_hosts_remaining() override { m_lines.push_back("NO MORE HOSTS LEFT"); }
  void on_task_start(const output::TaskInfo& t) override {
    m_lines.push_back(std::string(t.is_handler ? "HANDLER [" : "TASK [") + t.name + "]");
  }
  void on_host_result(const output::HostResult& r) override {
    std::string line = status_word(r.status) + ": [" + output::host_label(r) + "]";
    if (r.ignore_errors || r.ignore_unreachable) line += " (ignored)";
    if (r.rescued) line += " (rescued)";
    m_lines.push_back(line);
    m_results.push_back(r);
  }
  void on_item_result(const output::ItemResult& r) override {
    m_lines.push_back("item " + status_word(r.status) + ": [" + r.host + "] (" + output::item_label(r.result) + ")");
  }
  // "included: item.yml for web1, web2 (item=a)": the file's name without its folder
  // "ASYNC POLL on web1: jid=j1.2 started=1 finished=0", "ASYNC OK on web1: jid=j1.2", "ASYNC FAILED ..."
  void on_async(const output::AsyncResult& a) override {
    const std::string jid = a.result.get_string("ansible_job_id", a.result.get("async_result").get_string("ansible_job_id"));
    switch (a.event) {
      case output::AsyncEvent::poll:
        m_lines.push_back("ASYNC POLL on " + a.host + ": jid=" + jid + " started=" + dump_json(a.result.get("started")) +
                          " finished=" + dump_json(a.result.get("finished")));
        break;
      case output::AsyncEvent::ok: m_lines.push_back("ASYNC OK on " + a.host + ": jid=" + jid); break;
      case output::AsyncEvent::failed: m_lines.push_back("ASYNC FAILED on " + a.host + ": jid=" + jid); break;
    }
  }
  // "FAILED - RETRYING: [web1]: name (2 retries left)."
  void on_retry(const output::RetryResult& r) override {
    const std::int64_t left = r.result.get("retries").as_int() - r.result.get("attempts").as_int();
    std::string label = r.host + (r.delegate_host.empty() ? "" : " -> " + r.delegate_host);
    m_lines.push_back("FAILED - RETRYING: [" + label + "]: " + r.task_name + " (" + std::to_string(left) + " retries left).");
  }
  void on_include(const output::IncludeInfo& inc) override {
    std::string line = "included: " + std::filesystem::path(inc.file).filename().string() + " for ";
    for (std::size_t i = 0; i < inc.hosts.size(); ++i) line += (i ? ", " : "") + inc.hosts[i];
    if (inc.vars.find("_ansible_item_label")) line += " (item=" + output::item_label(inc.vars) + ")";
    m_lines.push_back(line);
  }

  static std::string status_word(output::Status s) {
    switch (s) {
      case output::Status::ok: return "ok";
      case output::Status::changed: return "changed";
      case output::Status::failed: return "failed";
      case output::Status::skipped: return "skipped";
      case output::Status::unreachable: return "unreachable";
    }
    return "?";
  }

private:
  std::vector<std::string>& m_lines;
  std::vector<output::HostResult>& m_results;
  std::vector<std::string>* m_warnings;
};

// Test actions: `module`-style rows send the task's action to the fake runner (whose answer each
// FakeHost scripts); `set_fact` and `meta` run on the control node as the built-in ones do.
inline Value send_to_runner(action::ActionContext& ctx) { return ctx.run_module(ctx.task.action, ctx.args); }

inline Value test_set_fact(action::ActionContext& ctx) { return action::run_set_fact(ctx); }

inline Value test_meta(action::ActionContext& ctx) {
  static const std::map<std::string, action::MetaAction> k_meta = {
      {"clear_facts", action::MetaAction::clear_facts},
      {"end_batch", action::MetaAction::end_batch},
      {"end_host", action::MetaAction::end_host},
      {"end_play", action::MetaAction::end_play},
      {"flush_handlers", action::MetaAction::flush_handlers},
      {"noop", action::MetaAction::noop},
      {"clear_host_errors", action::MetaAction::clear_host_errors},
      {"refresh_inventory", action::MetaAction::refresh_inventory},
      {"reset_connection", action::MetaAction::reset_connection}};
  ctx.meta = k_meta.at(ctx.args.get_string("_raw_params"));
  return Value(Map{{"changed", false}});
}

// Runner modules the fake hosts answer by default:
//   ok      {"changed": false, "args": <args>}
//   change  {"changed": true}
//   boom    {"failed": true, "msg": "boom"}
//   count   {"changed": false, "count": <how many times this host ran count>}
//   ping    {"changed": false, "ping": "pong"}
//   setup   {"ansible_facts": {"ansible_hostname": <host>, "gather_subset": <its argument>,
//            "module_setup": true}}
// (add_host and group_by are the built-in actions: the strategy's part is what these tests drive)
inline constexpr std::array k_test_actions = {
    action::ActionRow{"add_host", action::run_add_host, "the built-in add_host"},
    action::ActionRow{"async_status", action::run_async_status, "the built-in async_status"},
    action::ActionRow{"boom", send_to_runner, "fails on the target"},
    action::ActionRow{"change", send_to_runner, "reports a change"},
    action::ActionRow{"count", send_to_runner, "counts its runs per host"},
    action::ActionRow{"facts", send_to_runner, "returns ansible_facts, as service_facts does"},
    action::ActionRow{"group_by", action::run_group_by, "the built-in group_by"},
    action::ActionRow{"include_vars", action::run_include_vars, "the built-in include_vars"},
    action::ActionRow{"job", send_to_runner, "a module that may run as an async job", "ansible.builtin",
                      action::Async::supported},
    action::ActionRow{"meta", test_meta, "meta"},
    action::ActionRow{"ok", send_to_runner, "echoes its arguments"},
    action::ActionRow{"pause", action::run_pause, "the built-in pause"},
    action::ActionRow{"ping", send_to_runner, "answers pong"},
    action::ActionRow{"raw", action::run_raw, "the built-in raw"},
    action::ActionRow{"set_fact", test_set_fact, "sets facts"},
    action::ActionRow{"setup", send_to_runner, "gathers facts"},
    action::ActionRow{"validate_argument_spec", action::run_validate_argument_spec, "the built-in validate_argument_spec"},
    action::ActionRow{"wait_for_connection", action::run_wait_for_connection, "the built-in wait_for_connection"},
};

class ExecHarness {
public:
  // Hosts web1 web2 in group `web`, db1 in group `db`; every one a fake host.
  ExecHarness() {
    for (const auto& [name, group] : {std::pair{"web1", "web"}, {"web2", "web"}, {"db1", "db"}}) {
      m_inventory.add_host(name, group);
      host(name);
    }
    m_inventory.reconcile();
    m_options.forks = 1;  // results in submission order: exact sequences
  }

  FakeHost& host(const std::string& name) {
    auto [it, added] = m_hosts.try_emplace(name);
    if (added) {
      it->second.arch = "x86_64";
      it->second.respond = [this, name](const std::string& module, const Value& request) {
        return answer(name, module, request);
      };
    }
    return it->second;
  }
  inventory::Inventory& inventory() { return m_inventory; }
  exec::RunOptions& options() { return m_options; }
  // --step's prompt for the runs (empty: no --step).
  exec::StepPrompt& step_prompt() { return m_step_prompt; }
  // vars_prompt's terminal (empty: no terminal).
  decltype(exec::RunContext::ask_var)& var_prompt() { return m_var_prompt; }

  // The folder the playbook is written to (fresh for each harness): roles/, tasks files, ...
  const std::filesystem::path& dir() const { return m_dir; }
  // Writes `text` to `relative` under dir(), creating its folders (a role: "roles/r/tasks/main.yml").
  void write_file(const std::string& relative, const std::string& text) {
    const auto path = m_dir / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  // Runs the playbook text; returns the exit code.
  ExitCode run(const std::string& yaml) {
    const auto& dir = m_dir;
    std::filesystem::create_directories(dir);
    const auto path = (dir / "play.yml").string();
    std::ofstream(path) << yaml;
    auto known = [](std::string_view name) { return action::find_action(k_test_actions, name) != nullptr; };
    playbook::ParseOptions parse_options;
    parse_options.extra_vars = m_options.extra_vars;
    playbook::Playbook pb = playbook::parse_playbook(path, known, parse_options);
    output::EventBus bus(&m_errors);
    bus.set_stdout_callback(std::make_unique<RecordingCallback>(m_events, m_results, &m_warnings));
    exec::RunContext rc;
    rc.inventory = &m_inventory;
    rc.options = &m_options;
    rc.bus = &bus;
    rc.actions = k_test_actions;
    rc.lookups = lookup::lookup_table();  // the real lookups: they touch no host
    rc.ask_step = m_step_prompt;
    rc.load_inventory = m_load_inventory;
    rc.ask_var = m_var_prompt;
    rc.make_target = [this](const connection::ConnectionSpec& spec) {
      // called from the worker threads: m_specs and m_hosts are shared (ThreadSanitizer)
      std::lock_guard lock(m_make_target_mutex);
      m_specs.push_back(spec);
      return std::make_unique<transport::Target>(spec, std::make_unique<FakeConnection>(host(spec.inventory_name)),
                                                 runner_binary(), become::become_methods());
    };
    ExitCode code = exec::run_playbook(pb, rc);
    m_stats = bus.stats();
    return code;
  }

  const std::vector<std::string>& events() const { return m_events; }
  // The connection specs Targets were made for, in order.
  const std::vector<connection::ConnectionSpec>& specs() const { return m_specs; }
  // What meta: refresh_inventory reads (unset: nothing to re-read).
  void set_load_inventory(std::function<inventory::Inventory()> load) { m_load_inventory = std::move(load); }
  const std::vector<output::HostResult>& results() const { return m_results; }
  // The last result of a host (a registered value as the callbacks saw it).
  const output::HostResult& last_result(const std::string& host) const {
    for (auto it = m_results.rbegin(); it != m_results.rend(); ++it)
      if (it->host == host) return *it;
    throw std::runtime_error("no result for " + host);
  }
  // "ok=2 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0", as the recap prints.
  std::string recap(const std::string& host) const {
    auto it = m_stats.hosts.find(host);
    if (it == m_stats.hosts.end()) return "(not in the recap)";
    const output::HostStats& s = it->second;
    return "ok=" + std::to_string(s.ok) + " changed=" + std::to_string(s.changed) +
           " unreachable=" + std::to_string(s.unreachable) + " failed=" + std::to_string(s.failures) +
           " skipped=" + std::to_string(s.skipped) + " rescued=" + std::to_string(s.rescued) +
           " ignored=" + std::to_string(s.ignored);
  }
  // The module requests a host's runners received, as parsed JSON.
  std::vector<Value> requests(const std::string& host) {
    std::vector<Value> out;
    for (const auto& line : this->host(host).requests) {
      Value req = parse_json(line, "request");
      if (req.get_string("op") != "exit") out.push_back(req);
    }
    return out;
  }
  std::string errors() const { return m_errors.str(); }
  const std::vector<std::string>& warnings() const { return m_warnings; }

private:
  Value answer(const std::string& host, const std::string& module, const Value& request) {
    if (module == "change") return Value(Map{{"changed", true}});
    if (module == "boom") return Value(Map{{"failed", true}, {"msg", "boom"}});
    if (module == "count") return Value(Map{{"changed", false}, {"count", ++m_counts[host]}});
    if (module == "ping") return Value(Map{{"changed", false}, {"ping", "pong"}});
    if (module == "facts")
      return Value(Map{{"changed", false}, {"ansible_facts", Value(Map{{"services", Value(Map{{"cron", "running"}})}})}});
    if (module == "setup") {
      Map facts{{"ansible_hostname", host}, {"module_setup", true}};
      if (const Value* subset = request.get("args").find("gather_subset")) facts.set("gather_subset", *subset);
      return Value(Map{{"changed", false}, {"ansible_facts", Value(std::move(facts))}});
    }
    return Value(Map{{"changed", false}, {"args", request.get("args")}});
  }

  static transport::RunnerBinary runner_binary() {
    static const transport::RunnerBinary binary = [] {
      const auto p = std::filesystem::temp_directory_path() / ("drover-exec-fake-runner-" + std::to_string(::getpid()));
      std::ofstream(p) << "#!/bin/false\n";
      transport::RunnerBinary b = transport::RunnerBinary::at(p.string());  // its real sha256 and size
      b.arch = "x86_64";
      return b;
    }();
    return binary;
  }

  static std::filesystem::path fresh_dir() {
    static int count = 0;
    auto dir = std::filesystem::temp_directory_path() /
               ("drover-exec-test-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
    std::filesystem::remove_all(dir);
    return dir;
  }

  std::filesystem::path m_dir = fresh_dir();
  inventory::Inventory m_inventory;
  exec::RunOptions m_options;
  exec::StepPrompt m_step_prompt;
  decltype(exec::RunContext::ask_var) m_var_prompt;
  std::map<std::string, FakeHost> m_hosts;
  std::vector<connection::ConnectionSpec> m_specs;
  std::mutex m_make_target_mutex;
  std::function<inventory::Inventory()> m_load_inventory;
  std::map<std::string, std::int64_t> m_counts;
  std::vector<std::string> m_events;
  std::vector<std::string> m_warnings;
  std::vector<output::HostResult> m_results;
  output::RunStats m_stats;
  std::ostringstream m_errors;
};

}  // namespace drover::testing
