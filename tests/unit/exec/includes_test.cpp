// Roles and includes through the real strategy and task executor: the order Ansible runs them in,
// the banners it prints, the variables each task sees, and what include_tasks announces.
#include <doctest/doctest.h>

#include "tests/unit/exec/exec_harness.hpp"

using namespace drover;
using drover::testing::ExecHarness;
using Lines = std::vector<std::string>;

namespace {

// A role `app` with defaults, vars, a handler, and a dependency `base` that gets a parameter.
void write_app_role(ExecHarness& h) {
  h.write_file("roles/base/tasks/main.yml", "- name: base task\n  ok: {word: \"{{ base_word }}\"}\n");
  h.write_file("roles/base/defaults/main.yml", "base_word: base default\n");
  h.write_file("roles/app/meta/main.yml", "dependencies:\n  - role: base\n    base_word: from app's meta\n");
  h.write_file("roles/app/defaults/main.yml", "port: 80\nowner: default\nlevel: role default\n");
  h.write_file("roles/app/vars/main.yml", "owner: role vars\n");
  h.write_file("roles/app/tasks/main.yml",
               "- name: configure\n  change: {port: \"{{ port }}\", owner: \"{{ owner }}\", level: \"{{ level }}\"}\n"
               "  notify: restart app\n");
  h.write_file("roles/app/handlers/main.yml", "- name: restart app\n  ok:\n");
}

}  // namespace

TEST_CASE("play roles run after pre_tasks and their handlers, before tasks, dependencies first") {
  ExecHarness h;
  write_app_role(h);
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  pre_tasks:
    - name: pre
      change:
      notify: pre handler
  roles:
    - app
  tasks:
    - name: play task
      ok:
  handlers:
    - name: pre handler
      ok:
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [pre]", "changed: [web1]", "HANDLER [pre handler]", "ok: [web1]",
                            "TASK [base : base task]", "ok: [web1]", "TASK [app : configure]", "changed: [web1]",
                            "TASK [play task]", "ok: [web1]", "HANDLER [app : restart app]", "ok: [web1]"});
}

TEST_CASE("role variables follow Ansible's precedence: defaults < play vars < role vars < role params") {
  ExecHarness h;
  write_app_role(h);
  h.run(R"(
- hosts: web1
  gather_facts: false
  vars:
    port: 8080
    owner: play vars
  roles:
    - role: app
      level: role param
)");
  auto reqs = h.requests("web1");
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].get("args").get_string("word") == "from app's meta");
  const Value args = reqs[1].get("args");
  CHECK(args.get("port") == Value(8080));          // play vars beat role defaults
  CHECK(args.get_string("owner") == "role vars");  // role vars beat play vars
  CHECK(args.get_string("level") == "role param");
}

TEST_CASE("role magic variables name the role, its folder and the play's roles") {
  ExecHarness h;
  h.write_file("roles/one/tasks/main.yml",
               "- ok: {name: \"{{ role_name }}\", path: \"{{ role_path | basename }}\", names: \"{{ role_names | join(',') }}\"}\n");
  h.write_file("roles/two/tasks/main.yml", "- ok:\n");
  h.run(R"(
- hosts: web1
  gather_facts: false
  roles: [one, two]
  tasks:
    - ok: {all: "{{ ansible_role_names | join(',') }}", play: "{{ ansible_play_role_names | join(',') }}"}
)");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [one : ok]", "ok: [web1]", "TASK [two : ok]", "ok: [web1]",
                            "TASK [ok]", "ok: [web1]"});
  auto reqs = h.requests("web1");
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].get("args").get_string("name") == "one");
  CHECK(reqs[0].get("args").get_string("path") == "one");
  CHECK(reqs[0].get("args").get_string("names") == "one,two");
  CHECK(reqs[2].get("args").get_string("all") == "one,two");
  CHECK(reqs[2].get("args").get_string("play") == "one,two");
}

TEST_CASE("a role used twice with the same parameters runs once; other parameters run it again") {
  ExecHarness h;
  h.write_file("roles/r/tasks/main.yml", "- name: t\n  ok: {x: \"{{ x | default('none') }}\"}\n");
  h.run(R"(
- hosts: web1
  gather_facts: false
  roles:
    - r
    - r
    - {role: r, x: 1}
)");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [r : t]", "ok: [web1]", "TASK [r : t]", "ok: [web1]"});
}

