#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "core/value/python_repr.hpp"

using namespace drover;

namespace {

Value tuple(std::initializer_list<Value> items) {
  Value t = Value::list(items);
  t.add_mark(Mark::tuple);
  return t;
}

class Widget : public Object {
public:
  std::string type_name() const override { return "Widget"; }
};

}  // namespace

TEST_CASE("scalars print as Python prints them") {
  CHECK(python_repr(Value()) == "None");
  CHECK(python_repr(Value(true)) == "True");
  CHECK(python_repr(Value(false)) == "False");
  CHECK(python_repr(Value(-42)) == "-42");
  CHECK(python_repr(Value(1.0)) == "1.0");
  CHECK(python_repr(Value(1e16)) == "1e+16");
  CHECK(python_repr(Value(std::numeric_limits<double>::infinity())) == "inf");
}

TEST_CASE("strings take the quotes and escapes Python's repr gives them") {
  CHECK(python_repr(Value("a")) == "'a'");
  CHECK(python_repr(Value("it's")) == R"("it's")");
  CHECK(python_repr(Value(R"(a"b'c)")) == R"('a"b\'c')");
  CHECK(python_repr(Value("a\nb\\\t\r")) == R"('a\nb\\\t\r')");
  CHECK(python_repr(Value("\x01\x7f")) == R"('\x01\x7f')");
  CHECK(python_repr(Value("caf\xc3\xa9")) == "'caf\xc3\xa9'");
}

TEST_CASE("containers print with their items' reprs") {
  Map m;
  m.set("k", Value::list({1, "a", Value()}));
  m.set("it's", Value(2.5));
  CHECK(python_repr(Value(m)) == R"({'k': [1, 'a', None], "it's": 2.5})");
  CHECK(python_repr(Value::list()) == "[]");
  CHECK(python_repr(Value::map()) == "{}");
}

// The output layer and ansible_support printed tuples as lists; Python prints (1,) and (1, 2).
TEST_CASE("a tuple prints in parentheses, with a comma when it has one item") {
  CHECK(python_repr(tuple({1})) == "(1,)");
  CHECK(python_repr(tuple({1, "a"})) == "(1, 'a')");
  CHECK(python_repr(tuple({})) == "()");
  CHECK(python_repr(Value::list({tuple({1, 2})})) == "[(1, 2)]");
}

TEST_CASE("str() is the string itself, and the repr of anything else") {
  CHECK(python_str(Value("it's")) == "it's");
  CHECK(python_str(Value(3)) == "3");
  CHECK(python_str(Value::list({"a"})) == "['a']");
  CHECK(python_str(tuple({"a"})) == "('a',)");
}

TEST_CASE("an engine object prints as its type, unless the caller knows better") {
  Value w(std::make_shared<Widget>());
  CHECK(python_repr(Value::list({w})) == "[<Widget object>]");
  std::string out;
  append_python_repr(out, Value::list({w}), [](std::string& o, const Value&) { o += "W"; });
  CHECK(out == "[W]");
}
