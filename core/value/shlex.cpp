#include "core/value/shlex.hpp"

#include <stdexcept>

namespace drover {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct Words {
  std::vector<std::string> done;
  std::string word;
  bool started = false;  // a word has begun, possibly empty (from "")
  void finish() {
    if (started) done.push_back(word);
    word.clear();
    started = false;
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

std::vector<std::string> shlex_split(std::string_view s, ShlexComments comments) {
  Words words;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (is_space(c)) {
      words.finish();
      ++i;
    } else if (c == '#' && comments == ShlexComments::stripped) {
      std::size_t nl = s.find('\n', i);
      words.finish();
      if (nl == std::string_view::npos) break;
      i = nl + 1;
    } else if (c == '\'' || c == '"') {
      words.started = true;
      i = read_quoted(s, i + 1, c, words.word);
    } else if (c == '\\') {
      if (i + 1 >= s.size()) throw std::invalid_argument("No escaped character");
      words.started = true;
      words.word += s[i + 1];
      i += 2;
    } else {
      words.started = true;
      words.word += c;
      ++i;
    }
  }
  words.finish();
  return words.done;
}

}  // namespace drover
