// age's STREAM payload: ChaCha20-Poly1305 over 64 KiB chunks, nonce = 11-byte big-endian counter
// plus a last-chunk flag byte, key = HKDF-SHA256(file key, nonce salt, "payload").
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace drover::secrets {

inline constexpr std::size_t k_stream_chunk = 64 * 1024;

using ChunkSink = std::function<void(std::string_view)>;

// Encrypts plaintext with a 32-byte payload key.
std::string stream_seal(std::string_view payload_key, std::string_view plaintext);

// Decrypts chunk by chunk, handing each chunk to `sink` only once its tag has verified. Throws
// AgeError(payload) on a bad tag, a missing or empty final chunk, or data after the final chunk;
// chunks before the bad one have already been released.
void stream_open(std::string_view payload_key, std::string_view ciphertext, const ChunkSink& sink);

}  // namespace drover::secrets
