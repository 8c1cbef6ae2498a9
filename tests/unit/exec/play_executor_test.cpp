#include <doctest/doctest.h>

#include "core/exec/task_executor.hpp"
#include "core/playbook/role.hpp"
#include "tests/unit/exec/exec_harness.hpp"

using namespace drover;
using drover::testing::ExecHarness;
using Lines = std::vector<std::string>;

TEST_CASE("tasks run on every host of the pattern, task by task, and the recap counts them") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - name: first
      ok:
    - name: second
      change:
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [first]", "ok: [web1]", "ok: [web2]", "TASK [second]",
                            "changed: [web1]", "changed: [web2]"});
  CHECK(h.recap("web1") == "ok=2 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0");
  CHECK(h.recap("db1") == "(not in the recap)");
}

TEST_CASE("when: is evaluated per host with its variables; a false condition skips") {
  ExecHarness h;
  h.inventory().set_host_var("web2", "role", Value("backup"));
  h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - name: only primaries
      ok:
      when: role | default('primary') == 'primary'
)");
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [only primaries]", "ok: [web1]", "skipped: [web2]"});
  CHECK(h.last_result("web2").result.get_string("skip_reason") == "Conditional result was False");
  CHECK(h.requests("web2").empty());
}

TEST_CASE("a when that cannot be evaluated fails the task with Ansible's wording and the task's place") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - name: bad
      ok:
      when: nosuchvar.field == 1
)") == ExitCode::host_failed);
  const std::string msg = h.last_result("web1").result.get_string("msg");
  CHECK(msg.rfind("The conditional check 'nosuchvar.field == 1' failed. The error was: ", 0) == 0);
  CHECK(msg.find("line 5, column 7") != std::string::npos);
}

TEST_CASE("register keeps the result for later tasks, and arguments are templated with it") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - ok: {word: hello}
      register: first
    - ok: {said: "{{ first.args.word }} again"}
)");
  auto reqs = h.requests("web1");
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[1].get("args").get_string("said") == "hello again");
}

TEST_CASE("a loop runs once per item with loop_var, index_var and label, and aggregates the results") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - name: each
      ok: {value: "{{ fruit }}-{{ idx }}"}
      loop: [apple, pear, plum]
      loop_control: {loop_var: fruit, index_var: idx, label: "L{{ idx }}"}
      when: fruit != 'pear'
      register: out
    - ok: {seen: "{{ out.results | map(attribute='skipped', default=false) | list }}"}
)");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [each]", "item ok: [web1] (L0)", "item skipped: [web1] (L1)",
                            "item ok: [web1] (L2)", "ok: [web1]", "TASK [ok]", "ok: [web1]"});
  auto reqs = h.requests("web1");
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].get("args").get_string("value") == "apple-0");
  CHECK(reqs[1].get("args").get_string("value") == "plum-2");
  CHECK(reqs[2].get("args").get("seen") == Value::list({false, true, false}));
  const Value& agg = h.results()[0].result;
  CHECK(agg.get_string("msg") == "All items completed");
  CHECK(agg.get("results").as_list().size() == 3);
}

// Regression: previtem and nextitem were null at the ends, where Ansible leaves them undefined.
TEST_CASE("loop_control.extended gives ansible_loop as Ansible does: no previtem on the first item, no nextitem on the last") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - ok: {v: "{{ ansible_loop.previtem is undefined }} {{ ansible_loop.nextitem | default('-') }} {{ ansible_loop.allitems | default('-') }}"}
      loop: [a, b]
      loop_control: {extended: true}
    - ok: {v: "{{ ansible_loop.allitems | default('none') }} {{ ansible_loop.index }}"}
      loop: [a]
      loop_control: {extended: true, extended_allitems: false}
)");
  auto reqs = h.requests("web1");
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].get("args").get_string("v") == "True b ['a', 'b']");
  CHECK(reqs[1].get("args").get_string("v") == "False - ['a', 'b']");
  CHECK(reqs[2].get("args").get_string("v") == "none 1");
}

TEST_CASE("loop_var and index_var may be templates, and an extended item's result carries ansible_loop") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  vars: {name: fruit}
  tasks:
    - ok: {v: "{{ fruit }}{{ n }}"}
      loop: [a]
      loop_control: {loop_var: "{{ name }}", index_var: "{{ 'n' }}", extended: true}
      register: r
    - ok: {v: "{{ r.results[0].ansible_loop_var }} {{ r.results[0].ansible_loop.index }}"}
)");
  auto reqs = h.requests("web1");
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].get("args").get_string("v") == "a0");
  CHECK(reqs[1].get("args").get_string("v") == "fruit 1");
}

