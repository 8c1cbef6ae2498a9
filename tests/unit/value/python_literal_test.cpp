#include <doctest/doctest.h>

#include <string>

#include "core/value/python_literal.hpp"

using namespace drover;

namespace {

struct Decoded {
  std::string out;
  std::size_t used;
  EscapeStatus status;
};

Decoded decode(std::string_view after_backslash) {
  Decoded d{"", 0, EscapeStatus::decoded};
  DecodedEscape e = decode_python_escape(after_backslash, d.out);
  d.used = e.used;
  d.status = e.status;
  return d;
}

}  // namespace

// Expected values are Python 3's for the same escapes in a string literal.
TEST_CASE("decode_python_escape decodes Python's single-character escapes and line continuations") {
  for (auto [text, want] : {std::pair{"n", "\n"}, {"t", "\t"}, {"\\", "\\"}, {"'", "'"}, {"\"", "\""},
                            {"a", "\a"}, {"b", "\b"}, {"f", "\f"}, {"r", "\r"}, {"v", "\v"}, {"\nx", ""}}) {
    Decoded d = decode(text);
    CHECK(d.out == want);
    CHECK(d.used == 1);
    CHECK(d.status == EscapeStatus::decoded);
  }
}

TEST_CASE("decode_python_escape reads octal and hex escapes as UTF-8") {
  Decoded octal = decode("1019");
  CHECK(octal.out == "A");
  CHECK(octal.used == 3);
  Decoded x = decode("xe9!");
  CHECK(x.out == "\xc3\xa9");
  CHECK(x.used == 3);
  Decoded u = decode("u20ac");
  CHECK(u.out == "\xe2\x82\xac");
  CHECK(u.used == 5);
  Decoded big = decode("U0001F600");
  CHECK(big.out == "\xf0\x9f\x98\x80");
  CHECK(big.used == 9);
}

TEST_CASE("decode_python_escape keeps an unknown escape and reports what Python rejects") {
  Decoded unknown = decode("q");
  CHECK(unknown.out == "\\q");
  CHECK(unknown.status == EscapeStatus::decoded);
  CHECK(decode("x4").status == EscapeStatus::truncated);
  CHECK(decode("x4").out == "");
  CHECK(decode("ud800").status == EscapeStatus::not_text);
  Decoded named = decode("N{DASH}");
  CHECK(named.status == EscapeStatus::named);
  CHECK(named.out == "\\N");
}

// Python rejects a short \x too; it accepts a lone surrogate and \N{EM DASH}, which drover cannot
// hold or has no name table for.
TEST_CASE("literal_eval rejects a short hex escape, a lone surrogate and a named character") {
  CHECK(literal_eval(R"('\x41\101\u00e9')") == std::optional<Value>(Value("AA\xc3\xa9")));
  CHECK(!literal_eval(R"('\x4')").has_value());
  CHECK(!literal_eval(R"('\ud800')").has_value());
  CHECK(!literal_eval(R"('\N{EM DASH}')").has_value());
}
