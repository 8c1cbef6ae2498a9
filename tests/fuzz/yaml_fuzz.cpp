// YAML → Value (core/value/yaml.hpp) and the Value back to YAML text.
#include "core/value/yaml.hpp"
#include "tests/fuzz/fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  drover::fuzz::expect_clean_errors([&] {
    drover::Value v = drover::parse_yaml_value(drover::fuzz::text_of(data, size), "fuzz.yml");
    (void)drover::value_to_yaml(v);
  });
  return 0;
}
