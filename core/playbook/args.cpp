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

// Python's text.split(sep): every piece, empty ones included.
std::vector<std::string_view> split_on(std::string_view text, char sep) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  for (std::size_t pos; (pos = text.find(sep, start)) != std::string_view::npos; start = pos + 1)
    pieces.push_back(text.substr(start, pos - start));
  pieces.push_back(text.substr(start));
  return pieces;
}

// Python's str.count: non-overlapping occurrences of `needle`.
int count_of(std::string_view text, std::string_view needle) {
  int n = 0;
  for (std::size_t pos = 0; (pos = text.find(needle, pos)) != std::string_view::npos; pos += needle.size()) ++n;
  return n;
}

// Ansible's _get_quote_state: the quote still open after `token`, given the one open before it.
char quote_after(std::string_view token, char quote) {
  for (std::size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    if ((c != '"' && c != '\'') || (i > 0 && token[i - 1] == '\\')) continue;
    if (!quote)
      quote = c;
    else if (c == quote)
      quote = 0;
  }
  return quote;
}

// Ansible's _count_jinja2_blocks: the nesting depth after `token`, never below 0.
int depth_after(std::string_view token, int depth, std::string_view open, std::string_view close) {
  return std::max(0, depth + count_of(token, open) - count_of(token, close));
}

// Ansible's split_args, token by token. It splits on '\n' and ' ' only (not tabs) and keeps
// what it split on: a run of spaces stays on the token before it, a newline ends the token before
// it, so joining the tokens (join_args) gives back the text, lines and indentation included;
// a shell script keeps its lines. A token of a lone backslash joins its line to the next one.
// Tokens inside quotes or {{ }}, {% %}, {# #} are glued back together.
class ArgSplitter {
public:
  // Adds one line's tokens; returns true when the line ended in a continuation backslash.
  bool add_line(std::string_view line) {
    std::vector<std::string_view> words = split_on(line, ' ');
    bool continued = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (words[i].empty() && i != 0) {
        append_to_last(" ");
        continue;
      }
      if (words[i] == "\\" && !m_quote) {
        continued = true;
        continue;
      }
      add_word(words[i], i == 0 ? Position::first : Position::later, words.size());
    }
    return continued;
  }

  void end_line() { append_to_last("\n"); }

  std::vector<std::string> finish(std::string_view text) {
    if (m_quote) throw Fatal("unbalanced quotes in arguments: " + std::string(text));
    if (inside_block()) throw Fatal("unbalanced jinja2 block in arguments: " + std::string(text));
    return std::move(m_params);
  }

private:
  enum class Position { first, later };

  bool inside_block() const { return m_print_depth || m_block_depth || m_comment_depth; }

  // Ansible fails with an IndexError on white space before the first token ("Unable to parse
  // argument string"); drover drops that white space instead.
  void append_to_last(std::string_view text) {
    if (!m_params.empty()) m_params.back() += text;
  }

  void add_word(std::string_view word, Position position, std::size_t words_on_line) {
    bool was_quoted = m_quote != 0;
    m_quote = quote_after(word, m_quote);
    bool quoted = m_quote != 0;
    bool appended = false;
    if (quoted && !was_quoted && !inside_block()) {
      m_params.emplace_back(word);
      appended = true;
    } else if (inside_block() || quoted || was_quoted) {
      glue(word, position, was_quoted, words_on_line);
      appended = true;
    }
    appended = track_depth(word, m_print_depth, "{{", "}}", appended);
    appended = track_depth(word, m_block_depth, "{%", "%}", appended);
    appended = track_depth(word, m_comment_depth, "{#", "#}", appended);
    if (!inside_block() && !quoted && !appended && !word.empty()) m_params.emplace_back(word);
  }

  // Joins a word to the open token: directly after a quote that spanned a newline, after a
  // space within a line, after a newline when the line held only this word.
  void glue(std::string_view word, Position position, bool was_quoted, std::size_t words_on_line) {
    if (m_params.empty()) {
      m_params.emplace_back(word);
      return;
    }
    std::string& last = m_params.back();
    if (position == Position::first && was_quoted) {
      last += word;
    } else if (words_on_line > 1) {
      if (position == Position::later) last += ' ';
      last += word;
    } else {
      last += '\n';
      last += word;
    }
  }

  // Updates one depth; a word that changes it starts a token unless it was placed already.
  bool track_depth(std::string_view word, int& depth, std::string_view open, std::string_view close, bool appended) {
    int before = depth;
    depth = depth_after(word, depth, open, close);
    if (depth != before && !appended) {
      m_params.emplace_back(word);
      return true;
    }
    return appended;
  }

  std::vector<std::string> m_params;
  char m_quote = 0;
  int m_print_depth = 0;
  int m_block_depth = 0;
  int m_comment_depth = 0;
};

// Ansible's join_args: the tokens of split_args back into one text, a space between two tokens
// unless the first ends a line (the tokens carry their own newlines and extra spaces).
std::string join_args(const std::vector<std::string>& tokens) {
  std::string joined;
  for (const auto& token : tokens) {
    if (!joined.empty() && joined.back() != '\n') joined += ' ';
    joined += token;
  }
  return joined;
}

}  // namespace

ArgStyle arg_style(std::string_view action) {
  auto in = [action](const auto& list) { return std::find(list.begin(), list.end(), action) != list.end(); };
  if (in(k_free_form_actions)) return ArgStyle::free_form;
  if (in(k_raw_param_actions)) return ArgStyle::raw_params;
  return ArgStyle::key_value;
}

std::vector<std::string> split_args(std::string_view text) {
  ArgSplitter splitter;
  std::vector<std::string_view> lines = split_on(text, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    bool continued = splitter.add_line(lines[i]);
    if (i + 1 < lines.size() && !continued) splitter.end_line();
  }
  return splitter.finish(text);
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
    out.mutable_map().set("_raw_params", Value(join_args(raw)));
  }
  return out;
}

}  // namespace drover::playbook
