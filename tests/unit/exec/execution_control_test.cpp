// serial, order, any_errors_fatal, max_fail_percentage, throttle, force_handlers, the free and
// host_pinned strategies and --start-at-task, against fake hosts. The expected sequences are
// what ansible-playbook 2.14 prints for the same plays (checked with -f 1 on local hosts).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "tests/unit/exec/exec_harness.hpp"

using namespace drover;
using drover::testing::ExecHarness;
using Lines = std::vector<std::string>;

namespace {

// web1 web2 db1 from the harness, then app1 app2 in group `app`: five hosts in that order.
void add_app_hosts(ExecHarness& h) {
  for (const char* name : {"app1", "app2"}) {
    h.inventory().add_host(name, "app");
    h.host(name);
  }
  h.inventory().reconcile();
}

// The events of one host, in order: its results, without banners.
Lines results_of(const Lines& events, const std::string& host) {
  Lines out;
  for (const auto& e : events)
    if (e.find("[" + host + "]") != std::string::npos) out.push_back(e);
  return out;
}

std::size_t count_of(const Lines& events, const std::string& line) {
  return static_cast<std::size_t>(std::count(events.begin(), events.end(), line));
}

}  // namespace

TEST_CASE("serial: 2 runs the play in batches of two hosts, the play banner before each batch") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - {name: one, ok: }
    - {name: two, ok: }
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [all]", "TASK [one]", "ok: [web1]", "ok: [web2]", "TASK [two]", "ok: [web1]",
                            "ok: [web2]", "PLAY [all]", "TASK [one]", "ok: [db1]", "TASK [two]", "ok: [db1]"});
}

TEST_CASE("serial as a list of sizes and percentages: batches grow and the last size repeats") {
  ExecHarness h;
  add_app_hosts(h);
  h.run(R"(
- hosts: all
  gather_facts: false
  serial: [1, "40%"]
  tasks:
    - {name: one, ok: }
)");
  // 40% of 5 hosts is 2 (int(0.4 * 5)); the last entry repeats for what is left
  CHECK(h.events() == Lines{"PLAY [all]", "TASK [one]", "ok: [web1]", "PLAY [all]", "TASK [one]", "ok: [web2]",
                            "ok: [db1]", "PLAY [all]", "TASK [one]", "ok: [app1]", "ok: [app2]"});
}

TEST_CASE("a templated serial is read with the play's variables") {
  ExecHarness h;
  h.run(R"(
- hosts: all
  gather_facts: false
  vars: {size: 1}
  serial: "{{ size }}"
  tasks:
    - {name: one, ok: }
)");
  CHECK(count_of(h.events(), "PLAY [all]") == 3);
}

TEST_CASE("ansible_play_batch is the batch, ansible_play_hosts the play's hosts left, ansible_play_hosts_all all of them") {
  ExecHarness h;
  add_app_hosts(h);
  CHECK(h.run(R"(
- hosts: all
  gather_facts: false
  serial: [1, 2]
  tasks:
    - boom:
      when: inventory_hostname == 'db1'
    - ok: {b: "{{ ansible_play_batch | join(',') }}", p: "{{ ansible_play_hosts | join(',') }}",
           a: "{{ ansible_play_hosts_all | join(',') }}", old: "{{ play_hosts | join(',') }}"}
- hosts: all
  gather_facts: false
  tasks:
    - ok: {b: "{{ ansible_play_batch | join(',') }}", p: "{{ ansible_play_hosts | join(',') }}"}
)") == ExitCode::host_failed);
  auto args = [&](const std::string& host, std::size_t i) { return h.requests(host).at(i).get("args"); };
  CHECK(args("web1", 0).get_string("b") == "web1");
  CHECK(args("web1", 0).get_string("p") == "web1,web2,db1,app1,app2");
  CHECK(args("web2", 0).get_string("b") == "web2");  // db1 failed in this batch
  CHECK(args("web2", 0).get_string("p") == "web1,web2,app1,app2");
  CHECK(args("web2", 0).get_string("a") == "web1,web2,db1,app1,app2");
  CHECK(args("web2", 0).get_string("old") == "web2");
  CHECK(args("app1", 0).get_string("b") == "app1,app2");
  // the next play: the failed host stays out of both lists
  CHECK(args("web1", 1).get_string("b") == "web1,web2,app1,app2");
  CHECK(args("web1", 1).get_string("p") == "web1,web2,app1,app2");
  CHECK(h.recap("db1") == "ok=0 changed=0 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0");
}

TEST_CASE("a batch in which every host fails ends the playbook: no later batch, no later play") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - boom:
      when: inventory_hostname != 'db1'
- hosts: db
  gather_facts: false
  tasks:
    - {name: later, ok: }
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [all]", "TASK [boom]", "failed: [web1]", "failed: [web2]"});
  CHECK(h.recap("db1") == "(not in the recap)");
}

