#include "plugins/inventory/registry.hpp"

#include <cstring>
#include <filesystem>
#include <sstream>
#include <unistd.h>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/inventory/host_range.hpp"

namespace drover::inventory {

namespace fs = std::filesystem;

namespace {

std::string read_text(const std::string& path) { return read_file_or_fatal(path, "inventory"); }

bool is_file(const std::string& s) {
  std::error_code ec;
  return fs::is_regular_file(s, ec);
}

bool accepts_host_list(const std::string& s) {
  std::error_code ec;
  return !fs::exists(s, ec) && s.find(',') != std::string::npos;
}

// Ansible's script plugin takes a file that is executable or starts with "#!"; drover needs it
// executable to run it, so a non-executable file with "#!" falls through to the next plugin.
bool accepts_script(const std::string& s) { return is_file(s) && ::access(s.c_str(), X_OK) == 0; }

bool has_yaml_extension(const std::string& s) {
  auto ext = fs::path(s).extension().string();
  return ext == ".yml" || ext == ".yaml" || ext == ".json";
}

// A file without extension is YAML when its first meaningful line opens a mapping ("all:" or
// "---"); Ansible tries YAML and falls back to INI, which is what this amounts to for inventories.
bool looks_like_yaml(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#' || line[b] == ';') continue;
    if (line.compare(b, 3, "---") == 0 || line[b] == '{') return true;
    if (line[b] == '[') return false;
    auto colon = line.find(':');
    return colon != std::string::npos && (colon + 1 == line.size() || line[colon + 1] == ' ') &&
           line.find('=') == std::string::npos;
  }
  return false;
}

bool accepts_yaml(const std::string& s) {
  if (!is_file(s)) return false;
  if (has_yaml_extension(s)) return true;
  return fs::path(s).extension().empty() && looks_like_yaml(read_text(s));
}

bool accepts_ini(const std::string& s) { return is_file(s); }

void parse_host_list_source(Inventory& inv, const std::string& s) { parse_host_list(inv, s); }
void parse_script_source(Inventory& inv, const std::string& s) { parse_script_inventory(inv, s, run_inventory_script); }
void parse_yaml_source(Inventory& inv, const std::string& s) { parse_yaml_inventory(inv, read_text(s), s); }
void parse_ini_source(Inventory& inv, const std::string& s) { parse_ini_inventory(inv, read_text(s), s); }

}  // namespace

void parse_host_list(Inventory& inv, const std::string& list) {
  std::size_t start = 0;
  while (start <= list.size()) {
    auto c = list.find(',', start);
    std::string item = list.substr(start, c == std::string::npos ? std::string::npos : c - start);
    auto b = item.find_first_not_of(" \t");
    if (b != std::string::npos) {
      item = item.substr(b, item.find_last_not_of(" \t") - b + 1);
      if (auto a = parse_address(item))
        inv.add_host(a->host, "ungrouped", a->port);
      else
        inv.add_host(item, "ungrouped");
    }
    if (c == std::string::npos) break;
    start = c + 1;
  }
}

InventoryPlugins inventory_plugins() {
  static const InventoryPlugin k_plugins[] = {
      {"host_list", accepts_host_list, parse_host_list_source},
      {"script", accepts_script, parse_script_source},
      {"yaml", accepts_yaml, parse_yaml_source},
      {"ini", accepts_ini, parse_ini_source},
  };
  return k_plugins;
}

}  // namespace drover::inventory
