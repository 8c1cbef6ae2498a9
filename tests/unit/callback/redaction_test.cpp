// Every string a callback prints goes through the secret Redactor.
#include <doctest/doctest.h>

#include "core/secrets/redactor.hpp"
#include "tests/unit/callback/golden_support.hpp"

using drover::output::PlayInfo;
using drover::output::Status;
using drover::testing::Harness;

TEST_CASE("a registered secret is masked in stdout, msg, loop items, diffs and banners of the default callback") {
  drover::secrets::Redactor::global().add("Pa55-w0rd-xyzzy");
  Harness h("default", 1, true);
  h.bus.on_play_start(PlayInfo{"Play with Pa55-w0rd-xyzzy", "localhost"});
  h.task("Task Pa55-w0rd-xyzzy", "command", true);
  h.item(Status::changed, R"({"changed": true, "item": "Pa55-w0rd-xyzzy", "stdout": "is Pa55-w0rd-xyzzy", "msg": "Pa55-w0rd-xyzzy!", "diff": {"before": "old\n", "after": "Pa55-w0rd-xyzzy\n"}})");
  h.host(Status::changed, R"({"changed": true, "results": []})");
  h.task("fail", "fail");
  h.host(Status::failed, R"({"failed": true, "msg": "bad Pa55-w0rd-xyzzy"})");
  h.bus.emit_stats();
  std::string out = h.out.str();
  CHECK(out.find("Pa55-w0rd-xyzzy") == std::string::npos);
  CHECK(out.find("(item=********)") != std::string::npos);
  CHECK(out.find("\"stdout\": \"is ********\"") != std::string::npos);
  CHECK(out.find("+********\n") != std::string::npos);
  CHECK(out.find("\"msg\": \"bad ********\"") != std::string::npos);
  CHECK(out.find("PLAY [Play with ********] ****") != std::string::npos);
}

TEST_CASE("a value marked secret in a result is registered by the bus and masked without no_log") {
  Harness h("minimal");
  h.task("debug", "debug");
  drover::output::HostResult r;
  r.host = "localhost";
  r.task.action = "debug";
  r.status = Status::ok;
  drover::Map m;
  m.set("msg", drover::Value(std::string("token-QQ-77-secret"), drover::Mark::secret));
  r.result = drover::Value(std::move(m));
  h.bus.on_host_result(r);
  CHECK(h.out.str() == "localhost | SUCCESS => {\n    \"msg\": \"********\"\n}\n");
}

TEST_CASE("the json and oneline callbacks mask registered secrets too") {
  drover::secrets::Redactor::global().add("Zq-secret-991");
  for (const char* name : {"json", "oneline"}) {
    CAPTURE(name);
    Harness h(name);
    h.bus.on_play_start(PlayInfo{"p", "localhost"});
    h.task("t", "command");
    h.host(Status::changed, R"({"changed": true, "rc": 0, "stdout": "Zq-secret-991", "stderr": "x Zq-secret-991"})");
    h.bus.emit_stats();
    CHECK(h.out.str().find("Zq-secret-991") == std::string::npos);
    CHECK(h.out.str().find("********") != std::string::npos);
  }
}
