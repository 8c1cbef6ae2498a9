// The present/absent/latest engine of the package modules that drive a simple command-line package
// manager (dnf, yum, apk): ask the tool which named packages are installed, then run one install,
// remove or upgrade command for the ones that differ. apt has its own module (modules/apt.cpp).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "modules/module.hpp"

namespace drover::modules {

struct PackageTool {
  std::string module;         // the module's name, for messages ("dnf")
  std::string executable;     // the tool's name looked up on the target ("dnf")
  std::string family;         // the systems it belongs to, for the error when it is missing
  // The argv (after the tool) that installs, removes, upgrades the packages; the names follow.
  std::vector<std::string> install, remove, upgrade;
  // Whether `name` is installed (e.g. rpm -q, apk info -e).
  std::function<bool(const std::string& name)> installed;
  // Whether upgrading `name` would change it (nothing to ask: assume it would, and let the
  // tool's own output decide `changed` through `nothing_done`).
  std::function<bool(const std::string& name)> upgradable;
  // The tool's output when a command changed nothing.
  std::vector<std::string> nothing_done;
};

// The tool's full path on the target; throws ModuleFailure naming the tool and the systems it
// belongs to when it is not there.
std::string require_tool(const PackageTool& tool);

// Brings `names` to `state` (present/installed, absent/removed, latest) with `tool`: the result
// has changed, results (one line per package, as Ansible's yum/dnf), msg, rc, stdout, stderr and
// the packages acted on. In check mode only the decision is made.
json converge_packages(const PackageTool& tool, const std::vector<std::string>& names, const std::string& state,
                       const ModuleContext& ctx);

// A list argument's items as strings (numbers written as JSON writes them).
std::vector<std::string> string_items(const json& list);

}  // namespace drover::modules
