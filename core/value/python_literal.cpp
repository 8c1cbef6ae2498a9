// A recursive-descent reader for the subset of Python that ast.literal_eval accepts. Any input
// Python would reject (or that drover has no type for) yields nullopt: the caller keeps the text.
#include "core/value/python_literal.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <string>

#include "core/value/json.hpp"

namespace drover {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); }

// Thrown inside the reader when Python would raise; caught once at the top.
struct Rejected {};

class Reader {
public:
  Reader(std::string_view s, LiteralNames names) : m_s(s), m_names(names) {}

  Value read_all() {
    // ast.parse rejects an indented first line; blank lines before the expression are fine
    while (m_i < m_s.size() && (m_s[m_i] == '\n' || m_s[m_i] == '\r')) ++m_i;
    if (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t' || m_s[m_i] == '\f')) throw Rejected{};
    Value v = read_tuple_or_expr(0);
    skip_space(k_top);
    if (m_i != m_s.size()) throw Rejected{};
    return v;
  }

private:
  static constexpr int k_top = 0;
  std::string_view m_s;
  LiteralNames m_names;
  std::size_t m_i = 0;

  // Whitespace and comments; newlines only inside brackets (depth > 0) or at the very end.
  void skip_space(int depth) {
    while (m_i < m_s.size()) {
      char c = m_s[m_i];
      if (c == ' ' || c == '\t' || c == '\f') {
        ++m_i;
      } else if (c == '#') {
        while (m_i < m_s.size() && m_s[m_i] != '\n') ++m_i;
      } else if (c == '\\' && m_i + 1 < m_s.size() && m_s[m_i + 1] == '\n') {
        m_i += 2;
      } else if (c == '\n' || c == '\r') {
        if (depth == k_top) {
          // a top-level newline ends the expression: only blank lines and comments may follow
          std::size_t j = m_i;
          while (j < m_s.size()) {
            char d = m_s[j];
            if (d == '#') {
              while (j < m_s.size() && m_s[j] != '\n') ++j;
            } else if (d == ' ' || d == '\t' || d == '\f' || d == '\n' || d == '\r') {
              ++j;
            } else {
              return;
            }
          }
          m_i = j;
          return;
        }
        ++m_i;
      } else {
        return;
      }
    }
  }
  char peek(int depth) {
    skip_space(depth);
    return m_i < m_s.size() ? m_s[m_i] : '\0';
  }
  bool eat(char c, int depth) {
    if (peek(depth) != c) return false;
    ++m_i;
    return true;
  }
  void expect(char c, int depth) {
    if (!eat(c, depth)) throw Rejected{};
  }
  bool at_close(int depth) {
    char c = peek(depth);
    return c == ']' || c == ')' || c == '}';
  }

  // `a, b` at the top level (or inside parentheses) is a tuple.
  Value read_tuple_or_expr(int depth) {
    Value first = read_expr(depth);
    if (peek(depth) != ',') return first;
    List items{first};
    while (eat(',', depth)) {
      char c = peek(depth);
      if (c == '\0' || at_close(depth)) break;
      items.push_back(read_expr(depth));
    }
    return Value(std::move(items)).add_mark(Mark::tuple);
  }

  Value read_expr(int depth) {
    char c = peek(depth);
    if (c == '-' || c == '+') return read_signed(depth);
    Value v = read_atom(depth);
    return v;
  }

  // literal_eval allows a sign only directly on a number constant (not on True, not twice).
  Value read_signed(int depth) {
    char sign = m_s[m_i++];
    std::size_t parens = 0;
    while (eat('(', depth + 1)) ++parens;
    char c = peek(depth + 1);
    if (!(is_digit(c) || (c == '.' && m_i + 1 < m_s.size() && is_digit(m_s[m_i + 1])))) throw Rejected{};
    Value v = read_number();
    for (; parens > 0; --parens) expect(')', depth + 1);
    if (sign == '+') return v;
    if (v.is_int()) {
      if (v.as_int() == INT64_MIN) throw Rejected{};
      return Value(-v.as_int());
    }
    return Value(-v.as_float());
  }

  Value read_atom(int depth) {
    char c = peek(depth);
    if (c == '[') return read_list(depth);
    if (c == '(') return read_parens(depth);
    if (c == '{') return read_braces(depth);
    if (c == '\'' || c == '"') return read_strings(depth);
    if (is_digit(c) || (c == '.' && m_i + 1 < m_s.size() && is_digit(m_s[m_i + 1]))) return read_number();
    if (is_name_char(c)) return read_name(depth);
    throw Rejected{};
  }

  Value read_list(int depth) {
    ++m_i;
    List items;
    while (!eat(']', depth + 1)) {
      items.push_back(read_expr(depth + 1));
      if (!eat(',', depth + 1)) {
        expect(']', depth + 1);
        break;
      }
    }
    return Value(std::move(items));
  }

  // `()` is an empty tuple, `(x)` is x, `(x,)` and `(x, y)` are tuples.
  Value read_parens(int depth) {
    ++m_i;
    if (eat(')', depth + 1)) return Value(List{}).add_mark(Mark::tuple);
    Value v = read_tuple_or_expr(depth + 1);
    expect(')', depth + 1);
    return v;
  }

  Value read_braces(int depth) {
    ++m_i;
    if (eat('}', depth + 1)) return Value::map();
    Value first = read_expr(depth + 1);
    if (eat(':', depth + 1)) return read_dict(first, depth + 1);
    List items{first};  // a set: drover holds it as a list
    while (eat(',', depth + 1)) {
      if (peek(depth + 1) == '}') break;
      items.push_back(read_expr(depth + 1));
    }
    expect('}', depth + 1);
    for (const Value& item : items)
      if (!hashable(item)) throw Rejected{};  // Python raises TypeError
    return Value(std::move(items));
  }

  static bool hashable(const Value& v) {
    if (v.is_map()) return false;
    if (v.is_list())
      return has_mark(v.mark(), Mark::tuple) && std::all_of(v.as_list().begin(), v.as_list().end(), hashable);
    return true;
  }

  Value read_dict(Value key, int depth) {
    Map m;
    while (true) {
      Value v = read_expr(depth);
      m.set(key_text(key), std::move(v));
      if (!eat(',', depth) || peek(depth) == '}') break;
      key = read_expr(depth);
      expect(':', depth);
    }
    expect('}', depth);
    return Value(std::move(m));
  }

  // drover's dict keys are strings; other hashable constants take their JSON spelling, as they
  // would once Ansible's result is serialised.
  static std::string key_text(const Value& k) {
    if (k.is_string()) return k.as_string();
    if (k.is_bool()) return k.as_bool() ? "true" : "false";
    if (k.is_null()) return "null";
    if (k.is_int()) return std::to_string(k.as_int());
    if (k.is_float()) return python_float_repr(k.as_float());
    throw Rejected{};
  }

  Value read_name(int depth) {
    std::size_t start = m_i;
    while (m_i < m_s.size() && is_name_char(m_s[m_i])) ++m_i;
    std::string_view word = m_s.substr(start, m_i - start);
    if (m_i < m_s.size() && (m_s[m_i] == '\'' || m_s[m_i] == '"')) {
      m_i = start;
      return read_strings(depth);
    }
    if (word == "True") return Value(true);
    if (word == "False") return Value(false);
    if (word == "None") return Value();
    if (m_names == LiteralNames::python_and_json) {
      if (word == "true") return Value(true);
      if (word == "false") return Value(false);
      if (word == "null") return Value();
    }
    if (word == "set" && eat('(', depth + 1)) {
      expect(')', depth + 1);
      return Value(List{});
    }
    throw Rejected{};
  }

  Value read_number() {
    std::size_t start = m_i;
    auto digits = [&](bool hex) {
      std::size_t n = 0;
      while (m_i < m_s.size()) {
        char c = m_s[m_i];
        bool ok = hex ? std::isxdigit(static_cast<unsigned char>(c)) != 0 : is_digit(c);
        if (ok) {
          ++m_i, ++n;
        } else if (c == '_' && n > 0 && m_i + 1 < m_s.size() &&
                   (hex ? std::isxdigit(static_cast<unsigned char>(m_s[m_i + 1])) != 0 : is_digit(m_s[m_i + 1]))) {
          ++m_i;
        } else {
          break;
        }
      }
      return n;
    };
    auto clean = [&](std::size_t from) {
      std::string t;
      for (char c : m_s.substr(from, m_i - from))
        if (c != '_') t += c;
      return t;
    };
    if (m_s[m_i] == '0' && m_i + 1 < m_s.size() && std::strchr("xXoObB", m_s[m_i + 1])) {
      char kind = static_cast<char>(std::tolower(static_cast<unsigned char>(m_s[m_i + 1])));
      m_i += 2;
      if (m_i < m_s.size() && m_s[m_i] == '_') ++m_i;
      std::size_t body = m_i;
      if (digits(kind == 'x') == 0) throw Rejected{};
      std::string t = clean(body);
      int base = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
      return finish_int(t, base);
    }
    bool is_float = false;
    digits(false);
    if (m_i < m_s.size() && m_s[m_i] == '.') {
      is_float = true;
      ++m_i;
      if (m_i < m_s.size() && m_s[m_i] == '_') throw Rejected{};
      digits(false);
    }
    if (m_i < m_s.size() && (m_s[m_i] == 'e' || m_s[m_i] == 'E')) {
      is_float = true;
      ++m_i;
      if (m_i < m_s.size() && (m_s[m_i] == '+' || m_s[m_i] == '-')) ++m_i;
      if (digits(false) == 0) throw Rejected{};
    }
    // 1j (complex) and 1abc are not literals drover can hold
    if (m_i < m_s.size() && is_name_char(m_s[m_i])) throw Rejected{};
    std::string t = clean(start);
    if (is_float) {
      double d = 0;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
      if (p != t.data() + t.size()) throw Rejected{};
      if (ec == std::errc::result_out_of_range) d = std::strtod(t.c_str(), nullptr);  // inf, or 0.0
      return Value(d);
    }
    // Python 3 rejects decimal literals with leading zeros ("0644"), except all zeros.
    if (t.size() > 1 && t[0] == '0' && t.find_first_not_of('0') != std::string::npos) throw Rejected{};
    return finish_int(t, 10);
  }

  Value finish_int(const std::string& t, int base) {
    if (m_i < m_s.size() && is_name_char(m_s[m_i])) throw Rejected{};
    std::int64_t out = 0;
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out, base);
    if (ec != std::errc() || p != t.data() + t.size()) throw Rejected{};
    return Value(out);
  }

