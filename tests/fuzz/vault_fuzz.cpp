// Ansible Vault envelopes (core/secrets/vault.hpp): the header, the vault id, the twice-hexlified
// body, and decryption with the passwords of the repository's demo vault files and of the shared
// vault vectors (PBKDF2 makes each decryption that gets that far cost a few milliseconds).
#include <vector>

#include "core/secrets/vault.hpp"
#include "tests/fuzz/fuzz.hpp"

using namespace drover::secrets;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = drover::fuzz::text_of(data, size);
  static const std::vector<VaultSecret> secrets = {{"default", "demo-vault-password-not-secret"}, {"prod", "hunter2"}};
  drover::fuzz::expect_clean_errors([&] {
    if (!is_vault_text(text)) return;
    (void)vault_id_of(text);
    (void)vault_decrypt(text, secrets, "fuzz.yml");
  });
  return 0;
}
