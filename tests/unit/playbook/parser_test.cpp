#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "core/playbook/args.hpp"
#include "core/playbook/parser.hpp"
#include "core/value/yaml.hpp"

using namespace drover;
using namespace drover::playbook;

namespace {

bool known(std::string_view name) {
  std::string a = short_action_name(name);
  for (auto k : {"command", "shell", "copy", "file", "debug", "ping", "set_fact", "template"})
    if (a == k) return true;
  return false;
}

std::string write_temp(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / "drover-parser-test";
  std::filesystem::create_directories(dir);
  auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const std::string& name, const std::string& text) {
  auto path = write_temp(name, text);
  try {
    parse_playbook(path, known);
  } catch (const SourceError& e) {
    std::string msg = e.what();
    // make the message independent of the temp folder
    auto pos = msg.find(path);
    if (pos != std::string::npos) msg.replace(pos, path.size(), name);
    return msg;
  }
  return "no error";
}

}  // namespace

TEST_CASE("split_args keeps quoted text and templates together") {
  auto t = split_args(R"(msg="hello world" x={{ a + b }} 'q q')");
  REQUIRE(t.size() == 3);
  CHECK(t[0] == R"(msg="hello world")");
  CHECK(t[1] == "x={{ a + b }}");
  CHECK(t[2] == "'q q'");
}

TEST_CASE("parse_kv unquotes values and keeps free-form text in _raw_params") {
  Value v = parse_kv(R"(dest=/tmp/x content="a b")", ArgStyle::key_value);
  CHECK(v.get("dest") == Value("/tmp/x"));
  CHECK(v.get("content") == Value("a b"));
  Value c = parse_kv("echo hi creates=/tmp/f", ArgStyle::free_form);
  CHECK(c.get("_raw_params") == Value("echo hi"));
  CHECK(c.get("creates") == Value("/tmp/f"));
  CHECK_THROWS_AS(parse_kv("not-a-pair", ArgStyle::key_value), Fatal);
  // meta: flush_handlers (Ansible's RAW_PARAM_MODULES keep the word, and still read k=v)
  Value m = parse_kv("flush_handlers", arg_style("meta"));
  CHECK(m.get("_raw_params") == Value("flush_handlers"));
  Value f = parse_kv("color=blue", arg_style("set_fact"));
  CHECK(f.get("color") == Value("blue"));
  CHECK(f.find("_raw_params") == nullptr);
}