  // Adjacent string literals concatenate.
  Value read_strings(int depth) {
    std::string out;
    do {
      read_string(out);
      char c = peek(depth);
      if (!(c == '\'' || c == '"' || c == 'r' || c == 'R' || c == 'u' || c == 'U')) break;
      // a name after a string (`'a' r`) is not another literal unless a quote follows the prefix
      if (c != '\'' && c != '"') {
        std::size_t j = m_i;
        while (j < m_s.size() && is_name_char(m_s[j])) ++j;
        if (j >= m_s.size() || (m_s[j] != '\'' && m_s[j] != '"')) break;
      }
    } while (true);
    return Value(std::move(out));
  }

  void read_string(std::string& out) {
    bool raw = false;
    std::size_t prefix_start = m_i;
    while (m_i < m_s.size() && is_name_char(m_s[m_i])) ++m_i;
    for (char c : m_s.substr(prefix_start, m_i - prefix_start)) {
      char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (l == 'r') raw = true;
      else if (l != 'u') throw Rejected{};  // b'' (bytes), f'' (not a literal), anything else
    }
    std::string_view prefix = m_s.substr(prefix_start, m_i - prefix_start);
    if (prefix.size() > 1) throw Rejected{};  // ur'' is a syntax error; rb/br are bytes
    if (m_i >= m_s.size()) throw Rejected{};
    char q = m_s[m_i];
    bool triple = m_s.substr(m_i, 3) == std::string(3, q);
    m_i += triple ? 3 : 1;
    while (true) {
      if (m_i >= m_s.size()) throw Rejected{};
      char c = m_s[m_i];
      if (triple ? m_s.substr(m_i, 3) == std::string(3, q) : c == q) {
        m_i += triple ? 3 : 1;
        return;
      }
      if ((c == '\n' || c == '\r') && !triple) throw Rejected{};
      if (c == '\\') {
        if (m_i + 1 >= m_s.size()) throw Rejected{};
        if (raw) {
          out += c;
          out += m_s[m_i + 1];
          m_i += 2;
        } else {
          ++m_i;
          read_escape(out);
        }
        continue;
      }
      out += c;
      ++m_i;
    }
  }

