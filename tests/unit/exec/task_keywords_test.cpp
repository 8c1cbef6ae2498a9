// async/poll with async_status, timeout, delegate_facts, and the connection, remote_user and port
// keywords, against fake hosts. The expected sequences and results are ansible-playbook 2.14's
// for the same tasks (checked on the local connection).
#include <doctest/doctest.h>

#include "tests/unit/exec/exec_harness.hpp"

using namespace drover;
using drover::testing::ExecHarness;
using Lines = std::vector<std::string>;

namespace {

// A fake runner for jobs: an async request starts job "<jid>.7"; async_status answers "running"
// `running_polls` times, then the job's result (and erases it on cleanup).
struct FakeJobs {
  int running_polls = 0;
  Value job_result = Value(Map{{"changed", true}, {"rc", 0}, {"stdout", "done"}});
  std::vector<Value> status_requests;  // the async_status requests, in order

  Value respond(const std::string& module, const Value& request) {
    if (const Value* async = request.find("async")) {
      const std::string jid = async->get_string("jid") + ".7";
      return Value(Map{{"failed", 0}, {"started", 1}, {"finished", 0}, {"ansible_job_id", jid},
                       {"results_file", "/home/u/.ansible_async/" + jid}});
    }
    if (module != "async_status") return Value(Map{{"changed", false}, {"args", request.get("args")}});
    status_requests.push_back(request);
    const Value& args = request.get("args");
    const std::string jid = args.get_string("jid");
    if (args.get_string("mode") == "cleanup") return Value(Map{{"changed", false}, {"ansible_job_id", jid}, {"erased", "/home/u/.ansible_async/" + jid}});
    if (running_polls-- > 0)
      return Value(Map{{"changed", false}, {"started", 1}, {"finished", 0}, {"ansible_job_id", jid},
                       {"results_file", "/home/u/.ansible_async/" + jid}});
    Value done = job_result;
    done.mutable_map().set("finished", 1);
    done.mutable_map().set("ansible_job_id", jid);
    done.mutable_map().set("results_file", "/home/u/.ansible_async/" + jid);
    return done;
  }
};

void use_jobs(ExecHarness& h, const std::string& host, FakeJobs& jobs) {
  h.host(host).respond = [&jobs](const std::string& module, const Value& request) { return jobs.respond(module, request); };
}

}  // namespace

TEST_CASE("async with poll: 0 starts the job and answers at once with Ansible's fields") {
  ExecHarness h;
  FakeJobs jobs;
  use_jobs(h, "web1", jobs);
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - job: {x: 1}
      async: 30
      poll: 0
      register: r
    - ok: {started: "{{ r.started }}", finished: "{{ r.finished }}", file: "{{ r.results_file }}", id: "{{ r.ansible_job_id }}"}
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [job]", "changed: [web1]", "TASK [ok]", "ok: [web1]"});
  const std::vector<Value> requests = h.requests("web1");
  REQUIRE(requests.size() == 2);
  const Value& async = requests[0].get("async");
  CHECK(async.get("time_limit") == Value(30));
  CHECK(async.get_string("dir") == "~/.ansible_async");
  const std::string prefix = async.get_string("jid");
  CHECK(prefix.size() > 1);
  CHECK(prefix[0] == 'j');
  CHECK(requests[0].get("args") == Value(Map{{"x", 1}}));
  const Value& shown = requests[1].get("args");
  CHECK(shown.get_string("started") == "1");  // templated into a module argument
  CHECK(shown.get_string("finished") == "0");
  CHECK(shown.get_string("id") == prefix + ".7");
  CHECK(shown.get_string("file") == "/home/u/.ansible_async/" + prefix + ".7");
  CHECK(jobs.status_requests.empty());
}

