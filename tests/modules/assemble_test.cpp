#include <doctest/doctest.h>

#include <filesystem>

#include "harness.hpp"
#include "modules/util/hash.hpp"

using namespace drover::modules::testing;
using drover::modules::HashAlgorithm;
using drover::modules::hex_digest;

namespace {

// A fragments folder: f1 "one\n", f2 "two" (no newline), f3 "three\n", .hidden "hidden\n".
std::string make_fragments(const TempDir& dir) {
  std::string src = dir / "frags";
  std::filesystem::create_directory(src);
  write_text(src + "/f1", "one\n");
  write_text(src + "/f2", "two");
  write_text(src + "/f3", "three\n");
  write_text(src + "/.hidden", "hidden\n");
  std::filesystem::create_directory(src + "/subdir");
  return src;
}

}  // namespace

TEST_CASE("assemble joins the fragments in name order, ending unterminated ones, then changes nothing") {
  TempDir dir;
  std::string src = make_fragments(dir), dest = dir / "out";
  json first = run_module("assemble", {{"src", src}, {"dest", dest}});
  std::string expected = "hidden\none\ntwo\nthree\n";
  CHECK(read_text(dest) == expected);
  CHECK(first["changed"] == true);
  CHECK(first["msg"] == "OK");
  CHECK(first["src"] == src);
  CHECK(first["dest"] == dest);
  CHECK(first["checksum"] == hex_digest(HashAlgorithm::sha1, expected));
  CHECK(first["md5sum"] == hex_digest(HashAlgorithm::md5, expected));
  CHECK(first["state"] == "file");
  json second = run_module("assemble", {{"src", src}, {"dest", dest}});
  CHECK(second["changed"] == false);
}

TEST_CASE("assemble with a delimiter, a regexp and ignore_hidden") {
  TempDir dir;
  std::string src = make_fragments(dir);
  run_module("assemble", {{"src", src}, {"dest", dir / "a"}, {"delimiter", "### part"}, {"ignore_hidden", true}});
  CHECK(read_text(dir / "a") == "one\n### part\ntwo\n### part\nthree\n");
  run_module("assemble", {{"src", src}, {"dest", dir / "b"}, {"delimiter", "--\\n"}, {"regexp", "^f[12]"}});
  CHECK(read_text(dir / "b") == "one\n--\ntwo");
}

TEST_CASE("assemble validates before it backs up and replaces") {
  TempDir dir;
  std::string src = make_fragments(dir), dest = dir / "out";
  write_text(dest, "old\n");
  json failed = run_module("assemble", {{"src", src}, {"dest", dest}, {"validate", "grep -q nothere %s"}, {"backup", true}});
  CHECK(failed["msg"] == "failed to validate: rc:1 error:");
  CHECK(read_text(dest) == "old\n");
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 2);  // frags and out: no backup, no temp file
  json done = run_module("assemble", {{"src", src}, {"dest", dest}, {"validate", "grep -q one %s"}, {"backup", true}});
  CHECK(done["validation"] == json{{"rc", 0}, {"stdout", ""}, {"stderr", ""}});
  CHECK(read_text(done["backup_file"]) == "old\n");
}

TEST_CASE("assemble fails clearly for a missing or non-directory src and a bad regexp; skips in check mode") {
  TempDir dir;
  CHECK(run_module("assemble", {{"src", dir / "none"}, {"dest", dir / "out"}})["msg"] ==
        "Source (" + (dir / "none") + ") does not exist");
  write_text(dir / "file", "x");
  CHECK(run_module("assemble", {{"src", dir / "file"}, {"dest", dir / "out"}})["msg"] ==
        "Source (" + (dir / "file") + ") is not a directory");
  std::string bad = run_module("assemble", {{"src", dir.path().string()}, {"dest", dir / "out"}, {"regexp", "("}})["msg"];
  CHECK(bad.starts_with("Invalid Regexp ("));
  json checked = run_module("assemble", {{"src", dir.path().string()}, {"dest", dir / "out"}}, Check::yes);
  CHECK(checked["skipped"] == true);
  CHECK(checked["msg"] == "remote module (assemble) does not support check mode");
  CHECK(!std::filesystem::exists(dir / "out"));
}
