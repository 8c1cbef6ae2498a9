#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/transport/connection.hpp"

using namespace drover;
using namespace drover::connection;

namespace {

ConnectionDefaults no_user_config() {
  ConnectionDefaults d;
  d.ssh_config_file = "none";
  return d;
}

Value vars(std::initializer_list<Map::Entry> entries) { return Value(Map(entries)); }

bool has_warning_about(const ConnectionSpec& spec, const std::string& word) {
  return std::any_of(spec.warnings.begin(), spec.warnings.end(),
                     [&](const std::string& w) { return w.find(word) != std::string::npos; });
}

}  // namespace

TEST_CASE("ansible_host, ansible_port and ansible_user say where and as whom to connect") {
  auto spec = spec_from_vars("web01", vars({{"ansible_host", "10.0.0.5"}, {"ansible_port", 2222}, {"ansible_user", "deploy"}}),
                             no_user_config(), false);
  CHECK(spec.inventory_name == "web01");
  CHECK(spec.connection == "ssh");
  CHECK(spec.address == "10.0.0.5");
  CHECK(spec.port == 2222);
  CHECK(spec.user == "deploy");
  CHECK(spec.host_key_checking);
  CHECK(spec.warnings.empty());
}

TEST_CASE("without ansible_host the inventory name is the address and the port is 22") {
  auto spec = spec_from_vars("db.example.com", Value::map(), no_user_config(), false);
  CHECK(spec.address == "db.example.com");
  CHECK(spec.port == 22);
}

TEST_CASE("a port given as a string in INI vars is a number") {
  auto spec = spec_from_vars("h", vars({{"ansible_port", "2200"}}), no_user_config(), false);
  CHECK(spec.port == 2200);
}

TEST_CASE("the -o options libssh honours are taken from ansible_ssh_common_args and extra args") {
  auto spec = spec_from_vars(
      "h",
      vars({{"ansible_ssh_common_args",
             "-o UserKnownHostsFile=/tmp/kh -o StrictHostKeyChecking=no -oIdentityFile=/k/id -o 'ConnectTimeout 3'"},
            {"ansible_ssh_extra_args", "-o IdentitiesOnly=yes -J jump@bastion:2200 -o Port=2022 -o User=alice"}}),
      no_user_config(), false);
  CHECK(spec.known_hosts_file == "/tmp/kh");
  CHECK_FALSE(spec.host_key_checking);
  REQUIRE(spec.identity_files.size() == 1);
  CHECK(spec.identity_files[0] == "/k/id");
  CHECK(spec.identities_only);
  CHECK(spec.timeout_s == 3);
  CHECK(spec.proxy_jump == "jump@bastion:2200");
  CHECK(spec.port == 2022);
  CHECK(spec.user == "alice");
  CHECK(spec.warnings.empty());
}

TEST_CASE("an ssh option libssh cannot honour gives a one-line warning naming it") {
  auto spec = spec_from_vars("h", vars({{"ansible_ssh_common_args", "-o ControlMaster=auto -o ControlPersist=60s -C"}}),
                             no_user_config(), false);
  CHECK(spec.warnings.size() == 3);
  CHECK(has_warning_about(spec, "ControlMaster=auto"));
  CHECK(has_warning_about(spec, "ControlPersist=60s"));
  CHECK(has_warning_about(spec, "-C"));
  for (const auto& w : spec.warnings) CHECK(w.find('\n') == std::string::npos);
}

TEST_CASE("host vars win over -o options, and the first -o value wins as in OpenSSH") {
  auto spec = spec_from_vars("h",
                             vars({{"ansible_port", 2201},
                                   {"ansible_user", "vars-user"},
                                   {"ansible_ssh_common_args", "-o Port=9 -o User=x -o ConnectTimeout=4"},
                                   {"ansible_ssh_extra_args", "-o ConnectTimeout=8"}}),
                             no_user_config(), false);
  CHECK(spec.port == 2201);
  CHECK(spec.user == "vars-user");
  CHECK(spec.timeout_s == 4);
}

TEST_CASE("host_key_checking off in the config or in the host vars turns strict checking off") {
  ConnectionDefaults d = no_user_config();
  d.host_key_checking = false;
  CHECK_FALSE(spec_from_vars("h", Value::map(), d, false).host_key_checking);
  CHECK_FALSE(spec_from_vars("h", vars({{"ansible_host_key_checking", false}}), no_user_config(), false).host_key_checking);
  CHECK_FALSE(spec_from_vars("h", vars({{"ansible_host_key_checking", "False"}}), no_user_config(), false).host_key_checking);
  // with checking off in the config, -o StrictHostKeyChecking=yes does not turn it back on (Ansible puts =no first)
  CHECK_FALSE(spec_from_vars("h", vars({{"ansible_ssh_common_args", "-o StrictHostKeyChecking=yes"}}), d, false).host_key_checking);
}

