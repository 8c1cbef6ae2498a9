#include "core/secrets/age_header.hpp"

#include <optional>

#include "core/secrets/age_error.hpp"
#include "core/secrets/crypto.hpp"

namespace drover::secrets {
namespace {

constexpr std::size_t k_columns = 64;

[[noreturn]] void fail(const std::string& why) { throw AgeError(AgeFailure::header, "invalid age header: " + why); }

class LineReader {
public:
  explicit LineReader(std::string_view text) : m_text(text) {}
  // The next LF-terminated line, without the LF. A missing LF is a header error.
  std::string_view next() {
    auto nl = m_text.find('\n', m_pos);
    if (nl == std::string_view::npos) fail("truncated header (a line has no end)");
    std::string_view line = m_text.substr(m_pos, nl - m_pos);
    m_pos = nl + 1;
    return line;
  }
  std::size_t pos() const { return m_pos; }

private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

bool valid_arg(std::string_view a) {
  if (a.empty()) return false;
  for (char c : a)
    if (c < 33 || c > 126) return false;
  return true;
}

// The arguments of a stanza line ("-> X25519 <arg>"): single spaces between non-empty printable words.
std::vector<std::string> stanza_args(std::string_view rest) {
  std::vector<std::string> args;
  std::size_t start = 0;
  for (;;) {
    auto sp = rest.find(' ', start);
    auto arg = rest.substr(start, sp == std::string_view::npos ? std::string_view::npos : sp - start);
    if (!valid_arg(arg)) fail("a stanza argument is empty or has a character outside printable ASCII");
    args.emplace_back(arg);
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  return args;
}

std::string read_body(LineReader& lines) {
  std::string body;
  for (;;) {
    auto line = lines.next();
    if (line.size() > k_columns) fail("a stanza body line is longer than 64 columns");
    auto bytes = base64_decode_strict(line, Base64Padding::unpadded);
    if (!bytes) fail("a stanza body line is not canonical unpadded base64");
    body += *bytes;
    if (line.size() < k_columns) return body;
  }
}

}  // namespace

std::string age_b64(std::string_view data) { return base64_encode(data, Base64Padding::unpadded); }

AgeHeader parse_age_header(std::string_view file) {
  LineReader lines(file);
  AgeHeader header;
  if (lines.next() != k_age_version_line) fail("not an age v1 file (unknown version line)");
  for (;;) {
    std::size_t line_start = lines.pos();
    auto line = lines.next();
    if (line.starts_with("-> ")) {
      auto args = stanza_args(line.substr(3));
      Stanza s{args.front(), std::vector<std::string>(args.begin() + 1, args.end()), read_body(lines)};
      header.stanzas.push_back(std::move(s));
      continue;
    }
    if (!line.starts_with("---")) fail("expected a stanza (\"-> \") or the MAC line (\"--- \")");
    if (!line.starts_with("--- ")) fail("the MAC line lacks its space");
    auto mac_text = line.substr(4);
    auto mac = base64_decode_strict(mac_text, Base64Padding::unpadded);
    if (!mac || mac->size() != 32) fail("the header MAC is not 32 bytes of canonical base64");
    header.mac = *mac;
    header.mac_input = std::string(file.substr(0, line_start + 3));
    header.payload_offset = lines.pos();
    break;
  }
  if (header.stanzas.empty()) fail("no recipient stanzas");
  return header;
}

std::string format_age_header_without_mac(const std::vector<Stanza>& stanzas) {
  std::string out(k_age_version_line);
  out += '\n';
  for (const auto& s : stanzas) {
    out += "-> " + s.type;
    for (const auto& a : s.args) out += " " + a;
    out += '\n';
    std::string b64 = age_b64(s.body);
    std::size_t i = 0;
    for (; i + k_columns <= b64.size(); i += k_columns) out += b64.substr(i, k_columns) + "\n";
    out += b64.substr(i) + "\n";  // always a short (possibly empty) final line
  }
  out += "---";
  return out;
}

}  // namespace drover::secrets
