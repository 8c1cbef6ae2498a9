#include <doctest/doctest.h>

#include <string>

#include "core/value/unicode_case.hpp"

using namespace drover;

// Expected values are what Python 3.11 (Unicode 14.0.0) returns; the Jinja2 differential suite
// (tests/diff/jinja/cases.txt, "unicode strings") checks many more through the template engine.
TEST_CASE("regression: case methods follow Python on non-ASCII text, not only on ASCII") {
  CHECK(unicode::lower("ÉTÉ ß") == "été ß");
  CHECK(unicode::upper("straße") == "STRASSE");
  CHECK(unicode::title("ǆemal ﬁne") == "ǅemal Fine");
  CHECK(unicode::capitalize("ßtraße") == "Sstraße");
  CHECK(unicode::swapcase("Élan ß") == "éLAN SS");
  CHECK(unicode::casefold("Straße ΣΑΣ") == "strasse σασ");
  CHECK(unicode::lower("İ") == "i\xcc\x87");
}

TEST_CASE("lower writes a capital sigma at the end of a word as a final sigma") {
  CHECK(unicode::lower("ΣΑΣ ΟΔΟΣ") == "σας οδος");
  CHECK(unicode::lower("Σ") == "σ");
  CHECK(unicode::lower("ΑΣ'Α") == "ασ'α");   // a cased letter after case-ignorable ones
  CHECK(unicode::lower("ΑΣ.") == "ας.");
}

TEST_CASE("islower, isupper and istitle use Unicode's case properties") {
  CHECK(unicode::is_lower("été 1"));
  CHECK_FALSE(unicode::is_lower("Été"));
  CHECK_FALSE(unicode::is_lower("日本"));
  CHECK(unicode::is_upper("ÉTÉ"));
  CHECK_FALSE(unicode::is_upper("ǅ"));
  CHECK(unicode::is_title("ǅemal Été"));
  CHECK_FALSE(unicode::is_title("ÉCOLE"));
  CHECK_FALSE(unicode::is_title(""));
}

TEST_CASE("bytes that are not UTF-8 are kept and are uncased") {
  CHECK(unicode::upper("a\xff" "b\xc3") == "A\xff" "B\xc3");
  CHECK(unicode::lower("\xe2\x82" "É") == "\xe2\x82" "é");
  CHECK(unicode::title("x\xffy") == "X\xffY");
}

TEST_CASE("white space is Python's, for re's \\s") {
  CHECK(unicode::is_space(U'\u00a0'));
  CHECK(unicode::is_space(U'\u3000'));
  CHECK_FALSE(unicode::is_space(U'\u200b'));
  CHECK(unicode::space_at("a\u2003b", 1) == 3);
  CHECK(unicode::space_at("a\u2003b", 0) == 0);
  CHECK(unicode::char_size_at("\xff", 0) == 1);
  CHECK(std::string(unicode::unicode_version()) == "14.0.0");
}
