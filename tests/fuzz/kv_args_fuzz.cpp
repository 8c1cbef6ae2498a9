// Ansible's `k=v` argument strings (core/playbook/args.hpp): split_args and parse_kv in the three
// argument styles; the first byte picks the style.
#include "core/playbook/args.hpp"
#include "tests/fuzz/fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using drover::playbook::ArgStyle;
  const ArgStyle styles[] = {ArgStyle::key_value, ArgStyle::raw_params, ArgStyle::free_form};
  const ArgStyle style = styles[data[0] % 3];
  const std::string_view text = drover::fuzz::text_of(data + 1, size - 1);
  drover::fuzz::expect_clean_errors([&] { (void)drover::playbook::split_args(text); });
  drover::fuzz::expect_clean_errors([&] { (void)drover::playbook::parse_kv(text, style); });
  return 0;
}