TEST_CASE("order: sorted, reverse_sorted, reverse_inventory and inventory") {
  for (const auto& [order, expected] :
       {std::pair{"sorted", Lines{"db1", "web1", "web2"}}, {"reverse_sorted", {"web2", "web1", "db1"}},
        {"reverse_inventory", {"db1", "web2", "web1"}}, {"inventory", {"web1", "web2", "db1"}}}) {
    CAPTURE(order);
    ExecHarness h;
    h.run(std::string(R"(
- hosts: all
  gather_facts: false
  order: )") + order + R"(
  tasks:
    - {name: one, ok: }
)");
    Lines hosts;
    for (const auto& r : h.results()) hosts.push_back(r.host);
    CHECK(hosts == expected);
  }
}

TEST_CASE("order: shuffle runs every host once, and serial batches follow the shuffled order") {
  ExecHarness h;
  add_app_hosts(h);
  h.run(R"(
- hosts: all
  gather_facts: false
  order: shuffle
  serial: 2
  tasks:
    - {name: one, ok: }
)");
  Lines hosts;
  for (const auto& r : h.results()) hosts.push_back(r.host);
  std::sort(hosts.begin(), hosts.end());
  CHECK(hosts == Lines{"app1", "app2", "db1", "web1", "web2"});
  CHECK(count_of(h.events(), "PLAY [all]") == 3);
}

TEST_CASE("any_errors_fatal: one failure fails the batch, says NO MORE HOSTS LEFT and ends the playbook") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - name: notify
      change:
      notify: restart
    - boom:
      when: inventory_hostname == 'web2'
    - {name: never, ok: }
  handlers:
    - {name: restart, ok: }
- hosts: all
  gather_facts: false
  tasks:
    - {name: later play, ok: }
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [all]", "TASK [notify]", "changed: [web1]", "changed: [web2]", "changed: [db1]",
                            "TASK [boom]", "skipped: [web1]", "failed: [web2]", "skipped: [db1]",
                            "NO MORE HOSTS LEFT"});
  // the other hosts are failed for the play but their recap counts nothing for it
  CHECK(h.recap("web1") == "ok=1 changed=1 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0");
  CHECK(h.recap("web2") == "ok=1 changed=1 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0");
}

TEST_CASE("any_errors_fatal on a block applies to its tasks only; ignored and rescued failures do not count") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - boom:
      when: inventory_hostname == 'web1'
      ignore_errors: true
      any_errors_fatal: true
    - block:
        - boom:
          when: inventory_hostname == 'web1'
      rescue:
        - {name: rescued, ok: }
      any_errors_fatal: true
    - boom:
      when: inventory_hostname == 'web1'
    - {name: web2 goes on, ok: }
    - block:
        - boom:
      any_errors_fatal: true
    - {name: never, ok: }
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [boom]", "failed: [web1] (ignored)", "skipped: [web2]",
                            "TASK [boom]", "failed: [web1] (rescued)", "skipped: [web2]", "TASK [rescued]",
                            "ok: [web1]", "TASK [boom]", "failed: [web1]", "skipped: [web2]",
                            "TASK [web2 goes on]", "ok: [web2]", "TASK [boom]", "failed: [web2]",
                            "NO MORE HOSTS LEFT"});
}

