// The digests Ansible's results carry (copy/stat `checksum` is sha1, `md5sum` is md5), written
// here because the static runner links no crypto library.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace drover::modules {

enum class HashAlgorithm { md5, sha1, sha256 };

// The algorithm named `name` ("md5", "sha1", "sha256"), or nothing.
std::optional<HashAlgorithm> hash_algorithm(std::string_view name);

// Lower-case hex digest of `data`.
std::string hex_digest(HashAlgorithm algorithm, std::string_view data);

// Lower-case hex digest of the file's content; nothing when it cannot be read.
std::optional<std::string> file_hex_digest(HashAlgorithm algorithm, const std::string& path);

}  // namespace drover::modules
