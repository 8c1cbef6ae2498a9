#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <sys/stat.h>

#include "harness.hpp"

using namespace drover::modules::testing;

namespace {
unsigned mode_of(const std::string& path) {
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string basename_of(const json& result) { return std::filesystem::path(result["path"].get<std::string>()).filename(); }
}  // namespace

TEST_CASE("tempfile makes a 0600 file named ansible.XXXXXXXX in the directory asked for") {
  TempDir dir;
  json result = run_module("tempfile", {{"path", dir.path().string()}});
  CHECK(result["changed"] == true);
  std::string path = result["path"];
  CHECK(std::filesystem::path(path).parent_path() == dir.path());
  std::string name = basename_of(result);
  CHECK(name.starts_with("ansible."));
  CHECK(name.size() == std::string("ansible.").size() + 8);
  CHECK(std::filesystem::is_regular_file(path));
  CHECK(mode_of(path) == 0600);
  CHECK(result["state"] == "file");
  CHECK(result["mode"] == "0600");
  CHECK(result["size"] == 0);
  CHECK(result["owner"].is_string());
}

TEST_CASE("tempfile state=directory makes a 0700 directory with prefix and suffix") {
  TempDir dir;
  json result = run_module("tempfile", {{"path", dir.path().string() + "/"}, {"state", "directory"},
                                        {"prefix", "hello."}, {"suffix", ".goodbye"}});
  CHECK(result["changed"] == true);
  std::string path = result["path"];
  CHECK(path.starts_with(dir.path().string() + "/hello."));
  CHECK(path.find("//") == std::string::npos);
  CHECK(path.ends_with(".goodbye"));
  CHECK(std::filesystem::is_directory(path));
  CHECK(mode_of(path) == 0700);
  CHECK(result["state"] == "directory");
  json second = run_module("tempfile", {{"path", dir.path().string()}, {"state", "directory"}});
  CHECK(second["path"] != result["path"]);
}

TEST_CASE("tempfile in a missing directory fails with Python's OSError text") {
  TempDir dir;
  json result = run_module("tempfile", {{"path", dir / "missing"}});
  CHECK(result["failed"] == true);
  std::string msg = result["msg"];
  CHECK(msg.starts_with("[Errno 2] No such file or directory: '" + (dir / "missing") + "/ansible."));
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("tempfile is skipped in check mode, as Ansible's module does not support it") {
  TempDir dir;
  json result = run_module("tempfile", {{"path", dir.path().string()}}, Check::yes);
  CHECK(result == json{{"changed", false}, {"skipped", true}, {"msg", "remote module (tempfile) does not support check mode"}});
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("tempfile refuses a state it does not know") {
  json result = run_module("tempfile", {{"state", "fifo"}});
  CHECK(result["failed"] == true);
  CHECK(result["msg"] == "value of state must be one of: file, directory, got: fifo");
}
