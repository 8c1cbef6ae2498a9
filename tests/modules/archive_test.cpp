#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "harness.hpp"

using namespace drover::modules::testing;
namespace fs = std::filesystem;

namespace {

// tree/a.txt, tree/b.log, tree/sub/c.txt
void make_tree(const TempDir& dir) {
  fs::create_directories(dir / "tree/sub");
  write_text(dir / "tree/a.txt", "alpha\n");
  write_text(dir / "tree/b.log", "log\n");
  write_text(dir / "tree/sub/c.txt", "gamma\n");
}

// The archive's members as `tar -t` or `unzip -Z1` list them, sorted, one per line.
std::string members(const TempDir& dir, const std::string& archive) {
  std::string lister = archive.ends_with(".zip") ? "unzip -Z1" : "tar -tf";
  std::string line = "cd '" + dir.path().string() + "' && " + lister + " '" + archive + "' | sort > members.txt";
  REQUIRE(std::system(line.c_str()) == 0);
  return read_text(dir / "members.txt");
}

}  // namespace

TEST_CASE("archive packs a tree into a tar.gz once: a second run changes nothing") {
  TempDir dir;
  make_tree(dir);
  json args = {{"path", dir / "tree"}, {"dest", dir / "tree.tgz"}};
  json first = run_module("archive", args);
  INFO(first.dump());
  CHECK(first["changed"] == true);
  CHECK(first["dest_state"] == "archive");
  CHECK(first["state"] == "file");
  CHECK(first["arcroot"] == dir.path().string() + "/");
  CHECK(first["expanded_paths"] == json::array({dir / "tree"}));
  CHECK(first["missing"] == json::array());
  CHECK(first["archived"] == json::array({dir / "tree/sub", dir / "tree/a.txt", dir / "tree/b.log", dir / "tree/sub/c.txt"}));
  CHECK(members(dir, "tree.tgz") == "tree/a.txt\ntree/b.log\ntree/sub/\ntree/sub/c.txt\n");
  auto written = fs::last_write_time(dir / "tree.tgz");
  json second = run_module("archive", args);
  CHECK(second["changed"] == false);
  CHECK(fs::last_write_time(dir / "tree.tgz") == written);
  write_text(dir / "tree/a.txt", "alpha, longer\n");
  CHECK(run_module("archive", args)["changed"] == true);
  CHECK(fs::is_empty(dir.path()) == false);
  for (const auto& entry : fs::directory_iterator(dir.path()))
    CHECK_FALSE(entry.path().filename().string().starts_with(".drover-archive"));
}

TEST_CASE("archive compresses a single file next to it, and zips with exclusion patterns") {
  TempDir dir;
  make_tree(dir);
  json gz = run_module("archive", {{"path", dir / "tree/a.txt"}, {"format", "gz"}});
  CHECK(gz["changed"] == true);
  CHECK(gz["dest"] == dir / "tree/a.txt.gz");
  CHECK(gz["dest_state"] == "compress");
  std::string line = "gzip -dc '" + (dir / "tree/a.txt.gz") + "' > '" + (dir / "plain.txt") + "'";
  REQUIRE(std::system(line.c_str()) == 0);
  CHECK(read_text(dir / "plain.txt") == "alpha\n");
  CHECK(run_module("archive", {{"path", dir / "tree/a.txt"}, {"format", "gz"}})["changed"] == false);

  json zip_args = {{"path", dir / "tree/*"}, {"dest", dir / "t.zip"}, {"format", "zip"}, {"exclusion_patterns", {"*.log"}}};
  json zip = run_module("archive", zip_args);
  INFO(zip.dump());
  CHECK(zip["changed"] == true);
  // a directory among the paths adds what is below it, not itself (as community.general's os.walk)
  CHECK(members(dir, "t.zip") == "a.txt\na.txt.gz\nsub/c.txt\n");
  CHECK(run_module("archive", zip_args)["changed"] == false);
}

TEST_CASE("archive in check mode writes nothing; missing paths make an incomplete archive; remove deletes the sources") {
  TempDir dir;
  make_tree(dir);
  json checked = run_module("archive", {{"path", dir / "tree"}, {"dest", dir / "t.tar.bz2"}, {"format", "bz2"}}, Check::yes);
  CHECK(checked["changed"] == true);
  CHECK_FALSE(fs::exists(dir / "t.tar.bz2"));

  json partial = run_module("archive", {{"path", {dir / "tree/a.txt", dir / "nope"}}, {"dest", dir / "p.tar.xz"}, {"format", "xz"}});
  CHECK(partial["dest_state"] == "incomplete");
  CHECK(partial["missing"] == json::array({dir / "nope"}));
  CHECK(partial["arcroot"] == dir.path().string() + "/");
  CHECK(members(dir, "p.tar.xz") == "tree/a.txt\n");

  json removed = run_module("archive", {{"path", dir / "tree"}, {"dest", dir / "t.tar"}, {"format", "tar"}, {"remove", true}, {"mode", "0600"}});
  CHECK(removed["changed"] == true);
  CHECK(removed["mode"] == "0600");
  CHECK_FALSE(fs::exists(dir / "tree"));
  CHECK(members(dir, "t.tar") == "tree/a.txt\ntree/b.log\ntree/sub/\ntree/sub/c.txt\n");
}

TEST_CASE("archive fails clearly without source paths or without dest for several") {
  TempDir dir;
  make_tree(dir);
  json none = run_module("archive", {{"path", dir / "nothing*"}, {"dest", dir / "x.tgz"}});
  CHECK(none["failed"] == true);
  CHECK(none["msg"] == "Error, no source paths were found");
  json nodest = run_module("archive", {{"path", {dir / "tree/a.txt", dir / "tree/b.log"}}});
  CHECK(nodest["msg"] == "Error, must specify \"dest\" when archiving multiple files or trees");
  json inside = run_module("archive", {{"path", dir / "tree"}, {"dest", dir / "tree/x.tgz"}, {"remove", true}});
  CHECK(inside["msg"] == "Error, created archive can not be contained in source paths when remove=true");
}
