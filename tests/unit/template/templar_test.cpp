#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "core/template/templar.hpp"
#include "core/value/json.hpp"
#include "core/value/python_literal.hpp"
#include "plugins/lookup/lookup_table.hpp"

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

TEST_CASE("a templated string is text unless it spells a list, a dict or a bool (Ansible's default)") {
  CHECK(tv("{{ 5 }}") == Value("5"));
  CHECK(tv("{{ 5 }}").is_string());
  CHECK(tv("{{ port + 1 }}") == Value("8081"));
  CHECK(tv("{{ 2.5 }}") == Value("2.5"));
  CHECK(tv("{{ none }}") == Value(""));
  CHECK(tv("{{ [1, 2] }}") == Value::list({1, 2}));
  CHECK(tv("{{ '[1' }}, 2]") == Value::list({1, 2}));
  CHECK(tv("{{ items }}") == vars().get("items"));
  CHECK(tv("{{ user }}") == vars().get("user"));
  CHECK(tv("{{ 1 == 1 }}") == Value(true));
  CHECK(tv("{{ 'True' }}") == Value(true));
  CHECK(tv("{{ 'true' }}") == Value("true"));
  CHECK(tv("{{ ' [1]' }}") == Value(" [1]"));
  CHECK(tv("{{ port }} ") == Value("8080 "));
  CHECK(tv("x{{ port }}") == Value("x8080"));
  // JSON's names are read as Python's (Ansible's Json2Python), Jinja's `none` is not
  CHECK(tv("{{ '[true, null, false]' }}") == Value::list({true, nullptr, false}));
  CHECK(tv("{{ '[none]' }}") == Value("[none]"));
  CHECK(tv("{{ '[1, --2]' }}") == Value("[1, --2]"));
  CHECK(tv("{{ '[01]' }}") == Value("[01]"));
  CHECK(tv("{{ range(3) }}") == Value::list({0, 1, 2}));
}

TEST_CASE("the output of to_json and the other string filters stays text") {
  CHECK(tv("{{ user | to_json }}") == Value(R"({"name": "ann", "groups": ["wheel", "adm"]})"));
  CHECK(tv("{{ '[1]' | string }}") == Value("[1]"));
  // ...unless more text joins it
  CHECK(tv("{{ [1] | to_json }} ") == Value::list({1}));
}

TEST_CASE("a string that names a bool, number or null variable yields the variable's value") {
  CHECK(tv("{{ port }}") == Value(8080));
  CHECK(tv("{{port}}") == Value(8080));
  CHECK(tv("{{ ratio }}") == Value(0.5));
  CHECK(tv("{{ enabled }}") == Value(true));
  CHECK(tv("{{ nothing }}").is_null());
  CHECK(tv("{{ port }}\n") == Value(8080));  // Python's `$` matches before a final newline
  CHECK(tv("{{ port + 0 }}") == Value("8080"));
}

TEST_CASE("a string result keeps the source's trailing newlines; a list result does not get them") {
  CHECK(tv("{{ name }}\n\n") == Value("web\n\n"));
  CHECK(tv("{{ [1, 2] }}\n") == Value::list({1, 2}));
}

TEST_CASE("jinja2_native: a lone expression yields its value, text its Python literal") {
  MapVariables v(vars());
  Templar t(v, TemplateOptions{.result_types = ResultTypes::native});
  CHECK(t.template_value(Value("{{ port + 1 }}")) == Value(8081));
  CHECK(t.template_value(Value("{{ 2.5 }}")) == Value(2.5));
  CHECK(t.template_value(Value("{{ none }}")).is_null());
  CHECK(t.template_value(Value("{{ '5' }}")) == Value(5));
  CHECK(t.template_value(Value("{{ 'true' }}")) == Value("true"));
  CHECK(t.template_value(Value("{{ port }}0")) == Value(80800));
  CHECK(t.template_value(Value("{{ \"'a'\" }}")) == Value("'a'"));
  CHECK(t.template_value(Value("{{ '[null]' }}")) == Value("[null]"));
  CHECK(t.template_value(Value("{{ items }}")) == vars().get("items"));
}