TEST_CASE("import_tasks copies its when, tags and vars onto each imported task") {
  ExecHarness h;
  h.write_file("tasks/more.yml", "- name: one\n  ok: {w: \"{{ word }}\"}\n- name: two\n  ok:\n");
  h.options().tags = {"more"};
  h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - import_tasks: tasks/more.yml
      when: inventory_hostname == 'web1'
      tags: more
      vars:
        word: imported
    - name: untagged
      ok:
)");
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [one]", "ok: [web1]", "skipped: [web2]", "TASK [two]", "ok: [web1]",
                            "skipped: [web2]"});
  CHECK(h.requests("web1")[0].get("args").get_string("w") == "imported");
}

TEST_CASE("include_tasks in a loop announces each item's file for the hosts, then runs them in order") {
  ExecHarness h;
  h.write_file("tasks/item.yml", "- name: item task\n  ok: {value: \"{{ fruit }}\"}\n");
  h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - name: each
      include_tasks: tasks/item.yml
      loop: [apple, pear]
      loop_control:
        loop_var: fruit
)");
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [each]", "included: item.yml for web1, web2 (item=apple)",
                            "included: item.yml for web1, web2 (item=pear)", "TASK [item task]", "ok: [web1]",
                            "ok: [web2]", "TASK [item task]", "ok: [web1]", "ok: [web2]"});
  auto reqs = h.requests("web2");
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].get("args").get_string("value") == "apple");
  CHECK(reqs[1].get("args").get_string("value") == "pear");
  // each inclusion counts as ok for its hosts, as Ansible counts it when it loads the file
  CHECK(h.recap("web1") == "ok=4 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0");
}

TEST_CASE("include_tasks templates its file per host and runs it only on the hosts whose when holds") {
  ExecHarness h;
  h.write_file("tasks/web1.yml", "- name: for web1\n  ok:\n");
  h.write_file("tasks/web2.yml", "- name: for web2\n  ok:\n");
  h.run(R"(
- hosts: web:db
  gather_facts: false
  tasks:
    - name: per host
      include_tasks: "tasks/{{ inventory_hostname }}.yml"
      when: inventory_hostname != 'db1'
)");
  CHECK(h.events() == Lines{"PLAY [web:db]", "TASK [per host]", "skipped: [db1]", "included: web1.yml for web1",
                            "included: web2.yml for web2", "TASK [for web1]", "ok: [web1]", "TASK [for web2]",
                            "ok: [web2]"});
  CHECK(h.recap("db1") == "ok=0 changed=0 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0");
}

TEST_CASE("an include_tasks file that is missing fails the hosts that include it, with Ansible's reason") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - include_tasks: nosuch.yml
    - name: not reached
      ok:
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [include_tasks]", "failed: [web1]"});
  CHECK(h.last_result("web1").result.get_string("reason") ==
        "Could not find or access '" + (h.dir() / "nosuch.yml").string() + "' on the Ansible Controller.");
}

TEST_CASE("include_role runs tasks_from with the include's vars, and its handlers join the play's") {
  ExecHarness h;
  write_app_role(h);
  h.write_file("roles/app/tasks/other.yml", "- name: other\n  change: {port: \"{{ port }}\"}\n  notify: restart app\n");
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - include_role:
        name: app
        tasks_from: other
      vars:
        port: 9090
)");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [include_role : app]", "TASK [base : base task]", "ok: [web1]",
                            "TASK [app : other]", "changed: [web1]", "HANDLER [app : restart app]", "ok: [web1]"});
  CHECK(h.requests("web1")[1].get("args").get("port") == Value(9090));
}

TEST_CASE("include_tasks inside a role finds its file in the role's tasks folder and keeps the role") {
  ExecHarness h;
  h.write_file("roles/r/tasks/main.yml", "- include_tasks: step.yml\n");
  h.write_file("roles/r/tasks/step.yml", "- name: step\n  ok: {n: \"{{ role_name }}\"}\n");
  h.run("- hosts: web1\n  gather_facts: false\n  roles: [r]\n");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [r : include_tasks]", "included: step.yml for web1",
                            "TASK [r : step]", "ok: [web1]"});
  CHECK(h.requests("web1")[0].get("args").get_string("n") == "r");
}

