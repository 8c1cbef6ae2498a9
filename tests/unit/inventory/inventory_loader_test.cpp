#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/value/json.hpp"
#include "tests/unit/inventory/inventory_test_support.hpp"

using namespace drover;
using namespace drover::test;
using Names = std::vector<std::string>;

TEST_CASE("a comma-separated host list is an inventory of ungrouped hosts") {
  auto inv = load_inventory({"h1,h2:2200,"});
  CHECK(names(inv.select("all")) == Names{"h1", "h2"});
  CHECK(names(inv.select("ungrouped")) == Names{"h1", "h2"});
  CHECK(dump_json(inv.host_json("h2")) == R"({"ansible_port": 2200})");
  CHECK(names(load_inventory({"single,"}).select("all")) == Names{"single"});
}

TEST_CASE("an executable script is run with --list and its _meta.hostvars used") {
  TempDir dir;
  auto script = dir.write("inv.sh", R"(#!/bin/sh
[ "$1" = "--list" ] || exit 3
echo '{"s": {"hosts": ["s1","s2"], "vars": {"sv": 1}, "children": ["t"]}, "t": ["t1"], "_meta": {"hostvars": {"s1": {"a": 2}}}}'
)", true);
  auto inv = load_inventory({script});
  CHECK(names(inv.select("all")) == Names{"s1", "s2", "t1"});
  CHECK(dump_json(inv.host_json("s1")) == R"({"sv": 1, "a": 2})");
  CHECK(dump_json(inv.host_json("t1")) == R"({"sv": 1})");
}

TEST_CASE("without _meta a script is asked for each host with --host") {
  std::vector<std::string> calls;
  static std::vector<std::string>* record = nullptr;
  record = &calls;
  inventory::Inventory inv;
  inventory::parse_script_inventory(inv, "fake", [](const std::string&, const std::string& arg) -> std::string {
    record->push_back(arg);
    if (arg == "--list") return R"({"g": ["a", "b"]})";
    return arg == "a" ? R"({"va": true})" : "{}";
  });
  inv.reconcile();
  CHECK(calls == Names{"--list", "a", "b"});
  CHECK(dump_json(inv.host_json("a")) == R"({"va": true})");
}

TEST_CASE("a failing script is an error with its exit code and stderr") {
  TempDir dir;
  auto script = dir.write("bad.sh", "#!/bin/sh\necho broken >&2\nexit 3\n", true);
  CHECK(error_of([&] { load_inventory({script}); }) ==
        "Inventory script (" + script + ") had an execution error: exit code 3\nbroken\n");
}

TEST_CASE("a directory source reads every file, skipping Ansible's ignored extensions") {
  TempDir dir;
  dir.write("inv/10-web.yml", "all:\n  children:\n    web:\n      hosts:\n        w1:\n");
  dir.write("inv/20-db", "[db]\nd1\n");
  dir.write("inv/30-script", "#!/bin/sh\necho '{\"s\": [\"s1\"]}'\n", true);
  dir.write("inv/skipped.ini", "[x]\nini-host\n");
  dir.write("inv/README.md", "garbage [\n");
  dir.write("inv/old.retry", "retry-host\n");
  dir.write("inv/.hidden", "hidden-host\n");
  dir.write("inv/group_vars/web.yml", "gv: 1\n");
  auto inv = load_inventory({dir.str() + "/inv"});
  CHECK(names(inv.select("all")) == Names{"w1", "d1", "s1"});
  CHECK(inv.host_json("w1").get("gv") == Value(1));
}

TEST_CASE("an extension-less YAML file is read as YAML, an INI one as INI") {
  TempDir dir;
  auto y = dir.write("yamlish", "---\nall:\n  hosts:\n    y1:\n");
  auto i = dir.write("iniish", "[g]\ni1 a=1\n");
  CHECK(names(load_inventory({y, i}).select("all")) == Names{"y1", "i1"});
}

TEST_CASE("a missing inventory source is an error") {
  CHECK(error_of([] { load_inventory({"/nonexistent/hosts"}); }) ==
        "The inventory source /nonexistent/hosts does not exist.");
}

TEST_CASE("list_json and graph have ansible-inventory's shape") {
  auto inv = ini("alpha\n[prod:children]\nweb\n[web]\nw1 x=1\n[empty]\n");
  CHECK(dump_json(inv.list_json(), {-1, true}) ==
        R"({"_meta": {"hostvars": {"w1": {"x": 1}}}, "all": {"children": ["ungrouped", "prod", "empty"]}, )"
        R"("prod": {"children": ["web"]}, "ungrouped": {"hosts": ["alpha"]}, "web": {"hosts": ["w1"]}})");
  CHECK(inv.graph() == "@all:\n  |--@ungrouped:\n  |  |--alpha\n  |--@prod:\n  |  |--@web:\n  |  |  |--w1\n  |--@empty:\n");
  CHECK(inv.graph("prod") == "@prod:\n  |--@web:\n  |  |--w1\n");
  CHECK(error_of([&] { inv.graph("nope"); }) == "Pattern must be valid group name when using --graph");
}
