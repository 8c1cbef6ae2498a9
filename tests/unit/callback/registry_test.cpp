#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "core/error.hpp"
#include "plugins/callback/registry.hpp"

using namespace drover::callback;

TEST_CASE("the callback table is sorted by name and every factory builds a callback of that name") {
  const auto& table = callback_table();
  REQUIRE(!table.empty());
  CHECK(std::is_sorted(table.begin(), table.end(),
                       [](const CallbackEntry& a, const CallbackEntry& b) { return std::string(a.name) < b.name; }));
  drover::output::CallbackOptions options;
  for (const auto& entry : table) {
    CAPTURE(entry.name);
    auto cb = make_callback(entry.name, options);
    REQUIRE(cb);
    CHECK(cb->name() == entry.name);
  }
}

TEST_CASE("Ansible's collection names find the same built-in callback") {
  REQUIRE(find_callback("ansible.builtin.minimal") != nullptr);
  CHECK(std::string(find_callback("ansible.builtin.minimal")->name) == "minimal");
  CHECK(std::string(find_callback("ansible.posix.json")->name) == "json");
  CHECK(find_callback("junit")->kind == CallbackKind::notification);
  CHECK(find_callback("default")->kind == CallbackKind::stdout_callback);
}

TEST_CASE("an unknown callback name is a fatal bad-options error listing the known callbacks") {
  drover::output::CallbackOptions options;
  try {
    make_callback("yamll", options);
    FAIL("no error");
  } catch (const drover::Fatal& e) {
    CHECK(e.code() == drover::ExitCode::bad_options);
    std::string what = e.what();
    CHECK(what.find("unknown callback plugin 'yamll'") != std::string::npos);
    CHECK(what.find("default, json, junit, minimal, oneline, timer") != std::string::npos);
  }
}

TEST_CASE("ad hoc runs default to the minimal callback and playbooks to default") {
  CHECK(default_stdout_callback(true) == "minimal");
  CHECK(default_stdout_callback(false) == "default");
}
