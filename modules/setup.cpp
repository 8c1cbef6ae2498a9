// setup: facts with Ansible's names, gathered natively (files and system calls, no processes).
#include <algorithm>
#include <array>
#include <string>
#include <vector>
#include <set>

#include <fnmatch.h>

#include "modules/facts/collectors.hpp"
#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "gather_subset", .type = ArgType::list, .default_value = json::array({"all"}), .description = "Which facts to gather: all, min, hardware, network, virtual... or !name to leave some out."},
    ArgSpec{.name = "gather_timeout", .type = ArgType::integer, .default_value = 10, .description = "Seconds a fact collector may take."},
    ArgSpec{.name = "filter", .type = ArgType::list, .default_value = json::array(), .description = "Only return facts whose names match these shell-style patterns."},
    ArgSpec{.name = "fact_path", .type = ArgType::path, .default_value = "/etc/ansible/facts.d", .description = "Where local facts (*.fact files) are read from: each becomes ansible_local.NAME, the output of the file when it is executable, else its content, parsed as JSON or else as INI."},
};

// drover's collectors: each gathers a group of facts (bare names, without `ansible_`).
struct Collector {
  std::string_view name;
  void (*collect)(json& facts);
};

constexpr std::array k_collectors{
    Collector{"platform", facts::collect_platform},
    Collector{"distribution", facts::collect_distribution},
    Collector{"date_time", facts::collect_date_time},
    Collector{"env", facts::collect_env},
    Collector{"user", facts::collect_user},
    Collector{"system", facts::collect_system},
    Collector{"hardware", facts::collect_hardware},
    Collector{"network", facts::collect_network},
    Collector{"virtual", facts::collect_virtual},
};

// Ansible's fact collectors as gather_subset names them: the drover collector that gathers their
// facts ("" for none: facter, ohai, python...), which of its facts are theirs (fnmatch patterns
// on bare names), whether they are in the minimal set, the other names that select them (their
// fact ids) and the collectors they need (whose facts they bring along, as in Ansible).
struct AnsibleCollector {
  std::string_view name;
  std::string_view drover;
  std::vector<std::string_view> facts;
  bool minimal;
  std::vector<std::string_view> ids;
  std::vector<std::string_view> requires_;
};

const std::vector<AnsibleCollector>& ansible_collectors() {
  static const std::vector<AnsibleCollector> k_table = {
      {"apparmor", "system", {"apparmor"}, true, {}, {}},
      {"caps", "system", {"system_capabilities*"}, true, {"system_capabilities", "system_capabilities_enforced"}, {}},
      {"chroot", "system", {"is_chroot"}, false, {"is_chroot"}, {}},
      {"cmdline", "system", {"cmdline", "proc_cmdline"}, true, {}, {}},
      {"date_time", "date_time", {"*"}, true, {}, {}},
      {"distribution", "distribution", {"distribution*", "os_family"}, true,
       {"distribution_version", "distribution_release", "distribution_major_version", "os_family"}, {}},
      {"dns", "system", {"dns"}, true, {}, {}},
      {"env", "env", {"*"}, true, {}, {}},
      {"facter", "", {}, false, {}, {}},
      {"fibre_channel_wwn", "system", {"fibre_channel_wwn"}, false, {}, {}},
      {"fips", "system", {"fips"}, true, {}, {}},
      {"hardware", "hardware", {"*"}, false, {"processor", "processor_cores", "processor_count", "mounts", "devices", "loadavg"},
       {"platform"}},
      {"iscsi", "system", {"iscsi_iqn"}, false, {}, {}},
      {"local", "system", {"local"}, true, {}, {}},
      {"lsb", "distribution", {"lsb"}, true, {}, {}},
      {"network", "network", {"*"}, false,
       {"interfaces", "default_ipv4", "default_ipv6", "all_ipv4_addresses", "all_ipv6_addresses"}, {"distribution", "platform"}},
      {"nvme", "system", {"hostnqn"}, false, {}, {}},
      {"ohai", "", {}, false, {}, {}},
      {"pkg_mgr", "system", {"pkg_mgr"}, true, {}, {}},
      {"platform", "platform", {"*"}, true,
       {"system", "kernel", "kernel_version", "machine", "python_version", "architecture", "machine_id"}, {}},
      {"python", "", {}, true, {}, {}},
      {"selinux", "system", {"selinux*"}, true, {}, {}},
      {"service_mgr", "system", {"service_mgr"}, true, {}, {}},
      {"ssh_pub_keys", "system", {"ssh_host_key_*"}, true,
       {"ssh_host_pub_keys", "ssh_host_key_dsa_public", "ssh_host_key_rsa_public", "ssh_host_key_ecdsa_public",
        "ssh_host_key_ed25519_public"},
       {}},
      {"user", "user", {"*"}, true,
       {"user_id", "user_uid", "user_gid", "user_gecos", "user_dir", "user_shell", "real_user_id", "effective_user_id",
        "effective_group_ids"},
       {}},
      {"virtual", "virtual", {"*"}, false,
       {"virtualization_type", "virtualization_role", "virtualization_tech_guest", "virtualization_tech_host"}, {}},
  };
  return k_table;
}

const AnsibleCollector* ansible_collector(std::string_view name) {
  for (const auto& c : ansible_collectors())
    if (c.name == name) return &c;
  return nullptr;
}

