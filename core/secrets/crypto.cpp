#include "core/secrets/crypto.hpp"

#include <memory>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

namespace drover::secrets {
namespace {

const unsigned char* u8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* u8(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
int len(std::string_view s) { return static_cast<int>(s.size()); }

void check(int ok, const char* what) {
  if (ok <= 0) throw CryptoError(std::string("OpenSSL: ") + what + " failed");
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
CipherCtx new_cipher_ctx() {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) throw CryptoError("OpenSSL: EVP_CIPHER_CTX_new failed");
  return ctx;
}

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

std::string evp_digest(const EVP_MD* md, std::string_view data) {
  std::string out(static_cast<std::size_t>(EVP_MD_get_size(md)), '\0');
  unsigned int n = 0;
  check(EVP_Digest(data.data(), data.size(), u8(out), &n, md, nullptr), "digest");
  return out;
}

// One AEAD pass (AES-GCM or ChaCha20-Poly1305). Returns nullopt when the tag does not verify.
std::optional<std::string> aead(const EVP_CIPHER* cipher, bool encrypt, std::string_view key,
                                std::string_view iv, std::string_view data, std::string_view aad,
                                std::string* tag_inout) {
  auto ctx = new_cipher_ctx();
  check(EVP_CipherInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr, encrypt ? 1 : 0), "cipher init");
  check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, len(iv), nullptr), "set iv length");
  check(EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, u8(key), u8(iv), -1), "cipher key");
  int n = 0;
  if (!aad.empty()) check(EVP_CipherUpdate(ctx.get(), nullptr, &n, u8(aad), len(aad)), "aad");
  std::string out(data.size() + 16, '\0');
  int written = 0;
  if (!data.empty()) check(EVP_CipherUpdate(ctx.get(), u8(out), &written, u8(data), len(data)), "cipher update");
  if (!encrypt) {
    if (tag_inout->size() != 16) return std::nullopt;
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, 16, tag_inout->data()), "set tag");
  }
  int final_len = 0;
  if (EVP_CipherFinal_ex(ctx.get(), u8(out) + written, &final_len) <= 0) {
    if (encrypt) throw CryptoError("OpenSSL: AEAD finalisation failed");
    OPENSSL_cleanse(out.data(), out.size());
    return std::nullopt;
  }
  out.resize(static_cast<std::size_t>(written + final_len));
  if (encrypt) {
    tag_inout->assign(16, '\0');
    check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, 16, tag_inout->data()), "get tag");
  }
  return out;
}

constexpr std::string_view k_b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  check(RAND_bytes(u8(out), static_cast<int>(n)), "RAND_bytes");
  return out;
}

std::string sha1(std::string_view data) { return evp_digest(EVP_sha1(), data); }
std::string sha256(std::string_view data) { return evp_digest(EVP_sha256(), data); }
std::string sha512(std::string_view data) { return evp_digest(EVP_sha512(), data); }

std::optional<std::string> hex_digest(std::string_view algorithm, std::string_view data) {
  const EVP_MD* md = EVP_get_digestbyname(std::string(algorithm).c_str());
  if (md == nullptr) return std::nullopt;
  return hex_encode(evp_digest(md, data));
}

namespace {

std::string hmac(const char* digest, std::size_t size, std::string_view key, std::string_view data) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (!mac) throw CryptoError("OpenSSL: HMAC unavailable");
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);
  std::string digest_name(digest);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name.data(), 0),
                         OSSL_PARAM_construct_end()};
  std::string out(size, '\0');
  std::size_t n = 0;
  bool ok = ctx && EVP_MAC_init(ctx, u8(key), key.size(), params) > 0 &&
            EVP_MAC_update(ctx, u8(data), data.size()) > 0 &&
            EVP_MAC_final(ctx, u8(out), &n, out.size()) > 0;
  EVP_MAC_CTX_free(ctx);
  if (!ok) throw CryptoError(std::string("OpenSSL: HMAC-") + digest + " failed");
  return out;
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) { return hmac("SHA256", 32, key, data); }

