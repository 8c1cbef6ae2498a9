#include <doctest/doctest.h>

#include "core/template/templar.hpp"
#include "core/value/json.hpp"

using namespace drover;
using namespace drover::tmpl;

namespace {

Value vars() {
  return parse_json(R"({
    "name": "web", "port": 8080, "ratio": 0.5, "enabled": true, "nothing": null,
    "items": ["a", "b", "c"], "nums": [3, 1, 2],
    "user": {"name": "ann", "groups": ["wheel", "adm"]},
    "greeting": "hello {{ name }}",
    "loop_a": "{{ loop_b }}", "loop_b": "{{ loop_a }}",
    "nested": {"msg": "port {{ port }}"}
  })", "test");
}

std::string render(const std::string& src) {
  MapVariables v(vars());
  Templar t(v);
  return t.render(src);
}

Value tv(const std::string& src) {
  MapVariables v(vars());
  Templar t(v);
  return t.template_value(Value(src));
}

std::string error_of(const std::string& src) {
  try {
    render(src);
  } catch (const TemplateError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("variables, attributes and indexes render as Python prints them") {
  CHECK(render("{{ name }}:{{ port }}") == "web:8080");
  CHECK(render("{{ user.name }} {{ user['groups'][1] }} {{ items[-1] }}") == "ann adm c");
  CHECK(render("{{ items }} {{ user }}") == "['a', 'b', 'c'] {'name': 'ann', 'groups': ['wheel', 'adm']}");
  CHECK(render("{{ enabled }} {{ ratio }} {{ 1.0 }} {{ 10 / 4 }}") == "True 0.5 1.0 2.5");
}

TEST_CASE("a string that is exactly one expression yields the native value") {
  CHECK(tv("{{ items }}") == vars().get("items"));
  CHECK(tv("{{ port + 1 }}") == Value(8081));
  CHECK(tv("{{ nothing }}").is_null());
  CHECK(tv("{{ port }} ") == Value("8080 "));
}

TEST_CASE("variables that are templates are rendered when read") {
  CHECK(render("{{ greeting }}") == "hello web");
  CHECK(render("{{ nested.msg }}") == "port 8080");
}

TEST_CASE("a recursive definition is an error naming the variable") {
  CHECK(error_of("{{ loop_a }}") == "recursive loop detected in template: loop_a");
}

TEST_CASE("an undefined variable or attribute is an error in Ansible's words") {
  CHECK(error_of("{{ missing }}") == "'missing' is undefined");
  CHECK(error_of("{{ user.missing }}") == "'dict object' has no attribute 'missing'");
  CHECK(error_of("{{ missing.x }}") == "'missing' is undefined");
  CHECK(render("{{ missing | default('d') }} {{ missing is defined }} {{ user.x | d(1) }}") == "d False 1");
}

TEST_CASE("statements: if, for with loop variables, set, macro") {
  CHECK(render("{% for i in items %}{{ loop.index }}{{ i }}{% if not loop.last %},{% endif %}{% endfor %}") ==
        "1a,2b,3c");
  CHECK(render("{% if port > 80 and enabled %}yes{% else %}no{% endif %}") == "yes");
  CHECK(render("{% set x = nums | sort %}{{ x | join('-') }}") == "1-2-3");
  CHECK(render("{% macro m(a, b=2) %}{{ a }}+{{ b }}{% endmacro %}{{ m(1) }} {{ m(1, b=3) }}") == "1+2 1+3");
}

TEST_CASE("trim_blocks removes the newline after a block tag and trailing newlines are kept") {
  CHECK(render("{% if true %}\nx\n{% endif %}\n") == "x\n");
  CHECK(render("a\n\n") == "a\n\n");
  CHECK(render("  {%- if true -%}  x  {%- endif %}") == "x");
}

TEST_CASE("conditions follow Python truthiness and accept a single {{ }}") {
  MapVariables v(vars());
  Templar t(v);
  CHECK(t.condition("port == 8080"));
  CHECK_FALSE(t.condition("nothing"));
  CHECK(t.condition("{{ enabled }}"));
  CHECK(t.condition("'a' in items"));
  CHECK_FALSE(t.condition("missing is defined"));
}

TEST_CASE("omit is a per-process placeholder") {
  CHECK(Templar::omit_token().rfind("__omit_place_holder__", 0) == 0);
  CHECK(Templar::omit_token().size() == 21 + 40);
  CHECK(tv("{{ omit }}") == Value(Templar::omit_token()));
}

TEST_CASE("unsafe strings are never templated") {
  MapVariables v(vars());
  Templar t(v);
  Value raw("{{ name }}", Mark::unsafe);
  CHECK(t.template_value(raw) == Value("{{ name }}"));
}