TEST_CASE("with_items flattens one level through the items lookup") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - ok: {v: "{{ item }}"}
      with_items: [[a, b], c]
)");
  auto reqs = h.requests("web1");
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[2].get("args").get_string("v") == "c");
}

TEST_CASE("a loop over an undefined variable under a false when is skipped, as Ansible evaluates when before failing") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - name: skipped
      ok: {v: "{{ item }}"}
      with_items: ["{{ baz }}"]
      when: false
    - name: fails
      ok: {v: "{{ item }}"}
      loop: "{{ baz }}"
      when: true
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [skipped]", "skipped: [web1]", "TASK [fails]", "failed: [web1]"});
  CHECK(h.requests("web1").empty());
  std::string msg = h.last_result("web1").result.get_string("msg");
  CHECK(msg.rfind("Error while resolving the loop. The error was: 'baz' is undefined", 0) == 0);
}

TEST_CASE("an empty loop skips the task without evaluating when, with Ansible's skipped_reason") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - name: empty
      ok: {v: "{{ item }}"}
      loop: []
      when: undefined_var
)");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [empty]", "skipped: [web1]"});
  const Value& r = h.last_result("web1").result;
  CHECK(r.get_string("skipped_reason") == "No items in the list");
  CHECK(r.get("results") == Value(List{}));
}

TEST_CASE("a lookup's error in with_* is the task's message as the lookup wrote it") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - ok: {v: "{{ item }}"}
      with_together: []
)") == ExitCode::host_failed);
  CHECK(h.last_result("web1").result.get_string("msg") == "with_together requires at least one element in each list");
}

TEST_CASE("a failing item fails the looped task, and the later items still run") {
  ExecHarness h;
  h.host("web1").respond = [](const std::string&, const Value& req) {
    bool bad = req.get("args").get_string("v") == "b";
    return Value(Map{{"changed", false}, {"failed", bad}});
  };
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - name: mixed
      ok: {v: "{{ item }}"}
      loop: [a, b, c]
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [mixed]", "item ok: [web1] (a)", "item failed: [web1] (b)",
                            "item ok: [web1] (c)", "failed: [web1]"});
  CHECK(h.last_result("web1").result.get_string("msg") == "One or more items failed");
}

TEST_CASE("until retries the task until the condition holds and records the attempts") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - count:
      register: c
      until: c.count >= 3
      retries: 5
      delay: 0
)");
  CHECK(h.requests("web1").size() == 3);
  CHECK(h.last_result("web1").status == output::Status::ok);
  CHECK(h.last_result("web1").result.get("attempts") == Value(3));
}

TEST_CASE("until that never holds fails after retries + 1 attempts and reports attempts = retries, as Ansible") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - count:
      register: c
      until: c.count > 100
      retries: "{{ 2 }}"
      delay: 0
)") == ExitCode::host_failed);
  CHECK(h.requests("web1").size() == 3);
  CHECK(h.last_result("web1").result.get("attempts") == Value(2));
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [count]", "FAILED - RETRYING: [web1]: count (2 retries left).",
                            "FAILED - RETRYING: [web1]: count (1 retries left).", "failed: [web1]"});
}

TEST_CASE("until: each failed attempt with attempts left is announced before the result, with the task's templated name") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  vars: {what: counter}
  tasks:
    - name: wait for {{ what }}
      count:
      register: c
      until: c.count >= 3
      retries: 5
      delay: 0
)");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [wait for counter]",
                            "FAILED - RETRYING: [web1]: wait for counter (5 retries left).",
                            "FAILED - RETRYING: [web1]: wait for counter (4 retries left).", "ok: [web1]"});
  CHECK(h.last_result("web1").result.get("attempts") == Value(3));
  CHECK(h.last_result("web1").result.find("retries") == nullptr);
}

TEST_CASE("until with retries 0 makes one attempt and does not evaluate until, as Ansible") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - count:
      register: c
      until: c.count > 100
      retries: 0
      delay: 0
)") == ExitCode::ok);
  CHECK(h.requests("web1").size() == 1);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [count]", "ok: [web1]"});
  CHECK(h.last_result("web1").result.get("attempts") == Value(1));
}

