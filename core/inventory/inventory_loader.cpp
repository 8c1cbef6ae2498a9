// Inventory::load: which of the given plugins reads which source, directories, default sources,
// and the group_vars/host_vars beside each source.
#include <algorithm>
#include <filesystem>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "core/inventory/inventory.hpp"

namespace drover::inventory {

namespace fs = std::filesystem;

namespace {

// Ansible's INVENTORY_IGNORE_EXTS (REJECT_EXTS + .orig .ini .cfg .retry) and the names a
// directory walk always skips.
bool ignored_in_directory(const std::string& name) {
  static const char* const k_exts[] = {".pyc", ".pyo", ".swp", ".bak", "~",    ".rpm",  ".md",
                                       ".txt", ".rst", ".orig", ".ini", ".cfg", ".retry"};
  if (name.empty() || name[0] == '.') return true;
  if (name == "host_vars" || name == "group_vars" || name == "vars_plugins") return true;
  for (const char* e : k_exts) {
    std::string_view ext(e);
    if (name.size() >= ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) return true;
  }
  return false;
}

void parse_source(Inventory& inv, const std::string& source, InventoryPlugins plugins);

void parse_directory(Inventory& inv, const fs::path& dir, InventoryPlugins plugins) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  for (const auto& n : names)
    if (!ignored_in_directory(n)) parse_source(inv, (dir / n).string(), plugins);
}

void parse_source(Inventory& inv, const std::string& source, InventoryPlugins plugins) {
  std::error_code ec;
  if (fs::is_directory(source, ec)) return parse_directory(inv, source, plugins);
  for (const auto& plugin : plugins) {
    if (!plugin.accepts(source)) continue;
    bool is_path = fs::exists(source, ec);
    inv.set_current_source(is_path ? fs::absolute(source).lexically_normal().string() : "");
    plugin.parse(inv, source);
    inv.set_current_source("");
    return;
  }
  throw Fatal("Unable to parse " + source + " as an inventory source: no such file or directory",
              ExitCode::error);
}

std::vector<std::string> default_sources() {
  auto cfg = config::Config::load();
  std::vector<std::string> out = cfg.get_list("defaults.inventory");
  if (!out.empty()) return out;
  std::error_code ec;
  if (fs::exists("/etc/ansible/hosts", ec)) return {"/etc/ansible/hosts"};
  return {};
}

}  // namespace

Inventory Inventory::load(const std::vector<std::string>& given, InventoryPlugins plugins) {
  std::vector<std::string> sources = given.empty() ? default_sources() : given;
  Inventory inv;
  for (const auto& s : sources) {
    std::error_code ec;
    if (s.find(',') == std::string::npos && !fs::exists(s, ec))
      throw Fatal("The inventory source " + s + " does not exist.",
                  ExitCode::error);
    parse_source(inv, s, plugins);
  }
  inv.reconcile();
  for (const auto& s : sources) {
    std::error_code ec;
    if (!fs::exists(s, ec)) continue;
    fs::path dir = fs::is_directory(s, ec) ? fs::path(s) : fs::path(s).parent_path();
    inv.add_inventory_vars_dir(dir.empty() ? "." : dir.string());
  }
  return inv;
}

}  // namespace drover::inventory
