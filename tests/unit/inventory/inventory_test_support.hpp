// Helpers for inventory tests: a temporary directory with files written from inline text, kept
// when DROVER_KEEP_TEST_DATA is set.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/inventory/inventory.hpp"
#include "plugins/inventory/registry.hpp"

namespace drover::test {

class TempDir {
public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "drover-inv-XXXXXX").string();
    m_path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    if (!std::getenv("DROVER_KEEP_TEST_DATA")) std::filesystem::remove_all(m_path);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  std::string str() const { return m_path.string(); }
  // Writes `text` to `relative` (parents created); returns the full path.
  std::string write(const std::string& relative, const std::string& text, bool executable = false) const {
    auto p = m_path / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    if (executable)
      std::filesystem::permissions(p, std::filesystem::perms::owner_all, std::filesystem::perm_options::add);
    return p.string();
  }

private:
  std::filesystem::path m_path;
};

// An inventory from INI text, reconciled.
inline inventory::Inventory ini(const std::string& text, const std::string& file = "hosts.ini") {
  inventory::Inventory inv;
  inventory::parse_ini_inventory(inv, text, file);
  inv.reconcile();
  return inv;
}

inline inventory::Inventory yaml_inv(const std::string& text, const std::string& file = "hosts.yml") {
  inventory::Inventory inv;
  inventory::parse_yaml_inventory(inv, text, file);
  inv.reconcile();
  return inv;
}

// Inventory::load with the built-in inventory plugins, as drover loads -i sources.
inline inventory::Inventory load_inventory(const std::vector<std::string>& sources) {
  return inventory::Inventory::load(sources, inventory::inventory_plugins());
}

inline std::vector<std::string> names(const std::vector<const inventory::Host*>& hosts) {
  std::vector<std::string> out;
  for (const auto* h : hosts) out.push_back(h->name);
  return out;
}

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace drover::test