TEST_CASE("include_role with public: true shows the role's defaults, vars and name to later tasks") {
  ExecHarness h;
  h.write_file("roles/p/defaults/main.yml", "pkg: nginx\n");
  h.write_file("roles/p/vars/main.yml", "p_var: pv\n");
  h.write_file("roles/p/tasks/main.yml", "- name: install {{ pkg }}\n  ok:\n");
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - include_role: {name: p, public: true}
    - name: after
      ok: {seen: "{{ pkg }} {{ p_var }} {{ role_names | join(',') }}"}
)");
  // a role task's banner is templated with the role's variables
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [include_role : p]", "TASK [p : install nginx]", "ok: [web1]",
                            "TASK [after]", "ok: [web1]"});
  CHECK(h.requests("web1")[1].get("args").get_string("seen") == "nginx pv p");
}

TEST_CASE("included tasks' banners are templated with the loop variables of their inclusion") {
  ExecHarness h;
  h.write_file("item.yml", "- name: item {{ item.n }}\n  ok:\n");
  h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - include_tasks: item.yml
      loop: [{n: a}, {n: b}]
      loop_control: {label: "{{ item.n }}"}
)");
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [include_tasks]", "included: item.yml for web1 (item=a)",
                            "included: item.yml for web1 (item=b)", "TASK [item a]", "ok: [web1]", "TASK [item b]",
                            "ok: [web1]"});
}

TEST_CASE("a handler that includes tasks runs them as handlers, for the notified hosts") {
  ExecHarness h;
  h.write_file("handler_tasks.yml", "- name: handler task\n  ok:\n");
  h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - name: notify
      change:
      when: inventory_hostname == 'web2'
      notify: inc handler
  handlers:
    - name: inc handler
      include_tasks: handler_tasks.yml
)");
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [notify]", "skipped: [web1]", "changed: [web2]",
                            "HANDLER [inc handler]", "included: handler_tasks.yml for web2", "HANDLER [handler task]",
                            "ok: [web2]"});
}

TEST_CASE("an included file that does not parse ends the run with its place, as Ansible's parser error does") {
  ExecHarness h;
  h.write_file("bad.yml", "- name: bad\n  nosuchmodule: x\n");
  try {
    h.run("- hosts: web1\n  gather_facts: false\n  tasks:\n    - include_tasks: bad.yml\n");
    FAIL("no error");
  } catch (const SourceError& e) {
    CHECK(e.where().file == (h.dir() / "bad.yml").string());
    CHECK(e.where().line == 2);
    CHECK(e.bare_message() == "couldn't resolve module/action 'nosuchmodule'");
  }
}

TEST_CASE("include_role of a missing role takes its hosts out of the play without a result, and the run fails") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  tasks:
    - include_role: {name: nosuch}
      when: inventory_hostname == 'web1'
    - name: after
      ok:
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [include_role : nosuch]", "skipped: [web2]", "TASK [after]",
                            "ok: [web2]"});
  CHECK(h.recap("web1") == "(not in the recap)");  // as ansible-playbook's recap: no result, no line
}

// The free and host_pinned strategies: each host runs what it included as its own next tasks.

TEST_CASE("include_tasks under the free strategy: each host runs the file it included, with its loop variables") {
  ExecHarness h;
  h.write_file("per_host.yml", "- name: \"in {{ item }}\"\n  ok: {word: \"{{ item }}-{{ inventory_hostname }}\"}\n");
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  strategy: free
  tasks:
    - include_tasks: per_host.yml
      loop: [a, b]
      when: inventory_hostname == 'web1' or item == 'b'
    - name: after
      ok:
)") == ExitCode::ok);
  std::vector<std::string> words;
  for (const char* host : {"web1", "web2"})
    for (const Value& r : h.requests(host))
      words.push_back(r.get("args").get_string("word", "after-" + std::string(host)));
  CHECK(words == std::vector<std::string>{"a-web1", "b-web1", "after-web1", "b-web2", "after-web2"});
  CHECK(h.recap("web1") == "ok=5 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0");
  CHECK(h.recap("web2") == "ok=3 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0");
  // every inclusion is announced before its tasks run
  const Lines& ev = h.events();
  auto at = [&](const std::string& line) { return std::find(ev.begin(), ev.end(), line) - ev.begin(); };
  CHECK(at("item skipped: [web2] (a)") < static_cast<long>(ev.size()));
  CHECK(at("TASK [in b]") < static_cast<long>(ev.size()));
}

