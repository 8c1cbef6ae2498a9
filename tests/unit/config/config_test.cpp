#include <doctest/doctest.h>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "tests/unit/inventory/inventory_test_support.hpp"

using namespace drover;
using namespace drover::config;
using Env = std::map<std::string, std::string>;

TEST_CASE("without files or environment every key has its default") {
  test::TempDir cwd, home;
  auto c = Config::load(Env{}, cwd.str(), home.str());
  CHECK(c.get_int("defaults.forks") == 50);
  CHECK(c.get_truthy("defaults.host_key_checking"));
  CHECK(c.get("privilege_escalation.become_method") == "sudo");
  CHECK(c.find("defaults.forks")->origin == "default");
  CHECK(c.file().empty());
}

TEST_CASE("drover.cfg in the current directory is read, with file:line origins") {
  test::TempDir cwd, home;
  cwd.write("drover.cfg", "[defaults]\n# comment\nforks = 7\nremote_user: deploy ; inline comment\n"
                          "[privilege_escalation]\nbecome = yes\n[callback_junit]\noutput_dir = /tmp/junit\n");
  auto c = Config::load(Env{}, cwd.str(), home.str());
  CHECK(c.file() == cwd.str() + "/drover.cfg");
  CHECK(c.get_int("defaults.forks") == 7);
  CHECK(c.find("defaults.forks")->origin == "file " + cwd.str() + "/drover.cfg:3");
  CHECK(c.get("defaults.remote_user") == "deploy");
  CHECK(c.get_truthy("privilege_escalation.become"));
  CHECK(c.plugin_section("callback_junit") == std::map<std::string, std::string>{{"output_dir", "/tmp/junit"}});
  CHECK(c.warnings().empty());
}

TEST_CASE("an unknown key in drover.cfg is a warning naming the line") {
  test::TempDir cwd, home;
  cwd.write("drover.cfg", "[defaults]\nforkz = 7\n");
  auto c = Config::load(Env{}, cwd.str(), home.str());
  REQUIRE(c.warnings().size() == 1);
  CHECK(c.warnings()[0] == cwd.str() + "/drover.cfg:2: unknown key `forkz` in [defaults]; `drover config` lists the keys drover knows");
}

TEST_CASE("ansible.cfg is read only when there is no drover.cfg, and its unknown keys are ignored") {
  test::TempDir cwd, home;
  home.write(".ansible.cfg", "[defaults]\nforks = 3\ncallback_whitelist = timer, junit\nretry_files_enabled = False\n"
                             "[ssh_connection]\npipelining = True\nssh_args = -o ControlMaster=auto\n");
  auto c = Config::load(Env{}, cwd.str(), home.str());
  CHECK(c.file() == home.str() + "/.ansible.cfg");
  CHECK(c.get_int("defaults.forks") == 3);
  CHECK(c.get_list("defaults.callbacks_enabled") == std::vector<std::string>{"timer", "junit"});
  CHECK(c.get("ssh_connection.ssh_args") == "-o ControlMaster=auto");
  CHECK(c.warnings().empty());
  home.write(".drover.cfg", "[defaults]\nforks = 9\n");
  CHECK(Config::load(Env{}, cwd.str(), home.str()).get_int("defaults.forks") == 9);
}

TEST_CASE("DROVER_CONFIG and ANSIBLE_CONFIG name the file") {
  test::TempDir cwd, home;
  auto f = cwd.write("elsewhere/a.cfg", "[defaults]\ntimeout = 33\n");
  CHECK(Config::load(Env{{"ANSIBLE_CONFIG", f}}, cwd.str(), home.str()).get_int("defaults.timeout") == 33);
  CHECK(Config::load(Env{{"DROVER_CONFIG", f}}, cwd.str(), home.str()).get_int("defaults.timeout") == 33);
}

TEST_CASE("precedence is command line > environment > file > default") {
  test::TempDir cwd, home;
  cwd.write("drover.cfg", "[defaults]\nforks = 7\nremote_user = fileuser\n");
  auto c = Config::load(Env{{"ANSIBLE_FORKS", "11"}, {"DROVER_REMOTE_USER", "envuser"}, {"ANSIBLE_REMOTE_USER", "x"}},
                        cwd.str(), home.str());
  CHECK(c.get_int("defaults.forks") == 11);
  CHECK(c.find("defaults.forks")->origin == "env ANSIBLE_FORKS");
  CHECK(c.get("defaults.remote_user") == "envuser");
  c.set_from_cli("defaults.forks", "2");
  CHECK(c.get_int("defaults.forks") == 2);
  CHECK(c.find("defaults.forks")->origin == "command line");
  CHECK_THROWS_AS(c.set_from_cli("defaults.nope", "1"), Fatal);
}

TEST_CASE("booleans are read as Ansible reads them, and a bad one is an error naming its origin") {
  test::TempDir cwd, home;
  auto flag = [&](const std::string& text) {
    return Config::load(Env{{"ANSIBLE_HOST_KEY_CHECKING", text}}, cwd.str(), home.str())
        .get_truthy("defaults.host_key_checking");
  };
  for (const char* word : {"Yes", "on", "1", "t", " true "}) CHECK_MESSAGE(flag(word), word);
  for (const char* word : {"False", "off", "n", "0"}) CHECK_MESSAGE(!flag(word), word);
  // Regression: config had its own word list, where "1.0" was true (Ansible reads it as false).
  CHECK_THROWS_AS(flag("1.0"), Fatal);
  auto c = Config::load(Env{{"ANSIBLE_HOST_KEY_CHECKING", "maybe"}}, cwd.str(), home.str());
  CHECK_THROWS_WITH(c.get_truthy("defaults.host_key_checking"),
                    "configuration defaults.host_key_checking = 'maybe' (from env ANSIBLE_HOST_KEY_CHECKING) is not a "
                    "boolean; use true/false, yes/no, on/off or 1/0");
}

TEST_CASE("roles_path is a colon-separated path list with ~ expanded") {
  test::TempDir cwd, home;
  auto c = Config::load(Env{{"ANSIBLE_ROLES_PATH", "~/roles:/srv/roles"}}, cwd.str(), "/home/u");
  CHECK(c.get_paths("defaults.roles_path") == std::vector<std::string>{"/home/u/roles", "/srv/roles"});
}

TEST_CASE("describe lists every key with its value and origin") {
  test::TempDir cwd, home;
  auto c = Config::load(Env{{"DROVER_FORKS", "4"}}, cwd.str(), home.str());
  auto text = c.describe();
  CHECK(text.find("defaults.forks = 4  (env DROVER_FORKS)\n") != std::string::npos);
  CHECK(text.find("defaults.timeout = 10  (default)\n") != std::string::npos);
  CHECK(text.find("ssh_connection.pipelining = False  (default)  # accepted and ignored") != std::string::npos);
}
