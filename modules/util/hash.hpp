// The digests Ansible's results carry (copy/stat `checksum` is sha1, `md5sum` is md5), written
// here (md5, sha1, sha256); the longer SHA-2 ones (get_url's checksum, stat's checksum_algorithm)
// come from the OpenSSL the runner links for HTTPS.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace drover::modules {

enum class HashAlgorithm { md5, sha1, sha256, sha224, sha384, sha512 };

// The algorithm named `name` ("md5", "sha1", "sha224", "sha256", "sha384", "sha512"), or nothing.
std::optional<HashAlgorithm> hash_algorithm(std::string_view name);

// Lower-case hex digest of `data`.
std::string hex_digest(HashAlgorithm algorithm, std::string_view data);

// Lower-case hex digest of the file's content; nothing when it cannot be read.
std::optional<std::string> file_hex_digest(HashAlgorithm algorithm, const std::string& path);

// The CRC-32 (zlib's, as zip archives record it) of the file's content; nothing when it cannot be
// read.
std::optional<std::uint32_t> file_crc32(const std::string& path);

}  // namespace drover::modules
