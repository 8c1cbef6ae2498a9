#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <utime.h>

#include "harness.hpp"

using namespace drover::modules::testing;
namespace fs = std::filesystem;

namespace {

// The tree of Ansible's find integration target, plus hidden entries and links.
void make_tree(const TempDir& dir) {
  fs::create_directories(dir / "a/b/c/d");
  fs::create_directories(dir / "e/f/g/h");
  fs::create_directories(dir / ".hidden_dir");
  for (const char* file : {"a/1.txt", "a/b/2.jpg", "a/b/c/3", "a/b/c/d/4.xml", "e/5.json", "e/f/6.swp", "e/f/g/7.img",
                           "e/f/g/h/8.ogg", ".hidden_dir/9.txt", ".dotfile"})
    write_text(dir / file, "data");
  fs::create_symlink("a", dir / "link_to_dir");
  fs::create_symlink("a/1.txt", dir / "link_to_file");
}

std::vector<std::string> found(const json& result, const TempDir& dir) {
  std::vector<std::string> paths;
  std::string prefix = dir.path().string() + "/";
  for (const auto& file : result["files"]) {
    std::string path = file["path"];
    REQUIRE(path.starts_with(prefix));
    paths.push_back(path.substr(prefix.size()));
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace

TEST_CASE("find lists the files of one directory by default, not hidden ones") {
  TempDir dir;
  make_tree(dir);
  json result = run_module("find", {{"paths", dir.path().string()}});
  CHECK(result["changed"] == false);
  CHECK(result["msg"] == "All paths examined");
  // link_to_file is a link (lstat), not a regular file: file_type=file leaves it out
  CHECK(found(result, dir).empty());
  CHECK(result["matched"] == 0);
  CHECK(result["examined"] == 6);  // a, e, .hidden_dir, .dotfile and the two links
  CHECK(result["skipped_paths"] == json::object());
}

TEST_CASE("find recurses, counts what it examined and honours depth as Ansible does") {
  TempDir dir;
  make_tree(dir);
  json dirs = run_module("find", {{"paths", dir.path().string()}, {"file_type", "directory"}, {"recurse", true}});
  CHECK(found(dirs, dir) == std::vector<std::string>{"a", "a/b", "a/b/c", "a/b/c/d", "e", "e/f", "e/f/g", "e/f/g/h"});
  CHECK(dirs["matched"] == 8);  // the hidden directory is left out, but walked
  CHECK(dirs["examined"] == 6 + 15);
  json files = run_module("find", {{"paths", dir.path().string()}, {"recurse", true}});
  CHECK(found(files, dir) == std::vector<std::string>{".hidden_dir/9.txt", "a/1.txt", "a/b/2.jpg", "a/b/c/3", "a/b/c/d/4.xml",
                                                      "e/5.json", "e/f/6.swp", "e/f/g/7.img", "e/f/g/h/8.ogg"});
  json deep = run_module("find", {{"paths", dir.path().string()}, {"recurse", true}, {"depth", 2}, {"file_type", "any"}});
  CHECK(found(deep, dir) == std::vector<std::string>{".hidden_dir/9.txt", "a", "a/1.txt", "a/b", "e", "e/5.json", "e/f",
                                                     "link_to_dir", "link_to_file"});
  CHECK(deep["examined"] == 6 + 2 + 2 + 1 + 2 + 2);  // a/b and e/f are listed, their entries too deep
}

TEST_CASE("find filters by glob patterns and excludes, or by Python regular expressions") {
  TempDir dir;
  make_tree(dir);
  std::string top = dir.path().string();
  json globs = run_module("find", {{"paths", top}, {"recurse", true}, {"patterns", "*.xml,*.img"}});
  CHECK(found(globs, dir) == std::vector<std::string>{"a/b/c/d/4.xml", "e/f/g/7.img"});
  json excluded = run_module("find", {{"paths", top}, {"recurse", true}, {"patterns", json::array({"[0-9].*"})},
                                      {"excludes", json::array({"*.txt", "?.j*"})}});
  CHECK(found(excluded, dir) == std::vector<std::string>{"a/b/c/d/4.xml", "e/f/6.swp", "e/f/g/7.img", "e/f/g/h/8.ogg"});
  json regex = run_module("find", {{"paths", top}, {"recurse", true}, {"use_regex", true}, {"patterns", "\\d\\.(ogg|swp)"}});
  CHECK(found(regex, dir) == std::vector<std::string>{"e/f/6.swp", "e/f/g/h/8.ogg"});
  json bad = run_module("find", {{"paths", top}, {"use_regex", true}, {"patterns", "(unclosed"}});
  CHECK(bad["failed"] == true);
  CHECK(std::string(bad["msg"]).starts_with("pattern (unclosed is not a valid regular expression: "));
}

TEST_CASE("find contains matches each line from its start, or the whole file with read_whole_file") {
  TempDir dir;
  write_text(dir / "a.txt", "this file has\na few lines\nthat end in OK");
  write_text(dir / "log.txt", "line one\r\nline two KO\r\n");
  write_text(dir / "bin.txt", std::string("KO\n\xff\xfe", 5));
  std::string top = dir.path().string();
  auto with = [&](const std::string& contains, bool whole) {
    return found(run_module("find", {{"paths", top}, {"contains", contains}, {"read_whole_file", whole}}), dir);
  };
  CHECK(with("KO$", true) == std::vector<std::string>{"log.txt"});  // $ matches before a final newline
  CHECK(with("OK$", true) == std::vector<std::string>{"a.txt"});
  CHECK(with(".*KO$", false) == std::vector<std::string>{"bin.txt", "log.txt"});
  CHECK(with("KO", false) == std::vector<std::string>{"bin.txt"});  // match is anchored at the line start
  CHECK(with("has\na few", true) == std::vector<std::string>{"a.txt"});
  CHECK(with("has\na few", false).empty());
}

TEST_CASE("find filters by age and size with their units, and returns sha1 checksums when asked") {
  TempDir dir;
  write_text(dir / "old.txt", "");
  write_text(dir / "new.txt", "hello world\n");
  utimbuf old{1577880000, 1577880000};  // 2020-01-01
  REQUIRE(::utime((dir / "old.txt").c_str(), &old) == 0);
  std::string top = dir.path().string();
  CHECK(found(run_module("find", {{"paths", top}, {"age", "1w"}}), dir) == std::vector<std::string>{"old.txt"});
  CHECK(found(run_module("find", {{"paths", top}, {"age", "-1W"}}), dir) == std::vector<std::string>{"new.txt"});
  json big = run_module("find", {{"paths", top}, {"size", "5"}, {"get_checksum", true}});
  CHECK(found(big, dir) == std::vector<std::string>{"new.txt"});
  CHECK(big["files"][0]["checksum"] == "22596363b3de40b06f981fb85d82312e8c0ed511");
  CHECK(found(run_module("find", {{"paths", top}, {"size", "-1k"}}), dir) == std::vector<std::string>{"new.txt", "old.txt"});
  json bad = run_module("find", {{"paths", top}, {"age", "3y"}});
  CHECK(bad["failed"] == true);
  CHECK(bad["msg"] == "failed to process age");
  CHECK(bad["age"] == "3y");
}

TEST_CASE("find returns stat fields for each file and skips a path that is not a directory") {
  TempDir dir;
  write_text(dir / "f", "abc");
  ::chmod((dir / "f").c_str(), 0640);
  json result = run_module("find", {{"paths", json::array({dir.path().string(), dir / "missing"})}});
  REQUIRE(result["files"].size() == 1);
  const json& file = result["files"][0];
  CHECK(file["path"] == dir / "f");
  CHECK(file["mode"] == "0640");
  CHECK(file["size"] == 3);
  CHECK(file["isreg"] == true);
  CHECK(file["islnk"] == false);
  CHECK(file["rusr"] == true);
  CHECK(file["woth"] == false);
  CHECK(file["pw_name"].is_string());
  CHECK(file["gr_name"].is_string());
  CHECK(file["mtime"].is_number_float());
  CHECK(!file.contains("checksum"));
  CHECK(result["msg"] == "Not all paths examined, check warnings for details");
  CHECK(result["skipped_paths"] == json{{dir / "missing", "'" + (dir / "missing") + "' is not a directory"}});
  CHECK(result["warnings"] == json::array({"Skipped '" + (dir / "missing") + "' path due to this access issue: '" +
                                           (dir / "missing") + "' is not a directory\n"}));
}

TEST_CASE("find with follow walks into linked directories but not around a loop") {
  TempDir dir;
  fs::create_directories(dir / "real/sub");
  write_text(dir / "real/sub/x", "x");
  fs::create_symlink("real", dir / "link");
  fs::create_symlink("..", dir / "real/sub/up");
  std::string top = dir.path().string();
  CHECK(found(run_module("find", {{"paths", top}, {"recurse", true}}), dir) == std::vector<std::string>{"real/sub/x"});
  json followed = run_module("find", {{"paths", top}, {"recurse", true}, {"follow", true}});
  CHECK(found(followed, dir) == std::vector<std::string>{"link/sub/x", "real/sub/x"});
}
