#include <doctest/doctest.h>

#include "core/value/json.hpp"
#include "core/value/value.hpp"
#include "core/value/yaml.hpp"

using namespace drover;

TEST_CASE("a map keeps insertion order and an overwritten key keeps its place") {
  Map m;
  m.set("b", 1);
  m.set("a", 2);
  m.set("b", 3);
  REQUIRE(m.size() == 2);
  CHECK(m.entries()[0].first == "b");
  CHECK(m.entries()[0].second == Value(3));
}

TEST_CASE("a large map finds keys through its index after erasures") {
  Map m;
  for (int i = 0; i < 100; ++i) m.set("k" + std::to_string(i), i);
  CHECK(m.erase("k10"));
  CHECK(m.find("k10") == nullptr);
  REQUIRE(m.find("k99") != nullptr);
  CHECK(*m.find("k99") == Value(99));
}

TEST_CASE("copies share containers until one is written") {
  Value a = Value::list({1, 2});
  Value b = a;
  b.mutable_list().push_back(3);
  CHECK(a.as_list().size() == 2);
  CHECK(b.as_list().size() == 3);
}

TEST_CASE("equality follows Python: 1 == 1.0 == True") {
  CHECK(Value(1) == Value(1.0));
  CHECK(Value(true) == Value(1));
  CHECK(Value("1") != Value(1));
  CHECK(Value() == Value(nullptr));
}

TEST_CASE("a tuple is a list to its readers but equals no list, as in Python") {
  Value tuple = Value::list({1, "a"});
  tuple.add_mark(Mark::tuple);
  CHECK(tuple.is_tuple());
  CHECK(tuple.is_list());
  CHECK_FALSE(Value::list({1, "a"}).is_tuple());
  CHECK(tuple.type_name() == "tuple");
  CHECK(tuple != Value::list({1, "a"}));
  CHECK(tuple == Value(tuple.as_list()).add_mark(Mark::tuple));
  CHECK(dump_json(tuple) == R"([1, "a"])");
}

TEST_CASE("plain YAML scalars are typed as PyYAML types them") {
  CHECK(resolve_plain_scalar("yes") == Value(true));
  CHECK(resolve_plain_scalar("Off") == Value(false));
  CHECK(resolve_plain_scalar("y").is_string());
  CHECK(resolve_plain_scalar("0644") == Value(420));
  CHECK(resolve_plain_scalar("0x1f") == Value(31));
  CHECK(resolve_plain_scalar("1_000") == Value(1000));
  CHECK(resolve_plain_scalar("1e5").is_string());
  CHECK(resolve_plain_scalar("1.5") == Value(1.5));
  CHECK(resolve_plain_scalar("~").is_null());
  CHECK(resolve_plain_scalar("1:30") == Value(90));
}

TEST_CASE("quoted scalars stay strings and tags mark values") {
  Value v = parse_yaml_value("a: 'yes'\nb: \"0644\"\nc: !unsafe '{{ x }}'\nd:\n", "t.yml");
  CHECK(v.get("a") == Value("yes"));
  CHECK(v.get("b") == Value("0644"));
  CHECK(v.get("c").is_unsafe());
  CHECK(v.get("d").is_null());
}

// Regression: !unsafe on a list or a mapping marked nothing, so its strings were templated.
TEST_CASE("!unsafe on a sequence or a mapping marks every string inside it") {
  Value v = parse_yaml_value("l: !unsafe ['b{{x}}', [c], 1]\nm: !unsafe\n  '{{k}}': {a: '{{v}}'}\nn: ['{{x}}']\n", "t.yml");
  CHECK(v.get("l").as_list()[0].is_unsafe());
  CHECK(v.get("l").as_list()[1].as_list()[0].is_unsafe());
  CHECK(v.get("l").as_list()[2] == Value(1));
  CHECK(v.get("m").is_unsafe());
  CHECK(v.get("m").get("{{k}}").get("a").is_unsafe());
  CHECK(!v.get("n").as_list()[0].is_unsafe());
}

TEST_CASE("merge keys merge mappings without overriding explicit keys") {
  Value v = parse_yaml_value("base: &b {x: 1, y: 2}\nchild:\n  y: 3\n  <<: *b\n", "t.yml");
  CHECK(v.get("child").get("x") == Value(1));
  CHECK(v.get("child").get("y") == Value(3));
}

TEST_CASE("an alias bomb is an error, not an out-of-memory") {
  std::string doc = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (int i = 0; i < 9; ++i) {
    std::string name = "l" + std::to_string(i);
    doc += name + ": &" + name + " [";
    for (int k = 0; k < 10; ++k) doc += (k ? ", *" : "*") + prev;
    doc += "]\n";
    prev = name;
  }
  CHECK_THROWS_AS(parse_yaml_value(doc, "bomb.yml"), SourceError);
}

TEST_CASE("a YAML syntax error names file, line and column") {
  try {
    parse_yaml_value("a: [1, 2\nb: 3\n", "broken.yml");
    FAIL("expected an error");
  } catch (const SourceError& e) {
    CHECK(e.where().file == "broken.yml");
    CHECK(e.where().line >= 1);
  }
}

TEST_CASE("JSON is dumped as Python's json.dumps writes it") {
  Value v = parse_yaml_value("b: [1, 2.5, 'x']\na: {c: null, d: true}\n", "t.yml");
  CHECK(dump_json(v) == R"({"b": [1, 2.5, "x"], "a": {"c": null, "d": true}})");
  CHECK(dump_json(v, {4, true}) ==
        "{\n    \"a\": {\n        \"c\": null,\n        \"d\": true\n    },\n    \"b\": [\n        1,\n"
        "        2.5,\n        \"x\"\n    ]\n}");
}

TEST_CASE("floats print as Python's repr") {
  CHECK(python_float_repr(1.0) == "1.0");
  CHECK(python_float_repr(0.1) == "0.1");
  CHECK(python_float_repr(1e16) == "1e+16");
  CHECK(python_float_repr(123456.789) == "123456.789");
  CHECK(python_float_repr(0.0001) == "0.0001");
  CHECK(python_float_repr(0.00001) == "1e-05");
  CHECK(python_float_repr(-2.5) == "-2.5");
}

TEST_CASE("regression (fuzz): integer-looking plain scalars without digits, or past 64 bits, stay strings") {
  // `0b_` matched the integer pattern and then threw std::invalid_argument (fuzz: a crash)
  CHECK(resolve_plain_scalar("0b_") == Value("0b_"));
  CHECK(resolve_plain_scalar("-0x__") == Value("-0x__"));
  CHECK(resolve_plain_scalar("0b1_0") == Value(2));
  // base 60 past 64 bits overflowed (undefined behaviour) or threw std::out_of_range
  CHECK(resolve_plain_scalar("1:00:00:00:00:00:00:00:00:00:00:00").is_string());
  CHECK(resolve_plain_scalar("99999999999999999999:00").is_string());
  CHECK(resolve_plain_scalar("-1:00:00") == Value(-3600));
}
