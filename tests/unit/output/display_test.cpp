#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>

#include "core/output/display.hpp"
#include "core/output/result_format.hpp"
#include "core/value/json.hpp"
#include "core/value/python_repr.hpp"

using namespace drover;
using namespace drover::output;

namespace {

struct EnvGuard {
  ~EnvGuard() {
    unsetenv("NO_COLOR");
    unsetenv("ANSIBLE_NOCOLOR");
    unsetenv("ANSIBLE_FORCE_COLOR");
  }
};

}  // namespace

TEST_CASE("colour follows the terminal unless NO_COLOR/ANSIBLE_NOCOLOR or ANSIBLE_FORCE_COLOR say otherwise") {
  EnvGuard guard;
  unsetenv("NO_COLOR");
  unsetenv("ANSIBLE_NOCOLOR");
  unsetenv("ANSIBLE_FORCE_COLOR");
  CHECK(color_wanted(true));
  CHECK_FALSE(color_wanted(false));
  setenv("NO_COLOR", "1", 1);
  CHECK_FALSE(color_wanted(true));
  unsetenv("NO_COLOR");
  setenv("ANSIBLE_NOCOLOR", "yes", 1);
  CHECK_FALSE(color_wanted(true));
  setenv("ANSIBLE_NOCOLOR", "false", 1);
  CHECK(color_wanted(true));
  setenv("ANSIBLE_FORCE_COLOR", "true", 1);
  CHECK(color_wanted(false));
}

TEST_CASE("a banner is padded with stars to the column width, with at least three stars") {
  std::ostringstream out;
  CallbackOptions options;
  options.out = &out;
  options.columns = 79;
  Display d(options);
  d.banner("PLAY [x]");
  d.banner(std::string(100, 'n'));
  CHECK(out.str() == "\nPLAY [x] " + std::string(71, '*') + "\n\n" + std::string(100, 'n') + " ***\n");
}

TEST_CASE("warnings go to stderr once each, wrapped at the column width") {
  std::ostringstream out, err;
  CallbackOptions options;
  options.out = &out;
  options.err = &err;
  options.columns = 20;
  Display d(options);
  d.warning("one two three four five");
  d.warning("one two three four five");
  CHECK(out.str().empty());
  CHECK(err.str() == "[WARNING]: one two\nthree four five\n");
}

TEST_CASE("colourised text wraps every line piece in its own escape codes, as Ansible's stringc does") {
  CHECK(colorize_text("a\nb", "0;32") == "\033[0;32ma\033[0m\n\033[0;32mb\033[0m");
}

TEST_CASE("loop item labels print as Python's str() of the item") {
  CHECK(item_label(parse_json(R"({"item": {"a": [1, 2.5, true, null], "b": "it's"}})", "t")) ==
        R"({'a': [1, 2.5, True, None], 'b': "it's"})");
  CHECK(item_label(parse_json(R"({"item": "x", "_ansible_item_label": "lbl"})", "t")) == "lbl");
  CHECK(item_label(parse_json(R"({"item": "x", "_ansible_no_log": true})", "t")) == "(censored due to no_log)");
  CHECK(python_repr(Value("a\nb\\")) == R"('a\nb\\')");
}

// Regression: the output layer had its own repr, which printed a tuple item as a list.
TEST_CASE("a loop item that is a tuple is labelled as Python prints a tuple") {
  Value pair = Value::list({1, "a"});
  pair.add_mark(Mark::tuple);
  Map result;
  result.set("item", pair);
  CHECK(item_label(Value(std::move(result))) == "(1, 'a')");
}

TEST_CASE("dump_result drops internal keys, invocation, diff and exception below -vvv and sorts keys") {
  Value r = parse_json(R"({"z": 1, "_ansible_x": 1, "invocation": {}, "diff": {}, "exception": "e", "a": [1]})", "t");
  CHECK(dump_result(r, 0) == R"({"a": [1], "z": 1})");
  CHECK(dump_result(r, 3) == "{\n    \"a\": [\n        1\n    ],\n    \"diff\": {},\n    \"invocation\": {},\n    \"z\": 1\n}");
}
