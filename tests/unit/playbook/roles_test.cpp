// Roles and static imports at load time: where roles are found, what a role's files become, and
// the exact errors for a missing role or tasks file.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "core/playbook/parser.hpp"
#include "core/playbook/roles.hpp"

using namespace drover;
using namespace drover::playbook;
namespace fs = std::filesystem;

namespace {

bool known(std::string_view name) {
  std::string a = short_action_name(name);
  return a == "debug" || a == "command" || a == "copy";
}

// A fresh folder for one test; files are written relative to it.
class Tree {
public:
  Tree() {
    static int count = 0;
    m_dir = fs::temp_directory_path() / ("drover-roles-test-" + std::to_string(::getpid()) + "-" + std::to_string(++count));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  std::string write(const std::string& relative, const std::string& text) {
    fs::path p = m_dir / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  std::string path(const std::string& relative = "") const { return (m_dir / relative).lexically_normal().string(); }
  // The error message of parsing `play.yml`, with this folder written as DIR.
  std::string error(const ParseOptions& options = {}) const {
    try {
      parse_playbook(path("play.yml"), known, options);
    } catch (const Fatal& e) {
      std::string msg = e.what();
      const std::string dir = m_dir.string();
      for (auto pos = msg.find(dir); pos != std::string::npos; pos = msg.find(dir))
        msg.replace(pos, dir.size(), "DIR");
      return msg;
    }
    return "no error";
  }

private:
  fs::path m_dir;
};

}  // namespace

TEST_CASE("a play's roles become blocks before its tasks: dependencies first, each task knowing its role") {
  Tree t;
  t.write("roles/base/tasks/main.yml", "- debug: msg=base\n");
  t.write("roles/web/meta/main.yml", "dependencies:\n  - role: base\n    level: 2\n");
  t.write("roles/web/tasks/main.yml", "- name: web task\n  debug: msg=web\n");
  t.write("roles/web/handlers/main.yml", "- name: reload\n  debug: msg=reload\n");
  t.write("play.yml", "- hosts: all\n  roles:\n    - role: web\n      tags: [w]\n  tasks:\n    - debug: msg=play\n"
                      "  handlers:\n    - name: play handler\n      debug: msg=h\n");
  Playbook pb = parse_playbook(t.path("play.yml"), known);
  const Play& play = pb.plays.at(0);
  REQUIRE(play.tasks.size() == 2);
  const Task& role_block = play.tasks[0];
  CHECK(role_block.tags == std::vector<std::string>{"w"});
  REQUIRE(role_block.block.size() == 2);
  const Task& dep = role_block.block[0].block.at(0);
  CHECK(dep.role->name == "base");
  CHECK(dep.role->params_layer.get("level") == Value(2));
  CHECK(dep.role->path == t.path("roles/base"));
  CHECK(role_block.block[1].role->name == "web");
  CHECK(role_block.block[1].banner_name("web task") == "web : web task");
  CHECK(play.tasks[1].role == nullptr);
  CHECK(play.role_names == std::vector<std::string>{"web"});
  REQUIRE(play.handlers.size() == 2);
  CHECK(play.handlers[0].name == "reload");  // roles' handlers come before the play's
  CHECK(play.handlers[1].name == "play handler");
}

TEST_CASE("a role that is not found is an error at its entry that lists every folder searched") {
  Tree t;
  t.write("play.yml", "- hosts: all\n  roles:\n    - common\n    - nosuch\n");
  t.write("roles/common/tasks/main.yml", "- debug: msg=hi\n");
  ParseOptions options;
  options.roles_path = {"/etc/drover-test/roles"};
  CHECK(t.error(options) ==
        "DIR/play.yml:4:7: the role 'nosuch' was not found in DIR/roles:/etc/drover-test/roles:DIR\n"
        "      - nosuch\n"
        "        ^\n"
        "put the role in a roles/ folder beside the playbook, or add its folder to roles_path "
        "(DROVER_ROLES_PATH or ANSIBLE_ROLES_PATH)");
}

TEST_CASE("roles are found on roles_path, as namespace.name folders, and by path") {
  Tree t;
  t.write("elsewhere/acme.tools/tasks/main.yml", "- debug: msg=tools\n");
  t.write("lib/mine/tasks/main.yml", "- debug: msg=mine\n");
  t.write("play.yml", "- hosts: all\n  roles:\n    - acme.tools\n    - lib/mine\n");
  ParseOptions options;
  options.roles_path = {t.path("elsewhere")};
  Playbook pb = parse_playbook(t.path("play.yml"), known, options);
  REQUIRE(pb.plays[0].tasks.size() == 2);
  CHECK(pb.plays[0].tasks[0].block.at(0).role->name == "acme.tools");
  CHECK(pb.plays[0].tasks[1].block.at(0).role->name == "mine");
  CHECK(pb.plays[0].role_names == std::vector<std::string>{"acme.tools", "mine"});
}

TEST_CASE("import_tasks of a missing file names the path Ansible looked for, at the import") {
  Tree t;
  t.write("play.yml", "- hosts: all\n  tasks:\n    - debug: msg=first\n    - import_tasks: tasks/nosuch.yml\n");
  CHECK(t.error() ==
        "DIR/play.yml:4:7: Could not find or access 'DIR/tasks/nosuch.yml' on the Ansible Controller.\n"
        "      - import_tasks: tasks/nosuch.yml\n"
        "        ^\n"
        "import_tasks paths are relative to the importing file, the role's tasks/ folder or the playbook");
}

TEST_CASE("tasks_from naming a file the role does not have is an error") {
  Tree t;
  t.write("roles/r/tasks/main.yml", "- debug: msg=hi\n");
  t.write("play.yml", "- hosts: all\n  tasks:\n    - import_role:\n        name: r\n        tasks_from: other\n");
  CHECK(t.error() ==
        "DIR/play.yml:3:7: Could not find specified file in role: tasks/other\n"
        "      - import_role:\n"
        "        ^\n"
        "tasks_from names a file in the role's tasks/ folder");
}

TEST_CASE("import_tasks becomes a block with the import's when, tags and vars; nested imports are relative") {
  Tree t;
  t.write("tasks/a.yml", "- debug: msg=a\n- import_tasks: b.yml\n");
  t.write("tasks/b.yml", "- debug: msg=b\n");
  t.write("play.yml", "- hosts: all\n  tasks:\n    - import_tasks: tasks/a.yml\n      when: x\n      tags: t\n"
                      "      become: true\n      vars: {v: 1}\n");
  Playbook pb = parse_playbook(t.path("play.yml"), known);
  const Task& block = pb.plays[0].tasks.at(0);
  CHECK(block.when == std::vector<std::string>{"x"});
  CHECK(block.tags == std::vector<std::string>{"t"});
  CHECK(block.vars.get("v") == Value(1));
  REQUIRE(block.block.size() == 2);
  CHECK(block.block[0].become == Value(true));  // keywords reach the imported tasks
  CHECK(block.block[1].block.at(0).args.get_string("msg") == "b");
  CHECK(block.block[1].block.at(0).become == Value(true));
}

TEST_CASE("role defaults and vars: main.yml or a main/ folder merged in name order, dependencies below") {
  Tree t;
  t.write("roles/r/defaults/main/10-first.yml", "a: first\nb: first\n");
  t.write("roles/r/defaults/main/20-second.yml", "b: second\n");
  t.write("roles/r/vars/main.yml", "c: vars\n");
  t.write("roles/r/tasks/main.yml", "- debug: msg=hi\n");
  t.write("play.yml", "- hosts: all\n  roles:\n    - role: r\n      vars: {d: keyword}\n");
  Playbook pb = parse_playbook(t.path("play.yml"), known);
  const Role& role = *pb.plays[0].tasks.at(0).block.at(0).role;
  CHECK(role.defaults_layer.get("a") == Value("first"));
  CHECK(role.defaults_layer.get("b") == Value("second"));
  CHECK(role.vars_layer.get("c") == Value("vars"));
  CHECK(role.vars_layer.get("d") == Value("keyword"));
  // the whole play sees every role's defaults and vars/ (not the entry's vars:)
  CHECK(pb.plays[0].role_defaults.get("b") == Value("second"));
  CHECK(pb.plays[0].role_vars.get("c") == Value("vars"));
  CHECK(pb.plays[0].role_vars.find("d") == nullptr);
}

TEST_CASE("include_role arguments are checked when the playbook loads") {
  Tree t;
  t.write("play.yml", "- hosts: all\n  tasks:\n    - include_role:\n        name: r\n        task_from: x\n");
  CHECK(t.error().rfind("DIR/play.yml:3:7: Invalid options for include_role: task_from\n", 0) == 0);
}

TEST_CASE("import_playbook's vars override the imported plays', its tags join theirs, its when goes on every task") {
  Tree t;
  t.write("sub.yml", "- hosts: all\n  vars: {word: play, other: kept}\n  tags: [own]\n  tasks:\n    - debug: msg=a\n      when: y\n"
                     "  handlers:\n    - name: h\n      debug: msg=h\n");
  t.write("play.yml", "- import_playbook: sub.yml\n  vars: {word: import}\n  tags: imported\n  when: x\n");
  Playbook pb = parse_playbook(t.path("play.yml"), known);
  const Play& play = pb.plays.at(0);
  CHECK(play.vars.get("word") == Value("import"));
  CHECK(play.vars.get("other") == Value("kept"));
  CHECK(play.tags == std::vector<std::string>{"own", "imported"});
  CHECK(play.tasks.at(0).when == std::vector<std::string>{"x", "y"});
  CHECK(play.handlers.at(0).when.empty());
}

TEST_CASE("a keyword import_playbook does not take is an error, not ignored") {
  Tree t;
  t.write("sub.yml", "- hosts: all\n  tasks: []\n");
  t.write("play.yml", "- import_playbook: sub.yml\n  become: true\n");
  CHECK(t.error() ==
        "DIR/play.yml:2:3: 'become' is not a valid attribute for a PlaybookInclude\n"
        "    become: true\n"
        "    ^\n"
        "import_playbook takes vars, tags and when");
}

TEST_CASE("import_role reads tasks_from, vars_from, defaults_from and handlers_from, and its vars are role vars") {
  Tree t;
  t.write("roles/r/tasks/main.yml", "- debug: msg=main\n");
  t.write("roles/r/tasks/other.yml", "- name: other task\n  debug: msg=other\n");
  t.write("roles/r/vars/prod.yml", "level: prod\n");
  t.write("roles/r/defaults/small.yaml", "size: small\n");
  t.write("roles/r/handlers/alt.yml", "- name: alt handler\n  debug: msg=alt\n");
  t.write("play.yml", "- hosts: all\n  tasks:\n    - import_role:\n        name: r\n        tasks_from: other\n"
                      "        vars_from: prod\n        defaults_from: small\n        handlers_from: alt\n"
                      "      vars: {extra: yes}\n  handlers:\n    - name: play handler\n      debug: msg=h\n");
  Playbook pb = parse_playbook(t.path("play.yml"), known);
  const Play& play = pb.plays.at(0);
  const Task& task = play.tasks.at(0).block.at(0);
  CHECK(task.name == "other task");
  CHECK(task.role->vars_layer.get("level") == Value("prod"));
  CHECK(task.role->vars_layer.get("extra") == Value(true));
  CHECK(task.role->defaults_layer.get("size") == Value("small"));
  REQUIRE(play.handlers.size() == 2);
  CHECK(play.handlers[0].name == "play handler");  // import_role's handlers come after the play's
  CHECK(play.handlers[1].name == "alt handler");
  CHECK(play.role_names == std::vector<std::string>{"r"});
}
