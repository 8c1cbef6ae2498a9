#include "core/inventory/python_literal.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>

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

// --- ast.literal_eval ------------------------------------------------------------------------

namespace {

class LiteralParser {
public:
  explicit LiteralParser(std::string_view text) : m_s(text) {}

  std::optional<Value> parse_all() {
    skip_space();
    auto v = parse_expr();
    if (!v) return std::nullopt;
    skip_space();
    if (m_i != m_s.size()) return std::nullopt;
    return v;
  }

private:
  std::string_view m_s;
  std::size_t m_i = 0;

  void skip_space() {
    while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\n')) ++m_i;
  }
  bool eat(char c) {
    skip_space();
    if (m_i < m_s.size() && m_s[m_i] == c) {
      ++m_i;
      return true;
    }
    return false;
  }
  char peek() {
    skip_space();
    return m_i < m_s.size() ? m_s[m_i] : '\0';
  }

  std::optional<Value> parse_expr() {
    char c = peek();
    if (c == '[') return parse_sequence('[', ']');
    if (c == '(') return parse_sequence('(', ')');
    if (c == '{') return parse_braces();
    if (c == '\'' || c == '"') return parse_strings();
    if (c == '-' || c == '+') return parse_signed();
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return parse_number();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return parse_name();
    return std::nullopt;
  }

  std::optional<Value> parse_signed() {
    char sign = m_s[m_i++];
    auto v = parse_expr();
    if (!v || !v->is_number() || v->is_bool()) return std::nullopt;
    if (sign == '+') return v;
    if (v->is_int()) return Value(-v->as_int());
    return Value(-v->as_float());
  }

  std::optional<Value> parse_name() {
    std::size_t start = m_i;
    while (m_i < m_s.size() && (std::isalnum(static_cast<unsigned char>(m_s[m_i])) || m_s[m_i] == '_'))
      ++m_i;
    std::string_view word = m_s.substr(start, m_i - start);
    if (m_i < m_s.size() && (m_s[m_i] == '\'' || m_s[m_i] == '"')) {
      // string prefixes: r, u, b and their mixes
      if (word == "r" || word == "R") return parse_string_literal(true);
      if (word == "u" || word == "U") return parse_string_literal(false);
      return std::nullopt;
    }
    if (word == "True") return Value(true);
    if (word == "False") return Value(false);
    if (word == "None") return Value();
    return std::nullopt;
  }

  std::optional<Value> parse_number() {
    std::size_t start = m_i;
    while (m_i < m_s.size() && (std::isalnum(static_cast<unsigned char>(m_s[m_i])) || m_s[m_i] == '.' ||
                                m_s[m_i] == '_' ||
                                ((m_s[m_i] == '+' || m_s[m_i] == '-') && m_i > start &&
                                 (m_s[m_i - 1] == 'e' || m_s[m_i - 1] == 'E'))))
      ++m_i;
    std::string text;
    for (char c : m_s.substr(start, m_i - start))
      if (c != '_') text += c;
    if (text.empty()) return std::nullopt;
    return number_value(text);
  }

  static std::optional<Value> number_value(const std::string& t) {
    std::string lower;
    for (char c : t) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    int base = 10;
    std::string digits = lower;
    if (lower.size() > 2 && lower[0] == '0' && (lower[1] == 'x' || lower[1] == 'o' || lower[1] == 'b')) {
      base = lower[1] == 'x' ? 16 : lower[1] == 'o' ? 8 : 2;
      digits = lower.substr(2);
    }
    bool is_float = base == 10 && lower.find_first_of(".e") != std::string::npos;
    if (is_float) {
      if (lower.find_first_not_of("0123456789.e+-") != std::string::npos) return std::nullopt;
      try {
        std::size_t used = 0;
        double d = std::stod(lower, &used);
        if (used != lower.size()) return std::nullopt;
        return Value(d);
      } catch (const std::exception&) {
        return std::nullopt;
      }
    }
    // Python 3 rejects decimal literals with leading zeros ("0644"), except all zeros.
    if (base == 10 && digits.size() > 1 && digits[0] == '0' &&
        digits.find_first_not_of('0') != std::string::npos)
      return std::nullopt;
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out, base);
    if (ec != std::errc() || p != digits.data() + digits.size()) return std::nullopt;
    return Value(out);
  }

