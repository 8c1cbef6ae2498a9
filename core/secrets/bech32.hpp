// Bech32 (BIP 173), as age uses it for keys: no length limit, one case per string.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace drover::secrets {

struct Bech32 {
  std::string hrp;   // lower case
  std::string data;  // the decoded bytes (8-bit groups)
};

// Encodes bytes under a human-readable part; the result is lower case.
std::string bech32_encode(std::string_view hrp, std::string_view data);
// Decodes; nullopt on a bad checksum, mixed case, bad characters or non-zero padding.
std::optional<Bech32> bech32_decode(std::string_view text);

}  // namespace drover::secrets
