#include "core/value/fragments.hpp"

namespace drover {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One escape after the backslash at text[i]; returns the index of its last character.
std::size_t decode_one(const std::string& text, std::size_t i, std::string& out) {
  char c = text[i + 1];
  switch (c) {
    case 'n': out += '\n'; return i + 1;
    case 't': out += '\t'; return i + 1;
    case 'r': out += '\r'; return i + 1;
    case 'a': out += '\a'; return i + 1;
    case 'b': out += '\b'; return i + 1;
    case 'f': out += '\f'; return i + 1;
    case 'v': out += '\v'; return i + 1;
    case '\\': out += '\\'; return i + 1;
    case '\'': out += '\''; return i + 1;
    case '"': out += '"'; return i + 1;
    case '\n': return i + 1;
    case 'x': {
      if (i + 3 >= text.size() || hex_value(text[i + 2]) < 0 || hex_value(text[i + 3]) < 0)
        throw std::invalid_argument("invalid \\x escape at position " + std::to_string(i));
      out += static_cast<char>(hex_value(text[i + 2]) * 16 + hex_value(text[i + 3]));
      return i + 3;
    }
    default: break;
  }
  if (c < '0' || c > '7') {
    out += '\\';
    out += c;
    return i + 1;
  }
  int value = 0;
  std::size_t end = i + 1;
  for (int digits = 0; digits < 3 && end < text.size() && text[end] >= '0' && text[end] <= '7'; ++digits, ++end)
    value = value * 8 + (text[end] - '0');
  out += static_cast<char>(value & 0xFF);
  return end - 1;
}

}  // namespace

std::string escape_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) i = decode_one(text, i, out);
    else out += text[i];
  }
  return out;
}

std::string assemble_fragments(const std::vector<std::string>& fragments, const std::string& delimiter) {
  std::string out;
  std::string current = delimiter;  // Ansible decodes it again at every use: "\\\\n" is "\\n", then "\n"
  bool delimit = false, add_newline = false;
  for (const auto& fragment : fragments) {
    if (add_newline) out += '\n';
    if (delimit && !current.empty()) {
      current = escape_decode(current);
      out += current;
      if (current.empty() || current.back() != '\n') out += '\n';
    }
    out += fragment;
    delimit = true;
    add_newline = fragment.empty() || fragment.back() != '\n';
  }
  return out;
}

}  // namespace drover