std::string hmac_sha1(std::string_view key, std::string_view data) { return hmac("SHA1", 20, key, data); }

std::string hkdf_sha256(std::string_view ikm, std::string_view salt, std::string_view info,
                        std::size_t length) {
  PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  std::string out(length, '\0');
  std::size_t n = length;
  check(ctx != nullptr, "HKDF context");
  check(EVP_PKEY_derive_init(ctx.get()), "HKDF init");
  check(EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()), "HKDF digest");
  // OpenSSL rejects a zero-length salt pointer; an empty salt is HashLen zero bytes per RFC 5869.
  std::string zero_salt(32, '\0');
  std::string_view s = salt.empty() ? std::string_view(zero_salt) : salt;
  check(EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), u8(s), len(s)), "HKDF salt");
  check(EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), u8(ikm), len(ikm)), "HKDF key");
  if (!info.empty()) check(EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), u8(info), len(info)), "HKDF info");
  check(EVP_PKEY_derive(ctx.get(), u8(out), &n), "HKDF derive");
  return out;
}

std::string scrypt(std::string_view passphrase, std::string_view salt, std::uint64_t n,
                   std::uint64_t r, std::uint64_t p, std::size_t length) {
  std::string out(length, '\0');
  std::uint64_t max_mem = 128 * r * n * p + 64 * 1024 * 1024;
  check(EVP_PBE_scrypt(passphrase.data(), passphrase.size(), u8(salt), salt.size(), n, r, p, max_mem,
                       u8(out), length),
        "scrypt");
  return out;
}

std::string pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations,
                          std::size_t length) {
  std::string out(length, '\0');
  check(PKCS5_PBKDF2_HMAC(password.data(), len(password), u8(salt), len(salt), iterations,
                          EVP_sha256(), static_cast<int>(length), u8(out)),
        "PBKDF2");
  return out;
}

std::string x25519_public(std::string_view private_key) {
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, u8(private_key), private_key.size()));
  check(key != nullptr, "X25519 private key");
  std::string out(32, '\0');
  std::size_t n = 32;
  check(EVP_PKEY_get_raw_public_key(key.get(), u8(out), &n), "X25519 public key");
  return out;
}

std::string x25519(std::string_view private_key, std::string_view peer_public) {
  if (private_key.size() != 32 || peer_public.size() != 32) throw CryptoError("X25519: bad key length");
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, u8(private_key), 32));
  Pkey peer(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, u8(peer_public), 32));
  check(key && peer, "X25519 keys");
  PkeyCtx ctx(EVP_PKEY_CTX_new(key.get(), nullptr));
  check(ctx != nullptr, "X25519 context");
  check(EVP_PKEY_derive_init(ctx.get()), "X25519 init");
  check(EVP_PKEY_derive_set_peer(ctx.get(), peer.get()), "X25519 peer");
  std::string out(32, '\0');
  std::size_t n = 32;
  // OpenSSL refuses to output the all-zero secret of a low-order point; report it as zeros so the
  // caller's check decides.
  if (EVP_PKEY_derive(ctx.get(), u8(out), &n) <= 0) return std::string(32, '\0');
  return out;
}

std::string chacha20poly1305_seal(std::string_view key, std::string_view nonce,
                                  std::string_view plaintext, std::string_view aad) {
  std::string tag;
  auto out = aead(EVP_chacha20_poly1305(), true, key, nonce, plaintext, aad, &tag);
  return *out + tag;
}

std::optional<std::string> chacha20poly1305_open(std::string_view key, std::string_view nonce,
                                                 std::string_view sealed, std::string_view aad) {
  if (sealed.size() < 16) return std::nullopt;
  std::string tag(sealed.substr(sealed.size() - 16));
  return aead(EVP_chacha20_poly1305(), false, key, nonce, sealed.substr(0, sealed.size() - 16), aad, &tag);
}

GcmSealed aes256gcm_seal(std::string_view key, std::string_view iv, std::string_view plaintext,
                         std::string_view aad) {
  GcmSealed out;
  out.ciphertext = *aead(EVP_aes_256_gcm(), true, key, iv, plaintext, aad, &out.tag);
  return out;
}

