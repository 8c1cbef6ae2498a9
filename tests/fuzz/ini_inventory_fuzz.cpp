// The INI inventory parser (plugins/inventory/ini_inventory.cpp): host ranges, group sections,
// :vars and :children, and the INI value typing of variables.
#include "core/inventory/inventory.hpp"
#include "plugins/inventory/registry.hpp"
#include "tests/fuzz/fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  drover::fuzz::expect_clean_errors([&] {
    drover::inventory::Inventory inv;
    drover::inventory::parse_ini_inventory(inv, drover::fuzz::text_of(data, size), "fuzz.ini");
  });
  return 0;
}
