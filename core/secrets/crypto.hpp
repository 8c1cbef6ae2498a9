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

// Digests as raw bytes; hex_encode below gives the hexdigest() form. The one control-side
// implementation: sops MACs, the runner's content hash, copy's checksum and the hash filters.
std::string sha1(std::string_view data);
std::string sha256(std::string_view data);
std::string sha512(std::string_view data);
// hashlib.new(algorithm, data).hexdigest(): the digest by the OpenSSL digest of that name ("md5",
// "sha1", "sha256", "sha512", ...) in lowercase hex; nullopt for a name OpenSSL does not know.
std::optional<std::string> hex_digest(std::string_view algorithm, std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hmac_sha1(std::string_view key, std::string_view data);  // hashed known_hosts names
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

// Base64 (standard alphabet), the one control-side implementation (the runner has its own copy
// in modules/util/text.hpp). age writes it unpadded; sops, armor and Ansible padded.
enum class Base64Padding { padded, unpadded };
std::string base64_encode(std::string_view data, Base64Padding padding = Base64Padding::padded);
// nullopt on anything but the canonical encoding (age and sops reject everything else).
std::optional<std::string> base64_decode_strict(std::string_view text,
                                                Base64Padding padding = Base64Padding::padded);
// Python's base64.b64decode(text), as the b64decode filter uses it: bytes outside the alphabet
// are skipped and decoding stops at the padding that completes a quantum ("YQ==YQ==" is "a").
// Throws std::invalid_argument with Python's message: "Incorrect padding", or "Invalid
// base64-encoded string: number of data characters (5) cannot be 1 more than a multiple of 4".
std::string python_b64decode(std::string_view text);

enum class HexCase { lower, upper };
std::string hex_encode(std::string_view data, HexCase letters = HexCase::lower);
std::optional<std::string> hex_decode(std::string_view text);

}  // namespace drover::secrets
