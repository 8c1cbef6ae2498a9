#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/value/json.hpp"
#include "tests/unit/inventory/inventory_test_support.hpp"

using namespace drover;
using namespace drover::test;
using Names = std::vector<std::string>;

namespace {

SourceError ini_error(const std::string& text) {
  try {
    ini(text, "inline-test.ini");
  } catch (const SourceError& e) {
    return e;
  }
  FAIL("no error for: " << text);
  throw;
}

}  // namespace

TEST_CASE("hosts before any section are ungrouped; sections make groups") {
  auto inv = ini("alpha\nbeta:2200\n[web]\nw1\nw2\n[db]\nd1\n");
  CHECK(names(inv.select("ungrouped")) == Names{"alpha", "beta"});
  CHECK(names(inv.select("web")) == Names{"w1", "w2"});
  CHECK(names(inv.select("all")) == Names{"alpha", "beta", "w1", "w2", "d1"});
  CHECK(dump_json(inv.find_host("beta")->vars) == R"({"ansible_port": 2200})");
}

TEST_CASE("inline host vars are shlex-split and read as Python literals") {
  auto inv = ini(R"(h a=1 b=1.5 c="[1,2]" d={'x':1} e=True f=true h='quoted str' j=None k=0644)");
  CHECK(dump_json(inv.find_host("h")->vars) ==
        R"({"a": 1, "b": 1.5, "c": [1, 2], "d": "{x:1}", "e": true, "f": "true", "h": "quoted str", "j": null, "k": "0644"})");
}

TEST_CASE(":vars values are Python literals too, and keys and values are trimmed") {
  auto inv = ini("[g]\nh\n[g:vars]\npv1=1\npv2=True\npv3=\"quoted\"\npv4 = spaced value\npv5=[1, 2]\n");
  CHECK(dump_json(inv.find_group("g")->vars) ==
        R"({"pv1": 1, "pv2": true, "pv3": "quoted", "pv4": "spaced value", "pv5": [1, 2]})");
}

TEST_CASE(":children may name a group declared later; it joins when declared, as in Ansible") {
  auto inv = ini("[prod:children]\nweb\ndb\n[db]\nd1\n[web]\nw1\n");
  CHECK(inv.find_group("prod")->children == Names{"db", "web"});
  CHECK(names(inv.select("prod")) == Names{"d1", "w1"});
  auto declared = ini("[web]\nw1\n[db]\nd1\n[prod:children]\nweb\ndb\n");
  CHECK(declared.find_group("prod")->children == Names{"web", "db"});
}

TEST_CASE("ranges expand in host lines, with and without a step") {
  auto inv = ini("[web]\nweb[01:03]\nx[1:5:2].example.com\ndb-[a:b] role=db\n");
  CHECK(names(inv.select("web")) ==
        Names{"web01", "web02", "web03", "x1.example.com", "x3.example.com", "x5.example.com", "db-a", "db-b"});
  CHECK(dump_json(inv.find_host("db-b")->vars) == R"({"role": "db"})");
}

TEST_CASE("comments start with # or ; and a # after a host ends the line") {
  auto inv = ini("# c\n; c\n  \nh1 a=1 # trailing\n[g] # about g\nh2\n");
  CHECK(names(inv.select("all")) == Names{"h1", "h2"});
  CHECK(dump_json(inv.find_host("h1")->vars) == R"({"a": 1})");
}

TEST_CASE("a host in a group leaves ungrouped") {
  auto inv = ini("h1\n[g]\nh1\n");
  CHECK(names(inv.select("ungrouped")).empty());
  CHECK(names(inv.select("g")) == Names{"h1"});
}

TEST_CASE("a :vars section for an undeclared group is an error") {
  auto e = ini_error("[x:vars]\nk=1\n");
  CHECK(e.where().str() == "inline-test.ini:1");
  CHECK(e.bare_message() == "Section [x:vars] not valid for undefined group: x");
}

TEST_CASE("a :children entry naming a group that is never declared is an error") {
  auto e = ini_error("[a:children]\nnope\n");
  CHECK(e.where().str() == "inline-test.ini:2");
  CHECK(e.bare_message() == "Section [a:children] includes undefined group: nope");
}

TEST_CASE("a bad range is an error naming the line") {
  auto e = ini_error("ok\nweb[1:]\n");
  CHECK(e.where().str() == "inline-test.ini:2:1");
  CHECK(e.bare_message() == "bad host range 'web[1:]': host range must specify end value");
}

TEST_CASE("a host token without = is an error with its column") {
  auto e = ini_error("[g]\nh1 foo\n");
  CHECK(e.where().str() == "inline-test.ini:2:4");
  CHECK(e.bare_message() == "Expected key=value host variable assignment, got: foo");
}

TEST_CASE("unknown section types, spaces in sections and a trailing colon are errors") {
  CHECK(ini_error("[g:bad]\n").bare_message() == "Section [g:bad] has unknown type: bad");
  CHECK(ini_error("[g x]\n").bare_message() ==
        "Invalid section entry: '[g x]'. Please make sure that there are no spaces in the section entry, and "
        "that there are no other invalid characters");
  CHECK(ini_error("h1:\n").bare_message() ==
        "Invalid host pattern 'h1:' supplied, ending in ':' is not allowed, this character is reserved to "
        "provide a port.");
  CHECK(ini_error("h1 a='x\n").bare_message() == "Error parsing host definition 'h1 a='x': No closing quotation");
}

TEST_CASE("an error in a file shows the line and a caret") {
  TempDir dir;
  auto path = dir.write("bad.ini", "[web]\nweb1 oops\n");
  std::string msg = error_of([&] { load_inventory({path}); });
  CHECK(msg == path + ":2:6: Expected key=value host variable assignment, got: oops\n  web1 oops\n       ^\n"
                      "Host variables are written name=value after the host name.");
}

TEST_CASE("ansible_group_priority is not a var but orders groups of the same depth") {
  auto inv = ini("[a]\nh\n[b]\nh\n[a:vars]\nx=a\nansible_group_priority=5\n[b:vars]\nx=b\n");
  CHECK(inv.find_group("a")->priority == 5);
  CHECK(inv.find_group("a")->vars.find("ansible_group_priority") == nullptr);
  CHECK(inv.host_json("h").get("x") == Value("a"));
}

TEST_CASE("regression (fuzz): a 100,000-host range joins its group in linear time") {
  // each host used to be searched for in the group's whole list of hosts (fuzz: a timeout)
  auto inv = ini("[web]\nweb[1:100000].example.com\n");
  CHECK(inv.select("web").size() == 100000);
  CHECK(names(inv.select("web[99999]")) == Names{"web100000.example.com"});
}
