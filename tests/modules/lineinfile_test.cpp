#include <doctest/doctest.h>

#include <filesystem>

#include <sys/stat.h>

#include "harness.hpp"

using namespace drover::modules::testing;

namespace {

unsigned mode_of(const std::string& path) {
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

int entries_in(const std::filesystem::path& dir) {
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++entries;
  return entries;
}

// lineinfile on a fresh file holding `before`; returns the result, `after` gets the file.
json edit(const std::string& before, json args, std::string& after, Check check = Check::no) {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, before);
  args["path"] = path;
  json result = run_module("lineinfile", args, check);
  after = read_text(path);
  return result;
}

}  // namespace

TEST_CASE("lineinfile appends a missing line at EOF with Ansible's result, then changes nothing") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "a\nb\n");
  json first = run_module("lineinfile", {{"path", path}, {"line", "c"}});
  CHECK(read_text(path) == "a\nb\nc\n");
  CHECK(first["changed"] == true);
  CHECK(first["msg"] == "line added");
  CHECK(first["backup"] == "");
  CHECK(first["diff"] == json::array({{{"before", ""}, {"after", ""}, {"before_header", path + " (content)"},
                                       {"after_header", path + " (content)"}},
                                      {{"before_header", path + " (file attributes)"},
                                       {"after_header", path + " (file attributes)"}}}));
  json second = run_module("lineinfile", {{"dest", path}, {"line", "c"}});
  CHECK(second["changed"] == false);
  CHECK(second["msg"] == "");
}

TEST_CASE("lineinfile replaces the last line its regexp matches, or the first with firstmatch") {
  std::string after;
  json result = edit("k=1\nx\nk=2\n", {{"regexp", "^k="}, {"line", "k=new"}}, after);
  CHECK(after == "k=1\nx\nk=new\n");
  CHECK(result["msg"] == "line replaced");
  edit("k=1\nx\nk=2\n", {{"regex", "^k="}, {"line", "k=new"}, {"firstmatch", true}}, after);
  CHECK(after == "k=new\nx\nk=2\n");
  json none = edit("a\n", {{"regexp", "^foo="}, {"line", "foo=1"}}, after);
  CHECK(after == "a\nfoo=1\n");
  CHECK(none["msg"] == "line added");
}

TEST_CASE("lineinfile inserts after or before the last line matching, or at BOF and EOF") {
  std::string after;
  edit("a\nb\na\nc\n", {{"insertafter", "^a"}, {"line", "X"}}, after);
  CHECK(after == "a\nb\na\nX\nc\n");
  edit("a\nb\na\nc\n", {{"insertafter", "^a"}, {"line", "X"}, {"firstmatch", true}}, after);
  CHECK(after == "a\nX\nb\na\nc\n");
  edit("a\nb\nc\n", {{"insertbefore", "^b"}, {"line", "X"}}, after);
  CHECK(after == "a\nX\nb\nc\n");
  edit("a\nb\n", {{"insertbefore", "BOF"}, {"line", "X"}}, after);
  CHECK(after == "X\na\nb\n");
  edit("a\nb\n", {{"insertafter", "BOF"}, {"line", "X"}}, after);
  CHECK(after == "X\na\nb\n");
  edit("a\nb\n", {{"insertafter", "EOF"}, {"line", "X"}}, after);
  CHECK(after == "a\nb\nX\n");
  edit("a\n", {{"insertafter", "^zzz"}, {"line", "X"}}, after);
  CHECK(after == "a\nX\n");
  json same = edit("a\nb\nc\n", {{"insertafter", "^a"}, {"line", "b"}}, after);
  CHECK(same["changed"] == false);
  CHECK(after == "a\nb\nc\n");
}

TEST_CASE("lineinfile ends an unterminated last line before appending") {
  std::string after;
  edit("a\nb", {{"line", "c"}}, after);
  CHECK(after == "a\nb\nc\n");
  // Ansible's quirk kept: after a matching unterminated last line, the line is glued on
  edit("a\nb", {{"insertafter", "^b"}, {"line", "X"}}, after);
  CHECK(after == "a\nbX\n");
}

