#include <doctest/doctest.h>

#include "core/inventory/ini_value.hpp"
#include "core/value/json.hpp"

using namespace drover;
using namespace drover::inventory;

TEST_CASE("shlex_split removes quotes, honours backslashes and stops at a comment") {
  auto t = shlex_split(R"(web1 a="x y" b='q "z"' c=d\ e f=g#comment h=i)");
  REQUIRE(t.size() == 5);
  CHECK(t[0] == "web1");
  CHECK(t[1] == "a=x y");
  CHECK(t[2] == "b=q \"z\"");
  CHECK(t[3] == "c=d e");
  CHECK(t[4] == "f=g");
}

TEST_CASE("shlex_split reports an unclosed quote as Python does") {
  CHECK_THROWS_WITH(shlex_split("a='x"), "No closing quotation");
}

TEST_CASE("ini values are Python literals when they parse, else strings") {
  auto dump = [](std::string_view s) { return dump_json(ini_value(s)); };
  CHECK(dump("1") == "1");
  CHECK(dump("-3") == "-3");
  CHECK(dump("1.5") == "1.5");
  CHECK(dump("0x10") == "16");
  CHECK(dump("True") == "true");
  CHECK(dump("true") == "\"true\"");
  CHECK(dump("yes") == "\"yes\"");
  CHECK(dump("None") == "null");
  CHECK(dump("0644") == "\"0644\"");
  CHECK(dump("[1, 'a', [2]]") == "[1, \"a\", [2]]");
  CHECK(dump("(1,2)") == "[1, 2]");
  CHECK(dump("(1)") == "1");
  CHECK(dump("{'x': 1, 'y': [True]}") == "{\"x\": 1, \"y\": [true]}");
  CHECK(dump("{x:1}") == "\"{x:1}\"");
  CHECK(dump("'quoted'") == "\"quoted\"");
  CHECK(dump("'a' 'b'") == "\"ab\"");
  CHECK(dump("1+2") == "\"1+2\"");
  CHECK(dump("spaced value") == "\"spaced value\"");
  CHECK(dump("10.0.0.1") == "\"10.0.0.1\"");
  CHECK(dump("1e3") == "1000.0");
}
