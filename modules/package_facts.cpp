// package_facts: the installed packages as ansible_facts.packages, {name: [{name, version, ...,
// source}]}, read with the target's package tools (dpkg-query for apt, rpm, apk) where Ansible
// uses the Python bindings of apt and rpm.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "manager", .type = ArgType::list, .default_value = json::array({"auto"}), .description = "The package managers to ask: auto (each usable one, in Ansible's order), apt, rpm, apk (portage, pkg, pacman and pkg_info are known names drover cannot read)."},
    ArgSpec{.name = "strategy", .default_value = "first", .choices = {"first", "all"}, .description = "first: the first usable manager's packages; all: every usable manager's."},
};

bool on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
  return false;
}

std::string run_lister(const std::vector<std::string>& argv) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.environment = {{"LC_ALL", "C"}};
  ProcessResult p = run_process(spec);
  if (p.rc != 0 || p.start_failure != StartFailure::none)
    throw ModuleFailure("Unable to list packages rc=" + std::to_string(p.rc) + " : " + p.stderr_text + p.error);
  return p.stdout_text;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream fields(line);
  for (std::string f; std::getline(fields, f, '\t');) out.push_back(f);
  return out;
}

std::string native_arch() {
  static const std::string arch = trim(run_lister({"dpkg", "--print-architecture"}));
  return arch;
}

// apt: the installed packages (dpkg's status "ii"/"hi"... with the package installed), named as
// python-apt's cache names them (NAME, NAME:ARCH for a foreign architecture).
std::vector<json> apt_packages() {
  std::string out = run_lister({"dpkg-query", "-W", "-f", "${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\t${Section}\n"});
  std::vector<json> packages;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    auto f = split_tabs(line);
    if (f.size() < 5 || f[0] != "installed") continue;
    std::string name = f[1];
    if (f[3] != "all" && f[3] != native_arch()) name += ":" + f[3];
    packages.push_back({{"name", name}, {"version", f[2]}, {"arch", f[3]}, {"category", f[4]}, {"source", "apt"}});
  }
  return packages;
}

std::vector<json> rpm_packages() {
  std::string out = run_lister({"rpm", "-qa", "--queryformat", "%{NAME}\t%{VERSION}\t%{RELEASE}\t%{EPOCHNUM}\t%{EPOCH}\t%{ARCH}\n"});
  std::vector<json> packages;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    auto f = split_tabs(line);
    if (f.size() < 6) continue;
    json epoch = f[4] == "(none)" ? json(nullptr) : json(std::atoll(f[4].c_str()));
    packages.push_back({{"name", f[0]}, {"version", f[1]}, {"release", f[2]}, {"epoch", epoch}, {"arch", f[5]}, {"source", "rpm"}});
  }
  return packages;
}

std::vector<json> apk_packages() {
  std::string out = run_lister({"apk", "info", "-v"});
  std::vector<json> packages;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    // NAME-VERSION-RELEASE, split from the right as Ansible does
    auto last = line.rfind('-');
    auto middle = last == std::string::npos || last == 0 ? std::string::npos : line.rfind('-', last - 1);
    if (middle == std::string::npos) packages.push_back({{"name", line}, {"version", ""}, {"release", ""}, {"source", "apk"}});
    else
      packages.push_back({{"name", line.substr(0, middle)}, {"version", line.substr(middle + 1, last - middle - 1)},
                          {"release", line.substr(last + 1)}, {"source", "apk"}});
  }
  return packages;
}

struct Manager {
  std::string_view name;
  std::string_view tool;  // on PATH when usable; empty: drover cannot read this manager
  std::vector<json> (*list)();
};

// Ansible's get_all_pkg_managers order (the module's classes, as listed in the module).
const std::array<Manager, 7> k_managers{{
    {"rpm", "rpm", rpm_packages},
    {"apt", "dpkg-query", apt_packages},
    {"portage", "", nullptr},
    {"pkg", "", nullptr},
    {"pacman", "", nullptr},
    {"apk", "apk", apk_packages},
    {"pkg_info", "", nullptr},
}};

const Manager* manager_named(const std::string& name) {
  for (const auto& m : k_managers)
    if (m.name == name) return &m;
  return nullptr;
}

}  // namespace

json run_package_facts(const json& raw_args, const ModuleContext&) {
  json args = check_args(raw_args, k_spec, "package_facts");
  const bool first = arg_string(args, "strategy") == "first";
  std::vector<std::string> asked, managers;
  for (const auto& item : args["manager"]) {
    std::string name = item.is_string() ? item.get<std::string>() : item.dump();
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    asked.push_back(name);
  }
  managers = asked;
  if (auto autod = std::find(managers.begin(), managers.end(), "auto"); autod != managers.end()) {
    managers.erase(autod);
    for (const auto& m : k_managers)
      if (!m.name.empty()) managers.emplace_back(m.name);
  }
  std::string unsupported;
  for (const auto& name : managers)
    if (!manager_named(name)) unsupported += (unsupported.empty() ? "" : ", ") + name;
  if (!unsupported.empty()) throw ModuleFailure("Unsupported package managers requested: " + unsupported);

  json packages = json::object();
  json warnings = json::array();
  int found = 0;
  std::set<std::string> seen;
  for (const auto& name : managers) {
    if (found && first) break;
    if (!seen.insert(name).second) continue;
    const Manager* m = manager_named(name);
    const bool requested = std::find(asked.begin(), asked.end(), name) != asked.end();
    if (m->tool.empty() || !on_path(std::string(m->tool))) {
      if (requested && m->tool.empty()) warnings.push_back("Requested package manager " + name + " is not supported by drover");
      continue;
    }
    try {
      for (auto& package : m->list()) {
        std::string key = package["name"];
        packages[key].push_back(std::move(package));
      }
      ++found;
    } catch (const ModuleFailure& failure) {
      if (requested) warnings.push_back("Failed to retrieve packages with " + name + ": " + failure.what());
    }
  }
  if (found == 0) {
    std::string list;
    for (const auto& name : managers) list += std::string(list.empty() ? "" : ", ") + "'" + name + "'";
    json fields = warnings.empty() ? json::object() : json{{"warnings", warnings}};
    throw ModuleFailure("Could not detect a supported package manager from the following list: [" + list +
                            "], or the required Python library is not installed. Check warnings for details.",
                        fields);
  }
  json result = {{"changed", false}, {"ansible_facts", {{"packages", packages}}}};
  if (!warnings.empty()) result["warnings"] = warnings;
  return result;
}

namespace {
const std::array<ReturnDoc, 1> k_returns{{
    ReturnDoc{"ansible_facts.packages", "dict", "always", "Package name -> list of its installed versions: {name, version, source; apt: arch, category; rpm: release, epoch, arch; apk: release}."},
}};
}  // namespace

const ModuleDoc package_facts_doc{
    .description = "Gathers the installed packages as facts (ansible_facts.packages), from dpkg (apt), rpm or apk.",
    .options = k_spec,
    .returns = k_returns,
    .example = "- ansible.builtin.package_facts:\n- ansible.builtin.debug:\n    msg: \"nginx {{ ansible_facts.packages['nginx'][0].version }}\"\n  when: \"'nginx' in ansible_facts.packages\"\n",
    .notes = "apt packages come from dpkg-query, not python-apt: they have no `origin` field.",
};

}  // namespace drover::modules
