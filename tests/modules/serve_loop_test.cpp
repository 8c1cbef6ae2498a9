// Serve mode and one-shot mode of the real runner binary, per docs/protocol.md (version 1).
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace drover::modules::testing;

TEST_CASE("serve mode starts with a hello naming protocol version 1, the version and the modules") {
  int rc = -1;
  auto lines = serve({}, &rc);
  REQUIRE(lines.size() == 1);
  json hello = json::parse(lines[0]);
  CHECK(hello["drover_runner"] == 1);
  CHECK(hello["version"] == DROVER_VERSION);
  CHECK(hello["pid"].is_number_integer());
  auto modules = hello["modules"].get<std::vector<std::string>>();
  for (const char* name : {"command", "copy", "file", "ping", "setup", "shell", "slurp", "stat"})
    CHECK(std::find(modules.begin(), modules.end(), name) != modules.end());
  CHECK(std::is_sorted(modules.begin(), modules.end()));
  CHECK(rc == 0);
}

TEST_CASE("serve mode answers several requests in order, echoing their ids") {
  auto lines = serve({R"({"id": 1, "module": "ping", "args": {}})",
                      R"({"id": 2, "module": "ping", "args": {"data": "hello"}})",
                      R"({"id": 3, "module": "command", "args": {"_raw_params": "echo hi"}})"});
  REQUIRE(lines.size() == 4);
  json first = json::parse(lines[1]);
  CHECK(first["id"] == 1);
  CHECK(first["result"] == json{{"changed", false}, {"ping", "pong"}});
  CHECK(json::parse(lines[2])["result"]["ping"] == "hello");
  json third = json::parse(lines[3]);
  CHECK(third["id"] == 3);
  CHECK(third["result"]["stdout"] == "hi");
  CHECK(third["result"]["changed"] == true);
}

TEST_CASE("an unknown module is a failed result and the runner keeps going") {
  auto lines = serve({R"({"id": 1, "module": "no_such_module", "args": {}})",
                      R"({"id": 2, "module": "ping"})"});
  REQUIRE(lines.size() == 3);
  json failed = json::parse(lines[1]);
  CHECK(failed["id"] == 1);
  CHECK(failed["result"]["failed"] == true);
  CHECK(failed["result"]["msg"].get<std::string>().find("no_such_module") != std::string::npos);
  CHECK(json::parse(lines[2])["result"]["ping"] == "pong");
}

TEST_CASE("a request that is not JSON gets a failed answer with a null id, and the runner goes on") {
  auto lines = serve({"this is not json", "[1, 2]", R"({"id": 5, "module": "ping"})"});
  REQUIRE(lines.size() == 4);
  CHECK(json::parse(lines[1])["id"].is_null());
  CHECK(json::parse(lines[1])["result"]["failed"] == true);
  CHECK(json::parse(lines[2])["result"]["failed"] == true);
  CHECK(json::parse(lines[3])["id"] == 5);
}

TEST_CASE("a module that crashes is a failed result, not a dead runner") {
  auto lines = serve({R"({"id": 1, "module": "ping", "args": {"data": "crash"}})",
                      R"({"id": 2, "module": "ping"})"});
  REQUIRE(lines.size() == 3);
  CHECK(json::parse(lines[1])["result"]["failed"] == true);
  CHECK(json::parse(lines[1])["result"]["msg"].get<std::string>().find("boom") != std::string::npos);
  CHECK(json::parse(lines[2])["result"]["ping"] == "pong");
}

TEST_CASE("the exit op is answered with an empty result and ends the runner before later lines") {
  int rc = -1;
  auto lines = serve({R"({"id": 8, "op": "exit"})", R"({"id": 9, "module": "ping"})"}, &rc);
  REQUIRE(lines.size() == 2);
  CHECK(json::parse(lines[1]) == json{{"id", 8}, {"result", json::object()}});
  CHECK(rc == 0);
}

TEST_CASE("end of input ends the runner with exit code 0") {
  int rc = -1;
  auto lines = serve({R"({"id": 1, "module": "ping"})"}, &rc);
  CHECK(lines.size() == 2);
  CHECK(rc == 0);
}

TEST_CASE("the request's environment reaches the module's processes") {
  auto lines = serve({R"({"id": 1, "module": "shell", "args": {"_raw_params": "echo $DROVER_T"}, "environment": {"DROVER_T": "from-request"}})"});
  REQUIRE(lines.size() == 2);
  CHECK(json::parse(lines[1])["result"]["stdout"] == "from-request");
}

TEST_CASE("check and diff flags of a request reach the module") {
  auto lines = serve({R"({"id": 1, "module": "command", "args": {"_raw_params": "touch /nonexistent/x"}, "check": true})"});
  REQUIRE(lines.size() == 2);
  json result = json::parse(lines[1])["result"];
  CHECK(result["skipped"] == true);
  CHECK(result["msg"] == "Command would have run if not in check mode");
}

TEST_CASE("invalid UTF-8 in module output is replaced, so every answer stays valid JSON") {
  auto lines = serve({R"({"id": 1, "module": "shell", "args": {"_raw_params": "printf 'a\\377b'"}})"});
  REQUIRE(lines.size() == 2);
  CHECK(json::parse(lines[1])["result"]["stdout"] == "a\xEF\xBF\xBD" "b");
}

TEST_CASE("one-shot mode prints one JSON result and exits 0, also for a failed module") {
  json ok = run_module("ping", json::object());
  CHECK(ok["ping"] == "pong");
  json failed = run_module("command", {{"_raw_params", "false"}});
  CHECK(failed["failed"] == true);
  CHECK(failed["rc"] == 1);
}

TEST_CASE("one-shot mode exits 1 on a missing or invalid args file, with the reason on stderr") {
  TempDir dir;
  RunOutput missing = run_binary({"ping", dir / "missing.json"});
  CHECK(missing.rc == 1);
  CHECK(missing.stderr_text.find("missing.json") != std::string::npos);
  write_text(dir / "bad.json", "{not json");
  RunOutput bad = run_binary({"ping", dir / "bad.json"});
  CHECK(bad.rc == 1);
  CHECK(bad.stderr_text.find("not valid JSON") != std::string::npos);
}

TEST_CASE("--version and --list print the version and the module names") {
  RunOutput version = run_binary({"--version"});
  CHECK(version.rc == 0);
  CHECK(version.stdout_text == std::string("drover-modules ") + DROVER_VERSION + "\n");
  RunOutput list = run_binary({"--list"});
  CHECK(list.rc == 0);
  std::vector<std::string> names;
  std::istringstream lines(list.stdout_text);
  for (std::string name; std::getline(lines, name);) names.push_back(name);
  CHECK(std::is_sorted(names.begin(), names.end()));
  for (const char* name : {"async_status", "command", "copy", "file", "lineinfile"})
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  CHECK(list.stdout_text.find("\ncommand\ncopy\n") != std::string::npos);  // one name a line, sorted
  CHECK(list.stdout_text.find("\nstat\n") != std::string::npos);
  CHECK(run_binary({"--bogus"}).rc == 1);
}
