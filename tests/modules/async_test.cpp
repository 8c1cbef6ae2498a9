// Jobs started with `async` (detached, surviving the runner), async_status, and requests with a
// `timeout`, through the real runner binary (docs/protocol.md).
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "harness.hpp"

using namespace drover::modules::testing;

namespace {

json response(const std::vector<std::string>& lines) {
  REQUIRE(lines.size() == 2);  // the hello, then the one answer
  return json::parse(lines[1]);
}

json status(const std::string& jid, const std::string& dir, const std::string& mode = "status") {
  return run_module("async_status", {{"jid", jid}, {"mode", mode}, {"_async_dir", dir}});
}

// async_status until the job is finished (a new runner each time: the job outlives them).
json wait_finished(const std::string& jid, const std::string& dir) {
  json st;
  for (int i = 0; i < 300; ++i) {
    st = status(jid, dir);
    if (st.value("finished", 0) == 1) return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("the job never finished: " << st.dump());
  return st;
}

// Whether process `pid` is gone (or a zombie nobody reaped yet), waiting a little for it.
bool process_gone(const std::string& pid) {
  for (int i = 0; i < 200; ++i) {
    std::ifstream stat("/proc/" + pid + "/stat");
    std::string text;
    if (!std::getline(stat, text)) return true;
    auto close = text.rfind(')');
    if (close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'Z') return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

TEST_CASE("an async request answers at once with the job id, and the job finishes after the runner has exited") {
  TempDir tmp;
  const std::string dir = tmp / "jobs";
  json answer = response(serve({R"({"id": 1, "module": "shell", "args": {"_raw_params": "sleep 0.3; echo done"},)"
                                R"( "async": {"jid": "j123", "time_limit": 30, "dir": ")" + dir + R"("}})"}));
  CHECK(answer["id"] == 1);
  CHECK_FALSE(answer.contains("timed_out"));
  json started = answer["result"];
  const std::string jid = started["ansible_job_id"];
  CHECK(jid.rfind("j123.", 0) == 0);
  CHECK(jid.size() > 5);
  CHECK(started["started"] == 1);
  CHECK(started["finished"] == 0);
  CHECK(started["failed"] == 0);
  CHECK(started["results_file"] == dir + "/" + jid);

  json done = wait_finished(jid, dir);
  CHECK(done["stdout"] == "done");
  CHECK(done["rc"] == 0);
  CHECK(done["changed"] == true);
  CHECK(done["ansible_job_id"] == jid);
  CHECK(done["results_file"] == dir + "/" + jid);
  CHECK_FALSE(done.contains("failed"));

  json erased = status(jid, dir, "cleanup");
  CHECK(erased["erased"] == dir + "/" + jid);
  CHECK(erased["ansible_job_id"] == jid);
  CHECK_FALSE(std::filesystem::exists(dir + "/" + jid));
}

TEST_CASE("a job whose module fails keeps the module's failure in its file") {
  TempDir tmp;
  const std::string dir = tmp.path().string();
  json answer = response(serve({R"({"id": 1, "module": "command", "args": {"_raw_params": "false"},)"
                                R"( "async": {"jid": "j9", "time_limit": 30, "dir": ")" + dir + R"("}})"}));
  json done = wait_finished(answer["result"]["ansible_job_id"], dir);
  CHECK(done["failed"] == true);
  CHECK(done["rc"] == 1);
  CHECK(done["msg"] == "non-zero return code");
}

TEST_CASE("async_status reads a running job, a finished one, and reports missing and unreadable jobs") {
  TempDir tmp;
  const std::string dir = tmp.path().string();
  write_text(tmp / "j1.1", R"({"started": 1, "finished": 0, "ansible_job_id": "j1.1"})");
  json running = status("j1.1", dir);
  CHECK(running == json{{"started", 1}, {"finished", 0}, {"ansible_job_id", "j1.1"}, {"changed", false},
                        {"results_file", dir + "/j1.1"}});

  write_text(tmp / "j1.2", R"({"changed": true, "rc": 0})");
  json finished = status("j1.2", dir);
  CHECK(finished == json{{"changed", true}, {"rc", 0}, {"finished", 1}, {"ansible_job_id", "j1.2"},
                         {"results_file", dir + "/j1.2"}});

  write_text(tmp / "j1.3", "");
  CHECK(status("j1.3", dir)["finished"] == 0);

  write_text(tmp / "j1.4", "{half");
  json bad = status("j1.4", dir);
  CHECK(bad["failed"] == true);
  CHECK(bad["msg"] == "Could not parse job output: {half");

  json missing = status("nope", dir);
  CHECK(missing == json{{"failed", true}, {"changed", false}, {"msg", "could not find job"}, {"ansible_job_id", "nope"},
                        {"started", 1}, {"finished", 1}, {"results_file", dir + "/nope"}});
  json missing_cleanup = status("nope", dir, "cleanup");
  CHECK(missing_cleanup["msg"] == "could not find job");
  CHECK(missing_cleanup["erased"] == dir + "/nope");

  json wrong_mode = run_module("async_status", {{"jid", "x"}, {"mode", "kill"}, {"_async_dir", dir}});
  CHECK(wrong_mode["failed"] == true);
  CHECK(wrong_mode["msg"].get<std::string>().find("mode") != std::string::npos);
}

TEST_CASE("a request with a timeout gets the module's result when it finishes in time") {
  json answer = response(serve({R"({"id": 4, "module": "command", "args": {"_raw_params": "echo quick"}, "timeout": 20})"}));
  CHECK_FALSE(answer.contains("timed_out"));
  CHECK(answer["result"]["stdout"] == "quick");
  CHECK(answer["result"]["rc"] == 0);
}

TEST_CASE("a module past its timeout is killed with the commands it started, and the answer says timed_out") {
  TempDir tmp;
  const std::string pidfile = tmp / "pid";
  auto lines = serve({R"({"id": 5, "module": "shell", "args": {"_raw_params": "echo $$ > )" + pidfile +
                          R"(; exec sleep 60"}, "timeout": 0.5})",
                      R"({"id": 6, "module": "ping"})"});
  REQUIRE(lines.size() == 3);
  json answer = json::parse(lines[1]);
  CHECK(answer["id"] == 5);
  CHECK(answer["timed_out"] == true);
  CHECK(answer["result"]["failed"] == true);
  CHECK(json::parse(lines[2])["result"]["ping"] == "pong");  // the runner goes on
  std::string pid = read_text(pidfile);
  while (!pid.empty() && pid.back() == '\n') pid.pop_back();
  REQUIRE_FALSE(pid.empty());
  CHECK(process_gone(pid));
}