TEST_CASE("include_role under host_pinned runs the role's tasks for the hosts that include it") {
  ExecHarness h;
  h.write_file("roles/r/tasks/main.yml", "- name: role task\n  change:\n  notify: role handler\n");
  h.write_file("roles/r/handlers/main.yml", "- name: role handler\n  ok: {handled: true}\n");
  CHECK(h.run(R"(
- hosts: web
  gather_facts: false
  strategy: host_pinned
  tasks:
    - include_role: {name: r}
      when: inventory_hostname == 'web2'
    - name: after
      ok:
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web]", "TASK [include_role : r]", "skipped: [web1]", "TASK [after]", "ok: [web1]",
                            "TASK [include_role : r]", "TASK [r : role task]", "changed: [web2]", "TASK [after]",
                            "ok: [web2]", "HANDLER [r : role handler]", "ok: [web2]"});
  CHECK(h.requests("web2").back().get("args").get("handled") == Value(true));
}

TEST_CASE("a failure in an included file under free goes to the enclosing block's rescue") {
  ExecHarness h;
  h.write_file("fails.yml", "- boom:\n- name: not reached\n  ok:\n");
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  strategy: free
  tasks:
    - block:
        - include_tasks: fails.yml
      rescue:
        - name: rescued
          ok:
    - include_tasks: missing.yml
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [include_tasks]", "included: fails.yml for web1", "TASK [boom]",
                            "failed: [web1] (rescued)", "TASK [rescued]", "ok: [web1]", "TASK [include_tasks]",
                            "failed: [web1]"});
  CHECK(h.recap("web1") == "ok=2 changed=0 unreachable=0 failed=1 skipped=0 rescued=1 ignored=0");
}

TEST_CASE("templated role names: roles and import_role read play vars and extra vars, include_role host vars") {
  ExecHarness h;
  for (const char* r : {"alpha", "beta", "gamma"})
    h.write_file(std::string("roles/") + r + "/tasks/main.yml", std::string("- name: in ") + r + "\n  ok:\n");
  h.options().extra_vars = Value(Map{{"second", Value("beta")}});
  h.inventory().set_host_var("web1", "third", Value("gamma"));
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  vars: {first: alpha}
  roles:
    - "{{ first }}"
  tasks:
    - import_role: {name: "{{ second }}"}
    - include_role: {name: "{{ third }}"}
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [alpha : in alpha]", "ok: [web1]", "TASK [beta : in beta]", "ok: [web1]",
                            "TASK [include_role : {{ third }}]", "TASK [gamma : in gamma]", "ok: [web1]"});
}

TEST_CASE("a role name that cannot be templated when the playbook loads is an error naming it") {
  ExecHarness h;
  CHECK_THROWS_WITH_AS(h.run("- hosts: web1\n  gather_facts: false\n  roles: [\"{{ nosuch }}\"]\n"),
                       doctest::Contains("the role name '{{ nosuch }}' cannot be templated: 'nosuch' is undefined"),
                       SourceError);
}

namespace {
void write_spec_role(ExecHarness& h) {
  h.write_file("roles/svc/meta/argument_specs.yml", R"(argument_specs:
  main:
    short_description: The service
    options:
      port: {type: int, required: true}
      mode: {type: str, choices: [a, b]}
      names: {type: list, elements: str}
      flag: {type: bool}
  other:
    options:
      x: {required: true}
)");
  h.write_file("roles/svc/tasks/main.yml", "- name: main\n  ok: {port: \"{{ port }}\"}\n");
  h.write_file("roles/svc/tasks/other.yml", "- name: other\n  ok:\n");
}
}  // namespace

