// setup: facts with Ansible's names, gathered natively (files and system calls, no processes).
#include <array>
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
    ArgSpec{.name = "fact_path", .type = ArgType::path, .default_value = "/etc/ansible/facts.d", .description = "Where local facts (*.fact files) are read from. drover does not read them yet (ansible_local is {})."},
};

struct Collector {
  std::string_view name;
  std::string_view subset;  // "min" collectors always run unless "!min"; others by subset name
  void (*collect)(json& facts);
};

// One row per collector, in gathering order.
constexpr std::array k_collectors{
    Collector{"platform", "min", facts::collect_platform},
    Collector{"distribution", "min", facts::collect_distribution},
    Collector{"date_time", "min", facts::collect_date_time},
    Collector{"env", "min", facts::collect_env},
    Collector{"user", "min", facts::collect_user},
    Collector{"system", "min", facts::collect_system},
    Collector{"hardware", "hardware", facts::collect_hardware},
    Collector{"network", "network", facts::collect_network},
    Collector{"virtual", "virtual", facts::collect_virtual},
};

bool known_subset(const std::string& name) {
  if (name == "all" || name == "min" || name == "facter" || name == "ohai") return true;
  for (const auto& collector : k_collectors)
    if (collector.name == name || collector.subset == name) return true;
  return false;
}

[[noreturn]] void bad_subset(const std::string& name) {
  std::string allowed = "all, min";
  for (const auto& collector : k_collectors) allowed += ", " + std::string(collector.name);
  throw ModuleFailure("Bad subset '" + name + "' given to Ansible. gather_subset options allowed: " + allowed);
}

// Ansible's gather_subset rules: "min" always, "all" (the default when nothing positive is
// named) adds the rest, "!name" removes; "!all" leaves min, "!all,!min" leaves nothing.
std::set<std::string> selected_collectors(const json& subsets) {
  std::set<std::string> include, exclude;
  bool include_all = false, exclude_all = false, exclude_min = false;
  for (const auto& item : subsets) {
    std::string name = item.is_string() ? item.get<std::string>() : item.dump();
    bool negated = name.starts_with("!");
    if (negated) name = name.substr(1);
    if (!known_subset(name)) bad_subset(name);
    if (name == "all") (negated ? exclude_all : include_all) = true;
    else if (name == "min" && negated) exclude_min = true;
    else if (name != "min") (negated ? exclude : include).insert(name);
  }
  if (include.empty() && !exclude_all) include_all = true;
  std::set<std::string> selected;
  for (const auto& collector : k_collectors) {
    std::string name(collector.name), subset(collector.subset);
    bool wanted = (subset == "min" && !exclude_min) || include_all || include.count(name) || include.count(subset);
    if (wanted && !exclude.count(name) && !exclude.count(subset)) selected.insert(name);
  }
  return selected;
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
  json gathered = json::object();
  for (const auto& collector : k_collectors)
    if (selected.count(std::string(collector.name))) collector.collect(gathered);
  json facts = json::object();
  for (auto& [name, value] : gathered.items()) {
    std::string prefixed = "ansible_" + name;
    if (matches_filter(prefixed, args["filter"])) facts[prefixed] = value;
  }
  facts["gather_subset"] = args["gather_subset"];
  facts["module_setup"] = true;
  return {{"ansible_facts", facts}, {"changed", false}};
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
