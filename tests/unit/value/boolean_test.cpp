#include <doctest/doctest.h>

#include "core/value/boolean.hpp"

using namespace drover;

TEST_CASE("Ansible's true words, in any case and with white space around them, are true") {
  for (const char* w : {"y", "yes", "on", "1", "true", "t", "YES", "True", " on ", "T"})
    CHECK_MESSAGE(parse_boolean(Value(w)) == std::optional<bool>(true), w);
  CHECK(parse_boolean(Value(true)) == std::optional<bool>(true));
  CHECK(parse_boolean(Value(1)) == std::optional<bool>(true));
  CHECK(parse_boolean(Value(1.0)) == std::optional<bool>(true));
}

TEST_CASE("Ansible's false words are false") {
  for (const char* w : {"n", "no", "off", "0", "false", "f", "No", "FALSE", "\toff\n"})
    CHECK_MESSAGE(parse_boolean(Value(w)) == std::optional<bool>(false), w);
  CHECK(parse_boolean(Value(false)) == std::optional<bool>(false));
  CHECK(parse_boolean(Value(0)) == std::optional<bool>(false));
  CHECK(parse_boolean(Value(0.0)) == std::optional<bool>(false));
}

TEST_CASE("anything else is not a boolean, strictly; loosely it is false") {
  for (const Value& v : {Value("maybe"), Value(""), Value(2), Value(0.5), Value(), Value("1.0"),
                         Value::list({1})}) {
    CHECK(!parse_boolean(v).has_value());
    CHECK(loose_boolean(v) == false);
  }
  CHECK(loose_boolean("Yes"));
  CHECK(!loose_boolean("nope"));
}

TEST_CASE("a value that is not a boolean gets Ansible's message") {
  CHECK(invalid_boolean_message(Value("maybe")) ==
        "The value 'maybe' is not a valid boolean.  Valid booleans include: 'y', 'yes', 'on', '1', "
        "'true', 't', 'n', 'no', 'off', '0', 'false', 'f', 1, 1.0, True, 0, 0.0, False");
}
