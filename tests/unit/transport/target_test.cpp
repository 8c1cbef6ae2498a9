#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/secrets/crypto.hpp"
#include "core/transport/target.hpp"
#include "plugins/become/registry.hpp"
#include "tests/unit/transport/fake_connection.hpp"

using namespace drover;
using namespace drover::transport;
using drover::testing::FakeConnection;
using drover::testing::FakeHost;

namespace {

const std::string k_runner_text = "#!/bin/false\n";
const std::string k_sha = secrets::hex_encode(secrets::sha256(k_runner_text));  // the Target checks it before an upload

// A stand-in runner file: the Target reads it for the upload.
std::string fake_runner_file() {
  static const std::string path = [] {
    const auto p = std::filesystem::temp_directory_path() / ("drover-fake-runner-" + std::to_string(::getpid()));
    std::ofstream(p) << k_runner_text;
    return p.string();
  }();
  return path;
}

RunnerBinary fake_binary() {
  RunnerBinary b;
  b.path = fake_runner_file();
  b.sha256 = k_sha;
  b.size = k_runner_text.size();
  b.arch = "x86_64";
  return b;
}

FakeHost fresh_host() {
  FakeHost h;
  h.arch = "x86_64";
  return h;
}

connection::ConnectionSpec spec_for(const std::string& name) {
  connection::ConnectionSpec s;
  s.inventory_name = name;
  s.address = name;
  return s;
}

std::unique_ptr<Target> target_on(FakeHost& host, const std::string& kind = "ssh") {
  return std::make_unique<Target>(spec_for("web01"), std::make_unique<FakeConnection>(host, kind), fake_binary(),
                                  become::become_methods());
}

ModuleCall call(const std::string& module, Value args = Value::map()) {
  ModuleCall c;
  c.module = module;
  c.args = std::move(args);
  return c;
}

std::size_t count_prefix(const std::vector<std::string>& v, const std::string& prefix) {
  return static_cast<std::size_t>(
      std::count_if(v.begin(), v.end(), [&](const std::string& s) { return s.rfind(prefix, 0) == 0; }));
}

const std::string k_runner_path = "/home/u/.cache/drover/" + k_sha + "/drover-modules";

}  // namespace

TEST_CASE("first contact probes once, uploads the missing runner with mode 0700 and starts it in serve mode") {
  FakeHost host = fresh_host();
  auto target = target_on(host);
  Value result = target->run(call("ping", Value(Map{{"data", "pong"}})));
  CHECK(result.get_string("module") == "ping");
  CHECK(result.get("args").get_string("data") == "pong");
  REQUIRE(host.commands.size() == 3);
  CHECK(host.commands[0].find("drover-probe:") != std::string::npos);
  CHECK(host.commands[0].find("uname -m") != std::string::npos);
  CHECK(host.commands[1] == "upload: " + k_runner_path);
  CHECK(host.commands[2] == "spawn: exec '" + k_runner_path + "' --serve");
  REQUIRE(host.upload_modes.size() == 1);
  CHECK(host.upload_modes[0] == 0700);
  CHECK(target->uploads() == 1);
}

TEST_CASE("later calls on the same target are one request each: no probe, no new runner") {
  FakeHost host = fresh_host();
  auto target = target_on(host);
  target->run(call("ping"));
  const std::size_t commands_after_first = host.commands.size();
  for (int i = 0; i < 5; ++i) target->run(call("ping"));
  CHECK(host.commands.size() == commands_after_first);
  CHECK(host.requests.size() == 6);
  CHECK(host.connects == 1);
}

TEST_CASE("a second target on the same host finds the cached runner and does not upload it again") {
  FakeHost host = fresh_host();
  target_on(host)->run(call("ping"));
  host.commands.clear();
  auto second = target_on(host);
  second->run(call("ping"));
  CHECK(second->uploads() == 0);
  CHECK(host.uploads.size() == 1);
  CHECK(count_prefix(host.commands, "upload:") == 0);
  CHECK(count_prefix(host.commands, "spawn: exec '" + k_runner_path) == 1);
}

TEST_CASE("requests carry id, module, args, check, diff and the environment") {
  FakeHost host = fresh_host();
  auto target = target_on(host);
  ModuleCall c = call("copy", Value(Map{{"content", "x"}}));
  c.check = true;
  c.diff = true;
  c.environment = Value(Map{{"LANG", "C"}});
  Value r = target->run(c);
  REQUIRE(host.requests.size() == 1);
  CHECK(host.requests[0] ==
        R"({"id":1,"module":"copy","args":{"content":"x"},"check":true,"diff":true,"environment":{"LANG":"C"}})");
  CHECK(r.get("environment").get_string("LANG") == "C");
}

TEST_CASE("the local connection starts the runner from its path: no probe, no upload") {
  FakeHost host = fresh_host();
  auto target = target_on(host, "local");
  target->run(call("ping"));
  REQUIRE(host.commands.size() == 1);
  CHECK(host.commands[0] == "spawn: exec '" + fake_runner_file() + "' --serve");
}

