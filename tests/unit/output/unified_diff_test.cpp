#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "core/output/unified_diff.hpp"
#include "core/value/json.hpp"

using drover::output::split_lines_keep_ends;
using drover::output::unified_diff;

namespace {

std::vector<std::string> strings(const drover::Value& list) {
  std::vector<std::string> out;
  for (const auto& v : list.as_list()) out.push_back(v.as_string());
  return out;
}

}  // namespace

TEST_CASE("unified_diff produces exactly Python difflib's hunks on the captured cases") {
  std::ifstream in(std::string(DROVER_SOURCE_DIR) + "/tests/golden/callback/difflib-cases.json");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  drover::Value cases = drover::parse_json(ss.str(), "difflib-cases.json");
  REQUIRE(cases.as_list().size() >= 7);
  int n = 0;
  for (const auto& c : cases.as_list()) {
    CAPTURE(n);
    CHECK(unified_diff(strings(c.get("a")), strings(c.get("b")), "before", "after: f") == strings(c.get("diff")));
    ++n;
  }
}

TEST_CASE("equal inputs give no diff lines at all") {
  CHECK(unified_diff({"a\n"}, {"a\n"}, "before", "after").empty());
}

TEST_CASE("split_lines_keep_ends keeps each line's ending, like str.splitlines(True)") {
  CHECK(split_lines_keep_ends("a\nb\r\nc") == std::vector<std::string>{"a\n", "b\r\n", "c"});
  CHECK(split_lines_keep_ends("").empty());
}
