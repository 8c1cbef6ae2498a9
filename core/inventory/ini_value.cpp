#include "core/inventory/ini_value.hpp"

#include <cctype>
#include <stdexcept>

#include "core/value/python_literal.hpp"

namespace drover::inventory {

// --- shlex -----------------------------------------------------------------------------------

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct ShlexState {
  std::vector<std::string> tokens;
  std::string token;
  bool in_token = false;  // a token has started (possibly empty, from "")
  void finish() {
    if (in_token) tokens.push_back(token);
    token.clear();
    in_token = false;
  }
};

// Reads a quoted part starting after the opening quote; returns the index after the closing one.
std::size_t read_quoted(std::string_view s, std::size_t i, char quote, std::string& out) {
  while (i < s.size()) {
    char c = s[i];
    if (c == quote) return i + 1;
    if (quote == '"' && c == '\\') {
      if (i + 1 >= s.size()) throw std::invalid_argument("No escaped character");
      char next = s[i + 1];
      // POSIX shlex keeps the backslash unless it escapes the quote or itself.
      if (next != '"' && next != '\\') out += '\\';
      out += next;
      i += 2;
      continue;
    }
    out += c;
    ++i;
  }
  throw std::invalid_argument("No closing quotation");
}

}  // namespace

std::vector<std::string> shlex_split(std::string_view s) {
  ShlexState st;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (is_space(c)) {
      st.finish();
      ++i;
    } else if (c == '#') {
      std::size_t nl = s.find('\n', i);
      st.finish();
      if (nl == std::string_view::npos) break;
      i = nl + 1;
    } else if (c == '\'' || c == '"') {
      st.in_token = true;
      i = read_quoted(s, i + 1, c, st.token);
    } else if (c == '\\') {
      if (i + 1 >= s.size()) throw std::invalid_argument("No escaped character");
      st.in_token = true;
      st.token += s[i + 1];
      i += 2;
    } else {
      st.in_token = true;
      st.token += c;
      ++i;
    }
  }
  st.finish();
  return st.tokens;
}

// --- values ----------------------------------------------------------------------------------

Value ini_value(std::string_view text) {
  if (auto v = literal_eval(text)) return *v;
  return Value(std::string(text));
}

}  // namespace drover::inventory
