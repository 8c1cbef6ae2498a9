// include_vars as Ansible's action: file, dir (walk order, depth, files_matching, ignore_files,
// extensions), name, hash_behaviour, and its errors under `message`.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/playbook/task.hpp"
#include "core/template/templar.hpp"
#include "core/value/json.hpp"
#include "core/value/python_literal.hpp"
#include "plugins/action/action.hpp"

using namespace drover;
namespace fs = std::filesystem;

namespace {

// A playbook folder with vars/ files; the task is written in play.yml there.
struct VarsTree {
  fs::path dir = fs::temp_directory_path() / ("drover-include-vars-" + std::to_string(::getpid()));
  VarsTree() {
    fs::remove_all(dir);
    write("vars/all/all.yml", "testing: 123\nbase_dir: all\n");
    write("vars/environments/development/all.yml", "testing: 789\nbase_dir: environments/development\n");
    write("vars/environments/development/services/webapp.yml", "testing: 101112\nwebapp_containers: 20\n");
    write("vars/services/webapp.yml", "testing: 456\nwebapp_containers: 10\n");
    write("vars/webapp/file_without_extension", "webapp_version: 1\n");
    write("vars/hash.yml", "config: {key1: 1, key2: {b: 22}}\n");
  }
  ~VarsTree() { fs::remove_all(dir); }
  void write(const std::string& relative, const std::string& text) const {
    fs::create_directories((dir / relative).parent_path());
    std::ofstream(dir / relative) << text;
  }

  Value run(std::string_view args_literal, Value vars_before = Value::map()) const {
    playbook::Task task;
    task.action = "include_vars";
    task.where.file = (dir / "play.yml").string();
    task.where.line = 1;
    tmpl::MapVariables vars(std::move(vars_before));
    tmpl::Templar templar(vars);
    action::ActionContext ctx{.task = task, .args = literal_eval(args_literal).value(), .templar = templar, .vars = vars};
    ctx.search_paths = {dir.string()};
    Value r = action::run_include_vars(ctx);
    // paths relative to the tree, for readable expectations
    if (Value* files = r.mutable_map().find("ansible_included_var_files"))
      for (Value& f : files->mutable_list()) f = Value(fs::relative(f.as_string(), dir).string());
    return r;
  }
};

}  // namespace

TEST_CASE("include_vars file: found under vars/, its variables as ansible_facts, the file listed") {
  VarsTree t;
  CHECK(dump_json(t.run("{'file': 'environments/development/all.yml'}")) ==
        R"({"ansible_included_var_files": ["vars/environments/development/all.yml"], )"
        R"("ansible_facts": {"testing": 789, "base_dir": "environments/development"}, "changed": false})");
  // the free-form word, its trailing newline dropped (`include_vars: >` folded text)
  CHECK(t.run("{'_raw_params': 'all/all.yml\\n'}").get("ansible_facts").get_string("base_dir") == "all");
  CHECK(dump_json(t.run("{'file': 'all/all.yml', 'name': 'cfg'}").get("ansible_facts")) ==
        R"({"cfg": {"testing": 123, "base_dir": "all"}})");
}

TEST_CASE("include_vars dir: folders in path order, files by name, later files win") {
  VarsTree t;
  Value r = t.run("{'dir': 'vars', 'extensions': ['', 'yaml', 'yml', 'json']}");
  CHECK(dump_json(r.get("ansible_included_var_files")) ==
        R"(["vars/hash.yml", "vars/all/all.yml", "vars/environments/development/all.yml", )"
        R"("vars/environments/development/services/webapp.yml", "vars/services/webapp.yml", )"
        R"("vars/webapp/file_without_extension"])");
  CHECK(r.get("ansible_facts").get("testing") == Value(456));
  // depth counts folders in that order, as Ansible's walk does
  CHECK(dump_json(t.run("{'dir': 'vars/all', 'depth': 1}").get("ansible_included_var_files")) == R"(["vars/all/all.yml"])");
  CHECK(dump_json(t.run("{'dir': 'vars/environments', 'files_matching': 'webapp.yml'}").get("ansible_included_var_files")) ==
        R"(["vars/environments/development/services/webapp.yml"])");
  CHECK(dump_json(t.run("{'dir': 'vars', 'ignore_files': ['webapp.yml', 'file_without_extension', 'hash.yml']}")
                      .get("ansible_included_var_files")) ==
        R"(["vars/all/all.yml", "vars/environments/development/all.yml"])");
  CHECK(dump_json(t.run("{'dir': 'vars/webapp', 'ignore_unknown_extensions': True}").get("ansible_included_var_files")) == "[]");
}

TEST_CASE("include_vars errors are under `message`, as Ansible's action puts them") {
  VarsTree t;
  Value r = t.run("{'dir': 'vars/webapp'}");
  CHECK(r.get_truthy("failed"));
  CHECK(r.get_string("message").find("vars/webapp/file_without_extension does not have a valid extension: yaml, yml, json") !=
        std::string::npos);
  CHECK(t.run("{'file': ''}").get_string("message").rfind("Could not find file on the Ansible Controller.", 0) == 0);
  CHECK(t.run("{'file': 'nope.yml'}").get_string("message").rfind("Could not find or access 'nope.yml' on the Ansible Controller.", 0) == 0);
  CHECK(t.run("{'dir': 'missing'}").get_string("message") == "missing directory does not exist");
  CHECK(t.run("{'dir': 'vars', 'file': 'x.yml'}").get_string("msg") ==
        "You are mixing file only and dir only arguments, these are incompatible");
  CHECK(t.run("{'file': 'x.yml', 'bogus': 1}").get_string("msg") == "bogus is not a valid option in include_vars");
}

TEST_CASE("include_vars hash_behaviour=merge merges into the variable's value before the task") {
  VarsTree t;
  Value before = literal_eval("{'config': {'key0': 0, 'key2': {'a': 21}}}").value();
  CHECK(dump_json(t.run("{'file': 'hash.yml', 'hash_behaviour': 'merge'}", before).get("ansible_facts")) ==
        R"({"config": {"key0": 0, "key2": {"a": 21, "b": 22}, "key1": 1}})");
  CHECK(dump_json(t.run("{'file': 'hash.yml'}", before).get("ansible_facts")) == R"({"config": {"key1": 1, "key2": {"b": 22}}})");
}
