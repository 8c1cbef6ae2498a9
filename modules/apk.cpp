// apk (community.general.apk): present/absent/latest for Alpine packages with the target's apk,
// deciding from `apk info -e` what is installed.
#include <array>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/package_tool.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "name", .type = ArgType::list, .description = "Package names."},
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "installed", "latest", "present", "removed"}, .description = "present/installed, absent/removed, latest."},
    ArgSpec{.name = "update_cache", .type = ArgType::boolean, .default_value = false, .description = "Run apk update first."},
    ArgSpec{.name = "upgrade", .type = ArgType::boolean, .default_value = false, .description = "Upgrade every installed package (apk upgrade)."},
    ArgSpec{.name = "no_cache", .type = ArgType::boolean, .default_value = false, .description = "Do not use the local cache (--no-cache)."},
    ArgSpec{.name = "repository", .type = ArgType::list, .description = "Repositories to use (--repository)."},
    ArgSpec{.name = "available", .type = ArgType::boolean, .default_value = false, .description = "With latest or upgrade, also replace or downgrade to what the repositories have (--available)."},
    ArgSpec{.name = "world", .default_value = "/etc/apk/world", .description = "The world file (accepted for compatibility)."},
};

}  // namespace

json run_apk(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "apk");
  if (is_set(args, "name") && arg_bool(args, "upgrade")) throw ModuleFailure("parameters are mutually exclusive: name|upgrade");
  PackageTool tool;
  tool.module = "apk";
  tool.executable = "apk";
  tool.family = "Alpine Linux";
  std::vector<std::string> options;
  if (arg_bool(args, "no_cache")) options.emplace_back("--no-cache");
  if (is_set(args, "repository"))
    for (const auto& repo : string_items(args["repository"])) options.push_back("--repository=" + repo);
  auto with = [&](std::vector<std::string> verb) {
    std::vector<std::string> argv = std::move(verb);
    argv.insert(argv.end(), options.begin(), options.end());
    return argv;
  };
  tool.install = with({"add"});
  tool.remove = with({"del"});
  tool.upgrade = arg_bool(args, "available") ? with({"add", "--upgrade", "--available"}) : with({"add", "--upgrade"});
  tool.installed = [](const std::string& name) { return run_process({.argv = {"apk", "info", "-e", name}}).rc == 0; };
  tool.nothing_done = {};
  std::string path = require_tool(tool);
  bool name_given = is_set(args, "name") && !args["name"].empty();
  if (!name_given && !arg_bool(args, "update_cache") && !arg_bool(args, "upgrade"))
    throw ModuleFailure("one of the following is required: name, update_cache, upgrade");
  if (arg_bool(args, "update_cache") && !ctx.checking()) {
    ProcessResult r = run_process({.argv = {path, "update"}});
    if (r.rc != 0) throw ModuleFailure("could not update package db", {{"stdout", r.stdout_text}, {"stderr", r.stderr_text}});
    if (!name_given && !arg_bool(args, "upgrade")) return {{"changed", true}, {"msg", "updated repository indexes"}};
  }
  if (arg_bool(args, "upgrade")) {
    std::vector<std::string> argv = {path, "upgrade"};
    if (ctx.checking()) argv.emplace_back("--simulate");
    if (arg_bool(args, "available")) argv.emplace_back("--available");
    argv.insert(argv.end(), options.begin(), options.end());
    ProcessResult r = run_process({.argv = argv});
    if (r.rc != 0) throw ModuleFailure("failed to upgrade packages", {{"stdout", r.stdout_text}, {"stderr", r.stderr_text}});
    bool changed = r.stdout_text.find("Upgrading") != std::string::npos || r.stdout_text.find("Installing") != std::string::npos;
    return {{"changed", changed}, {"msg", changed ? "upgraded packages" : "packages already upgraded"}, {"stdout", r.stdout_text}, {"stderr", r.stderr_text}};
  }
  return converge_packages(tool, string_items(args["name"]), arg_string(args, "state"), ctx);
}

namespace {
const std::array<ReturnDoc, 2> k_returns{{
    ReturnDoc{"packages", "list", "on change", "The packages acted on."},
    ReturnDoc{"results", "list", "always", "One line per package: what was (or would be) done."},
}};
}  // namespace

const ModuleDoc apk_doc{
    .description = "Installs, upgrades and removes Alpine packages with the target's apk (community.general.apk): apk info -e "
                   "says what is installed, one apk add/del call changes what differs; update_cache and upgrade run apk "
                   "update and apk upgrade.",
    .options = k_spec,
    .returns = k_returns,
    .example = "- community.general.apk:\n    name: [nginx, curl]\n    update_cache: true\n",
    .notes = "state=latest always runs apk add --upgrade for the named packages and reports a change. Fails clearly where "
             "apk is not installed.",
};

}  // namespace drover::modules
