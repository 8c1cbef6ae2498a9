// Differential test: drover inventory's --list, --graph and --host output against
// `ansible-inventory` itself, byte for byte, on every inventory in inventory-examples/.
#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <sstream>

#include "core/cli/inventory_command.hpp"
#include "core/plugin_set.hpp"
#include "core/value/json.hpp"
#include "tests/unit/inventory/inventory_test_support.hpp"

using namespace drover;

namespace {

const std::string k_examples = std::string(DROVER_SOURCE_DIR) + "/inventory-examples";

bool have_ansible_inventory() { return std::system("command -v ansible-inventory >/dev/null 2>&1") == 0; }

// Runs ansible-inventory from an empty directory (so no playbook-dir group_vars apply) with no
// config file in the way.
std::string ansible_inventory(const std::string& cwd, const std::string& args) {
  std::ofstream(cwd + "/empty.cfg") << "[defaults]\n";
  std::string cmd = "cd '" + cwd + "' && ANSIBLE_CONFIG=empty.cfg ANSIBLE_NOCOLOR=1 ansible-inventory " + args + " 2>/dev/null";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

std::string drover_inventory(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int rc = cli::run_inventory_command(args, builtin_plugins(), out, err);
  INFO("stderr: " << err.str());
  CHECK(rc == 0);
  return out.str();
}

void compare_example(const std::string& file) {
  test::TempDir cwd;
  std::string path = k_examples + "/" + file;
  INFO("inventory: " << path);
  CHECK(drover_inventory({"-i", path, "--list"}) == ansible_inventory(cwd.str(), "-i '" + path + "' --list"));
  CHECK(drover_inventory({"-i", path, "--graph"}) == ansible_inventory(cwd.str(), "-i '" + path + "' --graph"));
  // --list holds every host's vars already; --host and --graph GROUP are checked on a sample
  // because each ansible-inventory run costs about a second.
  auto inv = test::load_inventory({path});
  auto hosts = inv.select("all");
  for (const auto* h : {hosts.front(), hosts.back()}) {
    INFO("host: " << h->name);
    CHECK(drover_inventory({"-i", path, "--host", h->name}) ==
          ansible_inventory(cwd.str(), "-i '" + path + "' --host '" + h->name + "'"));
  }
  CHECK(drover_inventory({"-i", path, "--graph", "prod"}) ==
        ansible_inventory(cwd.str(), "-i '" + path + "' --graph prod"));
}

}  // namespace

TEST_CASE("drover inventory prints what ansible-inventory prints for every example inventory") {
  if (!have_ansible_inventory()) {
    WARN_MESSAGE(false, "ansible-inventory is not installed: SKIPPING the differential inventory test");
    return;
  }
  for (const char* file : {"hosts.ini", "hosts.yml", "script.sh"}) compare_example(file);
}

TEST_CASE("drover inventory of the whole examples directory matches ansible-inventory") {
  if (!have_ansible_inventory()) {
    WARN_MESSAGE(false, "ansible-inventory is not installed: SKIPPING the differential inventory test");
    return;
  }
  test::TempDir cwd;
  CHECK(drover_inventory({"-i", k_examples, "--list"}) == ansible_inventory(cwd.str(), "-i '" + k_examples + "' --list"));
  CHECK(drover_inventory({"-i", k_examples, "--graph"}) == ansible_inventory(cwd.str(), "-i '" + k_examples + "' --graph"));
}

TEST_CASE("every file in inventory-examples parses") {
  for (const char* file : {"hosts.ini", "hosts.yml", "script.sh"}) {
    auto inv = test::load_inventory({k_examples + "/" + file});
    CHECK(inv.select("all").size() >= 3);
  }
  auto inv = test::load_inventory({k_examples + "/hosts.ini"});
  auto web01 = inv.host_vars(*inv.find_host("web01.example.com"));
  CHECK(web01.get("http_port") == Value(9090));           // host_vars/ file
  CHECK(web01.get("environment_name") == Value("production"));  // group_vars/prod/ directory
  CHECK(web01.get("max_connections") == Value(1024));     // group_vars file beats [prod:vars]
  CHECK(web01.get("timezone") == Value("UTC"));
  auto canary = inv.host_vars(*inv.find_host("web-canary.example.com"));
  CHECK(canary.get("http_port") == Value(8081));          // inline host var beats group_vars/web.yml
}
