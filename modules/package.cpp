// package: the generic package module. It runs the module of the target's package manager (`use`,
// else the one Ansible's pkg_mgr fact would name, found the same way on the target) with the
// same arguments, as Ansible's package action does.
#include <array>

#include <unistd.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "name", .type = ArgType::raw, .required = Required::yes, .description = "Package name(s), as the package manager's module takes them."},
    ArgSpec{.name = "state", .required = Required::yes, .description = "present, absent or latest (the manager module's own states work too)."},
    ArgSpec{.name = "use", .default_value = "auto", .description = "The package manager module to use (apt, dnf, yum, apk); auto finds the target's."},
};

// Ansible's pkg_mgr fact, found the same way: the first of these managers installed.
std::string target_package_manager() {
  constexpr std::pair<const char*, const char*> k_managers[] = {
      {"/usr/bin/apt-get", "apt"}, {"/usr/bin/dnf", "dnf"}, {"/usr/bin/yum", "yum"}, {"/usr/bin/zypper", "zypper"},
      {"/usr/bin/pacman", "pacman"}, {"/sbin/apk", "apk"}, {"/usr/bin/emerge", "portage"}, {"/usr/sbin/pkg", "pkgng"},
  };
  for (const auto& [path, name] : k_managers)
    if (::access(path, X_OK) == 0) return name;
  return "unknown";
}

// Whether the module `entry` takes an argument named `key` (by its name or an alias).
bool accepts(const ModuleEntry* entry, const std::string& key) {
  if (!entry || !entry->doc) return false;
  for (const auto& arg : entry->doc->options) {
    if (arg.name == key) return true;
    for (const auto& alias : arg.aliases)
      if (alias == key) return true;
  }
  return false;
}

bool is_backend(const std::string& use) { return use == "apt" || use == "dnf" || use == "yum" || use == "apk"; }

}  // namespace

json run_package(const json& raw_args, const ModuleContext& ctx) {
  std::string use = raw_args.contains("use") && raw_args["use"].is_string() ? raw_args["use"].get<std::string>() : "auto";
  if (use == "auto") use = target_package_manager();
  const ModuleEntry* backend = is_backend(use) ? find_module(use) : nullptr;
  // The arguments the manager's module takes go to it; package checks the rest (its own three,
  // and anything neither knows, refused with package's list of arguments).
  json own = json::object();
  for (const auto& [key, value] : raw_args.items())
    if (key == "name" || key == "state" || key == "use" || !accepts(backend, key)) own[key] = value;
  json args = check_args(own, k_spec, "package");
  if (use == "unknown")
    throw ModuleFailure("Could not detect which package manager to use. Try gathering facts or setting the \"use\" option.");
  if (!backend) throw ModuleFailure("Could not find a module for " + use + ".");
  json forwarded = raw_args;
  forwarded.erase("use");
  return backend->run(forwarded, ctx);
}

namespace {
const std::array<ReturnDoc, 1> k_returns{{
    ReturnDoc{"changed", "bool", "always", "Whether the manager's module changed anything; every other field is that module's (apt, dnf, yum, apk)."},
}};
}  // namespace

const ModuleDoc package_doc{
    .description = "Installs, upgrades or removes packages with whatever package manager the target has, by running that "
                   "manager's module (apt, dnf, yum or apk) with the same arguments; the result is that module's.",
    .options = k_spec,
    .returns = k_returns,
    .example = "- ansible.builtin.package:\n    name: [git, curl]\n    state: present\n",
    .notes = "With use=auto the manager is found on the target, in the order Ansible's pkg_mgr fact uses, rather than "
             "from gathered facts: the result is the same and no facts are needed.",
};

}  // namespace drover::modules
