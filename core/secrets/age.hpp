// age v1 encryption and decryption (https://age-encryption.org/v1): X25519 and scrypt
// recipients, the header MAC, the STREAM payload and ASCII armor. OpenSSL only.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/secrets/age_error.hpp"
#include "core/secrets/stream.hpp"
#include "core/secrets/x25519_key.hpp"

namespace drover::secrets {

enum class Armor { no, yes };

struct AgeIdentities {
  std::vector<X25519Identity> x25519;
  std::optional<std::string> passphrase;  // for scrypt stanzas
};

// The largest scrypt work factor (log2 N) drover accepts, as age does.
inline constexpr int k_max_scrypt_log_n = 22;

std::string age_encrypt(std::string_view plaintext, const std::vector<X25519Recipient>& recipients,
                        Armor armor = Armor::no);
std::string age_encrypt_with_passphrase(std::string_view plaintext, std::string_view passphrase,
                                        Armor armor = Armor::no, int log_n = 18);

// Decrypts a binary or armored file (detected). Each verified plaintext chunk goes to `sink`.
// Throws AgeError: header/armor (malformed), no_match (no identity opens it), hmac (header MAC
// wrong), payload (chunk tag, truncation, trailing data).
void age_decrypt(std::string_view file, const AgeIdentities& ids, const ChunkSink& sink);
std::string age_decrypt(std::string_view file, const AgeIdentities& ids);

// The recipients an encrypted file names, for error messages ("X25519", "scrypt", …).
std::vector<std::string> age_stanza_types(std::string_view file);

// Reads identities in age-keygen's format: "#" comments, blank lines, AGE-SECRET-KEY-1… lines.
// Throws AgeError(header) naming the line number of anything else.
std::vector<X25519Identity> parse_identity_file(std::string_view text);

}  // namespace drover::secrets