TEST_CASE("lineinfile backrefs expand the groups, and without a match change nothing") {
  std::string after;
  json result = edit("host=example\nport=1\n",
                     {{"regexp", "^(host)=(.*)$"}, {"line", "\\1: \\g<2>"}, {"backrefs", true}}, after);
  CHECK(after == "host: example\nport=1\n");
  CHECK(result["msg"] == "line replaced");
  json none = edit("host=x\n", {{"regexp", "^(nope)=(.*)$"}, {"line", "\\1"}, {"backrefs", "yes"}}, after);
  CHECK(none["changed"] == false);
  CHECK(after == "host=x\n");
}

TEST_CASE("lineinfile matches search_string as plain text") {
  std::string after;
  edit("ServerName x\nListen 80\n", {{"search_string", "Listen "}, {"line", "Listen 8080"}}, after);
  CHECK(after == "ServerName x\nListen 8080\n");
  json removed = edit("Listen 80\na.b\nListen 443\n", {{"search_string", "a.b"}, {"state", "absent"}}, after);
  CHECK(after == "Listen 80\nListen 443\n");
  CHECK(removed["found"] == 1);
}

TEST_CASE("lineinfile state=absent removes every matching line and counts them") {
  std::string after;
  json result = edit("a\n#x\nb\n#y\n", {{"regexp", "^#"}, {"state", "absent"}}, after);
  CHECK(after == "a\nb\n");
  CHECK(result["msg"] == "2 line(s) removed");
  CHECK(result["found"] == 2);
  CHECK(result["changed"] == true);
  json by_line = edit("a\r\nb\r\n", {{"line", "b"}, {"state", "absent"}}, after);
  CHECK(after == "a\r\n");
  json nothing = edit("a\n", {{"regexp", "^z"}, {"state", "absent"}}, after);
  CHECK(nothing["changed"] == false);
  CHECK(nothing["found"] == 0);
  CHECK(nothing["msg"] == "");
  TempDir dir;
  json missing = run_module("lineinfile", {{"path", dir / "none"}, {"line", "x"}, {"state", "absent"}});
  CHECK(missing == json{{"changed", false}, {"msg", "file not present"}});
}

TEST_CASE("lineinfile treats \\w as ASCII, as Python does for a bytes pattern") {
  std::string after;
  edit("\xC3\x84" "b=1\n", {{"regexp", "^\\w+=1$"}, {"line", "matched"}}, after);
  CHECK(after == "\xC3\x84" "b=1\nmatched\n");
}

TEST_CASE("lineinfile creates a missing file and its directories only with create, with the mode asked") {
  TempDir dir;
  std::string path = dir / "new/sub/f";
  json refused = run_module("lineinfile", {{"path", path}, {"line", "x"}});
  CHECK(refused["failed"] == true);
  CHECK(refused["rc"] == 257);
  CHECK(refused["msg"] == "Destination " + path + " does not exist !");
  json created = run_module("lineinfile", {{"path", path}, {"line", "x"}, {"create", true}, {"mode", "0640"}});
  CHECK(created["changed"] == true);
  CHECK(created["msg"] == "line added and ownership, perms or SE linux context changed");
  CHECK(read_text(path) == "x\n");
  CHECK(mode_of(path) == 0640);
}

TEST_CASE("lineinfile in check mode predicts the change and the diff and writes nothing") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "a\n");
  ::chmod(path.c_str(), 0644);
  json result = run_module("lineinfile", {{"path", path}, {"line", "b"}, {"mode", "0600"}}, Check::yes, Diff::yes);
  CHECK(result["changed"] == true);
  CHECK(result["msg"] == "line added and ownership, perms or SE linux context changed");
  CHECK(result["diff"][0]["before"] == "a\n");
  CHECK(result["diff"][0]["after"] == "a\nb\n");
  CHECK(result["diff"][1]["before"]["mode"] == "0644");
  CHECK(result["diff"][1]["after"]["mode"] == "0600");
  CHECK(read_text(path) == "a\n");
  CHECK(mode_of(path) == 0644);
  json create = run_module("lineinfile", {{"path", dir / "d/new"}, {"line", "x"}, {"create", true}}, Check::yes, Diff::yes);
  CHECK(create["changed"] == true);
  CHECK(create["diff"].is_object());  // Ansible returns the content diff alone here
  CHECK(create["diff"]["after"] == "x\n");
  CHECK(!std::filesystem::exists(dir / "d"));
}

