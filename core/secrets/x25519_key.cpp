#include "core/secrets/x25519_key.hpp"

#include <cctype>

#include "core/secrets/age_error.hpp"
#include "core/secrets/bech32.hpp"
#include "core/secrets/crypto.hpp"

namespace drover::secrets {
namespace {

constexpr std::string_view k_label = "age-encryption.org/v1/X25519";
const std::string k_zero_nonce(12, '\0');

std::string wrap_key(std::string_view shared, std::string_view share, std::string_view recipient) {
  return hkdf_sha256(shared, std::string(share) + std::string(recipient), k_label, 32);
}

}  // namespace

std::optional<X25519Recipient> X25519Recipient::parse(std::string_view text) {
  auto decoded = bech32_decode(text);
  if (!decoded || decoded->hrp != "age" || decoded->data.size() != 32) return std::nullopt;
  for (char c : text)
    if (std::isupper(static_cast<unsigned char>(c))) return std::nullopt;
  return X25519Recipient(decoded->data);
}

std::string X25519Recipient::str() const { return bech32_encode("age", m_public); }

Stanza X25519Recipient::wrap(std::string_view file_key) const {
  std::string ephemeral = random_bytes(32);
  std::string share = x25519_public(ephemeral);
  std::string shared = x25519(ephemeral, m_public);
  std::string body = chacha20poly1305_seal(wrap_key(shared, share, m_public), k_zero_nonce, file_key);
  return Stanza{"X25519", {age_b64(share)}, body};
}

X25519Identity::X25519Identity(std::string secret)
    : m_secret(std::move(secret)), m_public(x25519_public(m_secret)) {}

std::optional<X25519Identity> X25519Identity::parse(std::string_view text) {
  auto decoded = bech32_decode(text);
  if (!decoded || decoded->hrp != "age-secret-key-" || decoded->data.size() != 32) return std::nullopt;
  return X25519Identity(decoded->data);
}

X25519Identity X25519Identity::generate() { return X25519Identity(random_bytes(32)); }

std::string X25519Identity::str() const {
  std::string s = bech32_encode("age-secret-key-", m_secret);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::optional<std::string> X25519Identity::unwrap(const Stanza& stanza) const {
  if (stanza.type != "X25519") return std::nullopt;
  if (stanza.args.size() != 1) throw AgeError(AgeFailure::header, "invalid X25519 stanza: expected one argument");
  auto share = base64_decode_strict(stanza.args[0], Base64Padding::unpadded);
  if (!share || share->size() != 32)
    throw AgeError(AgeFailure::header, "invalid X25519 stanza: the share is not 32 bytes of canonical base64");
  if (stanza.body.size() != 32) throw AgeError(AgeFailure::header, "invalid X25519 stanza: the wrapped file key is not 16 bytes");
  std::string shared = x25519(m_secret, *share);
  if (equal_constant_time(shared, std::string(32, '\0')))
    throw AgeError(AgeFailure::header, "invalid X25519 stanza: the share is a low-order point");
  return chacha20poly1305_open(wrap_key(shared, *share, m_public), k_zero_nonce, stanza.body);
}

}  // namespace drover::secrets
