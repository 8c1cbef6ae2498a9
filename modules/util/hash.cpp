#include "modules/util/hash.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <algorithm>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace drover::modules {

namespace {

uint32_t rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }
uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

uint32_t load_be(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}
uint32_t load_le(const unsigned char* p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}

// The three are Merkle–Damgård hashes over 64-byte blocks; only the compression and the byte order
// of the length and the output differ.
class Digest {
public:
  virtual ~Digest() = default;
  void update(const unsigned char* data, size_t size) {
    m_length += size;
    while (size > 0) {
      size_t take = std::min(size, 64 - m_used);
      std::copy(data, data + take, m_block.begin() + static_cast<long>(m_used));
      m_used += take;
      data += take;
      size -= take;
      if (m_used == 64) {
        compress(m_block.data());
        m_used = 0;
      }
    }
  }
  std::string finish() {
    uint64_t bits = m_length * 8;
    unsigned char pad = 0x80;
    update(&pad, 1);
    unsigned char zero = 0;
    while (m_used != 56) update(&zero, 1);
    unsigned char length[8];
    for (int i = 0; i < 8; ++i)
      length[i] = static_cast<unsigned char>(big_endian() ? bits >> (56 - 8 * i) : bits >> (8 * i));
    update(length, 8);
    return hex();
  }

protected:
  virtual void compress(const unsigned char* block) = 0;
  virtual bool big_endian() const = 0;
  virtual std::string hex() const = 0;

  static std::string words_hex(const uint32_t* words, size_t count, bool big) {
    std::string out;
    char buffer[3];
    for (size_t i = 0; i < count; ++i) {
      for (int b = 0; b < 4; ++b) {
        unsigned byte = big ? (words[i] >> (24 - 8 * b)) & 0xff : (words[i] >> (8 * b)) & 0xff;
        std::snprintf(buffer, sizeof buffer, "%02x", byte);
        out += buffer;
      }
    }
    return out;
  }

private:
  std::array<unsigned char, 64> m_block{};
  size_t m_used = 0;
  uint64_t m_length = 0;
};