TEST_CASE("any_errors_fatal with an unreachable host ends the play too, and the exit code is 2, not 4") {
  ExecHarness h;
  h.host("db1").down = true;
  CHECK(h.run(R"(
- hosts: all
  gather_facts: false
  any_errors_fatal: yes
  tasks:
    - {name: one, ok: }
    - {name: two, ok: }
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [all]", "TASK [one]", "ok: [web1]", "ok: [web2]", "unreachable: [db1]",
                            "NO MORE HOSTS LEFT"});
  CHECK(h.recap("db1") == "ok=0 changed=0 unreachable=1 failed=0 skipped=0 rescued=0 ignored=0");
}

TEST_CASE("max_fail_percentage is per batch and compared with >: at the limit the play goes on") {
  ExecHarness h;
  add_app_hosts(h);
  CHECK(h.run(R"(
- hosts: all
  gather_facts: false
  serial: 2
  max_fail_percentage: 50
  tasks:
    - boom:
      when: inventory_hostname in ['web1', 'app1']
    - {name: after, ok: }
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [all]", "TASK [boom]", "failed: [web1]", "skipped: [web2]", "TASK [after]",
                            "ok: [web2]", "PLAY [all]", "TASK [boom]", "skipped: [db1]", "failed: [app1]",
                            "TASK [after]", "ok: [db1]", "PLAY [all]", "TASK [boom]", "skipped: [app2]",
                            "TASK [after]", "ok: [app2]"});
}

TEST_CASE("max_fail_percentage exceeded: NO MORE HOSTS LEFT twice, as Ansible's linear strategy says it, and the playbook ends") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: all
  gather_facts: false
  max_fail_percentage: "30%"
  tasks:
    - boom:
      when: inventory_hostname == 'db1'
    - {name: after, ok: }
- hosts: all
  gather_facts: false
  tasks:
    - {name: later play, ok: }
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [all]", "TASK [boom]", "skipped: [web1]", "skipped: [web2]", "failed: [db1]",
                            "NO MORE HOSTS LEFT", "NO MORE HOSTS LEFT"});
}

TEST_CASE("throttle: at most N hosts run the task at once, whatever the forks") {
  for (const auto& [throttle, expect_max] : {std::pair{std::string("throttle: 1"), 1}, {std::string(""), 0}}) {
    CAPTURE(throttle);
    ExecHarness h;
    h.options().forks = 3;
    std::atomic<int> running{0}, most{0};
    for (const char* name : {"web1", "web2", "db1"}) {
      h.host(name).respond = [&](const std::string&, const Value&) {
        int now = ++running;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {}
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        --running;
        return Value(Map{{"changed", false}});
      };
    }
    CHECK(h.run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - name: slow
      ok:
      )" + throttle + R"(
)") == ExitCode::ok);
    if (expect_max == 1) CHECK(most.load() == 1);
    else CHECK(most.load() > 1);  // the control: without throttle the three overlap
  }
}

TEST_CASE("a block's throttle applies to its tasks") {
  ExecHarness h;
  h.options().forks = 3;
  std::atomic<int> running{0}, most{0};
  for (const char* name : {"web1", "web2", "db1"}) {
    h.host(name).respond = [&](const std::string&, const Value&) {
      int now = ++running;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {}
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
      --running;
      return Value(Map{{"changed", false}});
    };
  }
  h.run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - {name: slow, ok: }
      throttle: "{{ 1 }}"
)");
  CHECK(most.load() == 1);
}

TEST_CASE("force_handlers: hosts that failed in the section run the handlers they were notified for, then stop") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: all
  gather_facts: false
  force_handlers: true
  tasks:
    - name: notify
      change:
      notify: restart
    - boom:
      when: inventory_hostname == 'web2'
    - {name: after, ok: }
  post_tasks:
    - {name: post, ok: }
  handlers:
    - {name: restart, ok: }
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [all]", "TASK [notify]", "changed: [web1]", "changed: [web2]", "changed: [db1]",
                            "TASK [boom]", "skipped: [web1]", "failed: [web2]", "skipped: [db1]", "TASK [after]",
                            "ok: [web1]", "ok: [db1]", "HANDLER [restart]", "ok: [web1]", "ok: [web2]",
                            "ok: [db1]", "TASK [post]", "ok: [web1]", "ok: [db1]"});
  CHECK(h.recap("web2") == "ok=2 changed=1 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0");
}

