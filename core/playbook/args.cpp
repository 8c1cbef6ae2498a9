#include "core/playbook/args.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>

#include "core/error.hpp"
#include "core/value/python_literal.hpp"
#include "core/value/text.hpp"

namespace drover::playbook {

namespace {

// Ansible's FREEFORM_ACTIONS, plus the include/import actions whose one word is a file name.
constexpr std::array k_free_form_actions = {
    std::string_view("command"), std::string_view("include_role"), std::string_view("include_tasks"),
    std::string_view("import_tasks"), std::string_view("include_vars"), std::string_view("raw"),
    std::string_view("script"), std::string_view("shell"), std::string_view("win_command"),
    std::string_view("win_shell"),
};

// The rest of Ansible's RAW_PARAM_MODULES: k=v arguments plus words kept as `_raw_params`.
constexpr std::array k_raw_param_actions = {
    std::string_view("add_host"), std::string_view("group_by"), std::string_view("import_role"),
    std::string_view("include"),  std::string_view("meta"),     std::string_view("set_fact"),
};

// The k=v keys Ansible accepts inside a command line of command/shell/script.
constexpr std::array k_command_keys = {
    std::string_view("chdir"), std::string_view("creates"),
    std::string_view("executable"), std::string_view("removes"), std::string_view("stdin"),
    std::string_view("stdin_add_newline"), std::string_view("strip_empty_ends"),
    std::string_view("warn"),
};

bool is_command_key(std::string_view key) {
  return std::find(k_command_keys.begin(), k_command_keys.end(), key) != k_command_keys.end();
}

// Ansible's quoting.unquote: drops the outer quotes when both ends hold the same one (and the
// closing one is not escaped); nothing inside changes (escapes were decoded before).
std::string unquote(std::string_view s) {
  if (s.size() > 1 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front() && s[s.size() - 2] != '\\')
    return std::string(s.substr(1, s.size() - 2));
  return std::string(s);
}

// `digits` hex digits at s[i], or nullopt when there are fewer.
std::optional<std::uint32_t> hex_at(std::string_view s, std::size_t i, int digits) {
  if (i + static_cast<std::size_t>(digits) > s.size()) return std::nullopt;
  std::uint32_t v = 0;
  for (int k = 0; k < digits; ++k) {
    char c = s[i + static_cast<std::size_t>(k)];
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 16 + static_cast<std::uint32_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10);
  }
  return v;
}

// Ansible's splitter._decode_escapes: \UXXXXXXXX, \uXXXX, \xXX and \\ \' \" \a \b \f \n \r \t \v
// are decoded; every other backslash stays (\N{name} too: drover has no name table).
std::string decode_escapes(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char c = s[i + 1];
    int digits = c == 'U' ? 8 : c == 'u' ? 4 : c == 'x' ? 2 : 0;
    if (digits) {
      auto cp = hex_at(s, i + 2, digits);
      if (cp && *cp <= 0x10FFFF) {
        append_utf8(out, *cp);
        i += 1 + static_cast<std::size_t>(digits);
        continue;
      }
      out += s[i];
      continue;
    }
    static constexpr std::string_view k_from = "\\'\"abfnrtv", k_to = "\\'\"\a\b\f\n\r\t\v";
    if (auto k = k_from.find(c); k != std::string_view::npos) {
      out += k_to[k];
      ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

// Ansible's rule for a k=v token: the first `=` after the first character that is not preceded
// by a backslash. npos when there is none.
std::size_t kv_split(std::string_view token) {
  for (std::size_t i = 1; i < token.size(); ++i)
    if (token[i] == '=' && token[i - 1] != '\\') return i;
  return std::string_view::npos;
}

std::string unescape_equals(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '=') continue;
    out += s[i];
  }
  return out;
}

}  // namespace

ArgStyle arg_style(std::string_view action) {
  auto in = [action](const auto& list) { return std::find(list.begin(), list.end(), action) != list.end(); };
  if (in(k_free_form_actions)) return ArgStyle::free_form;
  if (in(k_raw_param_actions)) return ArgStyle::raw_params;
  return ArgStyle::key_value;
}

std::vector<std::string> split_args(std::string_view text) {
  std::vector<std::string> tokens;
  std::string cur;
  char quote = 0;
  int depth = 0;  // inside {{ }}, {% %}, {# #}
  bool have = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (depth == 0 && !quote && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
      if (have) tokens.push_back(cur);
      cur.clear();
      have = false;
      continue;
    }
    have = true;
    cur += c;
    if (quote) {
      if (c == '\\' && next) {
        cur += next;
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '{' && (next == '{' || next == '%' || next == '#')) {
      ++depth;
      cur += next;
      ++i;
    } else if ((c == '}' || c == '%' || c == '#') && next == '}' && depth > 0) {
      --depth;
      cur += next;
      ++i;
    } else if (depth == 0 && (c == '"' || c == '\'') && !(i > 0 && text[i - 1] == '\\')) {
      quote = c;
    }
  }
  if (quote) throw Fatal("unbalanced quotes in arguments: " + std::string(text));
  if (depth) throw Fatal("unbalanced jinja2 block in arguments: " + std::string(text));
  if (have) tokens.push_back(cur);
  return tokens;
}

Value parse_kv(std::string_view text, ArgStyle style) {
  const bool free_form = style == ArgStyle::free_form;
  Value out = Value::map();
  std::vector<std::string> raw;
  for (const auto& token : split_args(text)) {
    std::string decoded = decode_escapes(token);
    auto eq = kv_split(decoded);
    if (eq == std::string::npos) {
      if (style != ArgStyle::key_value) {
        raw.push_back(decoded.find('=') == std::string::npos ? token : unescape_equals(decoded));
        continue;
      }
      throw Fatal("this module takes key=value arguments, but '" + token +
                  "' is not one (write it as key=value, or give the arguments as a YAML mapping)");
    }
    std::string_view key = trim(std::string_view(decoded).substr(0, eq));
    if (free_form && !is_command_key(key)) {
      raw.push_back(token);
      continue;
    }
    out.mutable_map().set(std::string(key), Value(unquote(trim(std::string_view(decoded).substr(eq + 1)))));
  }
  if (!raw.empty()) {
    std::string joined;
    for (const auto& r : raw) {
      if (!joined.empty()) joined += ' ';
      joined += r;
    }
    out.mutable_map().set("_raw_params", Value(joined));
  }
  return out;
}

}  // namespace drover::playbook
