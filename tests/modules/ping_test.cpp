#include <doctest/doctest.h>

#include "harness.hpp"

using namespace drover::modules::testing;

TEST_CASE("ping answers pong and never changes anything") {
  CHECK(run_module("ping", json::object()) == json{{"changed", false}, {"ping", "pong"}});
  CHECK(run_module("ping", {{"data", "x"}})["ping"] == "x");
}

TEST_CASE("ping rejects an unknown argument, naming the supported ones") {
  json result = run_module("ping", {{"dta", "x"}});
  CHECK(result["failed"] == true);
  CHECK(result["msg"] == "Unsupported parameters for (ping) module: dta. Supported parameters include: data.");
}