  // After a backslash: where Python would raise (\N{...}, a short \x, a surrogate), so does this.
  void read_escape(std::string& out) {
    DecodedEscape e = decode_python_escape(m_s.substr(m_i), out);
    if (e.status != EscapeStatus::decoded) throw Rejected{};
    m_i += e.used;
  }
};

}  // namespace

std::optional<Value> literal_eval(std::string_view text, LiteralNames names) {
  try {
    return Reader(text, names).read_all();
  } catch (const Rejected&) {
    return std::nullopt;
  }
}

namespace {

std::optional<std::uint32_t> hex_digits(std::string_view text, std::size_t count) {
  if (text.size() < count) return std::nullopt;
  std::uint32_t v = 0;
  for (char c : text.substr(0, count)) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (digit < 0) return std::nullopt;
    v = v * 16 + static_cast<std::uint32_t>(digit);
  }
  return v;
}

DecodedEscape decode_hex_escape(std::string_view text, std::size_t count, std::string& out) {
  std::optional<std::uint32_t> cp = hex_digits(text.substr(1), count);
  if (!cp) return {1, EscapeStatus::truncated};
  append_utf8(out, *cp);
  bool is_text = *cp <= 0x10FFFF && !(*cp >= 0xD800 && *cp <= 0xDFFF);
  return {1 + count, is_text ? EscapeStatus::decoded : EscapeStatus::not_text};
}

