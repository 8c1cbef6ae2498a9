#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/output/log_file.hpp"
#include "core/secrets/redactor.hpp"
#include "tests/unit/callback/golden_support.hpp"

using drover::output::LogFile;
using drover::output::PlayInfo;
using drover::output::Status;

namespace {

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("a log record has the format of Ansible's display logger") {
  CHECK(LogFile::record("\nTASK [ping] ***\n", "2026-12-03 15:39:24,123", 4242, "alice") ==
        "2026-12-03 15:39:24,123 p=4242 u=alice n=ansible | TASK [ping] ***\n");
  CHECK(LogFile::record("\x1b[0;32mok=1\x1b[0m   changed=0", "T", 1, "u") == "T p=1 u=u n=ansible | ok=1   changed=0\n");
}

TEST_CASE("log_path gets every displayed message without colour, secrets masked") {
  const auto path = std::filesystem::temp_directory_path() / ("drover-log-" + std::to_string(::getpid()) + ".log");
  std::filesystem::remove(path);
  REQUIRE(LogFile::open(path.string()).empty());
  drover::secrets::Redactor::global().add("Log-s3cret-7781");
  {
    drover::testing::Harness h("default", 0, false, true);  // colour on: the log has none
    h.bus.on_play_start(PlayInfo{"Play", "localhost"});
    h.task("say", "debug");
    h.host(Status::ok, R"({"msg": "the secret is Log-s3cret-7781", "_ansible_verbose_always": true})");
    h.bus.emit_stats();
  }
  LogFile::close();
  const std::string log = read_all(path);
  std::filesystem::remove(path);
  INFO("the log:\n" << log);
  CHECK(log.find("n=ansible | PLAY [Play] ***") != std::string::npos);
  CHECK(log.find("n=ansible | ok: [") != std::string::npos);
  CHECK(log.find("Log-s3cret-7781") == std::string::npos);
  CHECK(log.find("the secret is ********") != std::string::npos);
  CHECK(log.find("\x1b[") == std::string::npos);  // no colour codes
  CHECK(log.find(" p=" + std::to_string(::getpid()) + " u=") != std::string::npos);
}

TEST_CASE("a log_path that cannot be written is a warning in Ansible's words") {
  CHECK(LogFile::open("/nonexistent-dir/x/drover.log") ==
        "log file at /nonexistent-dir/x/drover.log is not writeable and we cannot create it, aborting");
  LogFile::close();
}