TEST_CASE("until in a loop: an item's retries come before that item's result") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - count:
      register: c
      until: c.count % 2 == 0
      retries: 3
      delay: 0
      loop: [a, b]
)");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [count]", "FAILED - RETRYING: [web1]: count (3 retries left).",
                            "item ok: [web1] (a)", "FAILED - RETRYING: [web1]: count (3 retries left).",
                            "item ok: [web1] (b)", "ok: [web1]"});
}

TEST_CASE("changed_when and failed_when see the registered result") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - name: quiet
      change:
      register: r
      changed_when: false
    - name: strict
      ok: {x: 1}
      register: r2
      failed_when: r2.args.x == 1
      ignore_errors: "{{ 'yes' }}"
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [quiet]", "ok: [web1]", "TASK [strict]", "failed: [web1] (ignored)"});
  CHECK(h.last_result("web1").result.get("failed_when_result") == Value(true));
  CHECK(h.recap("web1") == "ok=2 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=1");
}

// Regression: a result without `failed` was registered without it, a non-zero rc did not fail,
// and a changed_when that could not be evaluated replaced the module's result with its error.
TEST_CASE("results get Ansible's failed (from rc when missing), and a broken condition keeps the result with its error") {
  ExecHarness h;
  h.host("web1").respond = [](const std::string&, const Value& req) {
    Value r(Map{{"changed", true}, {"stdout", "out"}});
    if (const Value* rc = req.get("args").find("rc")) r.mutable_map().set("rc", *rc);
    return r;
  };
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - name: zero
      ok: {rc: 0}
      register: r0
    - name: one
      ok: {rc: 1}
      ignore_errors: true
      register: r1
    - name: broken
      ok: {rc: 0}
      changed_when: boomboomboom
      ignore_errors: true
    - name: forgiven
      ok: {rc: 1}
      failed_when: false
    - name: seen
      ok: {seen: "{{ [r0.failed, r1.failed] }}"}
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [zero]", "changed: [web1]", "TASK [one]", "failed: [web1] (ignored)",
                            "TASK [broken]", "failed: [web1] (ignored)", "TASK [forgiven]", "changed: [web1]",
                            "TASK [seen]", "changed: [web1]"});
  const auto& results = h.results();
  CHECK(h.requests("web1").back().get("args").get("seen") == Value::list({false, true}));
  CHECK(results[2].result.get_string("stdout") == "out");
  CHECK(results[2].result.get_string("changed_when_result") ==
        "The conditional check 'boomboomboom' failed. The error was: 'boomboomboom' is undefined");
  CHECK(results[3].result.get("failed_when_result") == Value(false));
}

TEST_CASE("failed_when sees attempts under until, and a skipped item is not overridden") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - name: retried
      count:
      register: c
      until: c.count >= 2
      retries: 3
      delay: 0.001
      failed_when: c.attempts != c.count
    - name: skips
      ok: {}
      loop: [1]
      when: false
      failed_when: true
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [retried]", "FAILED - RETRYING: [web1]: retried (3 retries left).",
                            "ok: [web1]", "TASK [skips]", "item skipped: [web1] (1)", "skipped: [web1]"});
}

TEST_CASE("loop_control.pause waits between items and takes a float") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - ok: {}
      loop: [1, 2]
      loop_control: {pause: 0.01}
    - ok: {}
      loop: [1, 2]
      loop_control: {pause: soon}
)") == ExitCode::host_failed);
  CHECK(h.requests("web1").size() == 2);
  CHECK(h.last_result("web1").result.get_string("msg").find("the field 'pause' has an invalid value (soon)") !=
        std::string::npos);
}

// Regression: variable names came out sorted; Ansible's are in its merged dict's order (a
// name's first appearance, lowest precedence first), which varnames returns.
TEST_CASE("varnames lists variables in the order they were set, as Ansible's dict keeps them") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  vars: {qb_play: 1}
  tasks:
    - set_fact: {qz_1: a, qz_2: b, qa_1: c}
    - ok: {v: "{{ lookup('varnames', '^q.*_\\d') }} {{ lookup('varnames', '^q') }}"}
)");
  auto reqs = h.requests("web1");
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].get("args").get_string("v") == "qz_1,qz_2,qa_1 qb_play,qz_1,qz_2,qa_1");
}

