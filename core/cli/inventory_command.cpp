#include "core/cli/inventory_command.hpp"

#include <iostream>
#include <optional>

#include "core/error.hpp"
#include "core/inventory/inventory.hpp"
#include "core/value/json.hpp"

namespace drover::cli {

namespace {

constexpr const char* k_usage =
    "usage: drover inventory [-i INVENTORY]... [--playbook-dir DIR] (--list | --graph [GROUP] | --host HOST)\n";

struct InventoryArgs {
  std::vector<std::string> sources;
  std::vector<std::string> playbook_dirs;
  std::string action;  // list, graph, host
  std::string target;  // graph group or host
};

// Returns an error message on bad usage.
std::optional<std::string> parse_args(const std::vector<std::string>& args, InventoryArgs& a) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string& into) -> bool {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    std::string v;
    if (arg == "-i" || arg == "--inventory" || arg == "--inventory-file") {
      if (!value(v)) return arg + " needs a value";
      a.sources.push_back(v);
    } else if (arg.rfind("--inventory=", 0) == 0) {
      a.sources.push_back(arg.substr(12));
    } else if (arg == "--playbook-dir") {
      if (!value(v)) return arg + " needs a value";
      a.playbook_dirs.push_back(v);
    } else if (arg == "--list" || arg == "--graph" || arg == "--host") {
      if (!a.action.empty()) return "Conflicting options used, only one of --host, --graph or --list can be used at the same time.";
      a.action = arg.substr(2);
      if (arg == "--host" && !value(a.target)) return "--host needs a host name";
    } else if (!arg.empty() && arg[0] != '-' && a.action == "graph" && a.target.empty()) {
      a.target = arg;
    } else {
      return "unrecognized argument: " + arg;
    }
  }
  if (a.action.empty()) return "No action selected, at least one of --host, --graph or --list needs to be specified.";
  return std::nullopt;
}

}  // namespace

int run_inventory_command(const std::vector<std::string>& args, const Plugins& plugins, std::ostream& out,
                          std::ostream& err) {
  InventoryArgs a;
  if (auto problem = parse_args(args, a)) {
    err << k_usage << "ERROR! " << *problem << "\n";
    return static_cast<int>(ExitCode::bad_options);
  }
  try {
    auto inv = inventory::Inventory::load(a.sources, plugins.inventory_sources);
    for (const auto& d : a.playbook_dirs) inv.add_vars_dir(d);
    JsonStyle style{4, true, false};
    if (a.action == "list") {
      out << dump_json(inv.list_json(), style) << "\n";
    } else if (a.action == "graph") {
      out << inv.graph(a.target.empty() ? "all" : a.target);
    } else {
      auto hosts = inv.select(a.target);
      if (hosts.size() != 1) throw Fatal("You must pass a single valid host to --host parameter");
      out << dump_json(inv.host_json(hosts[0]->name), style) << "\n";
    }
  } catch (const Fatal& e) {
    err << "ERROR! " << e.what() << "\n";
    return static_cast<int>(e.code());
  }
  return 0;
}

int run_inventory_command(const std::vector<std::string>& args, const Plugins& plugins) {
  return run_inventory_command(args, plugins, std::cout, std::cerr);
}

}  // namespace drover::cli