DecodedEscape decode_octal_escape(std::string_view text, std::string& out) {
  std::uint32_t v = 0;
  std::size_t used = 0;
  for (; used < 3 && used < text.size() && text[used] >= '0' && text[used] <= '7'; ++used)
    v = v * 8 + static_cast<std::uint32_t>(text[used] - '0');
  append_utf8(out, v);
  return {used, EscapeStatus::decoded};
}

}  // namespace

DecodedEscape decode_python_escape(std::string_view text, std::string& out) {
  static constexpr std::string_view k_from = "\\'\"abfnrtv", k_to = "\\'\"\a\b\f\n\r\t\v";
  char c = text[0];
  if (c == '\n') return {1, EscapeStatus::decoded};  // a line continuation
  if (auto k = k_from.find(c); k != std::string_view::npos) {
    out += k_to[k];
    return {1, EscapeStatus::decoded};
  }
  if (c == 'x') return decode_hex_escape(text, 2, out);
  if (c == 'u') return decode_hex_escape(text, 4, out);
  if (c == 'U') return decode_hex_escape(text, 8, out);
  if (c >= '0' && c <= '7') return decode_octal_escape(text, out);
  out += '\\';
  out += c;
  return {1, c == 'N' ? EscapeStatus::named : EscapeStatus::decoded};
}


}  // namespace drover