TEST_CASE("become starts one runner per become user through sudo, next to the plain one") {
  FakeHost host = fresh_host();
  auto target = target_on(host);
  ModuleCall as_root = call("ping");
  as_root.become.enabled = true;
  ModuleCall as_pg = as_root;
  as_pg.become.user = "postgres";
  target->run(call("ping"));
  target->run(as_root);
  target->run(as_root);
  target->run(as_pg);
  CHECK(count_prefix(host.commands, "spawn: exec '") == 1);
  CHECK(count_prefix(host.commands, "spawn: exec sudo -H -S -n -u 'root' '" + k_runner_path + "' --serve") == 1);
  CHECK(count_prefix(host.commands, "spawn: exec sudo -H -S -n -u 'postgres' ") == 1);
  CHECK(host.requests.size() == 4);
}

TEST_CASE("a become password answers sudo's prompt and is never sent as a request") {
  FakeHost host = fresh_host();
  host.needs_sudo_password = true;
  auto target = target_on(host);
  ModuleCall c = call("ping");
  c.become.enabled = true;
  c.become.password = "secret";
  Value r = target->run(c);
  CHECK_FALSE(r.get_truthy("failed"));
  CHECK(r.get_string("module") == "ping");
  CHECK(count_prefix(host.commands, "spawn: exec sudo -H -S -p '[drover-become-prompt-") == 1);
  REQUIRE(host.requests.size() == 1);
  CHECK(host.requests[0].find("secret") == std::string::npos);
}

TEST_CASE("a wrong become password and a missing one fail the task with Ansible's words") {
  FakeHost host = fresh_host();
  host.needs_sudo_password = true;
  auto target = target_on(host);
  ModuleCall c = call("ping");
  c.become.enabled = true;
  c.become.password = "wrong";
  Value wrong = target->run(c);
  CHECK(wrong.get_truthy("failed"));
  CHECK(wrong.get_string("msg") == "Incorrect sudo password");
  c.become.password.clear();
  Value missing = target->run(c);
  CHECK(missing.get_truthy("failed"));
  CHECK(missing.get_string("msg") == "Missing sudo password");
}

TEST_CASE("become_method su starts the runner through su and types the password at its prompt") {
  FakeHost host = fresh_host();
  host.su_password = "s3cret";
  auto target = target_on(host);
  ModuleCall c = call("ping");
  c.become.enabled = true;
  c.become.method = "su";
  c.become.user = "postgres";
  c.become.password = "s3cret";
  Value r = target->run(c);
  CHECK_FALSE(r.get_truthy("failed"));
  CHECK(r.get_string("module") == "ping");
  CHECK(count_prefix(host.commands, "spawn: exec su 'postgres' -c ''\\''" + k_runner_path + "'\\'' --serve'") == 1);
  REQUIRE(host.requests.size() == 1);
  CHECK(host.requests[0].find("s3cret") == std::string::npos);
  target->run(c);
  CHECK(count_prefix(host.commands, "spawn:") == 1);  // one su runner per become user, reused
}

TEST_CASE("a wrong su password and a missing one fail the task with Ansible's words") {
  FakeHost host = fresh_host();
  host.su_password = "s3cret";
  auto target = target_on(host);
  ModuleCall c = call("ping");
  c.become.enabled = true;
  c.become.method = "su";
  c.become.password = "wrong";
  Value wrong = target->run(c);
  CHECK(wrong.get_truthy("failed"));
  CHECK(wrong.get_string("msg") == "Incorrect su password");
  CHECK(wrong.get_string("module_stderr") == "Password: \nsu: Authentication failure");
  c.become.password.clear();
  Value missing = target->run(c);
  CHECK(missing.get_truthy("failed"));
  CHECK(missing.get_string("msg") == "Missing su password");
  CHECK(host.requests.empty());
}

TEST_CASE("raw with become_method su passes the command to su and the password on stdin") {
  FakeHost host = fresh_host();
  auto target = target_on(host);
  Become b;
  b.enabled = true;
  b.method = "su";
  b.password = "pw";
  auto r = target->raw("id -u", b);
  CHECK(r.out == "ran: su 'root' -c '/bin/sh -c '\\''id -u'\\''' <<pw\n");
}

TEST_CASE("an unknown become method fails the task naming the known methods") {
  FakeHost host = fresh_host();
  auto target = target_on(host);
  ModuleCall c = call("ping");
  c.become.enabled = true;
  c.become.method = "doas";
  const std::string expected = "Invalid become method specified, could not find matching plugin: 'doas' (known: su, sudo)";
  Value r = target->run(c);
  CHECK(r.get_truthy("failed"));
  CHECK(r.get_string("msg") == expected);
  CHECK(count_prefix(host.commands, "spawn:") == 0);
  auto raw = target->raw("true", c.become);
  CHECK(raw.rc == 1);
  CHECK(raw.err == expected);
}

