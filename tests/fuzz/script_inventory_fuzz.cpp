// The executable-script inventory (plugins/inventory/script_inventory.cpp): the input is what the
// script prints for --list; for --host it prints the same text again.
#include <string>

#include "core/inventory/inventory.hpp"
#include "plugins/inventory/registry.hpp"
#include "tests/fuzz/fuzz.hpp"

namespace {
std::string g_output;
std::string fake_script(const std::string&, const std::string&) { return g_output; }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  g_output.assign(drover::fuzz::text_of(data, size));
  drover::fuzz::expect_clean_errors([&] {
    drover::inventory::Inventory inv;
    drover::inventory::parse_script_inventory(inv, "fuzz-inventory.sh", fake_script);
  });
  return 0;
}
