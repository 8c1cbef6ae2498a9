#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>

#include <unistd.h>

#include "harness.hpp"

using namespace drover::modules::testing;

TEST_CASE("setup returns Ansible's fact names under ansible_facts, prefixed with ansible_") {
  json result = run_module("setup", json::object());
  CHECK(result["changed"] == false);
  const json& facts = result["ansible_facts"];
  for (const char* name :
       {"ansible_hostname", "ansible_nodename", "ansible_fqdn", "ansible_domain", "ansible_distribution",
        "ansible_distribution_version", "ansible_distribution_major_version", "ansible_distribution_release",
        "ansible_os_family", "ansible_system", "ansible_kernel", "ansible_kernel_version", "ansible_architecture",
        "ansible_machine", "ansible_userspace_bits", "ansible_processor_vcpus", "ansible_processor_count",
        "ansible_processor_cores", "ansible_processor", "ansible_memtotal_mb", "ansible_memfree_mb",
        "ansible_swaptotal_mb", "ansible_default_ipv4", "ansible_all_ipv4_addresses", "ansible_interfaces",
        "ansible_env", "ansible_user_id", "ansible_user_uid", "ansible_user_gid", "ansible_user_dir",
        "ansible_user_shell", "ansible_date_time", "ansible_pkg_mgr", "ansible_service_mgr"})
    CHECK_MESSAGE(facts.contains(name), name);
  CHECK(facts["ansible_system"] == "Linux");
  CHECK(facts["ansible_user_uid"] == ::getuid());
  CHECK(facts["ansible_memtotal_mb"].get<long>() > 0);
  CHECK(facts["ansible_processor_vcpus"].get<long>() >= 1);
  CHECK(facts["ansible_userspace_bits"] == "64");
  CHECK(facts["ansible_date_time"]["epoch"].is_string());
  CHECK(facts["ansible_env"].contains("PATH"));
  CHECK(facts["module_setup"] == true);
  CHECK(facts["gather_subset"] == json::array({"all"}));
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  CHECK(facts["ansible_nodename"] == host);
}

TEST_CASE("setup with !all gathers only the minimal facts, and filter picks by pattern") {
  json min = run_module("setup", {{"gather_subset", "!all"}})["ansible_facts"];
  CHECK(min.contains("ansible_distribution"));
  CHECK(!min.contains("ansible_memtotal_mb"));
  CHECK(!min.contains("ansible_interfaces"));
  json network = run_module("setup", {{"gather_subset", {"!all", "network"}}})["ansible_facts"];
  CHECK(network.contains("ansible_interfaces"));
  CHECK(!network.contains("ansible_memtotal_mb"));
  json filtered = run_module("setup", {{"filter", "ansible_distribution*"}})["ansible_facts"];
  CHECK(filtered.contains("ansible_distribution"));
  CHECK(filtered.contains("ansible_distribution_version"));
  CHECK(!filtered.contains("ansible_hostname"));
}

TEST_CASE("gather_subset follows Ansible's rules: the minimal set always, !name only removes, fact ids select collectors") {
  auto facts = [](json subset) { return run_module("setup", {{"gather_subset", subset}})["ansible_facts"]; };
  // `!hardware` alone leaves the minimal set, not everything else (Ansible's get_collector_names)
  json no_hw = facts({"!hardware"});
  CHECK(no_hw.contains("ansible_hostname"));
  CHECK(!no_hw.contains("ansible_interfaces"));
  CHECK(!no_hw.contains("ansible_memtotal_mb"));
  // hardware without the minimal set still brings the platform facts it needs
  json hw = facts({"hardware", "!min"});
  CHECK(hw.contains("ansible_memtotal_mb"));
  CHECK(hw.contains("ansible_hostname"));
  CHECK(!hw.contains("ansible_date_time"));
  CHECK(!hw.contains("ansible_env"));
  // a fact id names its collector; excluding one minimal collector keeps the others
  json ifaces = facts({"!all", "interfaces", "!dns"});
  CHECK(ifaces.contains("ansible_interfaces"));
  CHECK(!ifaces.contains("ansible_dns"));
  CHECK(ifaces.contains("ansible_pkg_mgr"));
  // an unknown name to exclude is ignored, as Ansible ignores it
  CHECK(run_module("setup", {{"gather_subset", {"!bogus"}}})["failed"] != true);
  CHECK(facts({"!all", "!min"}).size() == 2);  // gather_subset and module_setup only
}

