#include <doctest/doctest.h>

#include <sstream>

#include "core/cli/inventory_command.hpp"
#include "core/plugin_set.hpp"
#include "tests/unit/inventory/inventory_test_support.hpp"

using namespace drover;

namespace {
struct Run {
  int rc;
  std::string out, err;
};
Run run(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int rc = cli::run_inventory_command(args, builtin_plugins(), out, err);
  return {rc, out.str(), err.str()};
}
}  // namespace

TEST_CASE("drover inventory without an action is bad usage, exit 5") {
  auto r = run({"-i", "h1,"});
  CHECK(r.rc == 5);
  CHECK(r.err.find("ERROR! No action selected, at least one of --host, --graph or --list needs to be specified.") !=
        std::string::npos);
  CHECK(run({"--list", "--graph"}).rc == 5);
  CHECK(run({"--bogus"}).rc == 5);
  CHECK(run({"--host"}).rc == 5);
}

TEST_CASE("drover inventory --host prints one host's vars as indented sorted JSON") {
  auto r = run({"-i", "h1,h2:22,", "--host", "h2"});
  CHECK(r.rc == 0);
  CHECK(r.out == "{\n    \"ansible_port\": 22\n}\n");
  auto missing = run({"-i", "h1,", "--host", "zz"});
  CHECK(missing.rc == 1);
  CHECK(missing.err.find("You must pass a single valid host to --host parameter") != std::string::npos);
}

TEST_CASE("drover inventory --graph GROUP and --playbook-dir") {
  test::TempDir dir;
  auto hosts = dir.write("hosts", "[g]\nh\n");
  dir.write("play/group_vars/g.yml", "from_play: 1\n");
  CHECK(run({"-i", hosts, "--graph", "g"}).out == "@g:\n  |--h\n");
  CHECK(run({"-i", hosts, "--playbook-dir", dir.str() + "/play", "--host", "h"}).out == "{\n    \"from_play\": 1\n}\n");
}

TEST_CASE("an inventory error is reported with its exit code") {
  test::TempDir dir;
  auto hosts = dir.write("hosts", "[x:vars]\na=1\n");
  auto r = run({"-i", hosts, "--list"});
  CHECK(r.rc == 4);
  CHECK(r.err.find(hosts + ":1: Section [x:vars] not valid for undefined group: x") != std::string::npos);
}
