// Behaviour of the default callback beyond the goldens: verbosity, warnings, exceptions,
// handlers, delegation, options.
#include <doctest/doctest.h>

#include "tests/unit/callback/golden_support.hpp"

using drover::output::PlayInfo;
using drover::output::Status;
using drover::testing::Harness;

TEST_CASE("at -vv the default callback prints the PLAYBOOK banner and each task's path") {
  Harness h("default", 2);
  h.bus.on_playbook_start("dir/site.yml");
  drover::output::TaskInfo t;
  t.name = "Ping";
  t.action = "ping";
  t.path = "dir/site.yml:5";
  h.bus.on_task_start(t);
  CHECK(h.out.str() == "\nPLAYBOOK: site.yml " + std::string(61, '*') + "\n\nTASK [Ping] " +
                           std::string(68, '*') + "\ntask path: dir/site.yml:5\n");
}

TEST_CASE("result warnings print on stderr as [WARNING] lines and leave the dump") {
  Harness h("default", 1);
  h.task("t", "command");
  h.host(Status::ok, R"({"changed": false, "warnings": ["mind the gap"], "rc": 0})");
  CHECK(h.err.str() == "[WARNING]: mind the gap\n");
  CHECK(h.out.str().find("ok: [localhost] => {\"changed\": false, \"rc\": 0}") != std::string::npos);
}

TEST_CASE("a failure with an exception prints Ansible's one-line exception notice first") {
  Harness h("default");
  h.task("t", "mod");
  h.host(Status::failed, R"({"failed": true, "msg": "MODULE FAILURE", "exception": "Traceback\n  line\nValueError: bad\n"})");
  std::string out = h.out.str();
  CHECK(out.find("An exception occurred during task execution. To see the full traceback, use -vvv. The error was: "
                 "ValueError: bad\nfatal: [localhost]: FAILED! => {\"msg\": \"MODULE FAILURE\"}\n") != std::string::npos);
}

TEST_CASE("handlers get a RUNNING HANDLER banner and delegated results show the delegate") {
  Harness h("default");
  drover::output::TaskInfo t;
  t.name = "restart web";
  t.action = "service";
  t.is_handler = true;
  h.bus.on_task_start(t);
  drover::output::HostResult r;
  r.host = "web1";
  r.task = t;
  r.status = Status::changed;
  r.result = drover::testing::json(R"({"changed": true})");
  r.delegated = true;
  r.delegate_host = "lb";
  h.bus.on_host_result(r);
  CHECK(h.out.str() == "\nRUNNING HANDLER [restart web] " + std::string(50, '*') + "\nchanged: [web1 -> lb]\n");
}

TEST_CASE("display_ok_hosts=false hides ok lines and prints the banner only when something shows") {
  Harness h("default");
  drover::output::CallbackOptions options = h.options;
  options.config["display_ok_hosts"] = "false";
  h.bus.set_stdout_callback(drover::callback::make_callback("default", options));
  h.task("quiet", "ping");
  h.host(Status::ok, R"({"changed": false})");
  CHECK(h.out.str().empty());
  h.host(Status::changed, R"({"changed": true})");
  CHECK(h.out.str() == "\nTASK [quiet] " + std::string(67, '*') + "\nchanged: [localhost]\n");
}

TEST_CASE("an until retry prints Ansible's FAILED - RETRYING line; at -vvv the attempt's result follows it") {
  drover::output::RetryResult retry;
  retry.host = "web1";
  retry.task_name = "wait for it";
  retry.result = drover::testing::json(R"({"attempts": 1, "retries": 4, "changed": false, "rc": 1, "_ansible_retry": true})");
  {
    Harness h("default");
    h.bus.on_retry(retry);
    CHECK(h.out.str() == "FAILED - RETRYING: [web1]: wait for it (3 retries left).\n");
  }
  {
    Harness h("default", 3);
    retry.delegate_host = "db1";
    h.bus.on_retry(retry);
    CHECK(h.out.str().rfind("FAILED - RETRYING: [web1 -> db1]: wait for it (3 retries left).Result was: {\n", 0) == 0);
    CHECK(h.out.str().find("\"retries\": 4") != std::string::npos);
    CHECK(h.out.str().find("_ansible_retry") == std::string::npos);
  }
}