TEST_CASE("setup rejects an unknown subset") {
  json result = run_module("setup", {{"gather_subset", "gpu"}});
  CHECK(result["failed"] == true);
  CHECK(std::string(result["msg"]).starts_with("Bad subset 'gpu' given to Ansible. gather_subset options allowed: all, "
                                               "all_ipv4_addresses, all_ipv6_addresses, apparmor, architecture, caps,"));
}

TEST_CASE("setup answers in milliseconds, not seconds") {
  auto lines = serve({R"({"id": 1, "module": "setup"})", R"({"id": 2, "module": "setup"})"});
  auto start = std::chrono::steady_clock::now();
  lines = serve({R"({"id": 1, "module": "setup"})"});
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  REQUIRE(lines.size() == 2);
  CHECK(json::parse(lines[1])["result"]["ansible_facts"].contains("ansible_hostname"));
  MESSAGE("setup in serve mode took " << elapsed.count() << " ms (start-up included)");
  CHECK(elapsed.count() < 1000);
}

TEST_CASE("setup's default_ipv4 matches the default route when there is one") {
  json facts = run_module("setup", {{"gather_subset", {"!all", "network"}}})["ansible_facts"];
  const json& route = facts["ansible_default_ipv4"];
  if (route.empty()) {
    WARN_MESSAGE(false, "no default route on this machine: default_ipv4 is empty, nothing to compare");
    return;
  }
  CHECK(route.contains("interface"));
  CHECK(route.contains("gateway"));
  std::string interface = route["interface"];
  CHECK(std::find(facts["ansible_interfaces"].begin(), facts["ansible_interfaces"].end(), interface) !=
        facts["ansible_interfaces"].end());
  if (route.contains("address")) {
    CHECK(route.contains("netmask"));
    CHECK(std::find(facts["ansible_all_ipv4_addresses"].begin(), facts["ansible_all_ipv4_addresses"].end(),
                    route["address"]) != facts["ansible_all_ipv4_addresses"].end());
  }
}

TEST_CASE("setup reads local facts from fact_path: JSON, INI, executable, and an unreadable one as its error") {
  TempDir dir;
  write_text(dir / "app.fact", R"({"tier": "web", "ports": [80]})");
  write_text(dir / "conf.fact", "[main]\nName = one\ncolour: blue\n");
  write_text(dir / "gen.fact", "#!/bin/sh\necho '{\"from\": \"script\"}'\n");
  std::filesystem::permissions(dir / "gen.fact", std::filesystem::perms::owner_all);
  write_text(dir / "bad.fact", "neither\n");
  write_text(dir / "other.txt", "{}");
  json result = run_module("setup", {{"gather_subset", "!all"}, {"fact_path", dir.path().string()}});
  const json& local = result["ansible_facts"]["ansible_local"];
  CHECK(local["app"] == json({{"tier", "web"}, {"ports", {80}}}));
  CHECK(local["conf"] == json({{"main", {{"name", "one"}, {"colour", "blue"}}}}));
  CHECK(local["gen"] == json({{"from", "script"}}));
  CHECK(local["bad"] == "error loading facts as JSON or ini - please check content: " + (dir / "bad.fact"));
  CHECK(!local.contains("other"));
  CHECK(result["warnings"].size() == 1);
  // a missing fact_path is no error: no local facts
  CHECK(run_module("setup", {{"fact_path", dir / "none"}})["ansible_facts"]["ansible_local"] == json::object());
}

TEST_CASE("setup's hardware facts include block devices and Ansible's mount usage arithmetic") {
  json facts = run_module("setup", {{"gather_subset", {"!all", "hardware"}}})["ansible_facts"];
  CHECK(facts["ansible_devices"].is_object());
  CHECK(facts["ansible_device_links"].contains("uuids"));
  CHECK(facts["ansible_lvm"] == "N/A");
  for (const auto& mount : facts["ansible_mounts"])
    if (mount.contains("block_total"))
      CHECK(mount["block_used"].get<long long>() == mount["block_total"].get<long long>() - mount["block_available"].get<long long>());
  json proc = run_module("setup", {{"gather_subset", {"!all", "cmdline"}}})["ansible_facts"];
  CHECK(proc["ansible_proc_cmdline"].is_object());
}
