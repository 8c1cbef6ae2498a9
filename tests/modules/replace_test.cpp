#include <doctest/doctest.h>

#include <filesystem>

#include "harness.hpp"

using namespace drover::modules::testing;

namespace {

json edit(const std::string& before, json args, std::string& after, Check check = Check::no, Diff diff = Diff::no) {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, before);
  args["path"] = path;
  json result = run_module("replace", args, check, diff);
  after = read_text(path);
  return result;
}

}  // namespace

TEST_CASE("replace substitutes every match with backreferences and counts them, then changes nothing") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "a1 a2\na3\n");
  json first = run_module("replace", {{"path", path}, {"regexp", "a(\\d)"}, {"replace", "b\\1"}});
  CHECK(read_text(path) == "b1 b2\nb3\n");
  CHECK(first == json{{"changed", true}, {"msg", "3 replacements made"}, {"rc", 0}});
  json second = run_module("replace", {{"path", path}, {"regexp", "a(\\d)"}, {"replace", "b\\1"}});
  CHECK(second == json{{"changed", false}, {"msg", ""}, {"rc", 0}});
}

TEST_CASE("replace reads patterns and templates as Python's re does") {
  std::string after;
  edit("k=v\nx=y\n", {{"regexp", "(?P<k>\\w+)=(?P<v>\\w+)"}, {"replace", "\\g<v>=\\g<k>"}}, after);
  CHECK(after == "v=k\ny=x\n");
  edit("# one\n#two\nkeep # this\n", {{"regexp", "^#\\s*"}, {"replace", ""}}, after);
  CHECK(after == "one\ntwo\nkeep # this\n");
  json empty = edit("abc", {{"regexp", "x*"}, {"replace", "-"}}, after);
  CHECK(after == "-a-b-c-");
  CHECK(empty["msg"] == "4 replacements made");
  edit("h\xC3\xA9llo 42\n", {{"regexp", "\\w+"}, {"replace", "W"}}, after);
  CHECK(after == "W W\n");
  edit("a,b\n", {{"regexp", ","}, {"replace", "\\n"}}, after);
  CHECK(after == "a\nb\n");
  json same = edit("abc\n", {{"regexp", "a"}, {"replace", "a"}}, after);
  CHECK(same["changed"] == false);
}

TEST_CASE("replace works only between after and before when given") {
  std::string after;
  edit("[main]\nx=1\n[other]\nx=2\n",
       {{"after", "\\[main\\]"}, {"before", "\\[other\\]"}, {"regexp", "^x=.*$"}, {"replace", "x=0"}}, after);
  CHECK(after == "[main]\nx=0\n[other]\nx=2\n");
  edit("v START v v\n", {{"after", "START"}, {"regexp", "v"}, {"replace", "V"}}, after);
  CHECK(after == "v START V V\n");
  edit("v v STOP v\n", {{"before", "STOP"}, {"regexp", "v"}, {"replace", "V"}}, after);
  CHECK(after == "V V STOP v\n");
  json none = edit("v\n", {{"after", "NOPE"}, {"regexp", "v"}, {"replace", "V"}}, after);
  CHECK(none == json{{"changed", false}, {"rc", 0},
                     {"msg", "Pattern for before/after params did not match the given file: NOPE(?P<subsection>.*)"}});
  CHECK(after == "v\n");
}

TEST_CASE("replace in check mode returns Ansible's diff and writes nothing") {
  std::string after;
  json result = edit("old\n", {{"regexp", "old"}, {"replace", "new"}}, after, Check::yes, Diff::yes);
  CHECK(after == "old\n");
  CHECK(result["changed"] == true);
  CHECK(result["diff"]["before"] == "old\n");
  CHECK(result["diff"]["after"] == "new\n");
  CHECK(result["diff"]["before_header"].get<std::string>().ends_with("/f"));
}

TEST_CASE("replace with backup, validate and mode") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "old\n");
  json failed = run_module("replace", {{"path", path}, {"regexp", "old"}, {"replace", "new"}, {"validate", "grep -q nothere %s"}});
  CHECK(failed["msg"] == "failed to validate: rc:1 error:");
  CHECK(read_text(path) == "old\n");
  json done = run_module("replace", {{"path", path}, {"regexp", "old"}, {"replace", "new"}, {"backup", true}, {"mode", "0600"}});
  CHECK(done["msg"] == "1 replacements made and ownership, perms or SE linux context changed");
  CHECK(read_text(done["backup_file"]) == "old\n");
  CHECK(read_text(path) == "new\n");
}

TEST_CASE("replace reads and writes latin-1 files when asked") {
  std::string after;
  edit("caf\xE9\n", {{"regexp", "caf\xC3\xA9"}, {"replace", "th\xC3\xA9"}, {"encoding", "latin-1"}}, after);
  CHECK(after == "th\xE9\n");
  json unknown = edit("x", {{"regexp", "x"}, {"encoding", "utf-16"}}, after);
  CHECK(unknown["msg"] == "drover's replace reads files in utf-8, ascii or latin-1; encoding 'utf-16' is not supported");
}

TEST_CASE("replace fails clearly for a missing file, a directory and a bad pattern") {
  TempDir dir;
  json missing = run_module("replace", {{"path", dir / "none"}, {"regexp", "a"}});
  CHECK(missing["msg"] == "Path " + (dir / "none") + " does not exist !");
  CHECK(missing["rc"] == 257);
  CHECK(run_module("replace", {{"path", dir.path().string()}, {"regexp", "a"}})["rc"] == 256);
  CHECK(run_module("replace", {{"path", dir / "none"}})["msg"] == "missing required arguments: regexp");
  std::string after;
  json bad = edit("a\n", {{"regexp", "a"}, {"replace", "\\9"}}, after);
  CHECK(bad["failed"] == true);
  CHECK(bad["msg"].get<std::string>().starts_with("replace: "));
}
