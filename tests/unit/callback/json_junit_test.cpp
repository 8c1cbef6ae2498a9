#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/callback/golden_support.hpp"

using drover::output::PlayInfo;
using drover::output::Status;
using drover::testing::Harness;

TEST_CASE("the json callback prints ansible.posix.json's shape at the end of the run") {
  Harness h("json");
  h.bus.on_play_start(PlayInfo{"", "localhost"});
  h.task("Fail", "fail");
  h.host(Status::failed, R"({"failed": true, "changed": false, "msg": "no", "_ansible_no_log": false})");
  CHECK(h.out.str().empty());
  h.bus.emit_stats();
  drover::Value doc = drover::testing::json(h.out.str());
  const drover::Value& play = doc.get("plays").as_list().at(0);
  CHECK(play.get("play").get("name").as_string() == "localhost");
  const drover::Value& task = play.get("tasks").as_list().at(0);
  CHECK(task.get("task").get("name").as_string() == "Fail");
  CHECK(task.get("task").get("duration").find("end") != nullptr);
  CHECK(drover::dump_json(task.get("hosts")) ==
        R"({"localhost": {"_ansible_no_log": false, "action": "fail", "changed": false, "failed": true, "msg": "no"}})");
  CHECK(drover::dump_json(doc.get("stats")) ==
        R"({"localhost": {"changed": 0, "failures": 1, "ignored": 0, "ok": 0, "rescued": 0, "skipped": 0, "unreachable": 0}})");
  CHECK(doc.find("custom_stats") != nullptr);
  CHECK(h.out.str().rfind("{\n    \"custom_stats\": {},\n", 0) == 0);
}

TEST_CASE("the junit callback writes one XML file per playbook with a failure element for a failed task") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("drover-junit-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  drover::output::CallbackOptions options;
  options.config["output_dir"] = dir.string();
  drover::output::EventBus bus;
  bus.add_notification_callback(drover::callback::make_callback("junit", options));
  bus.on_playbook_start("plays/site.yml");
  bus.on_play_start(PlayInfo{"Web", "web"});
  drover::output::TaskInfo t;
  t.name = "Check";
  t.action = "command";
  t.path = "plays/site.yml:4";
  bus.on_task_start(t);
  drover::output::HostResult r;
  r.host = "h1";
  r.task = t;
  r.status = Status::failed;
  r.result = drover::testing::json(R"({"failed": true, "msg": "a <b> & c", "rc": 1})");
  bus.on_host_result(r);
  bus.emit_stats();
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  REQUIRE(files.size() == 1);
  CHECK(files[0].filename().string().rfind("site-", 0) == 0);
  std::ifstream in(files[0]);
  std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(xml.find("<testsuite disabled=\"0\" errors=\"0\" failures=\"1\" name=\"site\" skipped=\"0\" tests=\"1\"") !=
        std::string::npos);
  CHECK(xml.find("classname=\"plays/site.yml:4\" name=\"[h1] Web: Check\"") != std::string::npos);
  CHECK(xml.find("<failure message=\"a &lt;b&gt; &amp; c\" type=\"failure\">") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("the timer callback prints the run's duration after the recap") {
  Harness h("default");
  h.bus.add_notification_callback(drover::callback::make_callback("timer", h.options));
  h.bus.emit_stats();
  CHECK(h.out.str().find("\nPlaybook run took 0 days, 0 hours, 0 minutes, 0 seconds\n") != std::string::npos);
}