TEST_CASE("the private key file comes from the host vars, else from the defaults") {
  ConnectionDefaults d = no_user_config();
  d.private_key_file = "/default/key";
  d.remote_user = "cfg-user";
  auto from_defaults = spec_from_vars("h", Value::map(), d, false);
  REQUIRE(from_defaults.identity_files.size() == 1);
  CHECK(from_defaults.identity_files[0] == "/default/key");
  CHECK(from_defaults.user == "cfg-user");
  auto from_vars = spec_from_vars("h", vars({{"ansible_ssh_private_key_file", "/host/key"}}), d, false);
  REQUIRE(from_vars.identity_files.size() == 1);
  CHECK(from_vars.identity_files[0] == "/host/key");
}

TEST_CASE("the implicit localhost uses the local connection, an inventory localhost uses ssh") {
  CHECK(spec_from_vars("localhost", Value::map(), no_user_config(), true).connection == "local");
  CHECK(spec_from_vars("localhost", Value::map(), no_user_config(), false).connection == "ssh");
  CHECK(spec_from_vars("localhost", vars({{"ansible_connection", "ssh"}}), no_user_config(), true).connection == "ssh");
  CHECK(spec_from_vars("web", vars({{"ansible_connection", "local"}}), no_user_config(), false).connection == "local");
  CHECK(spec_from_vars("web", vars({{"ansible_connection", "smart"}}), no_user_config(), false).connection == "ssh");
  ConnectionDefaults d = no_user_config();
  d.connection = "local";
  CHECK(spec_from_vars("web", Value::map(), d, false).connection == "local");
}

TEST_CASE("the password comes from ansible_ssh_pass or ansible_password") {
  CHECK(spec_from_vars("h", vars({{"ansible_ssh_pass", "s3"}}), no_user_config(), false).password == "s3");
  CHECK(spec_from_vars("h", vars({{"ansible_password", "p4"}}), no_user_config(), false).password == "p4");
}

TEST_CASE("Port and User come from the ssh config when the vars give none") {
  const auto dir = std::filesystem::temp_directory_path() / ("drover-spec-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto cfg = dir / "config";
  std::ofstream(cfg) << "Host alias\n  Port 2299\n  User bob\n";
  ConnectionDefaults d;
  d.ssh_config_file = cfg.string();
  auto spec = spec_from_vars("alias", Value::map(), d, false);
  CHECK(spec.port == 2299);
  CHECK(spec.user == "bob");
  auto overridden = spec_from_vars("alias", vars({{"ansible_port", 2000}, {"ansible_user", "eve"}}), d, false);
  CHECK(overridden.port == 2000);
  CHECK(overridden.user == "eve");
  std::filesystem::remove_all(dir);
}

TEST_CASE("shell_quote survives single quotes") {
  CHECK(shell_quote("a b") == "'a b'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
}

TEST_CASE("ServerAliveInterval and ServerAliveCountMax set the keepalive; drover's default is on") {
  auto defaults = spec_from_vars("h", Value::map(), no_user_config(), false);
  CHECK(defaults.server_alive_interval_s == 15);
  CHECK(defaults.server_alive_count_max == 3);
  auto spec = spec_from_vars("h", vars({{"ansible_ssh_common_args", "-o ServerAliveInterval=2 -o ServerAliveCountMax=1"},
                                        {"ansible_ssh_extra_args", "-o ServerAliveInterval=9"}}),
                             no_user_config(), false);
  CHECK(spec.server_alive_interval_s == 2);  // the first value wins, as in OpenSSH
  CHECK(spec.server_alive_count_max == 1);
  CHECK(spec.warnings.empty());
  CHECK(spec_from_vars("h", vars({{"ansible_ssh_common_args", "-o ServerAliveInterval=0"}}), no_user_config(), false)
            .server_alive_interval_s == 0);
  auto bad = spec_from_vars("h", vars({{"ansible_ssh_common_args", "-o ServerAliveInterval=soon"}}), no_user_config(), false);
  CHECK(has_warning_about(bad, "ServerAliveInterval=soon"));
}

// Regression (issue 11): accept-new was read as "no", so a changed host key was accepted.
TEST_CASE("StrictHostKeyChecking=accept-new keeps checking on and records unknown keys") {
  auto spec = spec_from_vars("h", vars({{"ansible_ssh_common_args", "-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=/tmp/kh"}}),
                             no_user_config(), false);
  CHECK(spec.host_key_checking);
  CHECK(spec.accept_new_host_keys);
  CHECK(spec.known_hosts_file == "/tmp/kh");
  auto ask = spec_from_vars("h", vars({{"ansible_ssh_common_args", "-o StrictHostKeyChecking=ask"}}), no_user_config(), false);
  CHECK(ask.host_key_checking);
  CHECK_FALSE(ask.accept_new_host_keys);
  auto off = spec_from_vars("h", vars({{"ansible_ssh_common_args", "-o StrictHostKeyChecking=accept-new"},
                                       {"ansible_host_key_checking", "false"}}),
                            no_user_config(), false);
  CHECK_FALSE(off.host_key_checking);
  CHECK_FALSE(off.accept_new_host_keys);
  auto first_wins = spec_from_vars("h", vars({{"ansible_ssh_common_args", "-o StrictHostKeyChecking=yes"},
                                              {"ansible_ssh_extra_args", "-o StrictHostKeyChecking=accept-new"}}),
                                   no_user_config(), false);
  CHECK_FALSE(first_wins.accept_new_host_keys);
}
