// age's ASCII armor: strict PEM with the "AGE ENCRYPTED FILE" label, 64-column lines, canonical
// padded base64, LF or CRLF line ends, whitespace allowed only around the whole block.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace drover::secrets {

inline constexpr std::string_view k_armor_begin = "-----BEGIN AGE ENCRYPTED FILE-----";
inline constexpr std::string_view k_armor_end = "-----END AGE ENCRYPTED FILE-----";

std::string armor_encode(std::string_view binary);

// True when the text (after leading whitespace) starts with the armor header line.
bool looks_armored(std::string_view text);

// Decodes an armored file. Throws AgeError (kind armor) on any deviation from the format.
std::string armor_decode(std::string_view text);

}  // namespace drover::secrets
