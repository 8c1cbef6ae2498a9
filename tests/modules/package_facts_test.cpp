// package_facts against this machine's real dpkg database (read only), and against a test double
// of rpm on PATH (stated: no rpm database here).
#include <doctest/doctest.h>

#include <filesystem>

#include "harness.hpp"
#include "modules/util/process.hpp"

using namespace drover::modules::testing;

TEST_CASE("package_facts lists dpkg's installed packages as Ansible's apt manager names them") {
  if (!std::filesystem::exists("/var/lib/dpkg/status")) return;
  json result = run_module("package_facts", {{"manager", {"apt"}}});
  const json& packages = result["ansible_facts"]["packages"];
  REQUIRE(packages.contains("dpkg"));
  const json& dpkg = packages["dpkg"][0];
  CHECK(dpkg["name"] == "dpkg");
  CHECK(dpkg["source"] == "apt");
  CHECK(dpkg["category"] == "admin");
  drover::modules::ProcessSpec query;
  query.argv = {"dpkg-query", "-W", "-f", "${Version}", "dpkg"};
  CHECK(dpkg["version"] == drover::modules::run_process(query).stdout_text);
}

TEST_CASE("package_facts reads rpm's query output; unknown managers and none usable fail as Ansible's") {
  TempDir dir;
  std::filesystem::create_directory(dir / "bin");
  write_text(dir / "bin/rpm", "#!/bin/sh\nprintf 'bash\\t5.1\\t2.el9\\t0\\t(none)\\tx86_64\\nkernel\\t5.14\\t1\\t0\\t(none)\\tx86_64\\nkernel\\t5.15\\t1\\t1\\t1\\tx86_64\\n'\n");
  std::filesystem::permissions(dir / "bin/rpm", std::filesystem::perms::owner_all);
  write_text(dir / "args.json", json{{"manager", {"rpm"}}}.dump());
  drover::modules::ProcessSpec spec;
  spec.argv = {DROVER_MODULES_BIN, "package_facts", dir / "args.json"};
  spec.environment = {{"PATH", dir / "bin"}};
  json result = json::parse(drover::modules::run_process(spec).stdout_text);
  const json& packages = result["ansible_facts"]["packages"];
  CHECK(packages["bash"] == json::array({{{"name", "bash"}, {"version", "5.1"}, {"release", "2.el9"}, {"epoch", nullptr}, {"arch", "x86_64"}, {"source", "rpm"}}}));
  CHECK(packages["kernel"].size() == 2);
  CHECK(packages["kernel"][1]["epoch"] == 1);
  CHECK(run_module("package_facts", {{"manager", {"dnf5"}}})["msg"] == "Unsupported package managers requested: dnf5");
  write_text(dir / "args.json", json{{"manager", {"apk"}}}.dump());
  json none = json::parse(drover::modules::run_process(spec).stdout_text);
  CHECK(none["msg"] == "Could not detect a supported package manager from the following list: ['apk'], or the required Python library is not installed. Check warnings for details.");
}
