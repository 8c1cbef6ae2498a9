// Hostile and broken input to the value layer (issue 11): deep nesting is an error with a place,
// never a stack overflow; an unclosed quote is an error; a duplicate key warns as Ansible does.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/value/json.hpp"
#include "core/value/yaml.hpp"

using namespace drover;

namespace {

std::string nested_json(int depth) { return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']'); }

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// Collects the YAML loader's warnings for the life of the object.
struct CapturedWarnings {
  std::vector<std::string> seen;
  CapturedWarnings() {
    set_yaml_warning_sink([this](const std::string& m) { seen.push_back(m); });
  }
  ~CapturedWarnings() {
    set_yaml_warning_sink([](const std::string&) {});
  }
};

}  // namespace

// Regression: 30,000 nested arrays crashed drover (SIGSEGV in the JSON to value conversion).
TEST_CASE("JSON nested 30,000 deep is an error naming its source, not a crash") {
  const std::string msg = message_of([] { parse_json(nested_json(30000), "extra_vars.json"); });
  CHECK(msg == "extra_vars.json: JSON nested deeper than 1000 levels");
  CHECK_THROWS_AS(from_json(Json::parse(nested_json(30000))), Fatal);
  CHECK(parse_json(nested_json(1000), "ok.json").is_list());
}

TEST_CASE("YAML nested 10,000 and 30,000 deep is an error with file and line") {
  for (int depth : {10000, 30000}) {
    CAPTURE(depth);
    const std::string flow = "a: " + nested_json(depth) + "\n";
    const std::string msg = message_of([&] { parse_yaml_value(flow, "deep.yml"); });
    CHECK(msg.rfind("deep.yml:1:", 0) == 0);
    CHECK(msg.find("nests collections deeper than") != std::string::npos);
  }
  std::string block;
  for (int i = 0; i < 1500; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  CHECK(message_of([&] { parse_yaml_value(block, "block.yml"); }).find("nests collections deeper than") !=
        std::string::npos);
  CHECK(parse_yaml_value("a: " + nested_json(200) + "\n", "ok.yml").is_map());
}

// Regression: yaml-cpp read an unclosed quote to the end of the file, so the rest of the
// playbook became one string and the play ran.
TEST_CASE("a quoted scalar left open is an error at its opening quote") {
  const std::string msg = message_of([] {
    parse_yaml_value("- hosts: all\n  tasks:\n    - debug:\n        msg: \"hello\n    - command: rm -rf /tmp/x\n", "play.yml");
  });
  CHECK(msg.rfind("play.yml:4:14: YAML syntax error: found unexpected end of stream while scanning a quoted scalar", 0) ==
        0);
  CHECK_THROWS_AS(parse_yaml_value("a: 'it\nb: 1\n", "s.yml"), SourceError);
  CHECK_THROWS_AS(parse_yaml_value("\"key: 1\n", "k.yml"), SourceError);
  // closed quotes, escapes and '' inside single quotes are fine
  CHECK(parse_yaml_value("a: \"x\\\"y\"\nb: 'it''s'\nc: \"multi\n  line\"\n", "ok.yml").get_string("b") == "it's");
  CHECK(parse_yaml_value("a: \"ends with a backslash \\\\\"\n", "ok.yml").get_string("a") == "ends with a backslash \\");
}

TEST_CASE("a duplicate mapping key warns in Ansible's words and the last value wins") {
  CapturedWarnings w;
  Value v = parse_yaml_value("- debug:\n    msg: a\n    msg: b\n", "dup.yml");
  CHECK(v.as_list()[0].get("debug").get_string("msg") == "b");
  REQUIRE(w.seen.size() == 1);
  CHECK(w.seen[0] ==
        "While constructing a mapping from dup.yml, line 2, column 5, found a duplicate dict key (msg). Using last "
        "defined value only.");
  parse_yaml_value("a: 1\nb: 2\n", "fine.yml");
  CHECK(w.seen.size() == 1);
}

TEST_CASE("an alias bomb stays refused") {
  std::string doc = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c, ++prev)
    doc += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
           ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  CHECK(message_of([&] { parse_yaml_value(doc, "bomb.yml"); }).find("alias bomb") != std::string::npos);
}
