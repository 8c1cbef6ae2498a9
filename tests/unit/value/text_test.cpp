#include <doctest/doctest.h>

#include "core/value/text.hpp"

using namespace drover;

// Expected values are Python 3's str.strip() and str.lower() on the same text.
TEST_CASE("trim removes ASCII white space at both ends, as str.strip() does") {
  CHECK(trim("  a b \t\r\n") == "a b");
  CHECK(trim("\v\f\x1c" "a" "\x1f") == "a");
  CHECK(trim(" \t\n") == "");
  CHECK(trim("") == "");
  CHECK(trim("a\x01") == "a\x01");
  CHECK(trim("\xc2\xa0" "a") == "\xc2\xa0" "a");  // U+00A0 is left, unlike Python
}

TEST_CASE("ascii_lower lowers ASCII letters and keeps every other byte") {
  CHECK(ascii_lower("YeS On") == "yes on");
  CHECK(ascii_lower("\xc3\x89T\xc3\x89") == "\xc3\x89t\xc3\x89");
  CHECK(ascii_lower("") == "");
}
