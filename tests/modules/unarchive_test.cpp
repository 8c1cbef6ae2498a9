#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <sys/stat.h>

#include "harness.hpp"
#include "http_server.hpp"

using namespace drover::modules::testing;
namespace fs = std::filesystem;

namespace {

// Runs a shell command line in `dir` (the archives are made with the real tar and zip).
void shell(const TempDir& dir, const std::string& command) {
  std::string line = "cd '" + dir.path().string() + "' && " + command + " >/dev/null 2>&1";
  INFO(line);
  REQUIRE(std::system(line.c_str()) == 0);
}

// src/a.txt, src/sub/b.txt, src/link -> a.txt
void make_source(const TempDir& dir) {
  fs::create_directories(dir / "src/sub");
  write_text(dir / "src/a.txt", "hello\n");
  write_text(dir / "src/sub/b.txt", "bee\n");
  fs::create_symlink("a.txt", dir / "src/link");
}

json unarchive(const TempDir& dir, const std::string& archive, const std::string& dest, json extra = json::object(),
               Check check = Check::no) {
  json args = {{"src", dir / archive}, {"dest", dir / dest}, {"remote_src", true}};
  args.update(extra);
  return run_module("unarchive", args, check);
}

// A list in name order (tar lists members in the order the archive holds them).
json sorted(json list) {
  std::sort(list.begin(), list.end());
  return list;
}

unsigned mode_of(const std::string& path) {
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("unarchive unpacks a tar.gz once: a second run changes nothing") {
  TempDir dir;
  make_source(dir);
  shell(dir, "tar czf a.tar.gz src");
  fs::create_directories(dir / "out");
  json first = unarchive(dir, "a.tar.gz", "out", {{"list_files", true}});
  INFO(first.dump());
  CHECK(first["changed"] == true);
  CHECK(first["handler"] == "TgzArchive");
  CHECK(first["extract_results"]["rc"] == 0);
  CHECK(first["state"] == "directory");
  CHECK(sorted(first["files"]) == json::array({"src/", "src/a.txt", "src/link", "src/sub/", "src/sub/b.txt"}));
  CHECK(read_text(dir / "out/src/sub/b.txt") == "bee\n");
  CHECK(fs::read_symlink(dir / "out/src/link") == "a.txt");
  json second = unarchive(dir, "a.tar.gz", "out");
  CHECK(second["changed"] == false);
  CHECK_FALSE(second.contains("extract_results"));
  write_text(dir / "out/src/a.txt", "changed\n");
  CHECK(unarchive(dir, "a.tar.gz", "out")["changed"] == true);
  CHECK(read_text(dir / "out/src/a.txt") == "hello\n");
  // the same size and the same second as the archived copy: only the content tells
  auto archived_time = fs::last_write_time(dir / "out/src/a.txt");
  write_text(dir / "out/src/a.txt", "HELLO\n");
  fs::last_write_time(dir / "out/src/a.txt", archived_time);
  CHECK(unarchive(dir, "a.tar.gz", "out")["changed"] == true);
  CHECK(read_text(dir / "out/src/a.txt") == "hello\n");
}

TEST_CASE("unarchive in check mode predicts the change of a tar archive and writes nothing") {
  TempDir dir;
  make_source(dir);
  shell(dir, "tar cJf a.tar.xz src");
  fs::create_directories(dir / "out");
  json checked = unarchive(dir, "a.tar.xz", "out", json::object(), Check::yes);
  CHECK(checked["changed"] == true);
  CHECK(fs::is_empty(dir / "out"));
  CHECK(unarchive(dir, "a.tar.xz", "out")["changed"] == true);
  CHECK(unarchive(dir, "a.tar.xz", "out", json::object(), Check::yes)["changed"] == false);
}

TEST_CASE("unarchive reads tar.bz2 and plain tar with GNU tar's own detection, as Ansible's handlers do") {
  TempDir dir;
  make_source(dir);
  shell(dir, "tar cjf a.tar.bz2 src && tar cf a.tar src");
  fs::create_directories(dir / "b");
  fs::create_directories(dir / "t");
  json bz = unarchive(dir, "a.tar.bz2", "b");
  CHECK(bz["handler"] == "TarArchive");
  CHECK(read_text(dir / "b/src/a.txt") == "hello\n");
  json plain = unarchive(dir, "a.tar", "t");
  CHECK(plain["handler"] == "TarArchive");
  CHECK(unarchive(dir, "a.tar", "t")["changed"] == false);
}

TEST_CASE("unarchive unpacks a zip and compares it as Ansible does: size, CRC, mode, times") {
  TempDir dir;
  make_source(dir);
  shell(dir, "cd src && zip -qry ../a.zip .");
  fs::create_directories(dir / "out");
  json checked = unarchive(dir, "a.zip", "out", json::object(), Check::yes);
  CHECK(checked["changed"] == true);
  CHECK(checked["diff"]["prepared"].get<std::string>().find(">f++++++.?? a.txt") != std::string::npos);
  CHECK(fs::is_empty(dir / "out"));
  json first = unarchive(dir, "a.zip", "out");
  CHECK(first["changed"] == true);
  CHECK(first["handler"] == "ZipArchive");
  CHECK(read_text(dir / "out/sub/b.txt") == "bee\n");
  json second = unarchive(dir, "a.zip", "out");
  INFO(second.dump());
  CHECK(second["changed"] == false);
  write_text(dir / "out/a.txt", "HELLO\n");  // same size, other content and mtime
  json third = unarchive(dir, "a.zip", "out");
  CHECK(third["changed"] == true);
  CHECK(third["diff"]["prepared"].get<std::string>().find(".f") != std::string::npos);
  CHECK(read_text(dir / "out/a.txt") == "hello\n");
}

TEST_CASE("unarchive honours exclude, include and mode") {
  TempDir dir;
  make_source(dir);
  shell(dir, "tar czf a.tgz src");
  fs::create_directories(dir / "ex");
  fs::create_directories(dir / "in");
  json excluded = unarchive(dir, "a.tgz", "ex", {{"exclude", {"src/sub*"}}, {"list_files", true}});
  CHECK(sorted(excluded["files"]) == json::array({"src/", "src/a.txt", "src/link"}));
  CHECK(fs::exists(dir / "ex/src/a.txt"));
  CHECK_FALSE(fs::exists(dir / "ex/src/sub"));
  json included = unarchive(dir, "a.tgz", "in", {{"include", {"src/a.txt"}}, {"mode", "0600"}});
  CHECK(included["changed"] == true);
  CHECK(fs::exists(dir / "in/src/a.txt"));
  CHECK_FALSE(fs::exists(dir / "in/src/sub"));
  CHECK(mode_of(dir / "in/src/a.txt") == 0600);
  CHECK(unarchive(dir, "a.tgz", "in", {{"include", {"src/a.txt"}}, {"mode", "0600"}})["changed"] == false);
  json both = unarchive(dir, "a.tgz", "in", {{"include", {"x"}}, {"exclude", {"y"}}});
  CHECK(both["failed"] == true);
  CHECK(both["msg"] == "parameters are mutually exclusive: include|exclude");
}

TEST_CASE("unarchive refuses archives whose members would land outside dest, before writing anything") {
  TempDir dir;
  fs::create_directories(dir / "work/sub");
  fs::create_directories(dir / "elsewhere");
  write_text(dir / "work/outside.txt", "evil\n");
  write_text(dir / "work/sub/ok.txt", "ok\n");
  shell(dir, "cd work/sub && tar -cPf ../../dotdot.tar ok.txt ../outside.txt");
  fs::create_symlink(dir / "elsewhere", dir / "work/lnk");
  fs::create_directories(dir / "work/real");
  write_text(dir / "work/real/f", "through the link\n");
  shell(dir, "cd work && tar -cf ../symlink.tar lnk real/f --transform 's,^real,lnk,'");
  fs::create_directories(dir / "out");

  json dotdot = unarchive(dir, "dotdot.tar", "out");
  CHECK(dotdot["failed"] == true);
  CHECK(dotdot["msg"].get<std::string>().find("its member '../outside.txt' would be written outside") != std::string::npos);
  json link = unarchive(dir, "symlink.tar", "out");
  CHECK(link["failed"] == true);
  CHECK(link["msg"].get<std::string>().find("a symbolic link the archive creates") != std::string::npos);
  CHECK(fs::is_empty(dir / "out"));
  CHECK(fs::is_empty(dir / "elsewhere"));
}

TEST_CASE("unarchive fails clearly for a missing source, an empty one, a file that is no archive, a dest that is no directory") {
  TempDir dir;
  fs::create_directories(dir / "out");
  CHECK(unarchive(dir, "nope.tar", "out")["msg"] == "Source '" + (dir / "nope.tar") + "' does not exist");
  write_text(dir / "empty.tar", "");
  CHECK(unarchive(dir, "empty.tar", "out")["msg"] == "Invalid archive '" + (dir / "empty.tar") + "', the file is 0 bytes");
  write_text(dir / "text.tar", "just text\n");
  json text = unarchive(dir, "text.tar", "out");
  CHECK(text["failed"] == true);
  CHECK(text["msg"].get<std::string>().starts_with("Failed to find handler for \"" + (dir / "text.tar") +
                                                   "\". Make sure the required command to extract the file is installed."));
  CHECK(unarchive(dir, "text.tar", "text.tar")["msg"] == "Destination '" + (dir / "text.tar") + "' is not a directory");
  json local = run_module("unarchive", {{"src", dir / "gone.tar"}, {"dest", dir / "out"}});
  CHECK(local["msg"] == "Source '" + (dir / "gone.tar") + "' failed to transfer");
}

TEST_CASE("unarchive with remote_src downloads an http URL first and removes the download afterwards") {
  TempDir root;
  make_source(root);
  shell(root, "tar czf a.tar.gz src");
  TestServer server(root.path().string());
  TempDir dir;
  fs::create_directories(dir / "out");
  json result = run_module("unarchive", {{"src", server.url("/a.tar.gz")}, {"dest", dir / "out"}, {"remote_src", true}});
  INFO(result.dump());
  CHECK(result["changed"] == true);
  CHECK(read_text(dir / "out/src/a.txt") == "hello\n");
  CHECK_FALSE(fs::exists(result["src"].get<std::string>()));
  json missing = run_module("unarchive", {{"src", server.url("/none.tgz")}, {"dest", dir / "out"}, {"remote_src", true}});
  CHECK(missing["failed"] == true);
  CHECK(missing["msg"].get<std::string>().starts_with("Failure downloading " + server.url("/none.tgz")));
}
