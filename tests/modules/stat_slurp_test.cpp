#include <doctest/doctest.h>

#include <filesystem>

#include <sys/stat.h>

#include "harness.hpp"

using namespace drover::modules::testing;

TEST_CASE("stat of a missing path says exists=false and changes nothing") {
  TempDir dir;
  CHECK(run_module("stat", {{"path", dir / "none"}}) ==
        json{{"changed", false}, {"stat", {{"exists", false}}}});
}

TEST_CASE("stat of a file reports Ansible's fields and its sha1 checksum") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "abc");
  ::chmod(path.c_str(), 0640);
  json st = run_module("stat", {{"path", path}})["stat"];
  CHECK(st["exists"] == true);
  CHECK(st["isreg"] == true);
  CHECK(st["isdir"] == false);
  CHECK(st["islnk"] == false);
  CHECK(st["mode"] == "0640");
  CHECK(st["size"] == 3);
  CHECK(st["checksum"] == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(st["path"] == path);
  CHECK(st["rusr"] == true);
  CHECK(st["roth"] == false);
  for (const char* key : {"uid", "gid", "inode", "dev", "nlink", "mtime", "atime", "ctime", "readable",
                          "writeable", "executable", "pw_name", "gr_name"})
    CHECK_MESSAGE(st.contains(key), key);
  CHECK(run_module("stat", {{"path", path}, {"checksum_algorithm", "sha256"}})["stat"]["checksum"] ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(!run_module("stat", {{"path", path}, {"get_checksum", false}})["stat"].contains("checksum"));
}

TEST_CASE("stat of a symlink reports the link, or its target with follow") {
  TempDir dir;
  std::filesystem::create_directory(dir / "d");
  std::filesystem::create_symlink("d", dir / "l");
  json link = run_module("stat", {{"path", dir / "l"}})["stat"];
  CHECK(link["islnk"] == true);
  CHECK(link["lnk_target"] == "d");
  CHECK(link["lnk_source"] == std::filesystem::canonical(dir / "d").string());
  json followed = run_module("stat", {{"path", dir / "l"}, {"follow", true}})["stat"];
  CHECK(followed["isdir"] == true);
  CHECK(followed["islnk"] == false);
}

TEST_CASE("slurp returns the content base64-encoded") {
  TempDir dir;
  write_text(dir / "f", std::string("hi\0\xff", 4));
  json result = run_module("slurp", {{"src", dir / "f"}});
  CHECK(result["content"] == "aGkA/w==");
  CHECK(result["encoding"] == "base64");
  CHECK(result["source"] == dir / "f");
  CHECK(run_module("slurp", {{"path", dir / "f"}})["content"] == "aGkA/w==");
}

TEST_CASE("slurp fails with Ansible's messages for a missing file and a directory") {
  TempDir dir;
  CHECK(run_module("slurp", {{"src", dir / "none"}})["msg"] == "file not found: " + (dir / "none"));
  CHECK(run_module("slurp", {{"src", dir.path().string()}})["msg"] ==
        "source is a directory and must be a file: " + dir.path().string());
}
