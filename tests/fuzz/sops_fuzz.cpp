// sops documents (core/secrets/sops_codec.hpp, sops_file.hpp): YAML or JSON (the first byte
// picks), the `sops` metadata block, the data key unwrapped with public test identities
// (test_keys.hpp), else a fixed one, and decryption of every `ENC[...]` value and the MAC.
#include <string>

#include "core/secrets/sops_codec.hpp"
#include "core/secrets/sops_file.hpp"
#include "tests/fuzz/fuzz.hpp"
#include "tests/fuzz/test_keys.hpp"

using namespace drover::secrets;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const SopsFormat format = data[0] % 2 ? SopsFormat::json : SopsFormat::yaml;
  const std::string_view text = drover::fuzz::text_of(data + 1, size - 1);
  drover::fuzz::expect_clean_errors([&] {
    drover::Value doc = parse_sops_document(text, format, "fuzz.sops");
    (void)emit_sops_document(doc, format);
    if (!is_sops_document(doc)) return;
    SopsMetadata meta = parse_sops_metadata(doc, "fuzz.sops");
    (void)sops_metadata_value(meta);
    std::string key(32, '\x2a');
    try {
      key = sops_data_key(meta, drover::fuzz::test_identities(), "fuzz.sops");
    } catch (const std::runtime_error&) {
    }
    (void)sops_decrypt(doc, meta, key, "fuzz.sops");
  });
  return 0;
}
