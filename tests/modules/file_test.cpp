#include <doctest/doctest.h>

#include <filesystem>

#include <sys/stat.h>

#include "harness.hpp"

using namespace drover::modules::testing;
namespace fs = std::filesystem;

namespace {
unsigned mode_of(const std::string& path) {
  struct stat st{};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("file state=directory creates parents, applies the mode, and is idempotent") {
  TempDir dir;
  std::string path = dir / "a/b/c";
  json first = run_module("file", {{"path", path}, {"state", "directory"}, {"mode", "0750"}});
  CHECK(first["changed"] == true);
  CHECK(first["path"] == path);
  CHECK(first["state"] == "directory");
  CHECK(first["mode"] == "0750");
  CHECK(first["diff"]["before"]["state"] == "absent");
  CHECK(first["diff"]["after"]["state"] == "directory");
  CHECK(mode_of(path) == 0750);
  CHECK(mode_of(dir / "a") == 0750);
  CHECK(run_module("file", {{"path", path}, {"state", "directory"}, {"mode", "0750"}})["changed"] == false);
}

TEST_CASE("file state=directory in check mode creates nothing") {
  TempDir dir;
  json result = run_module("file", {{"path", dir / "d"}, {"state", "directory"}}, Check::yes);
  CHECK(result["changed"] == true);
  CHECK(!fs::exists(dir / "d"));
}

TEST_CASE("file state=file on a missing path fails with Ansible's message") {
  TempDir dir;
  json result = run_module("file", {{"path", dir / "x"}, {"state", "file"}});
  CHECK(result["failed"] == true);
  CHECK(result["msg"] == "file (" + (dir / "x") + ") is absent, cannot continue");
}

TEST_CASE("file changes a mode with a diff of the modes as strings") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "");
  ::chmod(path.c_str(), 0644);
  json result = run_module("file", {{"path", path}, {"mode", "0600"}});
  CHECK(result["changed"] == true);
  CHECK(result["diff"]["before"]["mode"] == "0644");
  CHECK(result["diff"]["after"]["mode"] == "0600");
  CHECK(mode_of(path) == 0600);
  CHECK(run_module("file", {{"path", path}, {"mode", 384}})["changed"] == false);  // 384 = 0600
}

TEST_CASE("file understands symbolic modes, including X and a umask-relative +x") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "");
  ::chmod(path.c_str(), 0600);
  run_module("file", {{"path", path}, {"mode", "u+x,g=u,o-rwx"}});
  CHECK(mode_of(path) == 0770);
  run_module("file", {{"path", path}, {"mode", "a-x,go-w"}});
  CHECK(mode_of(path) == 0640);
  run_module("file", {{"path", path}, {"mode", "a+X"}});
  CHECK(mode_of(path) == 0640);  // X: no execute bit anywhere, not a directory
  fs::create_directory(dir / "d");
  ::chmod((dir / "d").c_str(), 0600);
  run_module("file", {{"path", dir / "d"}, {"mode", "a+X"}});
  CHECK(mode_of(dir / "d") == 0711);
}

TEST_CASE("a bad mode is rejected with Ansible's message") {
  TempDir dir;
  write_text(dir / "f", "");
  json result = run_module("file", {{"path", dir / "f"}, {"mode", "u+q"}});
  CHECK(result["failed"] == true);
  CHECK(result["msg"] == "mode must be in octal or symbolic form");
}

TEST_CASE("file state=touch creates a file and always reports a change") {
  TempDir dir;
  std::string path = dir / "t";
  json first = run_module("file", {{"path", path}, {"state", "touch"}, {"mode", "0600"}});
  CHECK(first["changed"] == true);
  CHECK(fs::exists(path));
  CHECK(mode_of(path) == 0600);
  CHECK(run_module("file", {{"path", path}, {"state", "touch"}})["changed"] == true);
}

TEST_CASE("file state=touch with preserved times is idempotent") {
  TempDir dir;
  std::string path = dir / "t";
  write_text(path, "");
  json result = run_module("file", {{"path", path}, {"state", "touch"}, {"access_time", "preserve"},
                                    {"modification_time", "preserve"}});
  CHECK(result["changed"] == false);
}

TEST_CASE("file state=absent removes a tree, listing its content in the diff, then is idempotent") {
  TempDir dir;
  fs::create_directories(dir / "gone/sub");
  write_text(dir / "gone/sub/f", "x");
  json result = run_module("file", {{"path", dir / "gone"}, {"state", "absent"}});
  CHECK(result["changed"] == true);
  CHECK(result["state"] == "absent");
  CHECK(result["diff"]["before"]["path_content"]["files"] == json::array({dir / "gone/sub/f"}));
  CHECK(!fs::exists(dir / "gone"));
  json again = run_module("file", {{"path", dir / "gone"}, {"state", "absent"}});
  CHECK(again["changed"] == false);
}

