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

}  // namespace

json run_package(const json& raw_args, const ModuleContext& ctx) {
  // The manager module checks the other arguments: only `use` is package's own.
  json own = json::object();
  for (const char* name : {"name", "state", "use"})
    if (raw_args.contains(name)) own[name] = raw_args[name];
  json args = check_args(own, k_spec, "package");
  std::string use = arg_string(args, "use");
  if (use == "auto") use = target_package_manager();
  if (use == "unknown")
    throw ModuleFailure("Could not detect which package manager to use. Try gathering facts or setting the \"use\" option.");
  const ModuleEntry* entry = find_module(use == "yum4" ? "dnf" : use);
  if (!entry || (use != "apt" && use != "dnf" && use != "yum" && use != "yum4" && use != "apk"))
    throw ModuleFailure("Could not find a module for " + use + ".");
  json forwarded = raw_args;
  forwarded.erase("use");
  return entry->run(forwarded, ctx);
}

namespace {
const std::array<ReturnDoc, 0> k_returns{};
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
