// dnf and yum: present/absent/latest for RPM packages with the target's dnf (or yum), deciding
// from `rpm -q` what is installed. Ansible's yum/dnf modules speak to the package manager's Python
// API; the runner drives the commands, and covers the states, not the long tail of options.
#include <array>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/package_tool.hpp"
#include "modules/util/process.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "name", .type = ArgType::list, .default_value = json::array(), .aliases = {"pkg"}, .description = "Package names (name, name-version, or a path or URL to an .rpm)."},
    ArgSpec{.name = "state", .choices = {"absent", "installed", "latest", "present", "removed"}, .description = "present/installed (the default), absent/removed, latest."},
    ArgSpec{.name = "update_cache", .type = ArgType::boolean, .default_value = false, .aliases = {"expire-cache"}, .description = "Refresh the metadata first (makecache)."},
    ArgSpec{.name = "disable_gpg_check", .type = ArgType::boolean, .default_value = false, .description = "Install without checking signatures (--nogpgcheck)."},
    ArgSpec{.name = "enablerepo", .type = ArgType::list, .default_value = json::array(), .description = "Repositories to enable for this call."},
    ArgSpec{.name = "disablerepo", .type = ArgType::list, .default_value = json::array(), .description = "Repositories to disable for this call."},
};

bool rpm_installed(const std::string& name) {
  return run_process({.argv = {"rpm", "-q", "--whatprovides", name}}).rc == 0;
}

json run_rpm_tool(const json& raw_args, const ModuleContext& ctx, const char* module) {
  json args = check_args(raw_args, k_spec, module);
  PackageTool tool;
  tool.module = module;
  tool.executable = module;
  tool.family = "Fedora, RHEL and other RPM-based";
  std::vector<std::string> options = {"-y"};
  if (arg_bool(args, "disable_gpg_check")) options.push_back("--nogpgcheck");
  for (const auto& repo : string_items(args["enablerepo"])) options.push_back("--enablerepo=" + repo);
  for (const auto& repo : string_items(args["disablerepo"])) options.push_back("--disablerepo=" + repo);
  auto with = [&](const char* verb) {
    std::vector<std::string> argv = options;
    argv.emplace_back(verb);
    return argv;
  };
  tool.install = with("install");
  tool.remove = with("remove");
  tool.upgrade = with(std::string(module) == "dnf" ? "upgrade" : "update");
  tool.installed = rpm_installed;
  tool.nothing_done = {"Nothing to do", "No packages marked for update"};
  std::string path = require_tool(tool);
  if (arg_bool(args, "update_cache") && !ctx.checking()) run_process({.argv = {path, "-y", "makecache"}});
  std::string state = arg_string(args, "state");
  if (state.empty()) state = "present";
  return converge_packages(tool, string_items(args["name"]), state, ctx);
}

const std::array<ReturnDoc, 3> k_returns{{
    ReturnDoc{"results", "list", "always", "One line per package: what was (or would be) done."},
    ReturnDoc{"rc", "int", "always", "The tool's exit status (0 when it did not run)."},
    ReturnDoc{"packages", "list", "on change", "The packages acted on."},
}};

}  // namespace

json run_dnf(const json& args, const ModuleContext& ctx) { return run_rpm_tool(args, ctx, "dnf"); }
json run_yum(const json& args, const ModuleContext& ctx) { return run_rpm_tool(args, ctx, "yum"); }

const ModuleDoc dnf_doc{
    .description = "Installs, upgrades and removes RPM packages with the target's dnf: rpm -q says what is installed, "
                   "one dnf install/upgrade/remove call changes what differs.",
    .options = k_spec,
    .returns = k_returns,
    .example = "- ansible.builtin.dnf:\n    name: [httpd, mod_ssl]\n    state: latest\n",
    .notes = "Drover covers name, state, update_cache, disable_gpg_check, enablerepo and disablerepo; groups (@name), "
             "modules, security/bugfix filters and the other options of Ansible's dnf are not implemented. state=latest "
             "always asks dnf and reports no change when dnf has nothing to do. Fails clearly where dnf is not installed.",
};

const ModuleDoc yum_doc{
    .description = "Installs, upgrades and removes RPM packages with the target's yum: rpm -q says what is installed, "
                   "one yum install/update/remove call changes what differs.",
    .options = k_spec,
    .returns = k_returns,
    .example = "- ansible.builtin.yum:\n    name: httpd\n    state: present\n",
    .notes = "The same subset as drover's dnf; fails clearly where yum is not installed.",
};

}  // namespace drover::modules
