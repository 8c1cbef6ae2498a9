// SHA-crypt and UUIDv5 on OpenSSL, for the password_hash/to_uuid filters and the password lookup.
// (Digests and base64 are core/secrets/crypto.hpp's.)
#include <array>
#include <cstdio>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/secrets/crypto.hpp"
#include "core/template/ansible_support.hpp"

namespace drover::tmpl {

namespace {

using Bytes = std::string;

// Incremental digest for SHA-crypt's many small updates.
class Hasher {
public:
  explicit Hasher(const EVP_MD* md) : m_ctx(EVP_MD_CTX_new()) { EVP_DigestInit_ex(m_ctx, md, nullptr); }
  ~Hasher() { EVP_MD_CTX_free(m_ctx); }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  void add(std::string_view s) { EVP_DigestUpdate(m_ctx, s.data(), s.size()); }
  Bytes finish() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(m_ctx, out, &len);
    return Bytes(reinterpret_cast<const char*>(out), len);
  }

private:
  EVP_MD_CTX* m_ctx;
};

// `length` bytes of `block` repeated.
Bytes repeat_to(const Bytes& block, std::size_t length) {
  Bytes out;
  while (out.size() + block.size() <= length) out += block;
  out += block.substr(0, length - out.size());
  return out;
}

constexpr const char* k_crypt64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void append_b64_24(std::string& out, unsigned char b2, unsigned char b1, unsigned char b0, int n) {
  unsigned w = (static_cast<unsigned>(b2) << 16) | (static_cast<unsigned>(b1) << 8) | b0;
  for (int i = 0; i < n; ++i) out += k_crypt64[w & 0x3f], w >>= 6;
}

std::string encode_sha512_crypt(const Bytes& c) {
  static const int order[21][3] = {{0, 21, 42},  {22, 43, 1},  {44, 2, 23},  {3, 24, 45},  {25, 46, 4},
                                   {47, 5, 26},  {6, 27, 48},  {28, 49, 7},  {50, 8, 29},  {9, 30, 51},
                                   {31, 52, 10}, {53, 11, 32}, {12, 33, 54}, {34, 55, 13}, {56, 14, 35},
                                   {15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19},
                                   {62, 20, 41}};
  auto u = [&](int i) { return static_cast<unsigned char>(c[static_cast<std::size_t>(i)]); };
  std::string out;
  for (const auto& o : order) append_b64_24(out, u(o[0]), u(o[1]), u(o[2]), 4);
  append_b64_24(out, 0, 0, u(63), 2);
  return out;
}

std::string encode_sha256_crypt(const Bytes& c) {
  static const int order[10][3] = {{0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23},  {24, 4, 14},
                                   {15, 25, 5}, {6, 16, 26}, {27, 7, 17}, {18, 28, 8}, {9, 19, 29}};
  auto u = [&](int i) { return static_cast<unsigned char>(c[static_cast<std::size_t>(i)]); };
  std::string out;
  for (const auto& o : order) append_b64_24(out, u(o[0]), u(o[1]), u(o[2]), 4);
  append_b64_24(out, 0, u(31), u(30), 3);
  return out;
}

// The intermediate digest A of Drepper's SHA-crypt specification.
Bytes sha_crypt_initial(const EVP_MD* md, std::string_view pw, std::string_view salt) {
  Hasher alt(md);
  alt.add(pw), alt.add(salt), alt.add(pw);
  Bytes b = alt.finish();
  Hasher a(md);
  a.add(pw), a.add(salt);
  a.add(repeat_to(b, pw.size()));
  for (std::size_t n = pw.size(); n > 0; n >>= 1) a.add((n & 1) ? std::string_view(b) : pw);
  return a.finish();
}

}  // namespace

std::string sha_crypt(int variant, std::string_view password, std::string_view salt_in, int rounds) {
  const EVP_MD* md = variant == 5 ? EVP_sha256() : EVP_sha512();
  std::string_view salt = salt_in.substr(0, 16);
  bool explicit_rounds = rounds != 0 && rounds != 5000;
  std::size_t n_rounds = rounds == 0 ? 5000 : static_cast<std::size_t>(std::clamp(rounds, 1000, 999999999));
  Bytes c = sha_crypt_initial(md, password, salt);

  Hasher dp(md);
  for (std::size_t i = 0; i < password.size(); ++i) dp.add(password);
  Bytes p = repeat_to(dp.finish(), password.size());
  Hasher ds(md);
  for (std::size_t i = 0; i < 16u + static_cast<unsigned char>(c[0]); ++i) ds.add(salt);
  Bytes s = repeat_to(ds.finish(), salt.size());

  for (std::size_t i = 0; i < n_rounds; ++i) {
    Hasher h(md);
    h.add((i & 1) ? std::string_view(p) : std::string_view(c));
    if (i % 3 != 0) h.add(s);
    if (i % 7 != 0) h.add(p);
    h.add((i & 1) ? std::string_view(c) : std::string_view(p));
    c = h.finish();
  }
  std::string out = "$" + std::to_string(variant) + "$";
  if (explicit_rounds) out += "rounds=" + std::to_string(n_rounds) + "$";
  out += std::string(salt) + "$";
  out += variant == 5 ? encode_sha256_crypt(c) : encode_sha512_crypt(c);
  return out;
}

std::string uuid5(const std::string& namespace_uuid, std::string_view name) {
  std::string hex;
  std::string_view ns = namespace_uuid;
  if (ns.substr(0, 9) == "urn:uuid:") ns.remove_prefix(9);
  for (char c : ns)
    if (c != '-' && c != '{' && c != '}') hex += c;
  if (hex.size() != 32 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
    throw TemplateError("Invalid value '" + namespace_uuid + "' for 'namespace': badly formed hexadecimal UUID string");
  Bytes ns_bytes;
  for (std::size_t i = 0; i < 32; i += 2) ns_bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  Bytes h = secrets::sha1(ns_bytes + std::string(name)).substr(0, 16);
  h[6] = static_cast<char>((static_cast<unsigned char>(h[6]) & 0x0f) | 0x50);
  h[8] = static_cast<char>((static_cast<unsigned char>(h[8]) & 0x3f) | 0x80);
  std::string x = secrets::hex_encode(h);
  return x.substr(0, 8) + "-" + x.substr(8, 4) + "-" + x.substr(12, 4) + "-" + x.substr(16, 4) + "-" + x.substr(20);
}

std::string random_string(std::size_t length, std::string_view chars) {
  if (chars.empty()) throw TemplateError("no characters to choose a random string from");
  std::string out;
  while (out.size() < length) {
    unsigned char b[64];
    RAND_bytes(b, sizeof b);
    // rejection sampling keeps the choice uniform
    std::size_t limit = 256 - (256 % chars.size());
    for (unsigned char x : b)
      if (x < limit && out.size() < length) out += chars[x % chars.size()];
  }
  return out;
}

}  // namespace drover::tmpl
