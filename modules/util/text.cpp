#include <cctype>
#include <cstdlib>
#include "modules/util/text.hpp"

#include <cstdio>
#include <ctime>

#include "modules/util/users.hpp"

namespace drover::modules {

namespace {

bool is_shlex_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::vector<std::string> shlex_split(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (is_shlex_space(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      ++i;
    } else if (c == '\\') {
      if (i + 1 >= text.size()) throw ModuleFailure("No escaped character");
      word += text[i + 1];
      in_word = true;
      i += 2;
    } else if (c == '\'') {
      auto close = text.find('\'', i + 1);
      if (close == std::string_view::npos) throw ModuleFailure("No closing quotation");
      word.append(text.substr(i + 1, close - i - 1));
      in_word = true;
      i = close + 1;
    } else if (c == '"') {
      in_word = true;
      ++i;
      for (;;) {
        if (i >= text.size()) throw ModuleFailure("No closing quotation");
        char q = text[i];
        if (q == '"') {
          ++i;
          break;
        }
        if (q == '\\' && i + 1 >= text.size()) throw ModuleFailure("No escaped character");
        if (q == '\\' && (text[i + 1] == '"' || text[i + 1] == '\\')) {
          word += text[i + 1];
          i += 2;
          continue;
        }
        word += q;
        ++i;
      }
    } else {
      word += c;
      in_word = true;
      ++i;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::string trim(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f'); };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::string shlex_quote(std::string_view word) {
  if (word.empty()) return "''";
  bool safe = true;
  for (char c : word) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("@%+=:,./-_").find(c) != std::string_view::npos;
    if (!ok) safe = false;
  }
  if (safe) return std::string(word);
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'') quoted += "'\"'\"'";
    else quoted += c;
  }
  return quoted + "'";
}

namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string expand_user(const std::string& word,
                        const std::function<std::optional<std::string>(const std::string&)>& lookup) {
  if (!word.starts_with("~")) return word;
  size_t slash = word.find('/');
  std::string user = word.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
  std::optional<std::string> home;
  if (user.empty()) home = lookup("HOME");
  else if (auto entry = find_user(user)) home = entry->home;
  if (!home) return word;
  return *home + (slash == std::string::npos ? "" : word.substr(slash));
}

}  // namespace

std::string expand_user_and_vars(const std::string& word,
                                 const std::function<std::optional<std::string>(const std::string&)>& lookup) {
  std::string text = expand_user(word, lookup);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i++];
      continue;
    }
    size_t name_start = i + 1, name_end;
    size_t next;
    if (text[name_start] == '{') {
      size_t close = text.find('}', name_start);
      if (close == std::string::npos) {
        out += text[i++];
        continue;
      }
      name_end = close;
      ++name_start;
      next = close + 1;
    } else {
      name_end = name_start;
      while (name_end < text.size() && is_word_char(text[name_end])) ++name_end;
      next = name_end;
    }
    if (name_end == name_start) {
      out += text[i++];
      continue;
    }
    auto value = lookup(text.substr(name_start, name_end - name_start));
    out += value ? *value : text.substr(i, next - i);
    i = next;
  }
  return out;
}

json split_lines(std::string_view text) {
  json lines = json::array();
  std::string line;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '\x1c' || c == '\x1d' || c == '\x1e') {
      lines.push_back(line);
      line.clear();
      i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
    } else {
      line += c;
      ++i;
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

std::string python_datetime(std::chrono::system_clock::time_point when) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  long fraction = static_cast<long>(micros % 1000000);
  std::tm local{};
  ::localtime_r(&seconds, &local);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &local);
  std::string text = buffer;
  if (fraction != 0) {
    std::snprintf(buffer, sizeof buffer, ".%06ld", fraction);
    text += buffer;
  }
  return text;
}

std::string python_timedelta(std::chrono::microseconds delta) {
  long long micros = delta.count();
  if (micros < 0) micros = 0;
  long long seconds = micros / 1000000;
  long fraction = static_cast<long>(micros % 1000000);
  long long days = seconds / 86400;
  seconds %= 86400;
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", seconds / 3600, (seconds / 60) % 60,
                seconds % 60);
  std::string text = buffer;
  if (fraction != 0) {
    std::snprintf(buffer, sizeof buffer, ".%06ld", fraction);
    text += buffer;
  }
  if (days > 0) text = std::to_string(days) + (days == 1 ? " day, " : " days, ") + text;
  return text;
}

std::string octal_mode(unsigned mode) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0%03o", mode & 07777u);
  return buffer;
}

namespace {
constexpr char k_base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::string base64_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                 (static_cast<unsigned char>(data[i + 1]) << 8) | static_cast<unsigned char>(data[i + 2]);
    out += k_base64_alphabet[(v >> 18) & 63];
    out += k_base64_alphabet[(v >> 12) & 63];
    out += k_base64_alphabet[(v >> 6) & 63];
    out += k_base64_alphabet[v & 63];
  }
  size_t rest = data.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(data[i + 1]) << 8;
    out += k_base64_alphabet[(v >> 18) & 63];
    out += k_base64_alphabet[(v >> 12) & 63];
    out += rest == 2 ? k_base64_alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  size_t padding = 0;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == ' ') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int value = base64_value(c);
    if (value < 0 || padding > 0) throw ModuleFailure("invalid base64 data");
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  if (padding > 2) throw ModuleFailure("invalid base64 padding");
  return out;
}

std::size_t utf8_valid_prefix(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char c = byte(i);
    std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 && c >= 0xc2 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e && c <= 0xf4 ? 4 : 0;
    if (length == 0 || i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k)
      if ((byte(i + k) >> 6) != 0x2) return i;
    if (length == 3 && ((c == 0xe0 && byte(i + 1) < 0xa0) || (c == 0xed && byte(i + 1) >= 0xa0))) return i;
    if (length == 4 && ((c == 0xf0 && byte(i + 1) < 0x90) || (c == 0xf4 && byte(i + 1) >= 0x90))) return i;
    i += length;
  }
  return i;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(word);
  return words;
}

std::optional<std::string> environment_variable(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace drover::modules