TEST_CASE("async with poll polls async_status until the job is done, shows each poll, and cleans up") {
  ExecHarness h;
  FakeJobs jobs;
  jobs.running_polls = 1;
  use_jobs(h, "web1", jobs);
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  vars: {ansible_async_dir: /var/jobs}
  tasks:
    - job:
      async: 10
      poll: 1
      register: r
)") == ExitCode::ok);
  const std::string jid = h.last_result("web1").result.get_string("ansible_job_id");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [job]", "ASYNC POLL on web1: jid=" + jid + " started=1 finished=0",
                            "ASYNC OK on web1: jid=" + jid, "changed: [web1]"});
  REQUIRE(jobs.status_requests.size() == 3);
  CHECK(jobs.status_requests[0].get("args") == Value(Map{{"jid", jid}, {"mode", "status"}, {"_async_dir", "/var/jobs"}}));
  CHECK(jobs.status_requests[2].get("args").get_string("mode") == "cleanup");
  CHECK(jobs.status_requests[0].get("check") == Value(false));
  const Value& result = h.last_result("web1").result;
  CHECK(result.get("finished") == Value(1));
  CHECK(result.get("started") == Value(1));
  CHECK(result.get_string("stdout") == "done");
  CHECK(result.get("rc") == Value(0));
}

TEST_CASE("an async job that outlives `async` fails with Ansible's message and the last answer") {
  ExecHarness h;
  FakeJobs jobs;
  jobs.running_polls = 100;
  use_jobs(h, "web1", jobs);
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - job:
      async: 1
      poll: 1
)") == ExitCode::host_failed);
  const Value& result = h.last_result("web1").result;
  const std::string jid = result.get("async_result").get_string("ansible_job_id");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [job]", "ASYNC POLL on web1: jid=" + jid + " started=1 finished=0",
                            "ASYNC FAILED on web1: jid=" + jid, "failed: [web1]"});
  CHECK(result.get_string("msg") == "async task did not complete within the requested time - 1s");
  CHECK(result.get("async_result").get("finished") == Value(0));
  CHECK(jobs.status_requests.size() == 1);  // no cleanup for a job that is still running
}

TEST_CASE("async_status reports a fire-and-forget job; until/retries loop on it as on any task") {
  ExecHarness h;
  FakeJobs jobs;
  jobs.running_polls = 1;
  use_jobs(h, "web1", jobs);
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - job:
      async: 30
      poll: 0
      register: started
    - async_status: {jid: "{{ started.ansible_job_id }}"}
      register: job
      until: job.finished == 1
      retries: 3
      delay: 0
    - async_status: {jid: "{{ started.ansible_job_id }}", mode: cleanup}
      register: gone
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [job]", "changed: [web1]", "TASK [async_status]",
                            "FAILED - RETRYING: [web1]: async_status (3 retries left).", "changed: [web1]",
                            "TASK [async_status]", "ok: [web1]"});
  REQUIRE(h.results().size() == 3);
  const Value& job = h.results()[1].result;
  CHECK(job.get("attempts") == Value(2));
  CHECK(job.get("finished") == Value(1));
  CHECK(job.get("started") == Value(1));
  CHECK(job.get_string("stdout") == "done");
  CHECK(job.get("stderr_lines") == Value(List{}));
  CHECK(jobs.status_requests[0].get("args").get_string("_async_dir") == "~/.ansible_async");
  const Value& gone = h.results()[2].result;
  CHECK(gone.get("started") == Value(0));
  CHECK(gone.get("finished") == Value(0));
  CHECK(gone.get_string("erased").find("/home/u/.ansible_async/j") == 0);
}

TEST_CASE("async_status without a jid, or with a wrong mode, fails as Ansible's argument check does") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - async_status: {mode: status}
      ignore_errors: true
    - async_status: {jid: j1.2, mode: kill}
)") == ExitCode::host_failed);
  CHECK(h.results()[0].result.get_string("msg") == "missing required arguments: jid");
  CHECK(h.results()[1].result.get_string("msg") == "value of mode must be one of: status, cleanup, got: kill");
  CHECK(h.requests("web1").empty());
}

TEST_CASE("async in check mode, or on an action without async support, fails before anything is sent") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - job:
      async: 10
      check_mode: true
      ignore_errors: true
    - set_fact: {a: 1}
      async: 10
)") == ExitCode::host_failed);
  CHECK(h.results()[0].result.get_string("msg") == "check mode and async cannot be used on same task.");
  CHECK(h.results()[1].result.get_string("msg") == "async is not supported for this task.");
  CHECK(h.requests("web1").empty());
}