// Expected values are what ansible.parsing.splitter.parse_kv returns for the same text.
TEST_CASE("parse_kv decodes escapes as Ansible does, around quotes and = in values") {
  CHECK(parse_kv(R"(msg="a\nb")", ArgStyle::key_value).get("msg") == Value("a\nb"));
  CHECK(parse_kv(R"(msg=a\tb\\c)", ArgStyle::key_value).get("msg") == Value("a\tb\\c"));
  Value q = parse_kv(R"(msg='it\'s' other=\"q\")", ArgStyle::key_value);
  CHECK(q.get("msg") == Value("it's"));
  CHECK(q.get("other") == Value("q"));
  Value e = parse_kv(R"(msg="x=y" url=http://h/?a=b)", ArgStyle::key_value);
  CHECK(e.get("msg") == Value("x=y"));
  CHECK(e.get("url") == Value("http://h/?a=b"));
  CHECK(parse_kv(R"(msg=\u00e9\x41\U0001F600)", ArgStyle::key_value).get("msg") == Value("\xc3\xa9" "A" "\xf0\x9f\x98\x80"));
  CHECK(parse_kv(R"(msg=a\d\=b)", ArgStyle::key_value).get("msg") == Value(R"(a\d\=b)"));
  CHECK(parse_kv(R"(a\=b=c)", ArgStyle::key_value).get(R"(a\=b)") == Value("c"));
  CHECK(parse_kv(R"(msg="a \"b\" c")", ArgStyle::key_value).get("msg") == Value(R"(a "b" c)"));
  CHECK(parse_kv(R"(msg="a"b)", ArgStyle::key_value).get("msg") == Value(R"("a"b)"));
  Value c = parse_kv(R"(echo a\nb creates=/tmp/f argv=x)", ArgStyle::free_form);
  CHECK(c.get("_raw_params") == Value(R"(echo a\nb argv=x)"));
  CHECK(c.get("creates") == Value("/tmp/f"));
  CHECK(parse_kv(R"(echo a\=b)", ArgStyle::free_form).get("_raw_params") == Value("echo a=b"));
}

TEST_CASE("a play with tasks in both argument styles parses with locations") {
  auto path = write_temp("ok.yml", R"(- name: demo
  hosts: all
  gather_facts: no
  vars:
    greeting: hi
  tasks:
    - name: say
      debug: msg="{{ greeting }}"
    - ansible.builtin.command: echo hi
      register: out
      changed_when: false
      when: out is not defined
    - copy:
        dest: /tmp/x
        content: hello
      loop: [1, 2]
    - file: path=/tmp/y state=directory
      with_items: [a]
)");
  Playbook pb = parse_playbook(path, known);
  REQUIRE(pb.plays.size() == 1);
  const Play& p = pb.plays[0];
  CHECK(p.name == "demo");
  CHECK(p.gather_facts == Value(false));
  REQUIRE(p.tasks.size() == 4);
  CHECK(p.tasks[0].action == "debug");
  CHECK(p.tasks[0].args.get("msg") == Value("{{ greeting }}"));
  CHECK(p.tasks[0].where.line == 7);
  CHECK(p.tasks[1].action == "command");
  CHECK(p.tasks[1].args.get("_raw_params") == Value("echo hi"));
  CHECK(p.tasks[1].changed_when == std::vector<std::string>{"False"});
  CHECK(p.tasks[1].register_var == "out");
  CHECK(p.tasks[2].has_loop);
  CHECK(p.tasks[2].loop_lookup.empty());
  CHECK(p.tasks[3].loop_lookup == "items");
  CHECK(p.tasks[3].args.get("state") == Value("directory"));
}

TEST_CASE("an unknown module is an error with file:line:col, the line and a caret") {
  CHECK(error_of("typo.yml", "- hosts: all\n  tasks:\n    - name: x\n      comand: ls\n") ==
        "typo.yml:4:7: couldn't resolve module/action 'comand'\n"
        "        comand: ls\n"
        "        ^\n"
        "This often indicates a misspelling, a missing collection, or an incorrect module path.");
}

TEST_CASE("a misspelt task keyword suggests the keyword") {
  std::string e = error_of("kw.yml", "- hosts: all\n  tasks:\n    - command: ls\n      regster: x\n");
  CHECK(e.find("kw.yml:4:7: couldn't resolve module/action 'regster'") == 0);
  CHECK(e.find("did you mean 'register'?") != std::string::npos);
}

TEST_CASE("a task with two modules is an error") {
  std::string e = error_of("two.yml", "- hosts: all\n  tasks:\n    - command: ls\n      shell: ls\n");
  CHECK(e.find("two.yml:4:7: conflicting action statements: command, shell") == 0);
}

TEST_CASE("a play without hosts or with an unknown keyword is an error") {
  CHECK(error_of("nohosts.yml", "- name: x\n  tasks: []\n").find(
            "nohosts.yml:1:3: the field 'hosts' is required") == 0);
  CHECK(error_of("playkw.yml", "- hosts: all\n  taks: []\n").find(
            "playkw.yml:2:3: 'taks' is not a valid attribute for a Play") == 0);
}

TEST_CASE("a task without a module is an error") {
  CHECK(error_of("nomod.yml", "- hosts: all\n  tasks:\n    - name: nothing\n").find(
            "nomod.yml:3:7: no module/action detected in task") == 0);
}

TEST_CASE("an unsupported keyword is refused, not ignored") {
  CHECK(error_of("debugger.yml", "- hosts: all\n  tasks:\n    - command: sleep 1\n      debugger: always\n")
            .find("debugger.yml:4:7: the task keyword 'debugger' is not supported") == 0);
}

TEST_CASE("a template syntax error in a task is reported at its scalar before anything runs") {
  CHECK(error_of("syntax.yml", "- hosts: all\n  tasks:\n    - debug:\n        msg: \"value {{ 1 + }}\"\n") ==
        "syntax.yml:4:14: template error while templating string: unexpected 'end of print statement'. "
        "String: value {{ 1 + }}\n"
        "          msg: \"value {{ 1 + }}\"\n"
        "               ^");
  CHECK(error_of("when.yml", "- hosts: all\n  tasks:\n    - command: ls\n      when: x ==\n") ==
        "when.yml:4:13: template error while templating string: unexpected 'end of template'. String: x ==\n"
        "        when: x ==\n"
        "              ^");
  // names, vars and loops are checked too; !unsafe text is never templated
  CHECK(error_of("vars.yml", "- hosts: all\n  tasks:\n    - command: ls\n      vars:\n        a: \"{{ b\"\n")
            .rfind("vars.yml:5:12: template error while templating string: ", 0) == 0);
  CHECK(error_of("unsafe.yml", "- hosts: all\n  tasks:\n    - debug:\n        msg: !unsafe \"{{ 1 + }}\"\n") ==
        "no error");
}

TEST_CASE("regression: escaped quotes inside a k=v value are decoded before the template check") {
  // Ansible's k=v splitter turns \" into " first; the template it then sees is valid
  CHECK(error_of("kvq.yml", "- hosts: all\n  tasks:\n    - debug: msg=\"{{ x | default(\\\"none\\\") }}\"\n") ==
        "no error");
  CHECK(error_of("kvbad.yml", "- hosts: all\n  tasks:\n    - debug: msg=\"{{ x + }}\"\n")
            .rfind("kvbad.yml:3:14: template error while templating string: unexpected 'end of print statement'. "
                   "String: {{ x + }}", 0) == 0);
}

TEST_CASE("vars_prompt entries need a name and take only Ansible's keys; become_exe and gather_timeout are accepted") {
  CHECK(error_of("vp1.yml", "- hosts: all\n  vars_prompt:\n    - prompt: x\n  tasks: []\n")
            .rfind("vp1.yml:3:7: Invalid vars_prompt data structure, missing 'name' key", 0) == 0);
  CHECK(error_of("vp2.yml", "- hosts: all\n  vars_prompt:\n    - name: x\n      hidden: true\n  tasks: []\n")
            .rfind("vp2.yml:4:7: Invalid vars_prompt data structure, found unsupported key 'hidden'", 0) == 0);
  CHECK(error_of("ok.yml", "- hosts: all\n  become_exe: sudo\n  gather_timeout: 5\n  fact_path: /x\n  vars_prompt: {name: x}\n"
                 "  tasks:\n    - command: id\n      become_exe: /bin/sudo\n") == "no error");
}

TEST_CASE("serial, order, strategy and max_fail_percentage are read; bad values are errors at the value") {
  auto path = write_temp("exec.yml", R"(- hosts: all
  serial: [1, "30%", 5]
  order: sorted
  strategy: free
  max_fail_percentage: 25
  force_handlers: true
  throttle: 3
  tasks:
    - debug:
      throttle: 2
      any_errors_fatal: true
)");
  auto pb = parse_playbook(path, known);
  const auto& play = pb.plays.at(0);
  CHECK(play.serial == Value::list({1, "30%", 5}));
  CHECK(play.order == "sorted");
  CHECK(play.strategy == "free");
  CHECK(play.max_fail_percentage == Value(25));
  CHECK(play.tasks.at(0).throttle == Value(2));
  CHECK(play.tasks.at(0).any_errors_fatal == Value(true));
  CHECK(error_of("serial.yml", "- hosts: all\n  serial: [1, ten]\n  tasks: []\n") ==
        "serial.yml:2:11: invalid serial value 'ten': a batch size is a number of hosts or a percentage\n"
        "    serial: [1, ten]\n"
        "            ^\n"
        "write `serial: 2`, `serial: \"30%\"` or a list such as `serial: [1, 5, \"50%\"]`");
  CHECK(error_of("order.yml", "- hosts: all\n  order: sortd\n  tasks: []\n") ==
        "order.yml:2:10: invalid order 'sortd'\n"
        "    order: sortd\n"
        "           ^\n"
        "did you mean 'sorted'? order is one of: inventory, reverse_inventory, reverse_sorted, shuffle, sorted");
  CHECK(error_of("strategy.yml", "- hosts: all\n  strategy: fre\n  tasks: []\n").find("invalid strategy 'fre'") !=
        std::string::npos);
  CHECK(error_of("mfp.yml", "- hosts: all\n  max_fail_percentage: lots\n  tasks: []\n")
            .find("invalid max_fail_percentage value 'lots': it must be a percentage") != std::string::npos);
}

// Regression (issue 11): an empty playbook or a directory ran nothing and exited 0.
TEST_CASE("an empty playbook, or one of comments only, is Ansible's parse error; a directory is no playbook") {
  for (const char* text : {"", "# nothing here\n", "---\n"}) {
    CAPTURE(text);
    const std::string path = write_temp("empty.yml", text);
    try {
      parse_playbook(path, known);
      FAIL("no error");
    } catch (const Fatal& e) {
      CHECK(std::string(e.what()) ==
            "Empty playbook, nothing to do: " + std::filesystem::weakly_canonical(path).string());
      CHECK(e.code() == ExitCode::host_unreachable);  // 4, as ansible-playbook exits
    }
  }
  const auto dir = std::filesystem::temp_directory_path() / "drover-parser-test" / "a-directory";
  std::filesystem::create_directories(dir);
  try {
    parse_playbook(dir.string(), known);
    FAIL("no error");
  } catch (const Fatal& e) {
    CHECK(std::string(e.what()) == "the playbook: " + dir.string() + " does not appear to be a file");
    CHECK(e.code() == ExitCode::error);
  }
}
