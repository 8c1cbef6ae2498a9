// Ansible Vault: `$ANSIBLE_VAULT;1.1;AES256` and `;1.2;AES256;<vault id>` envelopes.
// PBKDF2-HMAC-SHA256 (10000 iterations) → AES-256-CTR key, HMAC-SHA256 key and counter block;
// PKCS#7 padding; HMAC over the ciphertext; salt, HMAC and ciphertext hexlified twice and
// wrapped at 80 columns.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace drover::secrets {

struct VaultSecret {
  std::string label;  // "default" when none was given
  std::string password;
};

inline constexpr std::string_view k_vault_magic = "$ANSIBLE_VAULT";

// True when text (after leading whitespace) starts with the vault header.
bool is_vault_text(std::string_view text);

// The vault id named in a 1.2 header ("" for 1.1 or when absent).
std::string vault_id_of(std::string_view text);

// Decrypts with the first secret that authenticates: secrets whose label matches the header's
// vault id are tried first. Throws Fatal naming `what` (file or variable) when the envelope is
// malformed or no secret opens it.
std::string vault_decrypt(std::string_view text, const std::vector<VaultSecret>& secrets, const std::string& what);

// Encrypts; a 1.2 header is written when label is not empty and not "default". `salt` is for
// known-answer tests only (32 random bytes otherwise). The result ends with a newline.
std::string vault_encrypt(std::string_view plaintext, const VaultSecret& secret,
                          std::optional<std::string> salt = std::nullopt);

}  // namespace drover::secrets
