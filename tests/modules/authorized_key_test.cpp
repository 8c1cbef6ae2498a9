#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include <sys/stat.h>

#include "harness.hpp"
#include "http_server.hpp"

using namespace drover::modules::testing;

namespace {
const std::string k_key_a = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAaaaa alice@laptop";
const std::string k_key_b = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCbbbb bob@desk";

unsigned mode_of(const std::string& path) {
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("authorized_key adds a key after the existing lines, keeps comments, and a second run changes nothing") {
  TempDir dir;
  std::string file = dir / "keys";
  write_text(file, "# managed by hand\n" + k_key_b + "\n");
  json args = {{"user", "root"}, {"key", k_key_a}, {"path", file}};
  json first = run_module("authorized_key", args);
  CHECK(first["changed"] == true);
  CHECK(first["keyfile"] == file);
  CHECK(first["user"] == "root");
  CHECK(first["state"] == "present");
  CHECK(first["exclusive"] == false);
  CHECK(read_text(file) == "# managed by hand\n" + k_key_b + "\n" + k_key_a + "\n");
  CHECK(mode_of(file) == 0600);
  CHECK(run_module("authorized_key", args)["changed"] == false);
}

TEST_CASE("authorized_key replaces a key whose options or comment differ, and writes key_options first") {
  TempDir dir;
  std::string file = dir / "keys";
  write_text(file, k_key_a + "\n" + k_key_b + "\n");
  json result = run_module("authorized_key", {{"user", "root"}, {"key", k_key_a}, {"path", file},
                                              {"key_options", "no-pty,command=\"echo a,b\""}, {"comment", "new"}});
  CHECK(result["changed"] == true);
  CHECK(read_text(file) == k_key_b + "\nno-pty,command=\"echo a,b\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAaaaa new\n");
}

TEST_CASE("authorized_key state=absent removes the key and exclusive keeps only the given keys") {
  TempDir dir;
  std::string file = dir / "keys";
  write_text(file, "# c\n" + k_key_a + "\n" + k_key_b + "\n");
  json removed = run_module("authorized_key", {{"user", "root"}, {"key", k_key_b}, {"path", file}, {"state", "absent"}});
  CHECK(removed["changed"] == true);
  CHECK(read_text(file) == "# c\n" + k_key_a + "\n");
  CHECK(run_module("authorized_key", {{"user", "root"}, {"key", k_key_b}, {"path", file}, {"state", "absent"}})["changed"] ==
        false);
  json exclusive = run_module("authorized_key", {{"user", "root"}, {"key", k_key_b}, {"path", file}, {"exclusive", true}});
  CHECK(exclusive["changed"] == true);
  CHECK(read_text(file) == k_key_b + "\n");
}

TEST_CASE("authorized_key in check mode predicts the change with a diff and writes nothing") {
  TempDir dir;
  std::string file = dir / "keys";
  write_text(file, k_key_b + "\n");
  json result = run_module("authorized_key", {{"user", "root"}, {"key", k_key_a}, {"path", file}}, Check::yes, Diff::yes);
  CHECK(result["changed"] == true);
  CHECK(result["diff"]["before"] == k_key_b + "\n");
  CHECK(result["diff"]["after"] == k_key_b + "\n" + k_key_a + "\n");
  CHECK(read_text(file) == k_key_b + "\n");
}

TEST_CASE("authorized_key makes a missing .ssh directory 0700 and refuses keys it cannot parse") {
  TempDir dir;
  std::string file = dir / "home/.ssh/authorized_keys";
  std::filesystem::create_directory(dir / "home");
  json result = run_module("authorized_key", {{"user", "root"}, {"key", k_key_a}, {"path", file}});
  CHECK(result["changed"] == true);
  CHECK(mode_of(dir / "home/.ssh") == 0700);
  CHECK(read_text(file) == k_key_a + "\n");
  json bad = run_module("authorized_key", {{"user", "root"}, {"key", "not-a-key AAAA"}, {"path", file}});
  CHECK(bad["failed"] == true);
  CHECK(bad["msg"] == "invalid key specified: not-a-key AAAA");
  json nobody = run_module("authorized_key", {{"user", "no-such-user-x"}, {"key", k_key_a}});
  CHECK(nobody["msg"] == "Failed to lookup user no-such-user-x: \"getpwnam(): name not found: 'no-such-user-x'\"");
}

TEST_CASE("authorized_key fetches the keys from an http URL, and fails clearly when the server has none") {
  TempDir root;
  write_text(root / "keys.pub", "# team keys\n" + k_key_a + "\n\n" + k_key_b + "\n");
  TestServer server(root.path().string());
  TempDir dir;
  std::string file = dir / "keys";
  json args = {{"user", "root"}, {"key", server.url("/keys.pub")}, {"path", file}};
  json first = run_module("authorized_key", args);
  CHECK(first["changed"] == true);
  CHECK(first["key"] == server.url("/keys.pub"));
  CHECK(read_text(file) == k_key_a + "\n" + k_key_b + "\n");
  CHECK(run_module("authorized_key", args)["changed"] == false);
  json missing = run_module("authorized_key", {{"user", "root"}, {"key", server.url("/none.pub")}, {"path", file}});
  CHECK(missing["failed"] == true);
  CHECK(missing["msg"] == "Error getting key from: " + server.url("/none.pub"));
}
