// The minimal and oneline callbacks (ad hoc output) against output captured from `ansible`
// 2.14 (see tests/golden/callback/README.md).
#include <doctest/doctest.h>

#include "tests/unit/callback/golden_support.hpp"

using drover::output::Status;
using drover::testing::Harness;
using drover::testing::golden_mismatch;

namespace {

const char* k_echo_hello =
    R"({"changed": true, "cmd": ["echo", "hello"], "delta": "0:00:00.001000", "end": "2024-01-01 00:00:00.001000", "msg": "", "rc": 0, "start": "2024-01-01 00:00:00.000000", "stderr": "", "stderr_lines": [], "stdout": "hello", "stdout_lines": ["hello"], "invocation": {"module_args": {"_raw_params": "echo hello"}}, "_ansible_no_log": false})";

}  // namespace

TEST_CASE("ad hoc ping prints SUCCESS and the sorted result indented by 4, without invocation") {
  Harness h("minimal");
  h.task("ping", "ping");
  h.host(Status::ok, R"({"ping": "pong", "invocation": {"module_args": {"data": "pong"}}, "ansible_facts": {"discovered_interpreter_python": "/usr/bin/python3"}, "changed": false, "_ansible_no_log": false})");
  CHECK(golden_mismatch(h.out.str(), "adhoc-ping.txt") == "");
}

TEST_CASE("ad hoc command prints CHANGED with rc and the command's output") {
  Harness h("minimal");
  h.task("command", "command");
  h.host(Status::changed, k_echo_hello);
  CHECK(golden_mismatch(h.out.str(), "adhoc-command.txt") == "");
}

TEST_CASE("a failed ad hoc shell command prints FAILED with rc, stdout, stderr and msg run together") {
  Harness h("minimal");
  h.task("shell", "shell");
  h.host(Status::failed, R"({"changed": true, "cmd": "echo oops; exit 3", "failed": true, "msg": "non-zero return code", "rc": 3, "stderr": "", "stderr_lines": [], "stdout": "oops", "stdout_lines": ["oops"]})");
  CHECK(golden_mismatch(h.out.str(), "adhoc-command-failed.txt") == "");
}

TEST_CASE("a failed ad hoc module prints FAILED! and the result without the failed key") {
  Harness h("minimal");
  h.task("fail", "fail");
  h.host(Status::failed, R"({"changed": false, "failed": true, "msg": "boom", "_ansible_no_log": false})");
  CHECK(golden_mismatch(h.out.str(), "adhoc-failed.txt") == "");
}

TEST_CASE("an unreachable ad hoc host prints UNREACHABLE! and the result") {
  Harness h("minimal");
  h.task("ping", "ping");
  h.host(Status::unreachable,
         R"({"changed": false, "msg": "Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused", "unreachable": true})",
         false, "deadhost");
  CHECK(golden_mismatch(h.out.str(), "adhoc-unreachable.txt") == "");
}

TEST_CASE("the oneline callback prints a command result on one line") {
  Harness h("oneline");
  h.task("command", "command");
  h.host(Status::changed, k_echo_hello);
  CHECK(golden_mismatch(h.out.str(), "adhoc-oneline.txt") == "");
}
