// The default callback against output captured from ansible-playbook 2.14 (see
// tests/golden/callback/README.md). Each case feeds the events the playbook beside the golden
// produces, with the raw results Ansible's modules returned.
#include <doctest/doctest.h>

#include "tests/unit/callback/golden_support.hpp"

using drover::output::PlayInfo;
using drover::output::Status;
using drover::testing::Harness;
using drover::testing::golden_mismatch;

namespace {

const char* k_cmd_tail =
    R"("delta": "0:00:00.001000", "end": "2024-01-01 00:00:00.001000", "start": "2024-01-01 00:00:00.000000", )"
    R"("invocation": {"module_args": {"_raw_params": "x", "chdir": null}}, "_ansible_no_log": false)";

std::string command_result(const std::string& fields) { return "{" + fields + ", " + k_cmd_tail + "}"; }

void play_basic(Harness& h) {
  h.bus.on_playbook_start("basic.yml");
  h.bus.on_play_start(PlayInfo{"Basic results", "localhost"});
  h.task("Say hello", "debug");
  h.host(Status::ok, R"({"msg": "hello world", "_ansible_verbose_always": true, "_ansible_no_log": false, "changed": false, "failed": false})");
  h.task("Show a variable", "debug");
  h.host(Status::ok, R"({"greeting": "hello", "_ansible_verbose_always": true, "_ansible_no_log": false, "changed": false, "failed": false})");
  h.task("Run a command", "command");
  h.host(Status::changed, command_result(
      R"("ansible_facts": {"discovered_interpreter_python": "/usr/bin/python3"}, "changed": true, "cmd": ["echo", "hi"], "msg": "", "rc": 0, "stderr": "", "stderr_lines": [], "stdout": "hi", "stdout_lines": ["hi"])"));
  h.task("Run a command that changes nothing", "command");
  h.host(Status::ok, command_result(
      R"("changed": false, "cmd": ["echo", "quiet"], "msg": "", "rc": 0, "stderr": "", "stderr_lines": [], "stdout": "quiet", "stdout_lines": ["quiet"])"));
  h.task("Skipped by when", "command");
  h.host(Status::skipped, R"({"changed": false, "skip_reason": "Conditional result was False", "skipped": true})");
  h.task("Loop over items", "command", true);
  std::string one = command_result(
      R"("changed": true, "cmd": ["echo", "one"], "msg": "", "rc": 0, "stderr": "", "stderr_lines": [], "stdout": "one", "stdout_lines": ["one"], "failed": false, "item": "one", "ansible_loop_var": "item", "_ansible_item_label": "one")");
  std::string two = command_result(
      R"("changed": true, "cmd": ["echo", "two"], "msg": "", "rc": 0, "stderr": "", "stderr_lines": [], "stdout": "two", "stdout_lines": ["two"], "failed": false, "item": "two", "ansible_loop_var": "item", "_ansible_item_label": "two")");
  h.item(Status::changed, one);
  h.item(Status::changed, two);
  h.host(Status::changed, R"({"changed": true, "msg": "All items completed", "results": [)" + one + ", " + two + "]}");
  h.task("Loop with a skipped item", "debug", true);
  std::string a = R"({"msg": "item a", "_ansible_verbose_always": true, "_ansible_no_log": false, "changed": false, "failed": false, "item": "a", "ansible_loop_var": "item", "_ansible_item_label": "a"})";
  std::string b = R"({"changed": false, "skip_reason": "Conditional result was False", "skipped": true, "item": "b", "ansible_loop_var": "item", "_ansible_item_label": "b", "_ansible_no_log": false})";
  h.item(Status::ok, a);
  h.item(Status::skipped, b);
  h.host(Status::ok, R"({"changed": false, "msg": "All items completed", "results": [)" + a + ", " + b + "]}");
  h.task("Fail but ignore", "command");
  h.host(Status::failed, command_result(
      R"("changed": true, "cmd": ["/bin/false"], "failed": true, "msg": "non-zero return code", "rc": 1, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": [])"),
      true);
  h.task("Hidden output", "command");
  h.host(Status::changed,
         R"({"changed": true, "cmd": ["echo", "secret"], "msg": "", "rc": 0, "stderr": "", "stdout": "secret", "_ansible_no_log": true})");
  h.task("Fail for real", "fail");
  h.host(Status::failed, R"({"changed": false, "failed": true, "msg": "this went wrong", "_ansible_no_log": false})");
  h.bus.emit_stats();
}

void play_loops(Harness& h) {
  h.bus.on_play_start(PlayInfo{"", "localhost"});
  h.task("Loop with dict items", "debug", true);
  for (const char* item : {R"({"name": "a", "size": 1})", R"({"name": "b", "size": 2})"}) {
    std::string name = std::string(item).substr(10, 1);
    h.item(Status::ok, std::string(R"({"msg": ")") + name +
                           R"(", "_ansible_verbose_always": true, "_ansible_no_log": false, "changed": false, "failed": false, "item": )" +
                           item + R"(, "ansible_loop_var": "item", "_ansible_item_label": )" + item + "}");
  }
  h.host(Status::ok, R"({"changed": false, "msg": "All items completed", "results": []})");
  h.task("Loop with a label", "debug", true);
  h.item(Status::ok, R"({"msg": "x", "_ansible_verbose_always": true, "changed": false, "failed": false, "item": {"name": "x"}, "ansible_loop_var": "item", "_ansible_item_label": "x"})");
  h.host(Status::ok, R"({"changed": false, "msg": "All items completed", "results": []})");
  h.task("Failing loop item", "command", true);
  h.item(Status::changed, command_result(
      R"("changed": true, "cmd": ["/bin/true"], "msg": "", "rc": 0, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": [], "failed": false, "item": "/bin/true", "ansible_loop_var": "item", "_ansible_item_label": "/bin/true")"));
  h.item(Status::failed, command_result(
      R"("changed": true, "cmd": ["/bin/false"], "msg": "non-zero return code", "rc": 1, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": [], "failed": true, "item": "/bin/false", "ansible_loop_var": "item", "_ansible_item_label": "/bin/false")"));
  h.host(Status::failed, R"({"changed": true, "failed": true, "msg": "One or more items failed", "results": []})", true);
  h.task("All items skipped", "debug", true);
  h.item(Status::skipped, R"({"changed": false, "skip_reason": "Conditional result was False", "skipped": true, "item": 1, "ansible_loop_var": "item", "_ansible_item_label": 1})");
  h.item(Status::skipped, R"({"changed": false, "skip_reason": "Conditional result was False", "skipped": true, "item": 2, "ansible_loop_var": "item", "_ansible_item_label": 2})");
  h.host(Status::skipped, R"({"changed": false, "msg": "All items skipped", "skipped": true, "results": []})");
  h.task("Failing item stops the host", "shell", true);
  h.item(Status::changed, command_result(
      R"("changed": true, "cmd": "exit 0", "msg": "", "rc": 0, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": [], "failed": false, "item": 0, "ansible_loop_var": "item", "_ansible_item_label": 0)"));
  h.item(Status::failed, command_result(
      R"("changed": true, "cmd": "exit 3", "msg": "non-zero return code", "rc": 3, "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": [], "failed": true, "item": 3, "ansible_loop_var": "item", "_ansible_item_label": 3)"));
  h.host(Status::failed, R"({"changed": true, "failed": true, "msg": "One or more items failed", "results": []})");
  h.bus.emit_stats();
}

}  // namespace

TEST_CASE("the default callback prints a playbook's results exactly as ansible-playbook does") {
  Harness h("default");
  play_basic(h);
  CHECK(golden_mismatch(h.out.str(), "basic.txt") == "");
  CHECK(h.bus_errors.str().empty());
}

TEST_CASE("with -v the default callback dumps every result on one line as ansible-playbook -v does") {
  Harness h("default", 1);
  play_basic(h);
  CHECK(golden_mismatch(h.out.str(), "basic-v.txt") == "");
}

TEST_CASE("the default callback prints loop items, labels, ignored item failures and all-skipped loops as Ansible") {
  Harness h("default");
  play_loops(h);
  CHECK(golden_mismatch(h.out.str(), "loops.txt") == "");
}

TEST_CASE("an unreachable host prints Ansible's UNREACHABLE line and counts in the recap") {
  Harness h("default");
  h.bus.on_play_start(PlayInfo{"Unreachable host", "all"});
  h.task("Ping", "ping");
  h.host(Status::unreachable,
         R"({"changed": false, "msg": "Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused", "unreachable": true})",
         false, "deadhost");
  h.bus.emit_stats();
  CHECK(golden_mismatch(h.out.str(), "unreachable.txt") == "");
  CHECK(drover::output::exit_code_for(h.bus.stats()) == drover::ExitCode::host_unreachable);
}

TEST_CASE("a play that matches no hosts prints Ansible's skipping line and an empty recap") {
  Harness h("default");
  h.bus.on_play_start(PlayInfo{"Nobody home", "nosuchgroup"});
  h.bus.on_no_hosts_matched();
  h.bus.emit_stats();
  CHECK(golden_mismatch(h.out.str(), "nohosts.txt") == "");
}

TEST_CASE("with --diff the default callback prints Ansible's unified diff before the changed line") {
  Harness h("default", 0, true);
  h.bus.on_play_start(PlayInfo{"Diff output", "localhost"});
  h.task("Write a file", "copy");
  h.host(Status::changed, R"({"changed": true, "dest": "out/diff-demo.txt", "diff": [{"after": "line one\nline two\n", "after_header": "~/.ansible/tmp/source", "before": ""}]})");
  h.task("Change the file", "copy");
  h.host(Status::changed, R"({"changed": true, "dest": "out/diff-demo.txt", "diff": [{"after": "line one\nline 2\nline three", "after_header": "~/.ansible/tmp/source", "before": "line one\nline two\n", "before_header": "out/diff-demo.txt"}]})");
  h.bus.emit_stats();
  CHECK(golden_mismatch(h.out.str(), "diff.txt") == "");
}
