#include <doctest/doctest.h>

#include <stdexcept>

#include "core/value/fragments.hpp"

using drover::assemble_fragments;
using drover::escape_decode;

TEST_CASE("escape_decode reads Python's byte-string escapes and keeps unknown ones") {
  CHECK(escape_decode("a\\nb\\tc\\\\d") == "a\nb\tc\\d");
  CHECK(escape_decode("\\x41\\101\\0") == std::string("AA\0", 3));
  CHECK(escape_decode("\\'\\\"\\r\\a") == "'\"\r\a");
  CHECK(escape_decode("\\q\\u00e9") == "\\q\\u00e9");
  CHECK(escape_decode("line\\\nnext") == "linenext");
  CHECK(escape_decode("trailing\\") == "trailing\\");
  CHECK_THROWS_AS(escape_decode("\\x4"), std::invalid_argument);
}

TEST_CASE("assemble_fragments ends unterminated fragments and puts the delimiter between them") {
  CHECK(assemble_fragments({"one\n", "two", "three\n"}, "") == "one\ntwo\nthree\n");
  CHECK(assemble_fragments({"one\n", "two"}, "--") == "one\n--\ntwo");
  CHECK(assemble_fragments({"one", "two"}, "--\\n") == "one\n--\ntwo");
  CHECK(assemble_fragments({"only"}, "--") == "only");
  CHECK(assemble_fragments({}, "--").empty());
  CHECK(assemble_fragments({"", "x"}, "") == "\nx");
}

TEST_CASE("assemble_fragments decodes the delimiter again at each use, as Ansible's loop does") {
  // "\\\\n" is a backslash and n once decoded, a newline the second time
  CHECK(assemble_fragments({"a\n", "b\n", "c\n"}, "\\\\n") == "a\n\\n\nb\n\nc\n");
}