TEST_CASE("unsafe and secret marks survive the literal step") {
  Map m;
  m.set("u", Value("['{{ x }}', 1]", Mark::unsafe));
  m.set("s", Value("['pw']", Mark::secret));
  m.set("w", Value("{{ 1 }}", Mark::unsafe));
  MapVariables v{Value(std::move(m))};
  Templar t(v);
  Value u = t.template_value(Value("{{ u }}"));
  REQUIRE(u.is_list());
  CHECK(u.as_list()[0].is_unsafe());
  CHECK(u.as_list()[0] == Value("{{ x }}"));
  Value s = t.template_value(Value("{{ s }}"));
  REQUIRE(s.is_list());
  CHECK(s.contains_secret());
  CHECK(t.template_value(Value("{{ s }} ")).contains_secret());
  Value us = t.template_value(Value("{{ w }}"));
  CHECK(us == Value("{{ 1 }}"));
  CHECK(us.is_unsafe());
}

// Regression: wrapping a result marked its strings but not its keys, so a registered
// set_fact's "{{ 'x' + item }}" key was rendered (and failed) whenever the variable was read.
TEST_CASE("wrap_unsafe keeps a mapping's keys and values from being rendered when read") {
  Map inner;
  inner.set("{{ x }}", Value("{{ y }}"));
  Map m;
  m.set("d", Templar::wrap_unsafe(Value(Map{{"args", Value(std::move(inner))}})));
  MapVariables v{Value(std::move(m))};
  Templar t(v);
  Value d = t.template_value(Value("{{ d.args }}"));
  REQUIRE(d.is_map());
  CHECK(d.get("{{ x }}") == Value("{{ y }}"));
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

// Regression: drover read the values as its own yes/no words; Ansible 2.14 literal_evals them
// (the expected output is ansible-playbook's for the same template).
TEST_CASE("#jinja2: header values are Python literals, read by truthiness") {
  CHECK(render("#jinja2: trim_blocks: 0, lstrip_blocks: \"yes\"\n  {% if 1 %}\nx\n  {% endif %}\n") == "\nx\n");
  CHECK_THROWS_WITH_AS(render("#jinja2: trim_blocks: true\nx"),
                       doctest::Contains("the jinja2 override trim_blocks: true is not a Python literal"), TemplateError);
  CHECK_THROWS_WITH_AS(render("#jinja2: trim_blocks=True\nx"),
                       doctest::Contains("failed to parse jinja2 override 'trim_blocks=True'"), TemplateError);
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

TEST_CASE("literal_eval reads exactly what Python's ast.literal_eval reads") {
  auto ok = [](std::string_view text) { return literal_eval(text).value_or(Value("<rejected>")); };
  auto tuple = [](List items) { return Value(std::move(items)).add_mark(Mark::tuple); };
  CHECK(ok("[1, 'a', 2.5, True, None]") == Value::list({1, "a", 2.5, true, nullptr}));
  CHECK(ok("{'a': [1], \"b\": {}}") == parse_json(R"({"a": [1], "b": {}})", "t"));
  CHECK(ok("(1, 2)").mark() == Mark::tuple);
  CHECK(ok("(1,)") == tuple({1}));
  CHECK(ok("()") == tuple({}));
  CHECK(ok("(1)") == Value(1));
  CHECK(ok("[1], [2]") == tuple({Value::list({1}), Value::list({2})}));
  CHECK(ok("{1, 2}") == Value::list({1, 2}));
  CHECK(ok("set()") == Value::list({}));
  CHECK(ok("[-1, +2, -(3), -1.5]") == Value::list({-1, 2, -3, -1.5}));
  CHECK(ok("[0x10, 0o17, 0b11, 1_000, 1e3, .5, 0, 00]") == Value::list({16, 15, 3, 1000, 1000.0, 0.5, 0, 0}));
  CHECK(ok(R"(['a\nb', 'c' "d", r'\n', u'x', '\x41\u00e9\101', '\q'])") ==
        Value::list({"a\nb", "cd", "\\n", "x", "A\xc3\xa9" "A", "\\q"}));
  CHECK(ok("'''a\nb'''") == Value("a\nb"));
  CHECK(ok("[1,\n 2] # a comment\n") == Value::list({1, 2}));
  CHECK(ok("[1, \\\n2]") == Value::list({1, 2}));
  CHECK(ok("[1, 2,]") == Value::list({1, 2}));
  CHECK(ok("{'a': 1, 'a': 2}") == parse_json(R"({"a": 2})", "t"));
  for (const char* bad : {"[1, --2]", "[-True]", "[01]", "[true]", "[none]", "[x]", "[1 + 2]", "[1j]",
                          "[b'x']", "[f'x']", "' 1'x", " [1]", "[1", "[1] [2]", "['a\nb']", "{[1]: 2}",
                          "{{1}}", "{(1, [2])}",
                          "[1, 2]\n3", "['\\N{BULLET}']", "[99999999999999999999]", "[1, *a]",
                          "{**a}", "[...]", "['\\x4']", "[1 if 1 else 2]", "[()]()"}) {
    CAPTURE(bad);
    CHECK_FALSE(literal_eval(bad).has_value());
  }
  CHECK(literal_eval("[true, null, false]", LiteralNames::python_and_json) == Value::list({true, nullptr, false}));
  CHECK_FALSE(literal_eval("[none]", LiteralNames::python_and_json).has_value());
}

TEST_CASE("a syntax error in a templated string is reported in Ansible's words") {
  MapVariables v(vars());
  Templar t(v);
  try {
    t.template_value(Value("value {{ 1 + }}"));
    FAIL("no error");
  } catch (const TemplateSyntaxError& e) {
    CHECK(std::string(e.what()) ==
          "template error while templating string: unexpected 'end of print statement'. "
          "String: value {{ 1 + }}. unexpected 'end of print statement'");
    CHECK(e.message() == "unexpected 'end of print statement'");
    CHECK(e.line() == 1);
  }
  CHECK_NOTHROW(Templar::check_syntax("x is defined and y", Templar::Expression::bare));
  CHECK_THROWS_AS(Templar::check_syntax("x ==", Templar::Expression::bare), TemplateSyntaxError);
}

TEST_CASE("a failing template file names the file and line, an included one its own") {
  auto dir = std::filesystem::temp_directory_path() / "drover-templar-test";
  std::filesystem::create_directories(dir / "templates");
  std::ofstream(dir / "templates" / "inner.j2") << "a\n{{ user.z }}\n";
  MapVariables v(vars());
  Templar t(v, TemplateOptions{.search_paths = {dir.string()}, .lookups = lookup::lookup_table()});
  auto error = [&](const std::string& source) {
    try {
      t.render(source, "templates/bad.j2");
    } catch (const TemplateError& e) {
      return std::string(e.what());
    }
    return std::string("<no error>");
  };
  CHECK(error("line1\nline2 {{ name }}\nline3 {{ name.z }}\n") ==
        "templates/bad.j2:3: 'str object' has no attribute 'z'");
  CHECK(error("{% for i in items %}\n{{ i }}\n{{ i.z }}\n{% endfor %}") ==
        "templates/bad.j2:3: 'str object' has no attribute 'z'");
  CHECK(error("x\n{% include 'inner.j2' %}") == "inner.j2:2: 'dict object' has no attribute 'z'");
  CHECK(error("x\n{{ 1 + }}") ==
        "templates/bad.j2:2: template error while templating string: unexpected 'end of print statement'");
  CHECK(error("{{ lookup('template', 'inner.j2') }}") ==
        "templates/bad.j2:1: " + (dir / "templates" / "inner.j2").string() + ":2: 'dict object' has no attribute 'z'");
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

TEST_CASE("playbook strings double backslashes in string literals inside {{ }}, template files do not") {
  // what YAML hands over for "{{ name | regex_replace('^(w)eb$', '\\1') }}": one backslash
  CHECK(tv(R"({{ name | regex_replace('^(w)eb$', '\1-') }})") == Value("w-"));
  CHECK(tv(R"({{ '\n' | length }})") == Value("2"));
  CHECK(tv(R"(a\b {{ 'c\d' }})") == Value(R"(a\b c\d)"));
  // only {{ }}: a {% %} block's literals are read as Jinja2 reads them
  CHECK(tv(R"({% if '\n' | length == 1 %}one{% endif %})") == Value("one"));
  // a template file (the template module, lookup('template')) is plain Jinja2
  CHECK(render(R"({{ '\n' | length }})") == "1");
}

TEST_CASE("regression: a no-break space inside a tag is whitespace, as Python's \\s is for Jinja2's lexer") {
  // include_vars' own test writes `x.ansible_included_var_files\u00a0| length`
  CHECK(render("{{ items\xc2\xa0| length }}") == "3");
  CHECK(render("{{\xe2\x80\x83name }}") == "web");
  // outside tags it is text like any other
  CHECK(render("a\xc2\xa0{{ name }}") == "a\xc2\xa0web");
}

TEST_CASE("repr of an undefined names it, as AnsibleUndefined's repr does; other uses still fail") {
  CHECK(render("{{ '%r' | format(undefined_variable) }}") ==
        "AnsibleUndefined(hint=None, obj=missing, name='undefined_variable')");
  CHECK(error_of("{{ '%s' | format(undefined_variable) }}") == "'undefined_variable' is undefined");
}

TEST_CASE("a #jinja2: header may change the delimiters, as Ansible's template header sets environment options") {
  CHECK(render("#jinja2: variable_start_string:'[[', variable_end_string:']]'\n[[ name ]] {{ name }}") ==
        "web {{ name }}");
  CHECK(render("#jinja2: block_start_string:'<%', block_end_string:'%>'\n<% if enabled %>on<% endif %> {% x %}") ==
        "on {% x %}");
}

TEST_CASE("a test or filter name no plugin may have is refused with Ansible's plugin loader words") {
  CHECK(error_of("{{ [{'failed': false}] | selectattr('failed', 'asdf ', true) | list }}") ==
        "TemplateSyntaxError: Could not load \"asdf \": 'invalid plugin name: ansible.builtin.asdf '");
  CHECK(error_of("{{ [1] | select('nosuchtest') | list }}") ==
        "template error while templating string: No test named 'nosuchtest'.");
}

TEST_CASE("regression (fuzz): integer arithmetic past 64 bits is an error, not undefined behaviour") {
  const std::string overflow = "integer overflow in '";
  for (const char* src : {"{{ 9223372036854775807 + 1 }}", "{{ -9223372036854775807 - 2 }}",
                          "{{ 4611686018427387904 * 2 }}", "{{ 2 ** 63 }}", "{{ 3 ** 40 }}",
                          "{{ (-9223372036854775807 - 1) // -1 }}", "{{ -(-9223372036854775807 - 1) }}"}) {
    CAPTURE(src);
    CHECK(error_of(src).find(overflow) != std::string::npos);
  }
  CHECK(render("{{ 2 ** 62 }} {{ (-2) ** 63 }} {{ 1 ** 9223372036854775807 }} {{ 0 ** 5 }} {{ 7 ** 0 }}") ==
        "4611686018427387904 -9223372036854775808 1 0 1");
  CHECK(render("{{ (-9223372036854775807 - 1) % -1 }} {{ -7 % 3 }} {{ 7 // -2 }}") == "0 2 -4");
  CHECK(render("{{ range(9223372036854775800, 9223372036854775807, 5) | list }}") ==
        "[9223372036854775800, 9223372036854775805]");
}

TEST_CASE("regression (fuzz): repeating a string or list past the size limit is an error, not an allocation failure") {
  CHECK(error_of("{{ 'ab' * 1000000000000 }}").find("repeated str is too long") != std::string::npos);
  CHECK(error_of("{{ [1, 2] * 9223372036854775807 }}").find("repeated list is too long") != std::string::npos);
  CHECK(render("{{ ('ab' * 3) ~ ([1] * 2) | string ~ ('x' * -1) }}") == "ababab[1, 1]");
}

TEST_CASE("regression (fuzz): 0b, 0o and 0x read only their base's digits, and a prefix without digits is 0") {
  // `0b` followed by other characters threw std::invalid_argument from the lexer (fuzz: a crash)
  CHECK(error_of("{{ 0b\xf3\xf3" "101 }}").find("template error while templating string") != std::string::npos);
  CHECK(error_of("{{ 0b }}").find("expected token 'end of print statement', got 'b'") != std::string::npos);
  CHECK(render("{{ 0b101 }} {{ 0o17 }} {{ 0x1f }} {{ 0x_1_f }} {{ 0B11 }}") == "5 15 31 31 3");
  // past 64 bits: a float, as a decimal literal past 64 bits already was
  CHECK(render("{{ 0x10000000000000000 }}") == "1.8446744073709552e+19");
}

TEST_CASE("regression (fuzz): a float literal past the double range is inf, as in Python") {
  // std::stod threw std::out_of_range from the lexer (fuzz: a crash)
  CHECK(render("{{ 1e3000 }} {{ -1e3000 }} {{ 1e-400 }}") == "inf -inf 0.0");
  CHECK(render("{{ 1" + std::string(400, '0') + " > 1e300 }}") == "True");
}

// Regression (issue 11): deeply nested expressions overflowed the stack in the parser.
TEST_CASE("an expression nested thousands deep is a template error, not a stack overflow") {
  const std::string deep_parens = "{{ " + std::string(10000, '(') + "1" + std::string(10000, ')') + " }}";
  CHECK(error_of(deep_parens).find("the template nests deeper than 400 levels") != std::string::npos);
  std::string deep_list = "{{ " + std::string(10000, '[') + std::string(10000, ']') + " }}";
  CHECK(error_of(deep_list).find("nests deeper than 400 levels") != std::string::npos);
  std::string long_sum = "{{ 1";
  for (int i = 0; i < 10000; ++i) long_sum += "+1";
  CHECK(error_of(long_sum + " }}").find("nests deeper than 400 levels") != std::string::npos);
  std::string filters = "{{ 'a'";
  for (int i = 0; i < 10000; ++i) filters += " | upper";
  CHECK(error_of(filters + " }}").find("nests deeper than 400 levels") != std::string::npos);
  std::string nots = "{{ ";
  for (int i = 0; i < 10000; ++i) nots += "not ";
  CHECK(error_of(nots + "1 }}").find("nests deeper than 400 levels") != std::string::npos);
  std::string ifs;
  for (int i = 0; i < 5000; ++i) ifs += "{% if true %}";
  CHECK(error_of(ifs).find("nests deeper than 400 levels") != std::string::npos);
  // what Jinja2 itself handles still renders
  CHECK(render("{{ " + std::string(90, '(') + "7" + std::string(90, ')') + " }}") == "7");
  std::string sum = "{{ 0";
  for (int i = 0; i < 300; ++i) sum += "+1";
  CHECK(render(sum + " }}") == "300");
}

TEST_CASE("from_json of text nested 30,000 deep is a template error") {
  Value m = vars();
  m.mutable_map().set("deep", Value(std::string(30000, '[') + std::string(30000, ']')));
  MapVariables v(m);
  Templar t(v);
  CHECK_THROWS_WITH_AS(t.template_value(Value("{{ deep | from_json }}")),
                       doctest::Contains("from_json: JSON nested deeper than 1000 levels"), TemplateError);
}
