// Thin wrappers over OpenSSL's EVP interface: the primitives age, sops and Ansible Vault need.
// Bytes are std::string (binary-safe). Every function throws CryptoError when OpenSSL fails;
// the *_open functions return std::nullopt when authentication fails instead.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace drover::secrets {

class CryptoError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

std::string random_bytes(std::size_t n);

std::string sha256(std::string_view data);
std::string sha512(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hkdf_sha256(std::string_view ikm, std::string_view salt, std::string_view info,
                        std::size_t length);
std::string scrypt(std::string_view passphrase, std::string_view salt, std::uint64_t n,
                   std::uint64_t r, std::uint64_t p, std::size_t length);
std::string pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations,
                          std::size_t length);

// X25519: the public key of a 32-byte private scalar, and the shared secret (may be all zeros
// for low-order points: callers must check).
std::string x25519_public(std::string_view private_key);
std::string x25519(std::string_view private_key, std::string_view peer_public);

// ChaCha20-Poly1305 (IETF, 12-byte nonce). seal returns ciphertext || 16-byte tag.
std::string chacha20poly1305_seal(std::string_view key, std::string_view nonce,
                                  std::string_view plaintext, std::string_view aad = {});
std::optional<std::string> chacha20poly1305_open(std::string_view key, std::string_view nonce,
                                                 std::string_view sealed, std::string_view aad = {});

// AES-256-GCM with a caller-chosen nonce length (sops uses 32 bytes) and a separate tag.
struct GcmSealed {
  std::string ciphertext;
  std::string tag;
};
GcmSealed aes256gcm_seal(std::string_view key, std::string_view iv, std::string_view plaintext,
                         std::string_view aad);
std::optional<std::string> aes256gcm_open(std::string_view key, std::string_view iv,
                                          std::string_view ciphertext, std::string_view tag,
                                          std::string_view aad);

// AES-256-CTR (encryption and decryption are the same operation).
std::string aes256ctr(std::string_view key, std::string_view iv, std::string_view data);

// Constant-time equality.
bool equal_constant_time(std::string_view a, std::string_view b);

// Base64 (standard alphabet). decode_* return nullopt on anything but the canonical encoding.
std::string base64_encode(std::string_view data, bool padded = true);
std::optional<std::string> base64_decode_strict(std::string_view text, bool padded = true);

std::string hex_encode(std::string_view data, bool upper = false);
std::optional<std::string> hex_decode(std::string_view text);

}  // namespace drover::secrets
