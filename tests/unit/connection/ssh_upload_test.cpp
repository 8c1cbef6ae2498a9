#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include "core/secrets/crypto.hpp"
#include "plugins/connection/ssh_connection.hpp"
#include "tests/unit/inventory/inventory_test_support.hpp"

using namespace drover;
using drover::connection::shell_quote;
using drover::connection::upload_command;
namespace fs = std::filesystem;

namespace {

// Runs the upload's shell command with /bin/sh as sshd would, `input` on its stdin; its exit status.
int run_upload(const std::string& command, const std::string& input_file) {
  const int status = std::system(("/bin/sh -c " + shell_quote(command) + " < " + shell_quote(input_file) + " 2>/dev/null").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::size_t entries_in(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

const std::string k_runner = std::string(100000, 'r') + "end";

}  // namespace

TEST_CASE("the runner upload renames a complete copy with its mode") {
  test::TempDir dir;
  const std::string input = dir.write("input", k_runner);
  const std::string dest = dir.str() + "/cache/abc/drover-modules";
  const std::string sha = secrets::hex_encode(secrets::sha256(k_runner));
  REQUIRE(run_upload(upload_command(dest, 0700, k_runner.size(), sha), input) == 0);
  CHECK(fs::file_size(dest) == k_runner.size());
  CHECK((fs::status(dest).permissions() & fs::perms::all) == fs::perms::owner_all);
  CHECK(entries_in(dir.path() / "cache/abc") == 1);  // no temp file left
}

TEST_CASE("regression: an upload cut short never gets the runner's name and leaves no temp file") {
  // drover killed mid-upload: `cat` sees the end of its input early and exits 0.
  test::TempDir dir;
  const std::string input = dir.write("input", k_runner.substr(0, 4096));
  const std::string dest = dir.str() + "/cache/abc/drover-modules";
  const std::string sha = secrets::hex_encode(secrets::sha256(k_runner));
  CHECK(run_upload(upload_command(dest, 0700, k_runner.size(), sha), input) == 1);
  CHECK_FALSE(fs::exists(dest));
  CHECK(entries_in(dir.path() / "cache/abc") == 0);
}

TEST_CASE("an upload of the right size but other content is refused where sha256sum exists") {
  if (std::system("command -v sha256sum >/dev/null 2>&1") != 0) return;
  test::TempDir dir;
  std::string other = k_runner;
  other[10] = 'X';
  const std::string input = dir.write("input", other);
  const std::string dest = dir.str() + "/drover-modules";
  const std::string sha = secrets::hex_encode(secrets::sha256(k_runner));
  CHECK(run_upload(upload_command(dest, 0700, k_runner.size(), sha), input) == 1);
  CHECK_FALSE(fs::exists(dest));
}

TEST_CASE("a verified upload replaces a truncated copy under the final name") {
  test::TempDir dir;
  const std::string dest = dir.write("drover-modules", k_runner.substr(0, 10));
  const std::string input = dir.write("input", k_runner);
  const std::string sha = secrets::hex_encode(secrets::sha256(k_runner));
  REQUIRE(run_upload(upload_command(dest, 0700, k_runner.size(), sha), input) == 0);
  CHECK(fs::file_size(dest) == k_runner.size());
}
