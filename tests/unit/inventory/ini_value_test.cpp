#include <doctest/doctest.h>

#include "core/inventory/ini_value.hpp"
#include "core/value/json.hpp"

using namespace drover;
using namespace drover::inventory;

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