  std::optional<Value> parse_strings() {
    auto first = parse_string_literal(false);
    if (!first) return std::nullopt;
    std::string joined = first->as_string();
    // adjacent literals concatenate, as in Python
    while (peek() == '\'' || peek() == '"') {
      auto more = parse_string_literal(false);
      if (!more) return std::nullopt;
      joined += more->as_string();
    }
    return Value(joined);
  }

  std::optional<Value> parse_string_literal(bool raw) {
    skip_space();
    char q = m_s[m_i];
    bool triple = m_s.substr(m_i, 3) == std::string(3, q);
    m_i += triple ? 3 : 1;
    std::string out;
    while (m_i < m_s.size()) {
      char c = m_s[m_i];
      if (triple ? m_s.substr(m_i, 3) == std::string(3, q) : c == q) {
        m_i += triple ? 3 : 1;
        return Value(out);
      }
      if (c == '\n' && !triple) return std::nullopt;
      if (c == '\\' && m_i + 1 < m_s.size()) {
        if (raw) {
          out += c;
          out += m_s[m_i + 1];
        } else {
          out += unescape(m_s[m_i + 1]);
        }
        m_i += 2;
        continue;
      }
      out += c;
      ++m_i;
    }
    return std::nullopt;
  }

  static std::string unescape(char c) {
    switch (c) {
      case 'n': return "\n";
      case 't': return "\t";
      case 'r': return "\r";
      case '0': return std::string(1, '\0');
      case '\\': return "\\";
      case '\'': return "'";
      case '"': return "\"";
      case '\n': return "";
      default: return std::string("\\") + c;
    }
  }

  std::optional<Value> parse_sequence(char open, char close) {
    ++m_i;
    List items;
    bool had_comma = false;
    while (true) {
      if (eat(close)) break;
      auto v = parse_expr();
      if (!v) return std::nullopt;
      items.push_back(*v);
      if (eat(',')) {
        had_comma = true;
        continue;
      }
      if (eat(close)) break;
      return std::nullopt;
    }
    // "(1)" is just 1 in Python; "(1,)" is a tuple
    if (open == '(' && items.size() == 1 && !had_comma) return items[0];
    return Value(std::move(items));
  }

  std::optional<Value> parse_braces() {
    ++m_i;
    if (eat('}')) return Value::map();
    auto first = parse_expr();
    if (!first) return std::nullopt;
    if (eat(':')) return parse_dict_rest(*first);
    List items{*first};  // a set literal
    while (true) {
      if (eat('}')) return Value(std::move(items));
      if (!eat(',')) return std::nullopt;
      if (eat('}')) return Value(std::move(items));
      auto v = parse_expr();
      if (!v) return std::nullopt;
      items.push_back(*v);
    }
  }

  std::optional<Value> parse_dict_rest(const Value& first_key) {
    Map m;
    Value key = first_key;
    while (true) {
      auto v = parse_expr();
      if (!v) return std::nullopt;
      auto k = key_text(key);
      if (!k) return std::nullopt;
      m.set(*k, *v);
      if (eat('}')) break;
      if (!eat(',')) return std::nullopt;
      if (eat('}')) break;
      auto next = parse_expr();
      if (!next || !eat(':')) return std::nullopt;
      key = *next;
    }
    return Value(std::move(m));
  }

  // Dict keys become strings, as they do once Ansible's values reach JSON.
  static std::optional<std::string> key_text(const Value& k) {
    if (k.is_string()) return k.as_string();
    if (k.is_bool()) return std::string(k.as_bool() ? "true" : "false");
    if (k.is_int()) return std::to_string(k.as_int());
    if (k.is_null()) return std::string("null");
    return std::nullopt;
  }
};

}  // namespace

std::optional<Value> python_literal(std::string_view text) {
  return LiteralParser(text).parse_all();
}

Value ini_value(std::string_view text) {
  if (auto v = python_literal(text)) return *v;
  return Value(std::string(text));
}

}  // namespace drover::inventory