// Regression: a registered result was templated again when read, so a command's output holding
// "{{" broke every later use of the variable.
TEST_CASE("a registered result is data: template text in it is never rendered again") {
  ExecHarness h;
  h.host("web1").respond = [](const std::string&, const Value&) {
    return Value(Map{{"changed", false}, {"stdout", "{{ foo }}"}, {"cmd", Value::list({"echo", "{{"})}});
  };
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - ok: {}
      register: r
      failed_when: r.cmd[1] != '{' ~ '{'
    - ok: {v: "{{ r.stdout }}"}
)") == ExitCode::ok);
  auto reqs = h.requests("web1");
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[1].get("args").get_string("v") == "{{ foo }}");
}

TEST_CASE("ansible_host is the inventory name when nothing sets it, and ansible_search_path is the task's search path") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - ok: {v: "{{ ansible_host }} {{ lookup('vars', 'ansible_host') }}", p: "{{ ansible_search_path }}"}
    - ok: {v: "{{ ansible_host }}"}
      vars: {ansible_host: 10.0.0.1}
)");
  auto reqs = h.requests("web1");
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].get("args").get_string("v") == "web1 web1");
  CHECK(reqs[0].get("args").get("p").is_list());
  CHECK(reqs[1].get("args").get_string("v") == "10.0.0.1");
}

TEST_CASE("a failed host leaves the play; the others go on; exit code 2") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - boom:
      when: inventory_hostname == 'web1'
    - name: after
      ok:
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [boom]", "failed: [web1]", "skipped: [web2]", "TASK [after]",
                            "ok: [web2]"});
  CHECK(h.recap("web1") == "ok=0 changed=0 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0");
}

TEST_CASE("block: rescue runs for the hosts that failed, always for every host, and the failure counts as rescued") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - block:
        - name: risky
          boom:
          when: inventory_hostname == 'web1'
        - name: after risky
          ok:
      rescue:
        - name: recover
          ok: {failed_task: "{{ ansible_failed_task.name }}", why: "{{ ansible_failed_result.msg }}"}
      always:
        - name: cleanup
          ok:
    - name: next
      ok:
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [risky]", "failed: [web1] (rescued)", "skipped: [web2]",
                            "TASK [after risky]", "ok: [web2]", "TASK [recover]", "ok: [web1]",
                            "TASK [cleanup]", "ok: [web1]", "ok: [web2]", "TASK [next]", "ok: [web1]",
                            "ok: [web2]"});
  auto reqs = h.requests("web1");
  REQUIRE(reqs.size() == 4);  // risky, recover, cleanup, next
  CHECK(reqs[1].get("args").get_string("failed_task") == "risky");
  CHECK(reqs[1].get("args").get_string("why") == "boom");
  CHECK(h.recap("web1") == "ok=3 changed=0 unreachable=0 failed=0 skipped=0 rescued=1 ignored=0");
}

TEST_CASE("a block without rescue: always runs, then the host stays failed") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - block:
        - boom:
      always:
        - name: cleanup
          ok:
    - name: never reached
      ok:
)") == ExitCode::host_failed);
  // ansible-playbook 2.14 says "NO MORE HOSTS LEFT" only when a failure limit ends the play
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [boom]", "failed: [web1]", "TASK [cleanup]", "ok: [web1]"});
}

TEST_CASE("a block's when and vars apply to each of its tasks") {
  ExecHarness h;
  h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - block:
        - ok: {v: "{{ greeting }}"}
      vars: {greeting: hi}
      when: inventory_hostname == 'web2'
)");
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [ok]", "skipped: [web1]", "ok: [web2]"});
  CHECK(h.requests("web2")[0].get("args").get_string("v") == "hi");
}

TEST_CASE("handlers run once at the end of the section, in definition order, only where notified by a change") {
  ExecHarness h;
  h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - name: maybe change
      change:
      when: inventory_hostname == 'web1'
      notify: [second, first]
    - name: unchanged
      ok:
      notify: first
    - name: again
      change:
      notify: second
  handlers:
    - name: first
      ok:
    - name: second
      ok:
)");
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [maybe change]", "changed: [web1]", "skipped: [web2]",
                            "TASK [unchanged]", "ok: [web1]", "ok: [web2]", "TASK [again]", "changed: [web1]",
                            "changed: [web2]", "HANDLER [first]", "ok: [web1]", "HANDLER [second]",
                            "ok: [web1]", "ok: [web2]"});
}

