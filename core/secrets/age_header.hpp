// The text header of an age v1 file: the version line, recipient stanzas and the MAC line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drover::secrets {

inline constexpr std::string_view k_age_version_line = "age-encryption.org/v1";

struct Stanza {
  std::string type;
  std::vector<std::string> args;
  std::string body;  // decoded
};

struct AgeHeader {
  std::vector<Stanza> stanzas;
  std::string mac;         // 32 bytes, decoded
  std::string mac_input;   // the header bytes the MAC covers (through "---")
  std::size_t payload_offset = 0;  // where the payload starts in the parsed buffer
};

// Parses a binary age file's header. Throws AgeError(header) on any deviation from the spec
// (CRLF, non-canonical base64, long or missing body lines, bad argument characters...).
AgeHeader parse_age_header(std::string_view file);

// Serialises stanzas (without the MAC line's MAC): returns the text through "---".
std::string format_age_header_without_mac(const std::vector<Stanza>& stanzas);

// Strict unpadded base64 as age uses it in stanza arguments; nullopt when not canonical.
std::string age_b64(std::string_view data);

}  // namespace drover::secrets
