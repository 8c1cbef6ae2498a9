#include <doctest/doctest.h>

#include <sstream>
#include <stdexcept>

#include "core/output/event_bus.hpp"
#include "core/value/json.hpp"

using namespace drover;
using namespace drover::output;

namespace {

// Records what it is sent; throws on the events named in m_throw_on.
class Recorder final : public Callback {
public:
  Recorder(std::string name, std::vector<std::string>* log, std::string throw_on = "")
      : m_name(std::move(name)), m_log(log), m_throw_on(std::move(throw_on)) {}
  std::string name() const override { return m_name; }
  void on_task_start(const TaskInfo& t) override { note("task " + t.name); }
  void on_host_result(const HostResult& r) override { note("result " + r.host + " " + dump_json(r.result)); }
  void on_stats(const RunStats& s) override { note("stats " + std::to_string(s.hosts.size())); }

private:
  void note(const std::string& what) {
    if (!m_throw_on.empty() && what.rfind(m_throw_on, 0) == 0) throw std::runtime_error("boom in " + m_name);
    m_log->push_back(m_name + ": " + what);
  }
  std::string m_name;
  std::vector<std::string>* m_log;
  std::string m_throw_on;
};

HostResult result(const std::string& host, Status status, const std::string& json, bool ignore = false) {
  HostResult r;
  r.host = host;
  r.task.name = "t";
  r.task.action = "command";
  r.status = status;
  r.result = parse_json(json, "test");
  r.ignore_errors = ignore;
  return r;
}

}  // namespace

TEST_CASE("the bus forwards each event to the stdout callback first, then to notification callbacks in order") {
  std::vector<std::string> log;
  std::ostringstream errors;
  EventBus bus(&errors);
  bus.add_notification_callback(std::make_unique<Recorder>("n1", &log));
  bus.set_stdout_callback(std::make_unique<Recorder>("out", &log));
  bus.add_notification_callback(std::make_unique<Recorder>("n2", &log));
  bus.on_task_start(TaskInfo{"hello"});
  CHECK(log == std::vector<std::string>{"out: task hello", "n1: task hello", "n2: task hello"});
  CHECK(errors.str().empty());
}

TEST_CASE("a callback that throws is named on the error stream and disabled while the others go on") {
  std::vector<std::string> log;
  std::ostringstream errors;
  EventBus bus(&errors);
  bus.set_stdout_callback(std::make_unique<Recorder>("out", &log));
  bus.add_notification_callback(std::make_unique<Recorder>("flaky", &log, "task"));
  bus.on_task_start(TaskInfo{"one"});
  bus.on_task_start(TaskInfo{"two"});
  CHECK(errors.str() ==
        "[ERROR]: callback plugin 'flaky' failed in on_task_start: boom in flaky; it is disabled for the rest of this run\n");
  CHECK(log == std::vector<std::string>{"out: task one", "out: task two"});
  CHECK(bus.failed_callbacks() == std::vector<std::string>{"flaky"});
}

TEST_CASE("results reach callbacks cleaned as Ansible's clean_copy does: no failed/skipped, no internal keys") {
  std::vector<std::string> log;
  EventBus bus;
  bus.set_stdout_callback(std::make_unique<Recorder>("out", &log));
  bus.on_host_result(result("h", Status::failed,
                            R"({"failed": true, "msg": "x", "_ansible_parsed": true, "_ansible_no_log": false, "results": [{"failed": false, "_ansible_item_label": 1, "_ansible_ignore": 2}]})"));
  REQUIRE(log.size() == 1);
  CHECK(log[0] == R"(out: result h {"msg": "x", "_ansible_no_log": false, "results": [{"failed": false, "_ansible_item_label": 1}]})");
}

TEST_CASE("a no_log result reaches callbacks censored, keeping only changed, attempts and retries") {
  std::vector<std::string> log;
  EventBus bus;
  bus.set_stdout_callback(std::make_unique<Recorder>("out", &log));
  bus.on_host_result(result("h", Status::changed, R"({"changed": true, "stdout": "pw", "attempts": 2, "_ansible_no_log": true})"));
  REQUIRE(log.size() == 1);
  CHECK(log[0] == "out: result h {\"censored\": \"the output has been hidden due to the fact that 'no_log: true' was "
                  "specified for this result\", \"attempts\": 2, \"changed\": true}");
}

TEST_CASE("run stats count as Ansible's strategy does") {
  EventBus bus;
  bus.on_host_result(result("a", Status::ok, R"({"changed": false})"));
  bus.on_host_result(result("a", Status::changed, R"({"changed": true})"));
  bus.on_host_result(result("a", Status::skipped, R"({"skipped": true})"));
  bus.on_host_result(result("a", Status::failed, R"({"failed": true, "changed": true})", true));  // ignored
  bus.on_host_result(result("b", Status::failed, R"({"failed": true})"));
  HostResult rescued = result("c", Status::failed, R"({"failed": true})");
  rescued.rescued = true;
  bus.on_host_result(rescued);
  HostResult dark = result("d", Status::unreachable, R"({"unreachable": true})");
  bus.on_host_result(dark);
  dark.host = "e";
  dark.ignore_unreachable = true;
  bus.on_host_result(dark);

  const auto& s = bus.stats().hosts;
  REQUIRE(s.size() == 5);
  const HostStats& a = s.at("a");
  CHECK(a.ok == 3);  // ok, changed, and the ignored failure
  CHECK(a.changed == 2);
  CHECK(a.skipped == 1);
  CHECK(a.ignored == 1);
  CHECK(a.failures == 0);
  CHECK(s.at("b").failures == 1);
  CHECK(s.at("c").rescued == 1);
  CHECK(s.at("c").failures == 0);
  CHECK(s.at("d").unreachable == 1);
  CHECK(s.at("e").ok == 1);
  CHECK(s.at("e").ignored == 1);
  CHECK(s.at("e").unreachable == 0);
}

TEST_CASE("the exit code is 4 for an unreachable host, else 2 for a failed host, else 0") {
  RunStats stats;
  CHECK(exit_code_for(stats) == ExitCode::ok);
  stats.hosts["a"].ok = 1;
  stats.hosts["a"].ignored = 1;
  CHECK(exit_code_for(stats) == ExitCode::ok);
  stats.hosts["b"].failures = 1;
  CHECK(exit_code_for(stats) == ExitCode::host_failed);
  stats.hosts["c"].unreachable = 1;
  CHECK(exit_code_for(stats) == ExitCode::host_unreachable);
}

TEST_CASE("an interrupted run exits with 99 whatever its hosts did") {
  RunStats stats;
  CHECK(exit_code_for(stats, RunEnd::interrupted) == ExitCode::interrupted);
  stats.hosts["c"].unreachable = 1;
  CHECK(exit_code_for(stats, RunEnd::interrupted) == ExitCode::interrupted);
  CHECK(exit_code_for(stats, RunEnd::completed) == ExitCode::host_unreachable);
}
