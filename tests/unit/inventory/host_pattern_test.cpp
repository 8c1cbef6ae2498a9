// Expected host lists below were taken from `ansible PATTERN --list-hosts` (Ansible 2.14) on the
// same inventory.
#include <doctest/doctest.h>

#include "core/error.hpp"
#include "tests/unit/inventory/inventory_test_support.hpp"

using namespace drover;
using namespace drover::test;
using Names = std::vector<std::string>;

namespace {

const char* const k_inventory = R"(alpha
beta
[web]
web01
web02
web03
[db]
db1
web02
[prod:children]
web
db
[stage]
web03
st1
)";

Names sel(const std::string& pattern, const std::string& limit = "") {
  static auto inv = ini(k_inventory);
  return names(inv.select(pattern, limit));
}

}  // namespace

TEST_CASE("all and * list hosts group by group, breadth-first, as Ansible orders them") {
  Names all{"alpha", "beta", "web03", "st1", "web01", "web02", "db1"};
  CHECK(sel("all") == all);
  CHECK(sel("*") == all);
}

TEST_CASE("union, intersection and exclusion combine in Ansible's order") {
  CHECK(sel("web:db") == Names{"web01", "web02", "web03", "db1"});
  CHECK(sel("web,db") == Names{"web01", "web02", "web03", "db1"});
  CHECK(sel("db:web") == Names{"db1", "web02", "web01", "web03"});
  CHECK(sel("web:&db") == Names{"web02"});
  CHECK(sel("prod:!web03") == Names{"web01", "web02", "db1"});
  CHECK(sel("!web03") == Names{"alpha", "beta", "st1", "web01", "web02", "db1"});
  CHECK(sel("&web") == Names{"web03", "web01", "web02"});
}

TEST_CASE("wildcards match groups and hosts, ~ is a regex anchored at the start") {
  CHECK(sel("web0*") == Names{"web01", "web02", "web03"});
  CHECK(sel("w*:st1") == Names{"web01", "web02", "web03", "st1"});
  CHECK(sel("~web0[12]") == Names{"web01", "web02"});
  CHECK(sel("~eb").empty());
}

TEST_CASE("subscripts pick hosts of a group by position") {
  CHECK(sel("web[0:1]") == Names{"web01", "web02"});
  CHECK(sel("web[1:]") == Names{"web02", "web03"});
  CHECK(sel("web[-1]") == Names{"web03"});
  CHECK(sel("prod[2]") == Names{"web03"});
  CHECK(sel("web[5]").empty());
}

TEST_CASE("an unmatched pattern selects nothing with a warning") {
  std::vector<std::string> warnings;
  inventory::set_warning_sink([&](const std::string& m) { warnings.push_back(m); });
  CHECK(sel("nomatch").empty());
  inventory::set_warning_sink([](const std::string& m) { std::fprintf(stderr, "[WARNING]: %s\n", m.c_str()); });
  CHECK(warnings == Names{"Could not match supplied host pattern, ignoring: nomatch"});
}

TEST_CASE("--limit restricts the pattern's hosts and keeps the pattern's order") {
  CHECK(sel("all", "prod:!db") == Names{"web03", "web01"});
  CHECK(sel("web", "web03,alpha") == Names{"web03"});
  TempDir dir;
  auto file = dir.write("limit.txt", "db1\n\nweb01\n");
  CHECK(sel("all", "@" + file) == Names{"web01", "db1"});
  CHECK(error_of([&] { sel("all", "@" + dir.str() + "/missing"); }) ==
        "Unable to find limit file " + dir.str() + "/missing");
}

TEST_CASE("localhost is implicit when not in the inventory, and never part of all") {
  auto inv = ini(k_inventory);
  auto local = inv.select("localhost");
  REQUIRE(local.size() == 1);
  CHECK(local[0]->implicit);
  CHECK(inv.host_vars(*local[0]).get("ansible_connection") == Value("local"));
  CHECK(inv.select("all").size() == 7);
  auto explicit_local = ini("localhost ansible_connection=local\nother\n");
  CHECK(names(explicit_local.select("all")) == Names{"localhost", "other"});
  CHECK(!explicit_local.find_host("localhost")->implicit);
}

TEST_CASE("split_host_pattern keeps ports, IPv6 addresses and ranges whole") {
  using inventory::split_host_pattern;
  CHECK(split_host_pattern("web:&db:!web03") == Names{"web", "&db", "!web03"});
  CHECK(split_host_pattern("web[0:2]") == Names{"web[0:2]"});
  CHECK(split_host_pattern("web[0:2]:db") == Names{"web[0:2]", "db"});
  CHECK(split_host_pattern("fe80::1") == Names{"fe80::1"});
  CHECK(split_host_pattern(" a , b ,") == Names{"a", "b"});
}

TEST_CASE("an invalid regex pattern is an error naming it") {
  CHECK(error_of([] { sel("~web("); }) == "Invalid host list pattern: ~web(");
}

TEST_CASE("glob_match follows fnmatch") {
  using inventory::glob_match;
  CHECK(glob_match("web*", "web01"));
  CHECK(glob_match("w?b[0-9]*", "web1x"));
  CHECK(glob_match("web[!1]", "web2"));
  CHECK(!glob_match("web[!1]", "web1"));
  CHECK(!glob_match("Web*", "web01"));
  CHECK(glob_match("*.example.com", "a.example.com"));
}
