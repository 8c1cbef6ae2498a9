#include <doctest/doctest.h>

#include <filesystem>

#include <sys/stat.h>

#include "harness.hpp"
#include "modules/util/hash.hpp"

using namespace drover::modules::testing;
using drover::modules::HashAlgorithm;
using drover::modules::hex_digest;

namespace {
unsigned mode_of(const std::string& path) {
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("copy writes content, returns Ansible's fields, and a second run changes nothing") {
  TempDir dir;
  std::string dest = dir / "motd";
  json first = run_module("copy", {{"content", "hello\n"}, {"dest", dest}, {"mode", "0640"}});
  CHECK(first["changed"] == true);
  CHECK(read_text(dest) == "hello\n");
  CHECK(first["checksum"] == hex_digest(HashAlgorithm::sha1, "hello\n"));
  CHECK(first["md5sum"] == "b1946ac92492d2347c6235b4d2611184");
  CHECK(first["dest"] == dest);
  CHECK(first["mode"] == "0640");
  CHECK(first["size"] == 6);
  CHECK(first["state"] == "file");
  CHECK(first["uid"].is_number());
  CHECK(first["owner"].is_string());
  CHECK(mode_of(dest) == 0640);
  json second = run_module("copy", {{"content", "hello\n"}, {"dest", dest}, {"mode", "0640"}});
  CHECK(second["changed"] == false);
  CHECK(second["checksum"] == first["checksum"]);
  CHECK(second["path"] == dest);  // as Ansible, whose copy hands an unchanged file to the file module
  CHECK(second["diff"] == json{{"before", {{"path", dest}}}, {"after", {{"path", dest}}}});
}

TEST_CASE("copy in check mode reports the change and the diff but writes nothing") {
  TempDir dir;
  std::string dest = dir / "f";
  write_text(dest, "old\n");
  json result = run_module("copy", {{"content", "new\n"}, {"dest", dest}}, Check::yes, Diff::yes);
  CHECK(result["changed"] == true);
  CHECK(read_text(dest) == "old\n");
  CHECK(result["diff"]["before"] == "old\n");
  CHECK(result["diff"]["after"] == "new\n");
  CHECK(result["diff"]["before_header"] == dest);
  json absent = run_module("copy", {{"content", "x"}, {"dest", dir / "g"}}, Check::yes);
  CHECK(absent["changed"] == true);
  CHECK(!std::filesystem::exists(dir / "g"));
}

TEST_CASE("copy keeps the mode of the file it replaces") {
  TempDir dir;
  std::string dest = dir / "script";
  write_text(dest, "old");
  ::chmod(dest.c_str(), 0750);
  run_module("copy", {{"content", "new"}, {"dest", dest}});
  CHECK(mode_of(dest) == 0750);
  CHECK(read_text(dest) == "new");
}

TEST_CASE("copy with a failing validate keeps the old file and leaves no temp file") {
  TempDir dir;
  std::string dest = dir / "conf";
  write_text(dest, "good");
  json result = run_module("copy", {{"content", "bad"}, {"dest", dest}, {"validate", "grep -q good %s"}});
  CHECK(result["failed"] == true);
  CHECK(result["msg"] == "failed to validate");
  CHECK(result["exit_status"] == 1);
  CHECK(read_text(dest) == "good");
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);
  json ok = run_module("copy", {{"content", "good too"}, {"dest", dest}, {"validate", "grep -q good %s"}});
  CHECK(ok["changed"] == true);
  CHECK(read_text(dest) == "good too");
}

TEST_CASE("copy's validate must contain %s") {
  TempDir dir;
  json result = run_module("copy", {{"content", "x"}, {"dest", dir / "f"}, {"validate", "true"}});
  CHECK(result["msg"] == "validate must contain %s: true");
}

TEST_CASE("copy with backup keeps the old content under Ansible's backup name") {
  TempDir dir;
  std::string dest = dir / "f";
  write_text(dest, "v1");
  json result = run_module("copy", {{"content", "v2"}, {"dest", dest}, {"backup", true}});
  REQUIRE(result.contains("backup_file"));
  std::string backup = result["backup_file"];
  CHECK(backup.starts_with(dest + "."));
  CHECK(backup.ends_with("~"));
  CHECK(backup.find('@') != std::string::npos);
  CHECK(read_text(backup) == "v1");
  CHECK(read_text(dest) == "v2");
}

TEST_CASE("copy with force=no leaves an existing file alone") {
  TempDir dir;
  std::string dest = dir / "f";
  write_text(dest, "mine");
  json result = run_module("copy", {{"content", "theirs"}, {"dest", dest}, {"force", "no"}});
  CHECK(result["changed"] == false);
  CHECK(read_text(dest) == "mine");
}

TEST_CASE("copy takes binary content as content_b64") {
  TempDir dir;
  std::string dest = dir / "bin";
  json result = run_module("copy", {{"content_b64", "AAEC/w=="}, {"dest", dest}}, Check::no, Diff::yes);
  CHECK(result["changed"] == true);
  CHECK(read_text(dest) == std::string("\x00\x01\x02\xff", 4));
  CHECK(result["diff"]["src_binary"] == 1);
}

TEST_CASE("copy checks the expected checksum before writing") {
  TempDir dir;
  json result = run_module("copy", {{"content", "x"}, {"dest", dir / "f"}, {"checksum", "0000"}});
  CHECK(result["failed"] == true);
  CHECK(result["msg"] == "Copied file does not match the expected checksum. Transfer failed.");
  CHECK(!std::filesystem::exists(dir / "f"));
}

TEST_CASE("copy fails clearly for a missing directory, content into a directory, and missing dest") {
  TempDir dir;
  CHECK(run_module("copy", {{"content", "x"}, {"dest", dir / "no/such/f"}})["msg"] ==
        "Destination directory " + (dir / "no/such") + " does not exist");
  CHECK(run_module("copy", {{"content", "x"}, {"dest", dir.path().string()}})["msg"] ==
        "can not use content with a dir as dest");
  CHECK(run_module("copy", {{"content", "x"}})["msg"] == "missing required arguments: dest");
  CHECK(run_module("copy", {{"dest", dir / "f"}})["msg"] == "src (or content) is required");
}

TEST_CASE("copy rejects unknown arguments and lists the supported ones with aliases") {
  TempDir dir;
  std::string msg = run_module("copy", {{"content", "x"}, {"dest", dir / "f"}, {"colour", "red"}})["msg"];
  CHECK(msg.starts_with("Unsupported parameters for (copy) module: colour. Supported parameters include: "));
  CHECK(msg.find("force (thirsty)") != std::string::npos);
}

TEST_CASE("copy changes only the mode when the content is already right") {
  TempDir dir;
  std::string dest = dir / "f";
  write_text(dest, "same");
  ::chmod(dest.c_str(), 0644);
  json result = run_module("copy", {{"content", "same"}, {"dest", dest}, {"mode", "u=rw,g=,o="}});
  CHECK(result["changed"] == true);
  CHECK(mode_of(dest) == 0600);
  CHECK(run_module("copy", {{"content", "same"}, {"dest", dest}, {"mode", "u=rw,g=,o="}})["changed"] == false);
}

TEST_CASE("copy with an unknown owner fails naming the user") {
  TempDir dir;
  json result = run_module("copy", {{"content", "x"}, {"dest", dir / "f"}, {"owner", "no-such-user-drover"}});
  CHECK(result["failed"] == true);
  CHECK(result["msg"] == "chown failed: failed to look up user no-such-user-drover");
}

TEST_CASE("copy from a src already on the target, with mode=preserve, into a directory") {
  TempDir dir;
  write_text(dir / "source.sh", "#!/bin/sh\n");
  ::chmod((dir / "source.sh").c_str(), 0751);
  std::filesystem::create_directory(dir / "bin");
  json result = run_module("copy", {{"src", dir / "source.sh"}, {"dest", dir / "bin/"}, {"mode", "preserve"}});
  CHECK(result["changed"] == true);
  CHECK(result["dest"] == dir / "bin/source.sh");
  CHECK(read_text(dir / "bin/source.sh") == "#!/bin/sh\n");
  CHECK(mode_of(dir / "bin/source.sh") == 0751);
}

TEST_CASE("copy to a dest ending in / makes the missing directories with directory_mode, as a recursive copy needs") {
  TempDir dir;
  std::string dest = dir / "new/";
  json checked = run_module("copy", {{"content", "x"}, {"dest", dest}, {"_original_basename", "a/b/f.txt"},
                                     {"directory_mode", "0750"}}, Check::yes);
  CHECK(checked["changed"] == true);
  CHECK(!std::filesystem::exists(dir / "new"));
  json result = run_module("copy", {{"content", "x"}, {"dest", dest}, {"_original_basename", "a/b/f.txt"},
                                    {"directory_mode", "0750"}, {"mode", "0600"}});
  CHECK(result["changed"] == true);
  CHECK(result["dest"] == dir / "new/a/b/f.txt");
  CHECK(read_text(dir / "new/a/b/f.txt") == "x");
  CHECK(mode_of(dir / "new") == 0750);
  CHECK(mode_of(dir / "new/a/b") == 0750);
  CHECK(mode_of(dir / "new/a/b/f.txt") == 0600);
  json again = run_module("copy", {{"content", "x"}, {"dest", dest}, {"_original_basename", "a/b/f.txt"},
                                   {"directory_mode", "0750"}, {"mode", "0600"}});
  CHECK(again["changed"] == false);
}

TEST_CASE("regression: copying an empty file to a missing dest creates it (its checksum equals that of no content)") {
  TempDir dir;
  json result = run_module("copy", {{"content", ""}, {"dest", dir / "empty"}});
  CHECK(result["changed"] == true);
  CHECK(std::filesystem::exists(dir / "empty"));
  CHECK(run_module("copy", {{"content", ""}, {"dest", dir / "empty"}})["changed"] == false);
}
