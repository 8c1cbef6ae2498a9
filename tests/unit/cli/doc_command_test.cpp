// `drover doc`: every action and module is documented, from the table the code itself uses.
#include <doctest/doctest.h>

#include <cstdio>
#include <sstream>
#include <string>

#include "core/cli/doc_command.hpp"
#include "core/playbook/task.hpp"
#include "core/template/templar.hpp"
#include "core/transport/connection.hpp"
#include "plugins/action/action.hpp"

using namespace drover;

namespace {

// The documentation the built runner prints (`drover-modules --doc`).
Json runner_docs() {
  FILE* pipe = ::popen((connection::shell_quote(DROVER_MODULES_BIN) + " --doc").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string text;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) text.append(buf, n);
  REQUIRE(::pclose(pipe) == 0);
  return Json::parse(text);
}

struct DocRun {
  int rc;
  std::string out, err;
};

DocRun doc(const std::vector<std::string>& args, const Json& docs) {
  std::ostringstream out, err;
  int rc = cli::run_doc_command(args, builtin_plugins(), docs, out, err);
  return {rc, out.str(), err.str()};
}

Value one_arg(std::string_view key, std::string_view value) {
  Map args;
  args.set(std::string(key), Value(std::string(value)));
  return Value(std::move(args));
}

// Runs a control-side action with `args` (no target: run_module fails the test).
Value run_action(const action::ActionRow& row, Value args) {
  playbook::Task task;
  task.action = std::string(row.name);
  tmpl::MapVariables vars(Value::map());
  tmpl::Templar templar(vars);
  action::ActionContext ctx{.task = task, .args = std::move(args), .templar = templar, .vars = vars};
  ctx.run_module = [](const std::string& module, const Value&) -> Value {
    FAIL("the action ran the module ", module);
    return Value();
  };
  return row.fn(ctx);
}

}  // namespace

TEST_CASE("every action and module drover knows has its documentation") {
  const Json docs = runner_docs();
  std::string missing;
  for (const auto& row : builtin_plugins().actions)
    if (cli::action_doc_json(row, docs).is_null())
      missing += "  " + std::string(row.name) +
                 (row.fn == action::run_module || row.name == "copy" || row.name == "assemble"
                      ? ": a runner module without a ModuleDoc (modules/module_doc.hpp)\n"
                      : ": a control-side action without ActionRow::doc (plugins/action/registry.cpp)\n");
  CHECK_MESSAGE(missing.empty(), "undocumented:\n", missing);
}

TEST_CASE("a control-side action with a closed option list accepts each documented option and refuses others") {
  for (const auto& row : builtin_plugins().actions) {
    if (!row.doc || !row.doc->closed_options) continue;
    CAPTURE(row.name);
    Value refused = run_action(row, one_arg("drover_doc_probe", "x"));
    CHECK(refused.get_string("msg") == "Invalid options for " + std::string(row.name) + ": drover_doc_probe");
    for (const auto& option : row.doc->options) {
      CAPTURE(option.name);
      Value result = run_action(row, one_arg(option.name, "1 == 1"));
      CHECK(result.get_string("msg").find("Invalid options") == std::string::npos);
    }
  }
}

TEST_CASE("drover doc --list names each action by its FQCN with its summary") {
  DocRun run = doc({"--list"}, Json::object());
  CHECK(run.rc == 0);
  CHECK(run.out.find("ansible.builtin.debug ") != std::string::npos);
  CHECK(run.out.find("community.general.ini_file ") != std::string::npos);
  CHECK(run.out.find("\nansible.builtin.ini_file") == std::string::npos);
  DocRun json = doc({"-l", "-j"}, Json::object());
  CHECK(Json::parse(json.out).at("ansible.builtin.template") == "render a Jinja2 template to a file on the target");
}

TEST_CASE("drover doc MODULE prints options, defaults, choices and return values; -j as ansible-doc's JSON") {
  const Json docs = runner_docs();
  DocRun file = doc({"ansible.builtin.file"}, docs);
  CHECK(file.rc == 0);
  CHECK(file.out.starts_with("> ANSIBLE.BUILTIN.FILE    (runner module)\n"));
  CHECK(file.out.find("\n= path\n        The path to manage.\n        aliases: [dest, name]\n        type: path\n") !=
        std::string::npos);
  CHECK(file.out.find("\n- follow\n") != std::string::npos);
  CHECK(file.out.find("RETURN VALUES:") != std::string::npos);

  DocRun ini = doc({"-j", "community.general.ini_file"}, docs);
  const Json parsed = Json::parse(ini.out);
  const Json& head = parsed.at("community.general.ini_file").at("doc");
  CHECK(head.at("collection") == "community.general");
  CHECK(head.at("options").at("state").at("choices") == Json::array({"absent", "present"}));
  CHECK(head.at("options").at("state").at("default") == "present");

  DocRun debug = doc({"-j", "debug"}, docs);
  const Json debug_json = Json::parse(debug.out);
  const Json& dbg = debug_json.at("debug").at("doc");
  CHECK(dbg.at("options").at("verbosity").at("default") == 0);
  CHECK(dbg.at("options").at("verbosity").at("type") == "int");
}

TEST_CASE("an unknown module is a warning and exit code 0, as ansible-doc's") {
  DocRun run = doc({"nosuchmodule"}, Json::object());
  CHECK(run.rc == 0);
  CHECK(run.out.empty());
  CHECK(run.err == "[WARNING]: nosuchmodule was not found (`drover doc --list` lists the modules)\n");
  DocRun json = doc({"-j", "community.general.debug"}, Json::object());
  CHECK(json.out == "{}\n");
  CHECK(doc({}, Json::object()).rc == 5);
}