TEST_CASE("handlers answer to listen topics, and meta: flush_handlers runs them at once") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - change:
      notify: restart things
    - meta: flush_handlers
    - name: after flush
      ok:
  handlers:
    - name: restart app
      ok:
      listen: restart things
)");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [change]", "changed: [web1]", "TASK [meta]",
                            "HANDLER [restart app]", "ok: [web1]", "TASK [after flush]", "ok: [web1]"});
  CHECK(h.recap("web1") == "ok=3 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0");
}

TEST_CASE("--tags selects tagged tasks, always runs unless skipped, never runs only when asked") {
  ExecHarness h;
  h.options().tags = {"deploy"};
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - {name: untagged, ok: }
    - {name: deploy, ok: , tags: deploy}
    - {name: always, ok: , tags: always}
    - {name: never, ok: , tags: [never, debug]}
    - block:
        - {name: inner, ok: }
      tags: deploy
)");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [deploy]", "ok: [web1]", "TASK [always]", "ok: [web1]",
                            "TASK [inner]", "ok: [web1]"});
}

TEST_CASE("--skip-tags removes tagged tasks and wins over --tags") {
  ExecHarness h;
  h.options().skip_tags = {"slow"};
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - {name: fast, ok: }
    - {name: slow, ok: , tags: [slow, always]}
)");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [fast]", "ok: [web1]"});
}

TEST_CASE("an unreachable host is counted and reported with exit code 4; the others go on") {
  ExecHarness h;
  h.host("web2").down = true;
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - {name: one, ok: }
    - {name: two, ok: }
)") == ExitCode::host_unreachable);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [one]", "ok: [web1]", "unreachable: [web2]", "TASK [two]",
                            "ok: [web1]"});
  CHECK(h.recap("web2") == "ok=0 changed=0 unreachable=1 failed=0 skipped=0 rescued=0 ignored=0");
}

TEST_CASE("ignore_unreachable keeps the host in the play and counts it as ignored") {
  ExecHarness h;
  h.host("web1").down = true;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - {name: one, ok: , ignore_unreachable: true}
    - {name: two, ok: , ignore_unreachable: yes}
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [one]", "unreachable: [web1] (ignored)", "TASK [two]",
                            "unreachable: [web1] (ignored)"});
  CHECK(h.recap("web1") == "ok=2 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=2");
}

TEST_CASE("delegate_to runs the module on the delegate and labels the result 'host -> delegate'") {
  ExecHarness h;
  h.inventory().set_host_var("db1", "ansible_host", Value("10.0.0.9"));
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - name: on the database
      ok: {from: "{{ inventory_hostname }}"}
      delegate_to: "{{ groups['db'][0] }}"
      register: r
    - ok: {registered_has_delegated_vars: "{{ r._ansible_delegated_vars is defined }}"}
)");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [on the database]", "ok: [web1 -> db1(10.0.0.9)]", "TASK [ok]",
                            "ok: [web1]"});
  auto on_db = h.requests("db1");
  REQUIRE(on_db.size() == 1);
  CHECK(on_db[0].get("args").get_string("from") == "web1");
  REQUIRE(h.requests("web1").size() == 1);
  CHECK(h.requests("web1")[0].get("args").get("registered_has_delegated_vars") == Value(false));
  CHECK(h.results()[0].delegated);
  CHECK(h.results()[0].delegate_host == "db1");
}

TEST_CASE("run_once runs on the first host only and its result stands for the others") {
  ExecHarness h;
  h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - change:
      run_once: "{{ true }}"
      register: once
    - ok: {v: "{{ once.changed }}"}
)");
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [change]", "changed: [web1]", "TASK [ok]", "ok: [web1]",
                            "ok: [web2]"});
  CHECK(h.requests("web2")[0].get("args").get("v") == Value(true));
}

TEST_CASE("meta: end_host stops one host, end_play every host") {
  ExecHarness h;
  h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - meta: end_host
      when: inventory_hostname == 'web1'
    - {name: still here, ok: }
    - meta: end_play
    - {name: not reached, ok: }
)");
  // one banner per host a per-host meta runs for; a false `when` shows "skipping" without counting
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [meta]", "TASK [meta]", "skipped: [web2]", "TASK [still here]",
                            "ok: [web2]", "TASK [meta]"});
  CHECK(h.recap("web2") == "ok=1 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0");
}

TEST_CASE("set_fact values are host variables for the following tasks") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - set_fact: {color: blue}
    - ok: {c: "{{ color }}"}
)");
  CHECK(h.requests("web1")[0].get("args").get_string("c") == "blue");
}