TEST_CASE("a runner that dies gives a failed result with its stderr, and the next call starts a new one") {
  FakeHost host = fresh_host();
  auto target = target_on(host);
  target->run(call("ping"));
  Value r = target->run(call("die"));
  CHECK(r.get_truthy("failed"));
  CHECK(r.get_string("msg").find("MODULE FAILURE") != std::string::npos);
  CHECK(r.get_string("msg").find("segmentation fault") != std::string::npos);
  CHECK(r.get_string("module_stderr").find("segmentation fault in module die") != std::string::npos);
  CHECK(r.get("rc") == Value(139));
  Value again = target->run(call("ping"));
  CHECK_FALSE(again.get_truthy("failed"));
  CHECK(count_prefix(host.commands, "spawn:") == 2);
  CHECK(count_prefix(host.commands, "upload:") == 1);
}

TEST_CASE("an unreachable host throws Unreachable, and a later call tries again") {
  FakeHost host = fresh_host();
  host.down = true;
  auto target = target_on(host);
  CHECK_THROWS_AS(target->run(call("ping")), connection::Unreachable);
  CHECK(host.commands.empty());
  host.down = false;
  CHECK(target->run(call("ping")).get_string("module") == "ping");
}

TEST_CASE("a target of another architecture fails with a clear message instead of uploading") {
  FakeHost host = fresh_host();
  host.arch = "aarch64";
  auto target = target_on(host);
  Value r = target->run(call("ping"));
  CHECK(r.get_truthy("failed"));
  CHECK(r.get_string("msg").find("aarch64") != std::string::npos);
  CHECK(host.uploads.empty());
}

TEST_CASE("a runner speaking another protocol version is refused") {
  FakeHost host = fresh_host();
  host.runner_hello_version = 2;
  auto target = target_on(host);
  Value r = target->run(call("ping"));
  CHECK(r.get_truthy("failed"));
  CHECK(r.get_string("msg").find("protocol 2") != std::string::npos);
}

TEST_CASE("close asks each runner to exit") {
  FakeHost host = fresh_host();
  auto target = target_on(host);
  target->run(call("ping"));
  target->close();
  REQUIRE(host.requests.size() == 2);
  CHECK(host.requests[1] == R"({"id":2,"op":"exit"})");
}

TEST_CASE("raw runs the command without any runner, through sudo when becoming") {
  FakeHost host = fresh_host();
  auto target = target_on(host);
  auto plain = target->raw("uptime");
  CHECK(plain.out == "ran: uptime");
  Become b;
  b.enabled = true;
  b.password = "pw";
  auto become = target->raw("id -u", b);
  CHECK(become.out == "ran: sudo -H -S -p '' -u 'root' /bin/sh -c 'id -u' <<pw\n");
  CHECK(count_prefix(host.commands, "spawn:") == 0);
  CHECK(count_prefix(host.commands, "upload:") == 0);
}

namespace {

// A $HOME holding a cached runner of `size` bytes, executable, where the probe looks for it.
std::string home_with_cached_runner(const std::filesystem::path& home, std::size_t size) {
  const auto dir = home / ".cache/drover" / k_sha;
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "drover-modules") << std::string(size, 'x');
  std::filesystem::permissions(dir / "drover-modules", std::filesystem::perms::owner_all);
  return home.string();
}

}  // namespace

TEST_CASE("regression: a truncated cached runner reads as absent and is uploaded again, never started first") {
  const auto home = std::filesystem::temp_directory_path() / ("drover-probe-home-" + std::to_string(::getpid()));
  FakeHost host = fresh_host();
  host.shell_home = home_with_cached_runner(home, 5);  // cut short: 5 of 13 bytes
  host.home = host.shell_home;
  auto target = target_on(host);
  CHECK(target->run(call("ping")).get_string("module") == "ping");
  REQUIRE(host.commands.size() >= 3);
  CHECK(host.commands[1] == "upload: " + host.home + "/.cache/drover/" + k_sha + "/drover-modules");
  CHECK(host.commands[2].rfind("spawn: ", 0) == 0);
  std::filesystem::remove_all(home);
}

TEST_CASE("a cached runner of the right size is used as it is") {
  const auto home = std::filesystem::temp_directory_path() / ("drover-probe-home2-" + std::to_string(::getpid()));
  FakeHost host = fresh_host();
  host.shell_home = home_with_cached_runner(home, 13);
  host.home = host.shell_home;
  auto target = target_on(host);
  target->run(call("ping"));
  CHECK(target->uploads() == 0);
  CHECK(count_prefix(host.commands, "upload:") == 0);
  std::filesystem::remove_all(home);
}

TEST_CASE("a runner file that changed since the run started is not uploaded under the old hash") {
  FakeHost host = fresh_host();
  RunnerBinary stale = fake_binary();
  stale.sha256 = std::string(64, 'f');  // what the file hashed to when the run started
  auto target = std::make_unique<Target>(spec_for("web01"), std::make_unique<FakeConnection>(host), stale,
                                         become::become_methods());
  Value r = target->run(call("ping"));
  CHECK(r.get_truthy("failed"));
  CHECK(r.get_string("msg").find("changed since this run started") != std::string::npos);
  CHECK(host.uploads.empty());
}
