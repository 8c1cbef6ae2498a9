#include "core/secrets/armor.hpp"

#include "core/secrets/age_error.hpp"
#include "core/secrets/crypto.hpp"

namespace drover::secrets {
namespace {

constexpr std::size_t k_columns = 64;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

[[noreturn]] void fail(const std::string& why) { throw AgeError(AgeFailure::armor, "invalid armor: " + why); }

// Takes the next line (without its LF or CRLF); nullopt at the end of the text.
std::optional<std::string_view> next_line(std::string_view& text, bool& had_eol) {
  if (text.empty()) return std::nullopt;
  auto nl = text.find('\n');
  std::string_view line = text.substr(0, nl);
  had_eol = nl != std::string_view::npos;
  text.remove_prefix(had_eol ? nl + 1 : text.size());
  if (had_eol && !line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::string armor_encode(std::string_view binary) {
  std::string b64 = base64_encode(binary);
  std::string out(k_armor_begin);
  out += '\n';
  for (std::size_t i = 0; i < b64.size(); i += k_columns) {
    out += b64.substr(i, k_columns);
    out += '\n';
  }
  out += k_armor_end;
  out += '\n';
  return out;
}

// Binary age files start with "age-encryption.org"; anything starting with dashes is an armor
// attempt and gets the armor checks (and their errors).
bool looks_armored(std::string_view text) { return trim_left(text).starts_with("-----"); }

std::string armor_decode(std::string_view text) {
  text = trim_left(text);
  bool eol = false;
  auto first = next_line(text, eol);
  if (!first || *first != k_armor_begin || !eol) fail("the file does not start with \"" + std::string(k_armor_begin) + "\"");
  std::string b64;
  bool short_seen = false;
  for (;;) {
    auto line = next_line(text, eol);
    if (!line) fail("missing \"" + std::string(k_armor_end) + "\" line");
    if (*line == k_armor_end) break;
    if (short_seen) fail("a line after the short last line");
    if (line->empty()) fail("an empty line");
    if (line->size() > k_columns) fail("a line longer than 64 columns");
    if (line->size() < k_columns) short_seen = true;
    if (!eol) fail("missing end line");
    b64 += *line;
  }
  for (char c : text)
    if (!is_space(c)) fail("trailing data after the end line");
  auto binary = base64_decode_strict(b64);
  if (!binary) fail("the base64 payload is invalid or not canonical");
  return *binary;
}

}  // namespace drover::secrets