TEST_CASE("without force_handlers a failed host's handlers do not run; --force-handlers turns it on for every play") {
  const std::string play = R"(
- hosts: web
  gather_facts: false
  tasks:
    - name: notify
      change:
      notify: restart
    - boom:
      when: inventory_hostname == 'web2'
  handlers:
    - {name: restart, ok: }
)";
  ExecHarness plain;
  plain.run(play);
  CHECK(results_of(plain.events(), "web2") == Lines{"changed: [web2]", "failed: [web2]"});
  ExecHarness forced;
  forced.options().force_handlers = true;
  forced.run(play);
  CHECK(results_of(forced.events(), "web2") == Lines{"changed: [web2]", "failed: [web2]", "ok: [web2]"});
}

TEST_CASE("free: each host runs its tasks in order at its own pace; a failed host stops; handlers run per host") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: all
  gather_facts: false
  strategy: free
  tasks:
    - {name: one, ok: }
    - boom:
      when: inventory_hostname == 'web2'
    - name: notify
      change:
      notify: restart
    - block:
        - boom:
          when: inventory_hostname == 'db1'
      rescue:
        - {name: rescued, ok: }
  handlers:
    - {name: restart, ok: }
)") == ExitCode::host_failed);
  CHECK(results_of(h.events(), "web1") == Lines{"ok: [web1]", "skipped: [web1]", "changed: [web1]", "skipped: [web1]", "ok: [web1]"});
  CHECK(results_of(h.events(), "web2") == Lines{"ok: [web2]", "failed: [web2]"});
  CHECK(results_of(h.events(), "db1") == Lines{"ok: [db1]", "skipped: [db1]", "changed: [db1]", "failed: [db1] (rescued)",
                                               "ok: [db1]", "ok: [db1]"});
  CHECK(h.recap("db1") == "ok=4 changed=1 unreachable=0 failed=0 skipped=1 rescued=1 ignored=0");
  CHECK(h.recap("web2") == "ok=1 changed=0 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0");
  // a task start for every host that starts a task (the default callback prints banners with results)
  CHECK(count_of(h.events(), "TASK [one]") == 3);
  CHECK(count_of(h.events(), "HANDLER [restart]") == 2);
}

TEST_CASE("free: a host that is done does not wait for the others") {
  ExecHarness h;
  h.options().forks = 2;
  std::atomic<bool> web1_done{false};
  h.host("web2").respond = [&](const std::string&, const Value&) {
    for (int i = 0; i < 200 && !web1_done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return Value(Map{{"changed", false}, {"waited_for_web1", web1_done.load()}});
  };
  h.host("web1").respond = [&](const std::string&, const Value& req) {
    if (req.get("args").get_string("last") == "yes") web1_done = true;
    return Value(Map{{"changed", false}});
  };
  h.run(R"(
- hosts: web
  gather_facts: false
  strategy: free
  tasks:
    - {name: one, ok: }
    - {name: two, ok: }
    - {name: three, ok: {last: "yes"}}
)");
  // web2's first task returned only once web1 had started its third: under linear it would have
  // waited 1 s for a task web1 could not start before web2 was done
  CHECK(h.requests("web1").size() == 3);
  const auto first_web2 = std::find_if(h.results().begin(), h.results().end(), [](const auto& r) { return r.host == "web2"; });
  REQUIRE(first_web2 != h.results().end());
  CHECK(first_web2->result.get("waited_for_web1") == Value(true));
}

TEST_CASE("host_pinned with one fork: each host runs the whole play before the next starts") {
  ExecHarness h;
  h.run(R"(
- hosts: web
  gather_facts: false
  strategy: host_pinned
  tasks:
    - {name: one, ok: }
    - {name: two, ok: }
)");
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [one]", "ok: [web1]", "TASK [two]", "ok: [web1]", "TASK [one]",
                            "ok: [web2]", "TASK [two]", "ok: [web2]"});
}