TEST_CASE("the diff keyword is templated once per host and the module and the callback get the same value") {
  ExecHarness h;
  h.inventory().set_host_var("web2", "show", Value("yes"));
  h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - ok:
      diff: "{{ show | default(false) }}"
)");
  CHECK(h.requests("web1")[0].get("diff") == Value(false));
  CHECK(h.requests("web2")[0].get("diff") == Value(true));
  for (const auto& r : h.results()) CHECK(r.task.diff == (r.host == "web2"));
}

TEST_CASE("check_mode: a keyword overrides --check for the module") {
  ExecHarness h;
  h.options().check = true;
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - ok:
    - ok:
      check_mode: no
)");
  auto reqs = h.requests("web1");
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].get("check") == Value(true));
  CHECK(reqs[1].get("check") == Value(false));
}

TEST_CASE("a keyword that is not a boolean fails the task with Ansible's message") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - ok:
      become: "{{ 'maybe' }}"
)") == ExitCode::host_failed);
  const std::string msg = h.last_result("web1").result.get_string("msg");
  CHECK(msg.find("the field 'become' has an invalid value (maybe), and could not be converted to an bool. "
                 "The error was: The value 'maybe' is not a valid boolean.") != std::string::npos);
}

TEST_CASE("a failure in one play keeps the host out of later plays") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - boom:
      when: inventory_hostname == 'web2'
- hosts: web
  gather_facts: false
  tasks:
    - {name: second play, ok: }
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [boom]", "skipped: [web1]", "failed: [web2]", "PLAY [web]",
                            "TASK [second play]", "ok: [web1]"});
}

namespace {

// The command each runner of a host was started with ("spawn: exec sudo ... --serve").
std::vector<std::string> runner_starts(ExecHarness& h, const std::string& host) {
  std::vector<std::string> out;
  for (const auto& c : h.host(host).commands)
    if (c.rfind("spawn: ", 0) == 0) out.push_back(c.substr(7));
  return out;
}

}  // namespace

TEST_CASE("a block's become, check_mode and ignore_errors apply to its tasks unless they set their own") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - block:
        - ok:
        - ok:
          check_mode: false
        - boom:
      become: true
      become_user: app
      check_mode: true
      ignore_errors: true
)") == ExitCode::ok);
  auto reqs = h.requests("web1");
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].get("check") == Value(true));
  CHECK(reqs[1].get("check") == Value(false));
  auto starts = runner_starts(h, "web1");
  REQUIRE(starts.size() == 1);
  CHECK_MESSAGE(starts[0].find("sudo -H -S -n -u 'app' ") != std::string::npos, starts[0]);
  CHECK(h.recap("web1") == "ok=3 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=1");
}

TEST_CASE("ansible_become* variables outrank the become keywords, as in Ansible") {
  ExecHarness h;
  h.inventory().set_host_var("web1", "ansible_become", Value(true));
  h.inventory().set_host_var("web1", "ansible_become_user", Value("postgres"));
  h.inventory().set_host_var("web1", "ansible_become_flags", Value("-H -n -E"));
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - ok:
      become: false
      become_user: nobody
)");
  auto starts = runner_starts(h, "web1");
  REQUIRE(starts.size() == 1);
  CHECK(starts[0].find("sudo -H -n -E -u 'postgres' ") != std::string::npos);
}

TEST_CASE("become_flags replaces the method's default flags") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  become: true
  become_flags: "-H -n -i"
  tasks:
    - ok:
)");
  auto starts = runner_starts(h, "web1");
  REQUIRE(starts.size() == 1);
  CHECK(starts[0].find("sudo -H -n -i -u 'root' ") != std::string::npos);
}

TEST_CASE("add_host runs once, adds the host to its groups with its vars, and later plays target it") {
  ExecHarness h;
  h.host("new1");
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - add_host: {name: "new1:2222", groups: "fresh, more", color: blue}
    - add_host: {name: new1, groups: fresh}
    - ok: {g: "{{ groups['fresh'] }}"}
- hosts: fresh
  gather_facts: false
  tasks:
    - ok: {c: "{{ color }}", port: "{{ ansible_ssh_port }}", groups: "{{ group_names }}"}
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [add_host]", "changed: [web1]", "TASK [add_host]", "ok: [web1]",
                            "TASK [ok]", "ok: [web1]", "ok: [web2]", "PLAY [fresh]", "TASK [ok]", "ok: [new1]"});
  CHECK(h.requests("web2")[0].get("args").get("g") == Value::list({"new1"}));
  auto reqs = h.requests("new1");
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].get("args").get_string("c") == "blue");
  CHECK(reqs[0].get("args").get("port") == Value(2222));
  CHECK(reqs[0].get("args").get("groups") == Value::list({"fresh", "more"}));
}

