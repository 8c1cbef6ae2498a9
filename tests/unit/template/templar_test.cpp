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

TEST_CASE("template_value templates keys and values of maps and lists recursively") {
  MapVariables v(vars());
  Templar t(v);
  Value in = parse_json(R"({"{{ name }}_key": ["{{ port }}", "x {{ port }}", 3]})", "test");
  Value out = t.template_value(in);
  REQUIRE(out.is_map());
  const Value* list = out.find("web_key");
  REQUIRE(list != nullptr);
  CHECK(list->as_list()[0] == Value(8080));
  CHECK(list->as_list()[1] == Value("x 8080"));
  CHECK(list->as_list()[2] == Value(3));
}

TEST_CASE("a string built from a secret value is secret") {
  Value m = vars();
  m.mutable_map().set("password", Value(std::string("hunter2"), Mark::secret));
  MapVariables v(m);
  Templar t(v);
  CHECK(t.template_value(Value("pw={{ password }}")).is_secret());
  CHECK(t.template_value(Value("{{ password }}")).is_secret());
  CHECK_FALSE(t.template_value(Value("pw={{ name }}")).is_secret());
}

TEST_CASE("the #jinja2: header overrides trim_blocks and lstrip_blocks") {
  CHECK(render("#jinja2: trim_blocks: False\n{% if true %}\nx\n{% endif %}\n") == "\nx\n");
  CHECK(render("#jinja2: lstrip_blocks: True\n  {% if true %}\nx\n  {% endif %}\n") == "x\n");
}

TEST_CASE("a condition whose {{ }} yields the string 'False' is false, as in Ansible") {
  Value m = vars();
  m.mutable_map().set("flag", "False");
  MapVariables v(m);
  Templar t(v);
  CHECK_FALSE(t.condition("{{ flag }}"));
  CHECK(t.condition("flag"));  // a bare non-empty string is truthy
}

TEST_CASE("evaluate returns native values and fails on undefined names") {
  MapVariables v(vars());
  Templar t(v);
  CHECK(t.evaluate("nums | sort") == Value::list({1, 2, 3}));
  CHECK(t.evaluate("user.groups") == vars().get("user").get("groups"));
  CHECK_THROWS_WITH_AS(t.evaluate("nope"), "'nope' is undefined", TemplateError);
}

TEST_CASE("lookup() with an unknown plugin is an error naming it") {
  CHECK(error_of("{{ lookup('no_such_plugin', 'x') }}") == "lookup plugin (no_such_plugin) not found");
}

TEST_CASE("a template compiled once renders with different variables") {
  MapVariables a(Value(Map{{"x", 1}}));
  MapVariables b(Value(Map{{"x", 2}}));
  Templar ta(a), tb(b);
  CHECK(ta.render("{{ x }}") == "1");
  CHECK(tb.render("{{ x }}") == "2");
}

TEST_CASE("a child template renders as its parent with the child's blocks, through the search path") {
  MapVariables v(vars());
  TemplateOptions options;
  options.search_paths.push_back(std::string(DROVER_SOURCE_DIR) + "/tests/diff/jinja");
  Templar t(v, options);
  CHECK(t.render("{% extends 'inh_grandchild.j2' %}{% block footer %}{{ super() }}!{% endblock %}") ==
        "<html>\n<head>GC[Child Base title]</head>\n<body>  child body from-child HI! from-base\n</body>\n"
        "footer web + grandchild!</html>");
  CHECK(t.template_value(Value("{% extends 'inh_nested.j2' %}dropped{% block inner %}{{ name }}{% endblock %}")) ==
        Value("(outer web /outer)"));
  CHECK_THROWS_WITH_AS(t.render("{% extends 'inh_required.j2' %}"), "Required block 'content' not found", TemplateError);
  CHECK_THROWS_WITH_AS(t.render("{% extends 'inh_base.j2' %}{% extends 'inh_base.j2' %}"), "extended multiple times",
                       TemplateError);
}
