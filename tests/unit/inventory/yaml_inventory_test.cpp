#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/value/json.hpp"
#include "tests/unit/inventory/inventory_test_support.hpp"

using namespace drover;
using namespace drover::test;
using Names = std::vector<std::string>;

TEST_CASE("a YAML inventory nests children, hosts and vars; hosts under all are ungrouped") {
  auto inv = yaml_inv(R"(all:
  vars: {x: 1}
  hosts:
    localhost:
      ansible_connection: local
  children:
    web:
      hosts:
        w[1:2]:
          http_port: 80
        w3:
      vars:
        y: s
      children:
        inner:
          hosts:
            i1:
    db:
      hosts:
        d1: {ansible_host: 10.0.0.1}
)");
  CHECK(names(inv.select("all")) == Names{"localhost", "w1", "w2", "w3", "d1", "i1"});
  CHECK(names(inv.select("ungrouped")) == Names{"localhost"});
  CHECK(inv.find_group("web")->children == Names{"inner"});
  CHECK(dump_json(inv.host_json("w2")) == R"({"x": 1, "y": "s", "http_port": 80})");
  CHECK(!inv.find_host("localhost")->implicit);
}

TEST_CASE("YAML host keys take a port and YAML 1.1 types hold in vars") {
  auto inv = yaml_inv("all:\n  hosts:\n    h1:2222:\n      on_flag: yes\n      mode: 0644\n");
  CHECK(dump_json(inv.host_json("h1")) == R"({"ansible_port": 2222, "on_flag": true, "mode": 420})");
}

TEST_CASE("an unparseable YAML inventory is an error with file:line:col") {
  try {
    yaml_inv("all:\n  hosts:\n    a: [1, 2\n", "broken.yml");
    FAIL("no error");
  } catch (const SourceError& e) {
    CHECK(e.where().file == "broken.yml");
    CHECK(e.where().line == 4);
    CHECK(e.bare_message().rfind("YAML syntax error: ", 0) == 0);
  }
}

TEST_CASE("a YAML inventory that is not a mapping of groups is an error") {
  CHECK_THROWS_WITH(yaml_inv("- a\n- b\n", "list.yml"),
                    doctest::Contains("list.yml:1:1: YAML inventory has invalid structure, it should be a dictionary, got: list"));
  CHECK_THROWS_WITH(yaml_inv("", "empty.yml"), doctest::Contains("empty.yml:1: Parsed empty YAML file"));
  CHECK_THROWS_WITH(yaml_inv("plugin: aws_ec2\n", "p.yml"), doctest::Contains("Plugin configuration YAML file, not YAML inventory"));
  CHECK_THROWS_WITH(yaml_inv("all:\n  hosts: [a, b]\n", "h.yml"),
                    doctest::Contains("h.yml:2:10: Invalid \"hosts\" entry for \"all\" group, requires a dictionary, found \"list\" instead."));
}

TEST_CASE("a bad range in a YAML host key points at the key") {
  CHECK_THROWS_WITH(yaml_inv("all:\n  hosts:\n    web[3:]:\n", "r.yml"),
                    doctest::Contains("r.yml:3:5: bad host range 'web[3:]': host range must specify end value"));
}