TEST_CASE("the strategy setting is the default for plays without strategy:, and an unknown one is an error") {
  ExecHarness h;
  h.options().strategy = "host_pinned";
  h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - {name: one, ok: }
    - {name: two, ok: }
)");
  CHECK(results_of(h.events(), "web1").size() == 2);
  CHECK(h.events()[2] == "ok: [web1]");
  CHECK(h.events()[4] == "ok: [web1]");
  ExecHarness bad;
  bad.options().strategy = "mitogen_linear";
  try {
    bad.run("- hosts: web\n  gather_facts: false\n  tasks:\n    - ok:\n");
    FAIL("no error");
  } catch (const SourceError& e) {
    CHECK(e.bare_message() == "Invalid play strategy specified: mitogen_linear");
  }
}

TEST_CASE("--start-at-task: earlier plays run nothing; the play with the task starts there") {
  ExecHarness h;
  h.options().start_at_task = "sec*";
  h.run(R"(
- name: before
  hosts: web1
  gather_facts: false
  tasks:
    - {name: skipped, ok: }
- name: with it
  hosts: web1
  gather_facts: false
  tasks:
    - {name: first, ok: }
    - block:
        - {name: also skipped, ok: }
        - {name: second, ok: }
        - {name: third, ok: }
- name: after
  hosts: web1
  gather_facts: false
  tasks:
    - {name: first, ok: }
)");
  CHECK(h.events() == Lines{"PLAY [before]", "PLAY [with it]", "TASK [second]", "ok: [web1]", "TASK [third]",
                            "ok: [web1]", "PLAY [after]", "TASK [first]", "ok: [web1]"});
}

TEST_CASE("a failure followed by an always (force_handlers gives every section one) is not counted by the failure limits") {
  // Ansible counts a host for max_fail_percentage, and fails it for any_errors_fatal, only when
  // its failure leaves it nowhere to go; an always section (force_handlers' flush is one) is
  // somewhere. Checked with ansible-playbook 2.14.
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: all
  gather_facts: false
  force_handlers: true
  max_fail_percentage: 0
  tasks:
    - boom:
      when: inventory_hostname == 'web2'
    - {name: two, ok: }
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [all]", "TASK [boom]", "skipped: [web1]", "failed: [web2]", "skipped: [db1]",
                            "TASK [two]", "ok: [web1]", "ok: [db1]"});
}

TEST_CASE("any_errors_fatal: a failure into the block's always does not end the play; a failed rescue does") {
  // as ansible-playbook 2.14 runs the same play
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - block:
        - boom:
          when: inventory_hostname == 'web1'
      always:
        - {name: always, ok: }
    - {name: two, ok: }
    - block:
        - boom:
          when: inventory_hostname == 'db1'
      rescue:
        - boom:
          when: inventory_hostname == 'db1'
    - {name: never, ok: }
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [all]", "TASK [boom]", "failed: [web1]", "skipped: [web2]", "skipped: [db1]",
                            "TASK [always]", "ok: [web1]", "ok: [web2]", "ok: [db1]", "TASK [two]", "ok: [web2]",
                            "ok: [db1]", "TASK [boom]", "skipped: [web2]", "failed: [db1] (rescued)",
                            "TASK [boom]", "failed: [db1]", "NO MORE HOSTS LEFT"});
}

