#include <doctest/doctest.h>

#include <filesystem>

#include <sys/stat.h>
#include <unistd.h>

#include "harness.hpp"
#include "modules/util/process.hpp"

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

TEST_CASE("stat's checksum_algorithm gives md5 and the longer SHA-2 digests too") {
  TempDir dir;
  std::string path = dir / "f";
  write_text(path, "abc");
  CHECK(run_module("stat", {{"path", path}, {"checksum_algorithm", "md5"}})["stat"]["checksum"] ==
        "900150983cd24fb0d6963f7d28e17f72");
  CHECK(run_module("stat", {{"path", path}, {"checksum_algorithm", "sha224"}})["stat"]["checksum"] ==
        "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
  CHECK(run_module("stat", {{"path", path}, {"checksum_algorithm", "sha384"}})["stat"]["checksum"] ==
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  CHECK(run_module("stat", {{"path", path}, {"checksum_algorithm", "sha512"}})["stat"]["checksum"] ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
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

namespace {
// stat run one-shot with PATH pointing at an empty directory: no `file`, no `lsattr`.
json stat_without_tools(const std::string& path) {
  TempDir dir;
  std::filesystem::create_directory(dir / "bin");
  write_text(dir / "args.json", json{{"path", path}}.dump());
  drover::modules::ProcessSpec spec;
  spec.argv = {DROVER_MODULES_BIN, "stat", dir / "args.json"};
  spec.environment = {{"PATH", dir / "bin"}};
  drover::modules::ProcessResult process = drover::modules::run_process(spec);
  REQUIRE(process.rc == 0);
  return json::parse(process.stdout_text)["stat"];
}
}  // namespace

TEST_CASE("stat reports mimetype and charset as `file --mime` does, with or without the file command") {
  TempDir dir;
  write_text(dir / "ascii", "hello world");
  write_text(dir / "utf8", "h\xc3\xa9llo\n");
  write_text(dir / "empty", "");
  write_text(dir / "bin", std::string("\x01\x02\x00\x03", 4));
  struct Case {
    std::string path, mimetype, charset;
  };
  for (const Case& c : {Case{dir / "ascii", "text/plain", "us-ascii"}, Case{dir / "utf8", "text/plain", "utf-8"},
                        Case{dir / "empty", "inode/x-empty", "binary"}, Case{dir / "bin", "application/octet-stream", "binary"},
                        Case{dir.path().string(), "inode/directory", "binary"}}) {
    INFO(c.path);
    json st = run_module("stat", {{"path", c.path}})["stat"];
    if (::access("/usr/bin/file", X_OK) == 0) {
      CHECK(st["mimetype"] == c.mimetype);
      CHECK(st["charset"] == c.charset);
    }
    json builtin = stat_without_tools(c.path);
    CHECK(builtin["mimetype"] == c.mimetype);
    CHECK(builtin["charset"] == c.charset);
  }
  CHECK(!run_module("stat", {{"path", dir / "ascii"}, {"get_mime", false}})["stat"].contains("mimetype"));
}

TEST_CASE("stat reports lsattr's attributes, and empty ones without lsattr") {
  TempDir dir;
  write_text(dir / "f", "x");
  json bare = stat_without_tools(dir / "f");
  CHECK(bare["version"].is_null());
  CHECK(bare["attributes"] == json::array());
  CHECK(bare["attr_flags"] == "");
  json st = run_module("stat", {{"path", dir / "f"}})["stat"];
  CHECK(st.contains("version"));
  CHECK(st["attributes"].is_array());
  CHECK(st["attr_flags"].is_string());
  CHECK(!run_module("stat", {{"path", dir / "f"}, {"get_attributes", false}})["stat"].contains("attributes"));
}