TEST_CASE("a module past the task's timeout fails with Ansible's message; the runner is told the time left") {
  ExecHarness h;
  h.host("web1").times_out = [](const std::string& module, const Value&) { return module == "job"; };
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - job:
      timeout: 3
      register: r
      ignore_errors: true
    - ok:
    - block:
        - job:
      timeout: 7
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [job]", "failed: [web1] (ignored)", "TASK [ok]", "ok: [web1]",
                            "TASK [job]", "failed: [web1]"});
  // (the callbacks get results without `failed`, as Ansible's show them)
  CHECK(h.results()[0].result == Value(Map{{"msg", "The job action failed to execute in the expected time frame (3) and was terminated"},
                                           {"changed", false}}));
  CHECK(h.results()[2].result.get_string("msg") ==
        "The job action failed to execute in the expected time frame (7) and was terminated");
  const std::vector<Value> requests = h.requests("web1");
  REQUIRE(requests.size() == 3);
  const double first = requests[0].get("timeout").as_float();
  CHECK(first > 0);
  CHECK(first <= 3);
  CHECK_FALSE(requests[1].find("timeout"));  // a task without timeout sends none
  CHECK(requests[2].get("timeout").as_float() > 3);  // the block's
}

TEST_CASE("a play's timeout applies to every task that sets none") {
  ExecHarness h;
  h.host("web1").times_out = [](const std::string&, const Value& request) { return request.find("timeout") != nullptr; };
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  timeout: 5
  tasks:
    - ok:
)") == ExitCode::host_failed);
  CHECK(h.last_result("web1").result.get_string("msg") ==
        "The ok action failed to execute in the expected time frame (5) and was terminated");
}

TEST_CASE("delegate_facts puts set_fact's facts on the delegated host, and the registered result on this one") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - set_fact: {shared: "from {{ inventory_hostname }}"}
      delegate_to: db1
      delegate_facts: true
      run_once: true
      register: r
    - set_fact: {own: 1}
      delegate_to: db1
    - ok:
        db1_shared: "{{ hostvars['db1'].shared }}"
        mine_defined: "{{ shared is defined }}"
        registered: "{{ r is defined }}"
        own_here: "{{ own | default('no') }}"
        own_on_db1: "{{ hostvars['db1'].own | default('no') }}"
)") == ExitCode::ok);
  const std::vector<Value> requests = h.requests("web2");
  REQUIRE(requests.size() == 1);
  const Value& args = requests[0].get("args");
  CHECK(args.get_string("db1_shared") == "from web1");
  CHECK(args.get("mine_defined") == Value(false));
  CHECK(args.get("registered") == Value(true));
  CHECK(args.get_string("own_here") == "1");
  CHECK(args.get_string("own_on_db1") == "no");
}

TEST_CASE("delegate_facts on a block passes down to its tasks") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - block:
        - set_fact: {from_block: yes}
      delegate_to: db1
      delegate_facts: true
    - ok: {on_db1: "{{ hostvars['db1'].from_block | default('no') }}", here: "{{ from_block | default('no') }}"}
)") == ExitCode::ok);
  const Value args = h.requests("web1")[0].get("args");
  CHECK(args.get("on_db1") == Value(true));
  CHECK(args.get_string("here") == "no");
}

TEST_CASE("remote_user and port on a task (or its block) make a connection of their own; host variables win") {
  ExecHarness h;
  h.inventory().set_host_var("web2", "ansible_user", Value("admin"));
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  remote_user: playuser
  tasks:
    - ok:
    - ok:
      remote_user: deploy
      port: 2222
    - block:
        - ok:
      port: "{{ 2200 + 22 }}"
    - ok:
)") == ExitCode::ok);
  std::vector<std::string> made;
  for (const auto& spec : h.specs())
    made.push_back(spec.inventory_name + " " + spec.user + ":" + std::to_string(spec.port));
  // web1: its own (play's remote_user), then deploy:2222, then playuser:2222 (the block's port);
  // web2: ansible_user outranks remote_user, so only the port makes a second connection
  CHECK(made == std::vector<std::string>{"web1 playuser:22", "web2 admin:22", "web1 deploy:2222", "web2 admin:2222",
                                         "web1 playuser:2222"});
  CHECK(h.requests("web1").size() == 4);
  CHECK(h.host("web1").connects == 3);
}

TEST_CASE("connection on a task picks the connection plugin for that task") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - ok:
      connection: local
    - ok:
)") == ExitCode::ok);
  REQUIRE(h.specs().size() == 2);
  CHECK(h.specs()[0].connection == "local");
  CHECK(h.specs()[1].connection == "ssh");
}