TEST_CASE("a role's argument spec is validated by a first task, as Ansible's, with its messages") {
  ExecHarness h;
  write_spec_role(h);
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - include_role: {name: svc}
      vars: {port: "81", names: "a,b", flag: "yes"}
    - import_role: {name: svc, tasks_from: other}
      vars: {x: 1}
    - import_role: {name: svc, rolespec_validate: false}
      vars: {port: 1}
    - include_role: {name: svc}
      vars: {port: abc, mode: c, flag: maybe, names: {a: 1}, unrelated: 1}
)") == ExitCode::host_failed);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [include_role : svc]",
                            "TASK [svc : Validating arguments against arg spec 'main' - The service]", "ok: [web1]",
                            "TASK [svc : main]", "ok: [web1]",
                            "TASK [svc : Validating arguments against arg spec 'other']", "ok: [web1]",
                            "TASK [svc : other]", "ok: [web1]", "TASK [svc : main]", "ok: [web1]",
                            "TASK [include_role : svc]",
                            "TASK [svc : Validating arguments against arg spec 'main' - The service]",
                            "failed: [web1]"});
  const Value& failed = h.last_result("web1").result;
  CHECK(failed.get_string("msg") ==
        "Validation of arguments failed:\n"
        "argument 'port' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to "
        "convert to int: <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> cannot be converted to an int\n"
        "argument 'names' is of type <class 'dict'> and we were unable to convert to list: <class 'dict'> cannot be "
        "converted to a list\n"
        "argument 'flag' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to "
        "convert to bool: The value 'maybe' is not a valid boolean.  Valid booleans include: 0, 1, '0', 'false', "
        "'no', '1', 'n', 'f', 'y', 'on', 'yes', 'off', 'true', 't'\n"
        "value of mode must be one of: a, b, got: c");
  CHECK(failed.get("validate_args_context").get_string("argument_spec_name") == "main");
  CHECK(failed.get("argument_errors").as_list().size() == 4);
}

TEST_CASE("role parameters outside the argument spec and missing required ones are errors") {
  ExecHarness h;
  write_spec_role(h);
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  roles:
    - {role: svc, extra: 1, mode: a}
)") == ExitCode::host_failed);
  CHECK(h.last_result("web1").result.get("argument_errors") ==
        Value(List{Value("missing required arguments: port"),
                   Value("extra. Supported parameters include: flag, mode, names, port.")}));
}

TEST_CASE("the deprecated include: static without a template or loop (its k=v are vars), else dynamic") {
  ExecHarness h;
  h.write_file("t.yml", "- name: in t\n  ok: {x: \"{{ x | default('nox') }}\"}\n");
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - include: t.yml
    - include: t.yml x=1
    - include: "{{ 't.yml' }}"
    - include: t.yml
      loop: [1]
    - include: t.yml
      vars: {x: 2}
)") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [in t]", "ok: [web1]", "TASK [in t]", "ok: [web1]", "TASK [include]",
                            "included: t.yml for web1", "TASK [in t]", "ok: [web1]", "TASK [include]",
                            "included: t.yml for web1 (item=1)", "TASK [in t]", "ok: [web1]", "TASK [in t]",
                            "ok: [web1]"});
  std::vector<std::string> xs;
  for (const Value& r : h.requests("web1")) xs.push_back(r.get("args").get_string("x"));
  CHECK(xs == std::vector<std::string>{"nox", "1", "nox", "nox", "2"});
}

TEST_CASE("the deprecated include is reported once, with Ansible's words, when the playbook loads") {
  ExecHarness h;
  h.write_file("t.yml", "- ok:\n");
  h.write_file("play.yml", "- hosts: web1\n  tasks:\n    - include: t.yml\n    - include: t.yml\n");
  playbook::Playbook pb = playbook::parse_playbook((h.dir() / "play.yml").string(), [](std::string_view) { return true; });
  REQUIRE(pb.deprecations.size() == 1);
  CHECK(pb.deprecations[0].rfind("\"include\" is deprecated, use include_tasks/import_tasks instead.", 0) == 0);
}
