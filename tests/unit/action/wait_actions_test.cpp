// raw without the runner, pause once per task, wait_for_connection: driven through the real
// executor against fake hosts.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/unit/exec/exec_harness.hpp"

using namespace drover;
using namespace drover::testing;

namespace {

long count_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
  return std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

}  // namespace

TEST_CASE("a play of only raw tasks never uploads or starts the runner (bootstrapping)") {
  ExecHarness h;
  REQUIRE(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - raw: apt-get install -y python3
    - raw: uptime
)") == ExitCode::ok);
  for (const char* name : {"web1", "web2"}) {
    FakeHost& host = h.host(name);
    CHECK(host.uploads.empty());
    CHECK(count_prefix(host.commands, "spawn:") == 0);
    CHECK(count_prefix(host.commands, "ran: ") == 0);
    CHECK(std::count(host.commands.begin(), host.commands.end(), "uptime") == 1);
  }
  CHECK(h.last_result("web1").result.get_string("stdout") == "ran: uptime");

  // the control: a module task after the raw ones does bring the runner
  ExecHarness with_module;
  REQUIRE(with_module.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - raw: uptime
    - ok:
)") == ExitCode::ok);
  CHECK(with_module.host("web1").uploads.size() == 1);
}

TEST_CASE("pause runs once for the first host of the play, as Ansible's BYPASS_HOST_LOOP actions") {
  ExecHarness h;
  REQUIRE(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - name: wait a moment
      pause:
        seconds: 1
      register: paused
)") == ExitCode::ok);
  CHECK(h.events() == std::vector<std::string>{"PLAY [web]", "TASK [wait a moment]", "ok: [web1]"});
  const Value& result = h.last_result("web1").result;
  CHECK(result.get_string("stdout").rfind("Paused for 1.", 0) == 0);
  CHECK(result.get("delta").as_int() >= 1);
  CHECK(result.get("echo").as_bool());
  CHECK(result.get_string("user_input").empty());
}

TEST_CASE("pause refuses minutes with seconds and unknown options") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - pause: {minutes: 1, seconds: 2}
      ignore_errors: true
    - pause: {second: 2}
      ignore_errors: true
)");
  CHECK(h.results().at(0).result.get_string("msg") == "parameters are mutually exclusive: minutes|seconds");
  CHECK(h.results().at(1).result.get_string("msg") ==
        "Unsupported parameters for (pause) module: second. Supported parameters include: echo, minutes, prompt, seconds.");
}

TEST_CASE("wait_for_connection pings the runner; bad options fail with Ansible's message") {
  ExecHarness h;
  REQUIRE(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - wait_for_connection: {timeout: 10, sleep: 1}
      register: up
    - wait_for_connection: {foo: bar}
      ignore_errors: true
)") == ExitCode::ok);
  const Value& up = h.results().at(0).result;
  CHECK(!up.get_truthy("failed"));
  CHECK(up.get("elapsed").is_int());
  CHECK(h.requests("web1").at(0).get_string("module") == "ping");
  CHECK(h.results().at(1).result.get_string("msg") == "Invalid options for wait_for_connection: foo");
}

TEST_CASE("wait_for_connection keeps trying a host that is down and fails at the timeout, not unreachable") {
  ExecHarness h;
  h.host("web1").down = true;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - wait_for_connection: {timeout: 1, sleep: 1}
)");
  const Value& result = h.last_result("web1").result;
  CHECK(result.get_string("msg") ==
        "timed out waiting for ping module test: Failed to connect to the host via ssh: fake host is down");
  CHECK(h.recap("web1") == "ok=0 changed=0 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0");
  CHECK(h.host("web1").uploads.empty());
}

TEST_CASE("wait_for_connection is skipped in check mode") {
  ExecHarness h;
  h.options().check = true;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - wait_for_connection:
)");
  CHECK(h.events().back() == "skipped: [web1]");
}