std::optional<std::string> aes256gcm_open(std::string_view key, std::string_view iv,
                                          std::string_view ciphertext, std::string_view tag,
                                          std::string_view aad) {
  if (key.size() != 32 || iv.empty()) return std::nullopt;
  std::string t(tag);
  return aead(EVP_aes_256_gcm(), false, key, iv, ciphertext, aad, &t);
}

std::string aes256ctr(std::string_view key, std::string_view iv, std::string_view data) {
  auto ctx = new_cipher_ctx();
  check(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_ctr(), nullptr, u8(key), u8(iv)), "AES-CTR init");
  std::string out(data.size() + 16, '\0');
  int n = 0, f = 0;
  check(EVP_EncryptUpdate(ctx.get(), u8(out), &n, u8(data), len(data)), "AES-CTR");
  check(EVP_EncryptFinal_ex(ctx.get(), u8(out) + n, &f), "AES-CTR final");
  out.resize(static_cast<std::size_t>(n + f));
  return out;
}

bool equal_constant_time(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64_encode(std::string_view data, Base64Padding padding) {
  bool padded = padding == Base64Padding::padded;
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(data[k]); };
  for (; i + 3 <= data.size(); i += 3) {
    unsigned v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    for (int s = 18; s >= 0; s -= 6) out += k_b64[(v >> s) & 63];
  }
  std::size_t rest = data.size() - i;
  if (rest == 1) {
    unsigned v = at(i) << 16;
    out += k_b64[(v >> 18) & 63];
    out += k_b64[(v >> 12) & 63];
    if (padded) out += "==";
  } else if (rest == 2) {
    unsigned v = at(i) << 16 | at(i + 1) << 8;
    out += k_b64[(v >> 18) & 63];
    out += k_b64[(v >> 12) & 63];
    out += k_b64[(v >> 6) & 63];
    if (padded) out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode_strict(std::string_view text, Base64Padding padding) {
  bool padded = padding == Base64Padding::padded;
  std::size_t pad = 0;
  if (padded) {
    if (text.size() % 4 != 0) return std::nullopt;
    while (pad < 2 && !text.empty() && text[text.size() - 1 - pad] == '=') ++pad;
    text.remove_suffix(pad);
  } else if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    auto p = k_b64.find(c);
    if (p == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Canonical: the leftover bits must be zero, and the padding must match the length.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  if (padded && pad != (text.size() % 4 == 0 ? 0 : 4 - text.size() % 4)) return std::nullopt;
  return out;
}

std::string python_b64decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  int quad_pos = 0;   // data characters read of the current 4-character quantum
  int pads = 0;       // '=' seen since the last data character
  unsigned left = 0;  // bits of the current quantum not yet written
  for (char c : text) {
    if (c == '=') {
      // CPython's binascii.a2b_base64: padding that completes a quantum ends the data.
      if (quad_pos >= 2 && quad_pos + ++pads >= 4) return out;
      continue;
    }
    auto p = k_b64.find(c);
    if (p == std::string_view::npos) continue;
    unsigned v = static_cast<unsigned>(p);
    pads = 0;
    switch (quad_pos) {
      case 0: left = v; break;
      case 1: out += static_cast<char>((left << 2) | (v >> 4)), left = v & 0x0f; break;
      case 2: out += static_cast<char>((left << 4) | (v >> 2)), left = v & 0x03; break;
      case 3: out += static_cast<char>((left << 6) | v), left = 0; break;
    }
    quad_pos = (quad_pos + 1) % 4;
  }
  if (quad_pos == 1)
    throw std::invalid_argument("Invalid base64-encoded string: number of data characters (" +
                                std::to_string(out.size() / 3 * 4 + 1) +
                                ") cannot be 1 more than a multiple of 4");
  if (quad_pos != 0) throw std::invalid_argument("Incorrect padding");
  return out;
}

std::string hex_encode(std::string_view data, HexCase letters) {
  const char* digits = letters == HexCase::upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (unsigned char c : data) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi << 4 | lo);
  }
  return out;
}

}  // namespace drover::secrets