TEST_CASE("lineinfile with a failing validate keeps the old file and leaves no temp file") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "old\n");
  json result = run_module("lineinfile", {{"path", path}, {"line", "new"}, {"validate", "grep -q nothere %s"}});
  CHECK(result["failed"] == true);
  CHECK(result["msg"] == "failed to validate: rc:1 error:");
  CHECK(read_text(path) == "old\n");
  CHECK(entries_in(dir.path()) == 1);
  json ok = run_module("lineinfile", {{"path", path}, {"line", "new"}, {"validate", "grep -q new %s"}});
  CHECK(ok["changed"] == true);
  CHECK(read_text(path) == "old\nnew\n");
  CHECK(run_module("lineinfile", {{"path", path}, {"line", "x"}, {"validate", "true"}})["msg"] ==
        "validate must contain %s: true");
}

TEST_CASE("lineinfile backup keeps the old content under Ansible's backup name") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "old\n");
  json result = run_module("lineinfile", {{"path", path}, {"line", "new"}, {"backup", true}});
  std::string backup = result["backup"];
  CHECK(backup.starts_with(path + "."));
  CHECK(backup.ends_with("~"));
  CHECK(read_text(backup) == "old\n");
  CHECK(read_text(path) == "old\nnew\n");
}

TEST_CASE("lineinfile writes through a symlink to its target") {
  TempDir dir;
  std::string target = dir / "target", link = dir / "link";
  write_text(target, "a\n");
  std::filesystem::create_symlink(target, link);
  run_module("lineinfile", {{"path", link}, {"line", "b"}});
  CHECK(std::filesystem::is_symlink(link));
  CHECK(read_text(target) == "a\nb\n");
}

TEST_CASE("lineinfile's path expands environment variables and ~, as Ansible's path type does") {
  TempDir dir;
  ::setenv("DROVER_TEST_DIR", dir.path().c_str(), 1);
  json result = run_module("lineinfile", {{"path", "$DROVER_TEST_DIR/f"}, {"line", "x"}, {"create", true}});
  ::unsetenv("DROVER_TEST_DIR");
  CHECK(result["changed"] == true);
  CHECK(read_text(dir / "f") == "x\n");
}

TEST_CASE("lineinfile refuses bad argument combinations with Ansible's messages") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "a\n");
  auto msg = [&](json args) {
    args["path"] = path;
    return run_module("lineinfile", args)["msg"].get<std::string>();
  };
  CHECK(msg({{"line", "x"}, {"insertafter", "a"}, {"insertbefore", "b"}}) ==
        "parameters are mutually exclusive: insertbefore|insertafter");
  CHECK(msg({{"line", "x"}, {"regexp", "a"}, {"search_string", "b"}}) ==
        "parameters are mutually exclusive: regexp|search_string");
  CHECK(msg({{"line", "x"}, {"search_string", "a"}, {"backrefs", true}}) ==
        "parameters are mutually exclusive: backrefs|search_string");
  CHECK(msg({{"line", "x"}, {"backrefs", true}}) == "regexp is required with backrefs=true");
  CHECK(msg({{"regexp", "a"}}) == "line is required with state=present");
  CHECK(msg({{"state", "absent"}}) == "one of line, search_string, or regexp is required with state=absent");
  CHECK(msg({{"line", "x"}, {"regexp", "("}}).starts_with("regexp: invalid regular expression '('"));
  CHECK(msg({{"line", "x"}, {"state", "gone"}}) == "value of state must be one of: absent, present, got: gone");
  json directory = run_module("lineinfile", {{"path", dir.path().string()}, {"line", "x"}});
  CHECK(directory["msg"] == "Path " + dir.path().string() + " is a directory !");
  CHECK(directory["rc"] == 256);
}

TEST_CASE("lineinfile warns that an empty regexp matches every line") {
  std::string after;
  json result = edit("a\nb\n", {{"regexp", ""}, {"line", "x"}}, after);
  CHECK(after == "a\nx\n");
  REQUIRE(result["warnings"].size() == 1);
  CHECK(result["warnings"][0].get<std::string>().starts_with("The regular expression is an empty string"));
}
