// meta: clear_host_errors, reset_connection and refresh_inventory (Ansible's
// StrategyBase._execute_meta), and the metas that ignore `when`, against fake hosts. Expected
// sequences are ansible-playbook 2.14's for the same plays.
#include <doctest/doctest.h>

#include "tests/unit/exec/exec_harness.hpp"

using namespace drover;
using drover::testing::ExecHarness;
using Lines = std::vector<std::string>;

TEST_CASE("clear_host_errors: a failed host sits out the rest of the play, runs the next one, and the run exits 0") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - boom:
      when: inventory_hostname == 'web1'
    - ok: {hosts: "{{ ansible_play_hosts }}"}
    - meta: clear_host_errors
    - ok: {hosts: "{{ ansible_play_hosts }}"}
- hosts: web
  gather_facts: false
  tasks:
    - ok: {second: true}
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [boom]", "failed: [web1]", "skipped: [web2]", "TASK [ok]", "ok: [web2]",
                            "TASK [meta]", "TASK [ok]", "ok: [web2]", "PLAY [web]", "TASK [ok]", "ok: [web1]",
                            "ok: [web2]"});
  CHECK(h.requests("web2")[1].get("args").get("hosts") == Value(List{Value("web2")}));
  CHECK(h.recap("web1") == "ok=1 changed=0 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0");
}

TEST_CASE("without clear_host_errors the failed host stays out of later plays and the run exits 2") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - boom:
      when: inventory_hostname == 'web1'
- hosts: web
  gather_facts: false
  tasks:
    - ok:
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [boom]", "failed: [web1]", "skipped: [web2]", "PLAY [web]", "TASK [ok]",
                            "ok: [web2]"});
}

TEST_CASE("clear_host_errors with a false when is skipped on the first host and clears nothing") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - boom:
      when: inventory_hostname == 'web1'
    - meta: clear_host_errors
      when: false
- hosts: web
  gather_facts: false
  tasks:
    - ok:
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [boom]", "failed: [web1]", "skipped: [web2]", "TASK [meta]",
                            "skipped: [web2]", "PLAY [web]", "TASK [ok]", "ok: [web2]"});
}

TEST_CASE("reset_connection closes each host's connection and runners; the next task connects again") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - ok:
    - meta: reset_connection
    - ok:
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [ok]", "ok: [web1]", "ok: [web2]", "TASK [meta]", "TASK [meta]",
                            "TASK [ok]", "ok: [web1]", "ok: [web2]"});
  CHECK(h.host("web1").connects == 2);
  CHECK(h.host("web2").connects == 2);
  // the first runner was told to exit before the second one started
  std::size_t exits = 0;
  for (const auto& line : h.host("web1").requests)
    if (parse_json(line, "request").get_string("op") == "exit") ++exits;
  CHECK(exits >= 1);
}

TEST_CASE("noop, reset_connection and refresh_inventory ignore `when`, with Ansible's warning once") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - ok:
    - meta: reset_connection
      when: false
    - meta: noop
      when: false
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [ok]", "ok: [web1]", "ok: [web2]", "TASK [meta]",
                            "WARNING: reset_connection task does not support when conditional", "TASK [meta]",
                            "TASK [meta]", "WARNING: noop task does not support when conditional", "TASK [meta]"});
  CHECK(h.host("web1").connects == 1);  // reset; no later task connected again
}

TEST_CASE("refresh_inventory reads the sources again; hosts add_host made stay, new ones join later plays") {
  ExecHarness h;
  h.host("db2");
  h.set_load_inventory([] {
    inventory::Inventory fresh;
    for (const auto& [name, group] : {std::pair{"web1", "web"}, {"web2", "web"}, {"db1", "db"}, {"db2", "db"}})
      fresh.add_host(name, group);
    fresh.set_host_var("db1", "refreshed", Value(true));
    fresh.reconcile();
    return fresh;
  });
  h.host("extra");
  CHECK(h.run(R"(
- hosts: db1
  gather_facts: false
  tasks:
    - add_host: {name: extra, groups: db}
    - meta: refresh_inventory
    - ok: {groups: "{{ groups['db'] }}", refreshed: "{{ refreshed | default(false) }}"}
- hosts: db
  gather_facts: false
  tasks:
    - ok:
)") == ExitCode::ok);
  const Value args = h.requests("db1")[0].get("args");
  CHECK(args.get("groups") == Value(List{Value("db1"), Value("db2"), Value("extra")}));
  CHECK(args.get("refreshed") == Value(true));
  CHECK(h.events() == Lines{"PLAY [db1]", "TASK [add_host]", "changed: [db1]", "TASK [meta]", "TASK [ok]", "ok: [db1]",
                            "PLAY [db]", "TASK [ok]", "ok: [db1]", "ok: [db2]", "ok: [extra]"});
}
