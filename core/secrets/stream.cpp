#include "core/secrets/stream.hpp"

#include <openssl/crypto.h>

#include "core/secrets/age_error.hpp"
#include "core/secrets/crypto.hpp"

namespace drover::secrets {
namespace {

constexpr std::size_t k_tag = 16;

std::string chunk_nonce(std::uint64_t counter, bool last) {
  std::string nonce(12, '\0');
  for (int i = 0; i < 8; ++i) nonce[10 - i] = static_cast<char>((counter >> (8 * i)) & 0xff);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

}  // namespace

std::string stream_seal(std::string_view key, std::string_view plaintext) {
  std::string out;
  std::uint64_t counter = 0;
  std::size_t pos = 0;
  do {
    std::size_t n = std::min(k_stream_chunk, plaintext.size() - pos);
    bool last = pos + n == plaintext.size();
    out += chacha20poly1305_seal(key, chunk_nonce(counter++, last), plaintext.substr(pos, n));
    pos += n;
  } while (pos < plaintext.size());
  return out;
}

void stream_open(std::string_view key, std::string_view ciphertext, const ChunkSink& sink) {
  // As age's reference reader: a short chunk must be the final one; a full chunk is tried as a
  // middle chunk first and as the final one second, and a final chunk must end the file.
  if (ciphertext.empty()) throw AgeError(AgeFailure::payload, "the payload has no chunks");
  std::uint64_t counter = 0;
  std::size_t pos = 0;
  for (;;) {
    std::size_t n = std::min(k_stream_chunk + k_tag, ciphertext.size() - pos);
    if (n < k_tag) throw AgeError(AgeFailure::payload, "a payload chunk is shorter than its tag");
    if (n == k_tag && counter > 0) throw AgeError(AgeFailure::payload, "the final chunk is empty");
    std::string_view chunk = ciphertext.substr(pos, n);
    bool last = n < k_stream_chunk + k_tag;
    auto plain = chacha20poly1305_open(key, chunk_nonce(counter, last), chunk);
    if (!plain && !last) {
      last = true;
      plain = chacha20poly1305_open(key, chunk_nonce(counter, true), chunk);
    }
    if (!plain) throw AgeError(AgeFailure::payload, "a payload chunk failed authentication (corrupted or truncated)");
    pos += n;
    ++counter;
    // The chunk authenticated, so releasing it is safe even when garbage follows (as age does).
    sink(*plain);
    OPENSSL_cleanse(plain->data(), plain->size());
    if (last && pos != ciphertext.size()) throw AgeError(AgeFailure::payload, "trailing data after the final chunk");
    if (last) return;
    if (pos == ciphertext.size()) throw AgeError(AgeFailure::payload, "the payload ends without a final chunk");
  }
}

}  // namespace drover::secrets
