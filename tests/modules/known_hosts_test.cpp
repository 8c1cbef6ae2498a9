#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "harness.hpp"

using namespace drover::modules::testing;

namespace {
// Two ed25519 public keys (any valid base64 blob of the type will do for known_hosts).
const std::string k_key1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJfKJKhxvbbovx7XaIch83FUnIGEGNmGfGwE6ZYddpXl";
const std::string k_key2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHvmeeuXrqeySSaum9jfTsg4uZhLwXnqZ4tRmqzUW9LR";

bool have_ssh_keygen() { return std::system("command -v ssh-keygen >/dev/null 2>&1") == 0; }
}  // namespace

TEST_CASE("known_hosts adds a host key, finds it the second time, and replaces a different key of that type") {
  if (!have_ssh_keygen()) return;  // the module needs the target's ssh-keygen, as Ansible's does
  TempDir dir;
  std::string file = dir / "known_hosts";
  json first = run_module("known_hosts", {{"name", "example.com"}, {"key", "example.com " + k_key1}, {"path", file}}, Check::no, Diff::yes);
  CHECK(first["changed"] == true);
  CHECK(first["state"] == "file");  // add_path_info's, as Ansible's result says
  CHECK(first["diff"]["before_header"] == "/dev/null");
  CHECK(read_text(file) == "example.com " + k_key1 + "\n");
  CHECK(run_module("known_hosts", {{"name", "example.com"}, {"key", "example.com " + k_key1}, {"path", file}})["changed"] == false);
  json replaced = run_module("known_hosts", {{"name", "EXAMPLE.com"}, {"key", "example.com " + k_key2}, {"path", file}});
  CHECK(replaced["changed"] == true);
  CHECK(read_text(file) == "example.com " + k_key2 + "\n");
}

TEST_CASE("known_hosts hashes the host, removes keys, and checks that the key names the host") {
  if (!have_ssh_keygen()) return;
  TempDir dir;
  std::string file = dir / "known_hosts";
  write_text(file, "other.org " + k_key2 + "\n");
  json hashed = run_module("known_hosts", {{"name", "example.com"}, {"key", "example.com " + k_key1}, {"path", file}, {"hash_host", true}});
  CHECK(hashed["changed"] == true);
  std::string text = read_text(file);
  CHECK(text.starts_with("other.org " + k_key2 + "\n|1|"));
  CHECK(text.ends_with(" " + k_key1 + "\n"));
  CHECK(run_module("known_hosts", {{"name", "example.com"}, {"key", "example.com " + k_key1}, {"path", file}, {"hash_host", true}})["changed"] == false);
  json checked = run_module("known_hosts", {{"name", "example.com"}, {"path", file}, {"state", "absent"}}, Check::yes);
  CHECK(checked["changed"] == true);
  CHECK(read_text(file) == text);
  json removed = run_module("known_hosts", {{"name", "example.com"}, {"path", file}, {"state", "absent"}});
  CHECK(removed["changed"] == true);
  CHECK(read_text(file) == "other.org " + k_key2 + "\n");
  json mismatch = run_module("known_hosts", {{"name", "example.com"}, {"key", "other.org " + k_key1}, {"path", file}});
  CHECK(mismatch["failed"] == true);
  CHECK(mismatch["msg"] == "Host parameter does not match hashed host field in supplied key");
  json no_key = run_module("known_hosts", {{"name", "example.com"}, {"path", file}});
  CHECK(no_key["msg"] == "No key specified when adding a host");
}