TEST_CASE("add_host takes its arguments from a templated mapping; the registered result says changed") {
  ExecHarness h;
  h.run(R"(
- hosts: web1
  gather_facts: false
  vars:
    spec: {hostname: new2, group: g1, color: red}
  tasks:
    - add_host: "{{ spec }}"
      register: first
    - add_host: "{{ spec }}"
      register: again
    - add_host: justaword
      ignore_errors: true
    - ok: {first: "{{ first is changed }}", again: "{{ again is changed }}", color: "{{ hostvars['new2'].color }}",
           group_var: "{{ hostvars['new2'].group }}", groups: "{{ hostvars['new2'].group_names }}"}
)");
  // `group` is not one of add_host's group arguments in Ansible: it stays a host variable
  CHECK(dump_json(h.requests("web1").back().get("args")) ==
        R"({"first": true, "again": false, "color": "red", "group_var": "g1", "groups": ["g1"]})");
  CHECK(h.results()[2].result.get_string("msg") ==
        "Invalid raw parameters passed, requires a dictonary/mapping got a  <class 'str'>");
}

TEST_CASE("group_by puts each host in the group its key names, under the given parents") {
  ExecHarness h;
  h.inventory().set_host_var("web2", "tier", Value("back end"));
  h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - group_by: {key: "tier_{{ tier | default('front') }}", parents: [tiers]}
    - group_by: {key: "tier_{{ tier | default('front') }}", parents: [tiers]}
    - ok: {names: "{{ group_names }}", members: "{{ groups['tiers'] | default([]) }}"}
- hosts: tier_back-end
  gather_facts: false
  tasks:
    - {name: back only, ok: }
)");
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [group_by]", "changed: [web1]", "changed: [web2]",
                            "TASK [group_by]", "ok: [web1]", "ok: [web2]", "TASK [ok]", "ok: [web1]", "ok: [web2]",
                            "PLAY [tier_back-end]", "TASK [back only]", "ok: [web2]"});
  CHECK(h.requests("web2")[0].get("args").get("names") == Value::list({"tier_back-end", "tiers", "web"}));
}

TEST_CASE("a task's search path is its roles, the folder of its file, then the play's (Ansible's get_search_path)") {
  auto role = std::make_shared<playbook::Role>();
  role->path = "/p/roles/web";
  playbook::Task task;
  task.role = role;
  task.where.file = "/p/roles/web/tasks/main.yml";
  task.where.line = 1;
  task.where.column = 1;
  exec::PlayContext play;
  play.search_paths = {"/p"};
  CHECK(exec::task_search_paths(task, play) == std::vector<std::string>{"/p/roles/web", "/p/roles/web/tasks", "/p"});
  task.role = nullptr;
  task.where.file = "/p/site.yml";
  CHECK(exec::task_search_paths(task, play) == std::vector<std::string>{"/p"});
}

TEST_CASE("changed_when on add_host and group_by is evaluated after the inventory changed, per loop item") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - group_by: {key: "cw_{{ inventory_hostname }}"}
      register: plain
    - group_by: {key: "cw2_{{ inventory_hostname }}"}
      changed_when: false
      register: quiet
    - add_host: {name: "host_{{ item }}"}
      loop: [1, 2]
      changed_when: item == 2
      register: loop_res
    - add_host: {name: host_3}
      changed_when: again is changed
      register: again
    - ok: {v: "{{ plain is changed }} {{ quiet is changed }} {{ loop_res.results | map(attribute='changed') | list }} {{ loop_res is changed }} {{ again is changed }}"}
)") == ExitCode::ok);
  CHECK(h.last_result("web1").result.get("args").get_string("v") == "True False [False, True] True True");
}

TEST_CASE("a loop whose failed item says changed is changed, as Ansible aggregates it (an ignored failure counts it)") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - change:
      loop: [a]
      failed_when: true
      ignore_errors: true
)") == ExitCode::ok);
  CHECK(h.last_result("web1").result.get("changed") == Value(true));
  CHECK(h.recap("web1") == "ok=1 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=1");
}