TEST_CASE("meta: end_batch ends the current batch only; meta: end_play ends every batch, and the next play runs") {
  ExecHarness h;
  h.run(R"(
- name: batches
  hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - {name: one, ok: }
    - meta: end_batch
    - {name: not reached, ok: }
- name: ended
  hosts: all
  gather_facts: false
  serial: 1
  tasks:
    - meta: end_play
- name: next
  hosts: web1
  gather_facts: false
  tasks:
    - {name: next play, ok: }
)");
  CHECK(h.events() == Lines{"PLAY [batches]", "TASK [one]", "ok: [web1]", "ok: [web2]", "TASK [meta]",
                            "PLAY [batches]", "TASK [one]", "ok: [db1]", "TASK [meta]", "PLAY [ended]",
                            "TASK [meta]", "PLAY [next]", "TASK [next play]", "ok: [web1]"});
}

TEST_CASE("a templated order that renders to an unknown order is an error at the play, with Ansible's wording") {
  ExecHarness h;
  try {
    h.run("- hosts: web\n  gather_facts: false\n  vars: {o: backwards}\n  order: \"{{ o }}\"\n  tasks:\n    - ok:\n");
    FAIL("no error");
  } catch (const SourceError& e) {
    CHECK(e.bare_message() == "Invalid 'order' specified for inventory hosts: backwards");
  }
}

TEST_CASE("--step asks before each task: no skips it on every host, continue stops asking for the play") {
  ExecHarness h;
  Lines questions;
  std::vector<exec::StepAnswer> answers = {exec::StepAnswer::run, exec::StepAnswer::skip, exec::StepAnswer::run_all,
                                           exec::StepAnswer::skip};
  h.step_prompt() = [&](const std::string& question) {
    questions.push_back(question);
    return answers.at(questions.size() - 1);
  };
  h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - {name: one, ok: }
    - {name: two, ok: }
    - {name: "three {{ 3 }}", ok: }
    - {name: four, ok: }
- hosts: web1
  gather_facts: false
  tasks:
    - {name: next play, ok: }
)");
  // the name as written, as Ansible's Task repr shows it
  CHECK(questions == Lines{"TASK: one", "TASK: two", "TASK: three {{ 3 }}", "TASK: next play"});
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [one]", "ok: [web1]", "ok: [web2]", "TASK [three 3]", "ok: [web1]",
                            "ok: [web2]", "TASK [four]", "ok: [web1]", "ok: [web2]", "PLAY [web1]"});
}

namespace {

// Ctrl-C while `host` runs its module: the run's flag is set as the module answers.
void interrupt_during(ExecHarness& h, const std::string& host) {
  h.host(host).respond = [](const std::string&, const Value&) {
    g_interrupted = true;
    return Value(Map{{"changed", true}});
  };
}

}  // namespace

TEST_CASE("regression: after Ctrl-C no new task starts, the interrupted result is not shown, exit 99") {
  for (const char* strategy : {"linear", "free"}) {
    CAPTURE(strategy);
    ExecHarness h;
    interrupt_during(h, "web2");
    const ExitCode code = h.run(std::string(R"(
- hosts: all
  gather_facts: false
  strategy: )") + strategy + R"(
  tasks:
    - {name: one, ok: }
    - {name: two, ok: }
- hosts: all
  gather_facts: false
  tasks:
    - {name: next play, ok: }
)");
    g_interrupted = false;
    CHECK(code == ExitCode::interrupted);
    CHECK(count_of(h.events(), "ok: [web1]") <= 2);
    CHECK(std::find(h.events().begin(), h.events().end(), "changed: [web2]") == h.events().end());
    CHECK(std::find(h.events().begin(), h.events().end(), "TASK [next play]") == h.events().end());
    if (std::string(strategy) == "linear")
      CHECK(h.events() == Lines{"PLAY [all]", "TASK [one]", "ok: [web1]"});
  }
}

TEST_CASE("an interrupt during a loop stops before the next item") {
  ExecHarness h;
  int items_run = 0;
  h.host("web1").respond = [&items_run](const std::string&, const Value&) {
    if (++items_run == 2) g_interrupted = true;
    return Value(Map{{"changed", false}});
  };
  const ExitCode code = h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - {name: loop, ok: , loop: [1, 2, 3, 4]}
)");
  g_interrupted = false;
  CHECK(code == ExitCode::interrupted);
  CHECK(items_run == 2);
}
