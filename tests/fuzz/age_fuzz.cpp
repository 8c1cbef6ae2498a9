// age files (core/secrets/age.hpp, age_header.hpp, armor.hpp): the ASCII armor, the header and
// its stanzas, identity files, and decryption with public test identities (test_keys.hpp). No
// passphrase is given: scrypt stanzas are parsed but never run (a work factor of 2^22 per input
// would stall the fuzzer).
#include "core/secrets/age.hpp"
#include "core/secrets/age_header.hpp"
#include "core/secrets/armor.hpp"
#include "tests/fuzz/fuzz.hpp"
#include "tests/fuzz/test_keys.hpp"

using namespace drover::secrets;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view file = drover::fuzz::text_of(data, size);
  drover::fuzz::expect_clean_errors([&] {
    if (looks_armored(file)) (void)armor_decode(file);
  });
  drover::fuzz::expect_clean_errors([&] { (void)parse_age_header(file); });
  drover::fuzz::expect_clean_errors([&] { (void)age_stanza_types(file); });
  drover::fuzz::expect_clean_errors([&] { (void)age_decrypt(file, drover::fuzz::test_identities()); });
  drover::fuzz::expect_clean_errors([&] { (void)parse_identity_file(file); });
  return 0;
}
