#include <doctest/doctest.h>

#include <filesystem>

#include <sys/stat.h>

#include "harness.hpp"

using namespace drover::modules::testing;

namespace {

json edit(const std::string& before, json args, std::string& after, Check check = Check::no, Diff diff = Diff::no) {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, before);
  args["path"] = path;
  json result = run_module("blockinfile", args, check, diff);
  after = read_text(path);
  return result;
}

const std::string k_begin = "# BEGIN ANSIBLE MANAGED BLOCK\n";
const std::string k_end = "# END ANSIBLE MANAGED BLOCK\n";

}  // namespace

TEST_CASE("blockinfile appends a marked block at EOF, then changes nothing") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "a\n");
  json first = run_module("blockinfile", {{"path", path}, {"block", "x\ny"}});
  CHECK(read_text(path) == "a\n" + k_begin + "x\ny\n" + k_end);
  CHECK(first["changed"] == true);
  CHECK(first["msg"] == "Block inserted");
  CHECK(!first.contains("backup_file"));
  CHECK(first["diff"][0]["before_header"] == path + " (content)");
  CHECK(first["diff"][1] == json{{"before_header", path + " (file attributes)"}, {"after_header", path + " (file attributes)"}});
  json second = run_module("blockinfile", {{"dest", path}, {"content", "x\ny\n"}});
  CHECK(second["changed"] == false);
  CHECK(second["msg"] == "");
}

TEST_CASE("blockinfile replaces the block between the markers in place") {
  std::string after;
  json result = edit("a\n" + k_begin + "old\n" + k_end + "b\n", {{"block", "new"}}, after);
  CHECK(after == "a\n" + k_begin + "new\n" + k_end + "b\n");
  CHECK(result["msg"] == "Block inserted");
}

TEST_CASE("blockinfile removes the block with state=absent or an empty block") {
  std::string after;
  json absent = edit("a\n" + k_begin + "old\n" + k_end + "b\n", {{"state", "absent"}}, after);
  CHECK(after == "a\nb\n");
  CHECK(absent["msg"] == "Block removed");
  json empty = edit("a\n" + k_begin + "old\n" + k_end, {{"block", ""}}, after);
  CHECK(after == "a\n");
  CHECK(empty["msg"] == "Block removed");
  TempDir dir;
  json refused = run_module("blockinfile", {{"path", dir / "none"}, {"state", "absent"}});
  CHECK(refused["msg"] == "Path " + (dir / "none") + " does not exist !");
  CHECK(refused["rc"] == 257);
  json missing = run_module("blockinfile", {{"path", dir / "none"}, {"state", "absent"}, {"create", true}});
  CHECK(missing == json{{"changed", false}, {"msg", "File " + (dir / "none") + " not present"}});
}

TEST_CASE("blockinfile places a new block by insertafter and insertbefore, BOF and EOF") {
  std::string after;
  edit("a\nb\nc\n", {{"block", "x"}, {"insertafter", "^b"}}, after);
  CHECK(after == "a\nb\n" + k_begin + "x\n" + k_end + "c\n");
  edit("a\nb\na\nc\n", {{"block", "x"}, {"insertbefore", "^a"}}, after);
  CHECK(after == "a\nb\n" + k_begin + "x\n" + k_end + "a\nc\n");
  edit("a\nb\n", {{"block", "x"}, {"insertbefore", "BOF"}}, after);
  CHECK(after == k_begin + "x\n" + k_end + "a\nb\n");
  edit("a\n", {{"block", "x"}, {"insertafter", "^zzz"}}, after);
  CHECK(after == "a\n" + k_begin + "x\n" + k_end);
  edit("a\nb\nc\n", {{"block", "x"}, {"insertafter", "(?m)^b$"}}, after);
  CHECK(after == "a\nb\n" + k_begin + "x\n" + k_end + "c\n");
  edit("a", {{"block", "x"}}, after);
  CHECK(after == "a\n" + k_begin + "x\n" + k_end);
}

TEST_CASE("blockinfile builds markers from marker, marker_begin and marker_end") {
  std::string after;
  edit("a\n", {{"block", "x"}, {"marker", "<!-- {mark} -->"}, {"marker_begin", "start"}, {"marker_end", "stop"}}, after);
  CHECK(after == "a\n<!-- start -->\nx\n<!-- stop -->\n");
}

TEST_CASE("blockinfile creates a file only with create, and says so") {
  TempDir dir;
  std::string path = dir / "sub/new";
  json refused = run_module("blockinfile", {{"path", path}, {"block", "x"}});
  CHECK(refused["msg"] == "Path " + path + " does not exist !");
  json created = run_module("blockinfile", {{"path", path}, {"block", "x"}, {"create", true}, {"mode", "0600"}});
  CHECK(created["msg"] == "File created and ownership, perms or SE linux context changed");
  CHECK(read_text(path) == k_begin + "x\n" + k_end);
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
}

TEST_CASE("blockinfile in check mode shows the diff and writes nothing") {
  std::string after;
  json result = edit("a\n", {{"block", "x"}}, after, Check::yes, Diff::yes);
  CHECK(result["changed"] == true);
  CHECK(after == "a\n");
  CHECK(result["diff"][0]["before"] == "a\n");
  CHECK(result["diff"][0]["after"] == "a\n" + k_begin + "x\n" + k_end);
}

TEST_CASE("blockinfile with a failing validate keeps the old file; backup keeps the old content") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "a\n");
  json failed = run_module("blockinfile", {{"path", path}, {"block", "x"}, {"validate", "grep -q nothere %s"}});
  CHECK(failed["msg"] == "failed to validate: rc:1 error:");
  CHECK(read_text(path) == "a\n");
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);
  json backed = run_module("blockinfile", {{"path", path}, {"block", "x"}, {"backup", true}});
  REQUIRE(backed.contains("backup_file"));
  CHECK(read_text(backed["backup_file"]) == "a\n");
}

TEST_CASE("blockinfile refuses insertafter with insertbefore") {
  std::string after;
  json result = edit("a\n", {{"block", "x"}, {"insertafter", "a"}, {"insertbefore", "a"}}, after);
  CHECK(result["msg"] == "parameters are mutually exclusive: insertbefore|insertafter");
}
