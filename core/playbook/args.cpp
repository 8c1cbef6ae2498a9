#include "core/playbook/args.hpp"

#include <algorithm>
#include <array>

#include "core/error.hpp"

namespace drover::playbook {

namespace {

constexpr std::array k_free_form_actions = {
    std::string_view("command"), std::string_view("include_role"), std::string_view("include_tasks"),
    std::string_view("import_tasks"), std::string_view("include_vars"), std::string_view("raw"),
    std::string_view("script"), std::string_view("shell"), std::string_view("win_command"),
    std::string_view("win_shell"),
};

// The k=v keys Ansible accepts inside a command line of command/shell/script.
constexpr std::array k_command_keys = {
    std::string_view("argv"), std::string_view("chdir"), std::string_view("creates"),
    std::string_view("executable"), std::string_view("removes"), std::string_view("stdin"),
    std::string_view("stdin_add_newline"), std::string_view("strip_empty_ends"),
    std::string_view("warn"),
};

bool is_command_key(std::string_view key) {
  return std::find(k_command_keys.begin(), k_command_keys.end(), key) != k_command_keys.end();
}

std::string unquote(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    std::string out;
    char q = s.front();
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
      if (s[i] == '\\' && i + 2 < s.size() && (s[i + 1] == q || s[i + 1] == '\\')) {
        out += s[++i];
        continue;
      }
      out += s[i];
    }
    return out;
  }
  return std::string(s);
}

// Position of an `=` that makes the token a k=v pair (key is an identifier), else npos.
std::size_t kv_split(std::string_view token) {
  auto eq = token.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::string_view::npos;
  for (std::size_t i = 0; i < eq; ++i) {
    char c = token[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return std::string_view::npos;
  }
  return eq;
}

}  // namespace

bool is_free_form_action(std::string_view action) {
  return std::find(k_free_form_actions.begin(), k_free_form_actions.end(), action) !=
         k_free_form_actions.end();
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
    } else if (depth == 0 && (c == '"' || c == '\'')) {
      quote = c;
    }
  }
  if (quote) throw Fatal("unbalanced quotes in arguments: " + std::string(text));
  if (depth) throw Fatal("unbalanced jinja2 block in arguments: " + std::string(text));
  if (have) tokens.push_back(cur);
  return tokens;
}

Value parse_kv(std::string_view text, bool free_form) {
  Value out = Value::map();
  std::vector<std::string> raw;
  for (const auto& token : split_args(text)) {
    auto eq = kv_split(token);
    std::string key = eq == std::string::npos ? "" : token.substr(0, eq);
    bool take = eq != std::string::npos && (!free_form || is_command_key(key));
    if (take) {
      out.mutable_map().set(key, Value(unquote(std::string_view(token).substr(eq + 1))));
    } else if (free_form) {
      raw.push_back(token);
    } else {
      throw Fatal("this module takes key=value arguments, but '" + token +
                  "' is not one (write it as key=value, or give the arguments as a YAML mapping)");
    }
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
