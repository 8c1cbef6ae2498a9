// Every module of the runner is documented, and its documentation is the argument table it
// checks: the options the built runner accepts are exactly the documented ones.
#include <set>
#include <string>

#include <doctest/doctest.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "tests/modules/harness.hpp"

namespace drover::modules {

namespace {

using testing::Check;

// The documented names and aliases of one module's options, as "name (alias, alias)" text.
std::set<std::string> documented_options(const json& doc) {
  std::set<std::string> names;
  for (const auto& [name, option] : doc.at("options").items()) {
    if (name == "free_form") continue;  // internal _raw_params: not in the supported list
    std::string entry = name;
    if (option.contains("aliases")) {
      entry += " (";
      bool first = true;
      for (const auto& alias : option["aliases"]) {
        entry += (first ? "" : ", ") + alias.get<std::string>();
        first = false;
      }
      entry += ")";
    }
    names.insert(entry);
  }
  return names;
}

// The options the module names in its "Unsupported parameters" failure.
std::set<std::string> accepted_options(const std::string& module) {
  json result = testing::run_module(module, {{"drover_doc_probe", 1}}, Check::yes);
  const std::string msg = result.value("msg", "");
  const std::string marker = "Supported parameters include: ";
  const auto start = msg.find(marker);
  REQUIRE_MESSAGE(start != std::string::npos, module, " did not refuse an unknown argument: ", msg);
  std::string list = msg.substr(start + marker.size());
  if (list.ends_with(".")) list.pop_back();
  std::set<std::string> names;
  // entries are "name" or "name (alias, alias)", separated by ", " outside parentheses
  std::string current;
  int depth = 0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const char c = list[i];
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    if (depth == 0 && c == ',' && i + 1 < list.size() && list[i + 1] == ' ') {
      names.insert(current);
      current.clear();
      ++i;
      continue;
    }
    current += c;
  }
  if (!current.empty()) names.insert(current);
  return names;
}

json runner_docs() {
  auto out = testing::run_binary({"--doc"});
  REQUIRE(out.rc == 0);
  return json::parse(out.stdout_text);
}

}  // namespace

TEST_CASE("every module in the runner's table has a description, described options, return fields and an example") {
  std::string missing;
  for (const auto& entry : module_table()) {
    if (!entry.doc) {
      missing += " " + std::string(entry.name) + " (no ModuleDoc in its row of modules/registry.cpp)\n";
      continue;
    }
    if (entry.doc->description.empty()) missing += " " + std::string(entry.name) + ": description\n";
    if (entry.doc->returns.empty()) missing += " " + std::string(entry.name) + ": return fields\n";
    if (entry.doc->example.empty()) missing += " " + std::string(entry.name) + ": example\n";
    for (const auto& arg : entry.doc->options)
      if (!documented_name(arg).empty() && arg.description.empty())
        missing += " " + std::string(entry.name) + ": option " + std::string(arg.name) + " has no description\n";
  }
  CHECK_MESSAGE(missing.empty(), "undocumented:\n", missing);
}

TEST_CASE("the runner prints every module's documentation with --doc") {
  const json docs = runner_docs();
  REQUIRE(docs.size() == module_table().size());
  const json& ping = docs.at("ping");
  CHECK(ping.at("short_description") == "Check that the runner answers");
  CHECK(ping.at("options").at("data").at("default") == "pong");
  CHECK(ping.at("options").at("data").at("type") == "str");
  CHECK(ping.at("return").contains("ping"));
  const json& file = docs.at("file");
  CHECK(file.at("options").at("path").at("required") == true);
  CHECK(file.at("options").at("path").at("aliases") == json::array({"dest", "name"}));
  CHECK(file.at("options").at("state").at("choices").size() == 6);
  CHECK_FALSE(file.at("options").contains("_diff_peek"));  // internal options are not documented
  CHECK(docs.at("command").at("options").contains("free_form"));
}

TEST_CASE("the options each module accepts are exactly the ones its documentation lists") {
  const json docs = runner_docs();
  for (const auto& entry : module_table()) {
    CAPTURE(entry.name);
    CHECK(accepted_options(std::string(entry.name)) == documented_options(docs.at(std::string(entry.name))));
  }
}

}  // namespace drover::modules