TEST_CASE("file state=absent in check mode removes nothing") {
  TempDir dir;
  write_text(dir / "f", "x");
  CHECK(run_module("file", {{"path", dir / "f"}, {"state", "absent"}}, Check::yes)["changed"] == true);
  CHECK(fs::exists(dir / "f"));
}

TEST_CASE("file state=link creates, keeps and retargets a symlink") {
  TempDir dir;
  write_text(dir / "target1", "1");
  write_text(dir / "target2", "2");
  std::string link = dir / "link";
  json first = run_module("file", {{"path", link}, {"state", "link"}, {"src", "target1"}});
  CHECK(first["changed"] == true);
  CHECK(first["dest"] == link);
  CHECK(first["state"] == "link");
  CHECK(fs::read_symlink(link) == "target1");
  CHECK(run_module("file", {{"path", link}, {"state", "link"}, {"src", "target1"}})["changed"] == false);
  json retarget = run_module("file", {{"path", link}, {"state", "link"}, {"src", "target2"}});
  CHECK(retarget["changed"] == true);
  CHECK(retarget["diff"]["before"]["src"] == "target1");
  CHECK(fs::read_symlink(link) == "target2");
}

TEST_CASE("file state=link refuses to replace a file without force, and needs an existing src") {
  TempDir dir;
  write_text(dir / "file", "x");
  write_text(dir / "target", "t");
  json refused = run_module("file", {{"path", dir / "file"}, {"state", "link"}, {"src", dir / "target"}});
  CHECK(refused["msg"] == "refusing to convert from file to symlink for " + (dir / "file"));
  json missing = run_module("file", {{"path", dir / "l"}, {"state", "link"}, {"src", dir / "nope"}});
  CHECK(std::string(missing["msg"]).starts_with("src file does not exist"));
  json forced = run_module("file", {{"path", dir / "file"}, {"state", "link"}, {"src", dir / "target"}, {"force", true}});
  CHECK(forced["changed"] == true);
  CHECK(fs::is_symlink(dir / "file"));
}

TEST_CASE("file state=hard makes a hard link and is idempotent") {
  TempDir dir;
  write_text(dir / "orig", "o");
  json first = run_module("file", {{"path", dir / "hard"}, {"state", "hard"}, {"src", dir / "orig"}});
  CHECK(first["changed"] == true);
  CHECK(fs::equivalent(dir / "hard", dir / "orig"));
  CHECK(run_module("file", {{"path", dir / "hard"}, {"state", "hard"}, {"src", dir / "orig"}})["changed"] == false);
}

TEST_CASE("file with recurse applies the mode to everything below the directory") {
  TempDir dir;
  fs::create_directories(dir / "tree/sub");
  write_text(dir / "tree/sub/f", "x");
  json result = run_module("file", {{"path", dir / "tree"}, {"state", "directory"}, {"recurse", true}, {"mode", "u=rwX,go="}});
  CHECK(result["changed"] == true);
  CHECK(mode_of(dir / "tree/sub") == 0700);
  CHECK(mode_of(dir / "tree/sub/f") == 0600);
}

TEST_CASE("file accepts dest and name as aliases of path, and rejects src without link state") {
  TempDir dir;
  CHECK(run_module("file", {{"dest", dir / "d"}, {"state", "directory"}})["changed"] == true);
  CHECK(run_module("file", {{"name", dir / "d"}, {"state", "directory"}})["changed"] == false);
  CHECK(run_module("file", {{"path", dir / "d"}, {"src", "x"}, {"state", "directory"}})["msg"] ==
        "src option requires state to be 'link' or 'hard'");
  CHECK(run_module("file", {{"path", dir / "d"}, {"state", "gone"}})["msg"] ==
        "value of state must be one of: absent, directory, file, hard, link, touch, got: gone");
}

TEST_CASE("file in check mode reports a mode change with its diff but leaves the mode alone") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "");
  ::chmod(path.c_str(), 0644);
  json result = run_module("file", {{"path", path}, {"mode", "0600"}}, Check::yes);
  CHECK(result["changed"] == true);
  CHECK(result["diff"]["after"]["mode"] == "0600");
  CHECK(mode_of(path) == 0644);
  json link = run_module("file", {{"path", dir / "l"}, {"state", "link"}, {"src", "f"}}, Check::yes);
  CHECK(link["changed"] == true);
  CHECK(!fs::exists(fs::symlink_status(dir / "l")));
  json touch = run_module("file", {{"path", dir / "t"}, {"state", "touch"}}, Check::yes);
  CHECK(touch["changed"] == true);
  CHECK(!fs::exists(dir / "t"));
}

TEST_CASE("file state=directory refuses a path that is a file") {
  TempDir dir;
  write_text(dir / "f", "");
  CHECK(run_module("file", {{"path", dir / "f"}, {"state", "directory"}})["msg"] ==
        (dir / "f") + " already exists as a file");
}