class Md5 : public Digest {
  uint32_t m_h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  void compress(const unsigned char* block) override {
    static const uint32_t k[64] = {
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
    static const int r[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                              5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                              4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                              6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
    uint32_t m[16];
    for (int i = 0; i < 16; ++i) m[i] = load_le(block + 4 * i);
    uint32_t a = m_h[0], b = m_h[1], c = m_h[2], d = m_h[3];
    for (int i = 0; i < 64; ++i) {
      uint32_t f;
      int g;
      if (i < 16) { f = (b & c) | (~b & d); g = i; }
      else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
      else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
      else { f = c ^ (b | ~d); g = (7 * i) % 16; }
      uint32_t next = d;
      d = c;
      c = b;
      b = b + rotl(a + f + k[i] + m[g], r[i]);
      a = next;
    }
    m_h[0] += a; m_h[1] += b; m_h[2] += c; m_h[3] += d;
  }
  bool big_endian() const override { return false; }
  std::string hex() const override { return words_hex(m_h, 4, false); }
};

class Sha1 : public Digest {
  uint32_t m_h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  void compress(const unsigned char* block) override {
    uint32_t w[80];
    for (int i = 0; i < 16; ++i) w[i] = load_be(block + 4 * i);
    for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = m_h[0], b = m_h[1], c = m_h[2], d = m_h[3], e = m_h[4];
    for (int i = 0; i < 80; ++i) {
      uint32_t f, k;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
      else { f = b ^ c ^ d; k = 0xCA62C1D6; }
      uint32_t t = rotl(a, 5) + f + e + k + w[i];
      e = d; d = c; c = rotl(b, 30); b = a; a = t;
    }
    m_h[0] += a; m_h[1] += b; m_h[2] += c; m_h[3] += d; m_h[4] += e;
  }
  bool big_endian() const override { return true; }
  std::string hex() const override { return words_hex(m_h, 5, true); }
};

class Sha256 : public Digest {
  uint32_t m_h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  void compress(const unsigned char* block) override {
    static const uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) w[i] = load_be(block + 4 * i);
    for (int i = 16; i < 64; ++i) {
      uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t v[8];
    std::copy(m_h, m_h + 8, v);
    for (int i = 0; i < 64; ++i) {
      uint32_t s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
      uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
      uint32_t t1 = v[7] + s1 + ch + k[i] + w[i];
      uint32_t s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
      uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
      uint32_t t2 = s0 + maj;
      v[7] = v[6]; v[6] = v[5]; v[5] = v[4]; v[4] = v[3] + t1;
      v[3] = v[2]; v[2] = v[1]; v[1] = v[0]; v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; ++i) m_h[i] += v[i];
  }
  bool big_endian() const override { return true; }
  std::string hex() const override { return words_hex(m_h, 8, true); }
};

std::unique_ptr<Digest> make_digest(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::md5: return std::make_unique<Md5>();
    case HashAlgorithm::sha1: return std::make_unique<Sha1>();
    case HashAlgorithm::sha256: return std::make_unique<Sha256>();
    default: break;
  }
  return std::make_unique<Sha1>();
}

// The longer SHA-2 digests come from OpenSSL, which the runner links for HTTPS anyway.
const EVP_MD* openssl_digest(HashAlgorithm algorithm) {
  // the target's openssl.cnf is for its own OpenSSL (see modules/util/http.cpp)
  static const bool k_initialized [[maybe_unused]] = OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
  switch (algorithm) {
    case HashAlgorithm::sha224: return EVP_sha224();
    case HashAlgorithm::sha384: return EVP_sha384();
    case HashAlgorithm::sha512: return EVP_sha512();
    default: return nullptr;
  }
}

class OpensslDigest {
public:
  explicit OpensslDigest(const EVP_MD* md) : m_ctx(EVP_MD_CTX_new()) { EVP_DigestInit_ex(m_ctx, md, nullptr); }
  ~OpensslDigest() { EVP_MD_CTX_free(m_ctx); }
  OpensslDigest(const OpensslDigest&) = delete;
  OpensslDigest& operator=(const OpensslDigest&) = delete;
  void update(const void* data, size_t size) { EVP_DigestUpdate(m_ctx, data, size); }
  std::string finish() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned size = 0;
    EVP_DigestFinal_ex(m_ctx, out, &size);
    static const char* k_hex = "0123456789abcdef";
    std::string text;
    for (unsigned i = 0; i < size; ++i) {
      text += k_hex[out[i] >> 4];
      text += k_hex[out[i] & 15];
    }
    return text;
  }

private:
  EVP_MD_CTX* m_ctx;
};

}  // namespace

std::optional<HashAlgorithm> hash_algorithm(std::string_view name) {
  if (name == "md5") return HashAlgorithm::md5;
  if (name == "sha1") return HashAlgorithm::sha1;
  if (name == "sha256") return HashAlgorithm::sha256;
  if (name == "sha224") return HashAlgorithm::sha224;
  if (name == "sha384") return HashAlgorithm::sha384;
  if (name == "sha512") return HashAlgorithm::sha512;
  return std::nullopt;
}

std::string hex_digest(HashAlgorithm algorithm, std::string_view data) {
  if (const EVP_MD* md = openssl_digest(algorithm)) {
    OpensslDigest digest(md);
    digest.update(data.data(), data.size());
    return digest.finish();
  }
  auto digest = make_digest(algorithm);
  digest->update(reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return digest->finish();
}

std::optional<std::string> file_hex_digest(HashAlgorithm algorithm, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  const EVP_MD* md = openssl_digest(algorithm);
  auto digest = make_digest(algorithm);
  std::optional<OpensslDigest> long_digest;
  if (md) long_digest.emplace(md);
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto got = in.gcount();
    if (got <= 0) continue;
    if (md) long_digest->update(buffer.data(), static_cast<size_t>(got));
    else digest->update(reinterpret_cast<const unsigned char*>(buffer.data()), static_cast<size_t>(got));
  }
  if (in.bad()) return std::nullopt;
  return md ? long_digest->finish() : digest->finish();
}

std::optional<std::uint32_t> file_crc32(const std::string& path) {
  static const std::array<std::uint32_t, 256> k_table = [] {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[n] = c;
    }
    return table;
  }();
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::uint32_t crc = 0xffffffffu;
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    for (std::streamsize i = 0; i < in.gcount(); ++i)
      crc = k_table[(crc ^ static_cast<unsigned char>(buffer[static_cast<std::size_t>(i)])) & 0xff] ^ (crc >> 8);
  }
  if (in.bad()) return std::nullopt;
  return crc ^ 0xffffffffu;
}

}  // namespace drover::modules
