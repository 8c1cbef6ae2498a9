#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/value/shlex.hpp"

using namespace drover;
using Words = std::vector<std::string>;

// Expected words are Python 3's shlex.split(text, comments=...) on the same text.
TEST_CASE("shlex_split removes quotes, honours backslashes and stops at a comment") {
  CHECK(shlex_split(R"(web1 a="x y" b='q "z"' c=d\ e f=g#comment h=i)", ShlexComments::stripped) ==
        Words{"web1", "a=x y", "b=q \"z\"", "c=d e", "f=g"});
  CHECK(shlex_split("a # c\nd", ShlexComments::stripped) == Words{"a", "d"});
  CHECK(shlex_split(R"(a'#'b \#x)", ShlexComments::stripped) == Words{"a#b", "#x"});
}

TEST_CASE("without comments a '#' is an ordinary character") {
  CHECK(shlex_split("a # c\nx#y", ShlexComments::literal) == Words{"a", "#", "c", "x#y"});
}

TEST_CASE("an empty quoted word is a word; a double quote keeps backslashes it does not need") {
  CHECK(shlex_split(R"(a "" b)", ShlexComments::literal) == Words{"a", "", "b"});
  CHECK(shlex_split(R"("a\"b\\c\d" 'e\f')", ShlexComments::literal) == Words{R"(a"b\c\d)", R"(e\f)"});
  CHECK(shlex_split("", ShlexComments::literal) == Words{});
}

TEST_CASE("shlex_split reports bad quoting with Python's messages") {
  CHECK_THROWS_WITH_AS(shlex_split("a='x", ShlexComments::stripped), "No closing quotation", std::invalid_argument);
  CHECK_THROWS_WITH_AS(shlex_split("end\\", ShlexComments::literal), "No escaped character", std::invalid_argument);
  CHECK_THROWS_WITH_AS(shlex_split("\"a\\", ShlexComments::literal), "No escaped character", std::invalid_argument);
}
