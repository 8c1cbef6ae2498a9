#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "core/template/filter_api.hpp"
#include "core/value/json.hpp"

using namespace drover;
using namespace drover::tmpl;

namespace {

bool is(const Value& in, std::string_view name, List positional = {}, Map keyword = {}) {
  for (const TestRow& row : ansible_tests())
    if (row.name == name) return row.fn(in, CallArgs{std::move(positional), std::move(keyword)});
  FAIL("no test " << name);
  return false;
}

Value parse(std::string_view text) { return parse_json(text, "test"); }

}  // namespace

TEST_CASE("the test table is alphabetized") {
  auto rows = ansible_tests();
  for (std::size_t i = 1; i < rows.size(); ++i) CHECK(rows[i - 1].name < rows[i].name);
}

TEST_CASE("match anchors at the start, search does not, regex takes both") {
  CHECK(is(Value("abc"), "match", {"ab"}));
  CHECK_FALSE(is(Value("xabc"), "match", {"ab"}));
  CHECK(is(Value("xabc"), "search", {"ab"}));
  CHECK(is(Value("X\nab"), "regex", {"^AB"}, Map{{"ignorecase", true}, {"multiline", true}}));
  CHECK_FALSE(is(Value("xab"), "regex", {"ab"}, Map{{"match_type", "match"}}));
}

TEST_CASE("result tests read Ansible's result fields and need a dictionary") {
  CHECK(is(parse(R"({"changed": false})"), "succeeded"));
  CHECK(is(parse(R"({"failed": true})"), "failed"));
  CHECK(is(parse(R"({"results": [{"changed": false}, {"changed": true}]})"), "changed"));
  CHECK(is(parse(R"({"skipped": true})"), "skip"));
  CHECK_FALSE(is(parse(R"({"finished": 0})"), "finished"));
  CHECK(is(parse("{}"), "finished"));
  CHECK(is(parse(R"({"unreachable": true})"), "unreachable"));
  CHECK_FALSE(is(parse(R"({"unreachable": true})"), "reachable"));
  CHECK_THROWS_WITH_AS(is(Value("x"), "failed"), "The 'failed' test expects a dictionary", TemplateError);
}

TEST_CASE("version compares loosely by default, strictly or as semver on request") {
  CHECK(is(Value("1.10"), "version", {"1.9", ">"}));
  CHECK(is(Value("2.0"), "version_compare", {"2.0.0", "<"}));
  CHECK(is(Value("1.0a1"), "version", {"1.0", "lt"}, Map{{"strict", true}}));
  CHECK(is(Value("1.0.0-rc.1"), "version", {"1.0.0", "<"}, Map{{"version_type", "semver"}}));
  CHECK_THROWS_WITH_AS(is(Value("1.0a"), "version", {"1.0.1", "<"}),
                       "Version comparison failed: '<' not supported between instances of 'str' and 'int'",
                       TemplateError);
  CHECK_THROWS_AS(is(Value("1"), "version", {"1", "~"}), TemplateError);
}

TEST_CASE("set tests, truthiness and any/all") {
  CHECK(is(parse("[1, 2]"), "subset", {parse("[1, 2, 3]")}));
  CHECK(is(parse("[1, 2, 3]"), "superset", {parse("[3]")}));
  CHECK(is(Value("hello"), "contains", {"ell"}));
  CHECK(is(Value("false"), "truthy"));
  CHECK_FALSE(is(Value("false"), "truthy", {}, Map{{"convert_bool", true}}));
  CHECK(is(Value("off"), "falsy", {true}));
  CHECK(is(parse("[0, 1]"), "any"));
  CHECK_FALSE(is(parse("[0, 1]"), "all"));
}

TEST_CASE("file tests look at the real file system") {
  CHECK(is(Value("/"), "directory"));
  CHECK(is(Value("/"), "exists"));
  CHECK_FALSE(is(Value("/"), "file"));
  CHECK_FALSE(is(Value("/no/such/path/anywhere"), "exists"));
  CHECK(is(Value("/x"), "abs"));
  CHECK_FALSE(is(Value("x"), "abs"));
  CHECK(is(Value("/"), "same_file", {"/."}));
}

TEST_CASE("nan is true only for a NaN float; uri, url and urn read the string as urlparse does") {
  CHECK(is(Value(std::nan("")), "nan"));
  CHECK_FALSE(is(Value(1.5), "isnan"));
  CHECK_FALSE(is(Value("nan"), "nan"));
  CHECK(is(Value("anything at all"), "uri"));
  CHECK_FALSE(is(Value(5), "uri"));
  CHECK_FALSE(is(Value("http://x.org"), "uri", {Value::list({"https"})}));
  CHECK(is(Value("file:///etc"), "url"));
  CHECK_FALSE(is(Value("mailto:a@b.c"), "url"));
  CHECK(is(Value("URN:isbn:1"), "urn"));
}

TEST_CASE("vault_encrypted is true for a !vault value still holding its ciphertext") {
  std::string text = "$ANSIBLE_VAULT;1.1;AES256\n3031\n";
  CHECK(is(Value(text, Mark::vault), "vault_encrypted"));
  CHECK_FALSE(is(Value(text), "vault_encrypted"));
}

TEST_CASE("mount is true for the root directory and false for what does not exist") {
  CHECK(is(Value("/"), "mount"));
  CHECK(is(Value("/"), "is_mount"));
  CHECK_FALSE(is(Value("/no/such/path"), "mount"));
}