// The collector names a gather_subset word stands for: its own name or a fact id's collector.
std::set<std::string> collectors_named(std::string_view word) {
  std::set<std::string> out;
  for (const auto& c : ansible_collectors())
    if (c.name == word || std::find(c.ids.begin(), c.ids.end(), word) != c.ids.end()) out.insert(std::string(c.name));
  return out;
}

[[noreturn]] void bad_subset(const std::string& name) {
  std::set<std::string> valid;
  for (const auto& c : ansible_collectors()) {
    valid.insert(std::string(c.name));
    for (auto id : c.ids) valid.insert(std::string(id));
  }
  std::string allowed;
  for (const auto& v : valid) allowed += ", " + v;
  throw ModuleFailure("Bad subset '" + name + "' given to Ansible. gather_subset options allowed: all" + allowed);
}

// Ansible's get_collector_names: the minimal set always starts it; `all` adds every collector,
// `!all` removes all but the minimal ones, `!min` the minimal ones, `!name` that collector
// (an unknown one is ignored), `name` adds it (an unknown one is an error); what is named
// explicitly stays even when also excluded. The collectors those need come along.
std::set<std::string> selected_collectors(const json& subsets) {
  std::set<std::string> all, minimal, add, exclude, explicit_add;
  for (const auto& c : ansible_collectors()) {
    all.insert(std::string(c.name));
    if (c.minimal) minimal.insert(std::string(c.name));
  }
  add = minimal;
  for (const auto& item : subsets) {
    std::string word = item.is_string() ? item.get<std::string>() : item.dump();
    if (word == "min") continue;
    if (word == "all") {
      add.insert(all.begin(), all.end());
      continue;
    }
    if (word.starts_with("!")) {
      word.erase(0, 1);
      if (word == "min") exclude.insert(minimal.begin(), minimal.end());
      else if (word == "all")
        for (const auto& n : all) {
          if (!minimal.count(n)) exclude.insert(n);
        }
      else {
        auto named = collectors_named(word);
        exclude.insert(named.begin(), named.end());
      }
      continue;
    }
    auto named = collectors_named(word);
    if (named.empty()) bad_subset(word);
    add.insert(named.begin(), named.end());
    explicit_add.insert(named.begin(), named.end());
  }
  std::set<std::string> selected;
  for (const auto& n : add)
    if (!exclude.count(n) || explicit_add.count(n)) selected.insert(n);
  std::set<std::string> required;
  for (const auto& n : selected)
    for (auto r : ansible_collector(n)->requires_) required.insert(std::string(r));
  selected.insert(required.begin(), required.end());
  return selected;
}

bool fnmatches(std::string_view pattern, const std::string& name) {
  return ::fnmatch(std::string(pattern).c_str(), name.c_str(), 0) == 0;
}

// Whether a fact (bare name) of drover collector `drover` is one a selected collector gathers:
// one whose patterns match it, or, for a fact no collector of that drover collector claims, any.
bool fact_selected(const std::string& drover, const std::string& fact, const std::set<std::string>& selected) {
  bool claimed = false;
  for (const auto& c : ansible_collectors()) {
    if (c.drover != drover) continue;
    bool mine = std::any_of(c.facts.begin(), c.facts.end(), [&](std::string_view p) { return fnmatches(p, fact); });
    if (!mine) continue;
    if (selected.count(std::string(c.name))) return true;
    claimed = true;
  }
  return !claimed;
}

bool matches_filter(const std::string& name, const json& filters) {
  if (filters.empty()) return true;
  for (const auto& pattern : filters) {
    std::string text = pattern.get<std::string>();
    if (text.empty() || ::fnmatch(text.c_str(), name.c_str(), 0) == 0 ||
        ::fnmatch(text.c_str(), name.substr(8).c_str(), 0) == 0)
      return true;
  }
  return false;
}

}  // namespace

json run_setup(const json& raw_args, const ModuleContext&) {
  json args = check_args(raw_args, k_spec, "setup");
  std::set<std::string> selected = selected_collectors(args["gather_subset"]);
  json facts = json::object();
  for (const auto& collector : k_collectors) {
    const std::string name(collector.name);
    const bool wanted = std::any_of(ansible_collectors().begin(), ansible_collectors().end(), [&](const auto& c) {
      return c.drover == collector.name && selected.count(std::string(c.name));
    });
    if (!wanted) continue;
    json gathered = json::object();
    collector.collect(gathered);
    for (auto& [fact, value] : gathered.items()) {
      std::string prefixed = "ansible_" + fact;
      if (fact_selected(name, fact, selected) && matches_filter(prefixed, args["filter"])) facts[prefixed] = value;
    }
  }
  json warnings = json::array();
  if (selected.count("local") && matches_filter("ansible_local", args["filter"]))
    facts["ansible_local"] = facts::local_facts(arg_string(args, "fact_path"), warnings);
  facts["gather_subset"] = args["gather_subset"];
  facts["module_setup"] = true;
  json result = {{"ansible_facts", facts}, {"changed", false}};
  if (!warnings.empty()) result["warnings"] = warnings;
  return result;
}

namespace {
const std::array<ReturnDoc, 1> k_setup_returns{{
    ReturnDoc{"ansible_facts", "dict", "always", "The facts, without their ansible_ prefix."},
}};
}  // namespace

const ModuleDoc setup_doc{
    .description = "Gathers facts about the target (distribution, hardware, network, date and time...) as ansible_* variables. Plays run it first unless gather_facts is false.",
    .options = k_spec,
    .returns = k_setup_returns,
    .example = "- name: Only the network facts\n  ansible.builtin.setup:\n    gather_subset: [network]\n",
};

}  // namespace drover::modules
