// The lexer: template text → data and tag tokens, with Jinja2's whitespace control
// (`{%-`, `-%}`, `+%}`, trim_blocks, lstrip_blocks) and raw blocks applied here.
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "core/template/engine.hpp"
#include "core/value/python_literal.hpp"

namespace drover::tmpl::detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_name_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool is_name_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

// The length in bytes of a whitespace character at src[p] that is not ASCII (Python's \s on str
// also matches U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, and
// \x1c-\x1f), 0 for anything else. Jinja2's lexer skips them between tokens.
std::size_t other_space_len(std::string_view src, std::size_t p) {
  auto at = [&](std::size_t i) { return i < src.size() ? static_cast<unsigned char>(src[i]) : 0u; };
  const unsigned c = at(p);
  if (c >= 0x1c && c <= 0x1f) return 1;
  if (c == 0xC2 && (at(p + 1) == 0x85 || at(p + 1) == 0xA0)) return 2;
  if (c == 0xE1 && at(p + 1) == 0x9A && at(p + 2) == 0x80) return 3;
  if (c == 0xE3 && at(p + 1) == 0x80 && at(p + 2) == 0x80) return 3;
  if (c == 0xE2 && at(p + 1) == 0x80 && ((at(p + 2) >= 0x80 && at(p + 2) <= 0x8A) || at(p + 2) == 0xA8 ||
                                         at(p + 2) == 0xA9 || at(p + 2) == 0xAF))
    return 3;
  if (c == 0xE2 && at(p + 1) == 0x81 && at(p + 2) == 0x9F) return 3;
  return 0;
}

// Python's "unicode-escape" decoding of a string literal's body, as Jinja2's lexer does it.
std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 >= s.size()) {
      out += c;
      continue;
    }
    DecodedEscape e = decode_python_escape(s.substr(i + 1), out);
    if (e.status == EscapeStatus::truncated)
      throw TemplateError("truncated \\" + std::string(1, s[i + 1]) + " escape in string literal");
    i += e.used;
  }
  return out;
}

class Lexer {
public:
  Lexer(std::string_view src, const LexOptions& o) : m_opt(o) {
    m_src.reserve(src.size());
    for (std::size_t i = 0; i < src.size(); ++i) {  // newline_sequence is "\n"
      if (src[i] == '\r') {
        m_src += '\n';
        if (i + 1 < src.size() && src[i + 1] == '\n') ++i;
      } else {
        m_src += src[i];
      }
    }
    if (!o.keep_trailing_newline && !m_src.empty() && m_src.back() == '\n') m_src.pop_back();
  }

  std::vector<Token> run() {
    while (m_pos < m_src.size()) step();
    flush_data(m_src.size());
    m_tokens.push_back({Tok::eof, "", m_line});
    return std::move(m_tokens);
  }

private:
  std::string m_src;
  LexOptions m_opt;
  std::size_t m_pos = 0;
  std::size_t m_data_start = 0;
  int m_line = 1;
  char m_tag = 0;  // '{' inside `{{ }}`, '%' inside `{% %}`
  std::vector<Token> m_tokens;

  void count_lines(std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      if (m_src[i] == '\n') ++m_line;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw TemplateError(what + " (line " + std::to_string(m_line) + ")");
  }

  // Finds the next tag opener at or after m_pos: its place (npos when none) and kind ('{' a
  // variable, '%' a block, '#' a comment). With other delimiters, the longest opener wins a tie.
  std::pair<std::size_t, char> next_tag() const {
    if (m_opt.default_delimiters()) {
      std::size_t p = m_pos;
      while ((p = m_src.find('{', p)) != std::string::npos) {
        if (p + 1 < m_src.size() && (m_src[p + 1] == '{' || m_src[p + 1] == '%' || m_src[p + 1] == '#'))
          return {p, m_src[p + 1]};
        ++p;
      }
      return {std::string::npos, 0};
    }
    std::pair<std::size_t, char> best{std::string::npos, 0};
    std::size_t best_len = 0;
    for (auto [open, kind] : {std::pair{&m_opt.var_open, '{'}, {&m_opt.block_open, '%'}, {&m_opt.comment_open, '#'}}) {
      std::size_t p = m_src.find(*open, m_pos);
      if (p < best.first || (p == best.first && p != std::string::npos && open->size() > best_len)) {
        best = {p, kind};
        best_len = open->size();
      }
    }
    return best;
  }

  const std::string& opener(char kind) const {
    return kind == '{' ? m_opt.var_open : kind == '%' ? m_opt.block_open : m_opt.comment_open;
  }

  void emit_data(std::string text) {
    if (text.empty()) return;
    m_tokens.push_back({Tok::data, std::move(text), m_line});
  }

  // Data from m_data_start up to `end`, with the strips the tag at `end` asks for.
  void flush_data(std::size_t end, char modifier = 0, bool block_like = false) {
    std::string_view data(m_src.data() + m_data_start, end - m_data_start);
    if (modifier == '-') {
      while (!data.empty() && is_space(data.back())) data.remove_suffix(1);
    } else if (modifier != '+' && block_like && m_opt.lstrip_blocks) {
      std::size_t k = data.size();
      while (k > 0 && (data[k - 1] == ' ' || data[k - 1] == '\t')) --k;
      bool line_start = k > 0 ? data[k - 1] == '\n' : (m_data_start == 0 || m_src[m_data_start - 1] == '\n');
      if (line_start) data = data.substr(0, k);
    }
    int line = m_line;
    emit_data(std::string(data));
    if (!m_tokens.empty() && m_tokens.back().type == Tok::data) m_tokens.back().line = line;
    count_lines(m_data_start, end);
  }

  // After a tag's closing delimiter at `p` (pointing just past it): applies `-` strip or
  // trim_blocks and sets where the next data starts.
  void after_tag(std::size_t p, char modifier, bool block_like) {
    if (modifier == '-') {
      std::size_t q = p;
      while (q < m_src.size() && is_space(m_src[q])) ++q;
      count_lines(p, q);
      p = q;
    } else if (modifier != '+' && block_like && m_opt.trim_blocks && p < m_src.size() && m_src[p] == '\n') {
      ++p;
      ++m_line;
    }
    m_pos = m_data_start = p;
  }

  void step() {
    auto [tag, kind] = next_tag();
    if (tag == std::string::npos) {
      m_pos = m_src.size();
      return;
    }
    const std::size_t open = tag + opener(kind).size();
    char modifier = open < m_src.size() && (m_src[open] == '-' || m_src[open] == '+') ? m_src[open] : 0;
    if (kind == '%' && try_raw(tag, modifier)) return;
    flush_data(tag, modifier, kind != '{');
    std::size_t p = open + (modifier ? 1 : 0);
    if (kind == '#') return lex_comment(p);
    lex_tag(p, kind);
  }

  void lex_comment(std::size_t p) {
    std::size_t end = m_src.find(m_opt.comment_close, p);
    if (end == std::string::npos) fail("Missing end of comment tag");
    char modifier = end > p && (m_src[end - 1] == '-' || m_src[end - 1] == '+') ? m_src[end - 1] : 0;
    count_lines(p, end);
    after_tag(end + m_opt.comment_close.size(), modifier, true);
  }

  // `{% raw %}...{% endraw %}`: everything between is data.
  bool try_raw(std::size_t tag, char modifier) {
    const std::string& open = m_opt.block_open;
    const std::string& close = m_opt.block_close;
    std::size_t p = tag + open.size() + (modifier ? 1 : 0);
    while (p < m_src.size() && is_space(m_src[p])) ++p;
    if (m_src.compare(p, 3, "raw") != 0) return false;
    p += 3;
    while (p < m_src.size() && is_space(m_src[p])) ++p;
    char close_mod = 0;
    if (p < m_src.size() && (m_src[p] == '-' || m_src[p] == '+')) close_mod = m_src[p++];
    if (m_src.compare(p, close.size(), close) != 0) return false;
    flush_data(tag, modifier, true);
    p += close.size();
    std::size_t body_start = p;
    // the raw tag's own `-%}` strips the start of the body (trim_blocks does not apply here)
    if (close_mod == '-')
      while (body_start < m_src.size() && is_space(m_src[body_start])) ++body_start;
    std::size_t search = body_start;
    while (true) {
      std::size_t end = m_src.find(open, search);
      if (end == std::string::npos) fail("Missing end of raw directive");
      std::size_t q = end + open.size();
      char end_mod = 0;
      if (q < m_src.size() && (m_src[q] == '-' || m_src[q] == '+')) end_mod = m_src[q++];
      while (q < m_src.size() && is_space(m_src[q])) ++q;
      if (m_src.compare(q, 6, "endraw") != 0) {
        search = end + open.size();
        continue;
      }
      q += 6;
      while (q < m_src.size() && is_space(m_src[q])) ++q;
      char tail_mod = 0;
      if (q < m_src.size() && (m_src[q] == '-' || m_src[q] == '+')) tail_mod = m_src[q++];
      if (m_src.compare(q, close.size(), close) != 0) fail("Missing end of raw directive");
      std::string_view body(m_src.data() + body_start, end - body_start);
      if (end_mod == '-')
        while (!body.empty() && is_space(body.back())) body.remove_suffix(1);
      count_lines(tag, q + close.size());
      emit_data(std::string(body));
      after_tag(q + close.size(), tail_mod, true);
      return true;
    }
  }

  void lex_tag(std::size_t p, char kind) {
    m_tag = kind;
    m_tokens.push_back({kind == '{' ? Tok::var_begin : Tok::block_begin, "", m_line});
    const std::string& close = kind == '{' ? m_opt.var_close : m_opt.block_close;
    int balance = 0;
    while (true) {
      while (p < m_src.size()) {
        if (std::size_t n = other_space_len(m_src, p)) {
          p += n;
          continue;
        }
        if (!is_space(m_src[p])) break;
        if (m_src[p] == '\n') ++m_line;
        ++p;
      }
      if (p >= m_src.size()) fail(kind == '{' ? "unexpected end of template, expected 'end of print statement'"
                                              : "unexpected end of template, expected 'end of statement block'");
      if (balance == 0) {
        char mod = m_src[p] == '-' || (m_src[p] == '+' && kind == '%') ? m_src[p] : 0;
        std::size_t q = p + (mod ? 1 : 0);
        if (m_src.compare(q, close.size(), close) == 0) {
          m_tokens.push_back({kind == '{' ? Tok::var_end : Tok::block_end, "", m_line});
          after_tag(q + close.size(), mod, kind == '%');
          return;
        }
      }
      p = lex_token(p, balance);
    }
  }

  std::size_t lex_token(std::size_t p, int& balance) {
    unsigned char c = static_cast<unsigned char>(m_src[p]);
    if (is_name_start(c)) {
      std::size_t q = p;
      while (q < m_src.size() && is_name_char(static_cast<unsigned char>(m_src[q])) && !other_space_len(m_src, q)) ++q;
      m_tokens.push_back({Tok::name, m_src.substr(p, q - p), m_line});
      return q;
    }
    if (std::isdigit(c)) return lex_number(p);
    if (c == '\'' || c == '"') return lex_string(p);
    static const char* const k_ops[] = {"//", "**", "==", "!=", ">=", "<=", "+", "-", "/", "*", "%", "~",
                                        "[", "]", "(", ")", "{", "}", ">", "<", "=", ".", ":", "|", ",", ";"};
    for (const char* op : k_ops) {
      std::size_t n = std::strlen(op);
      if (m_src.compare(p, n, op) == 0) {
        if (op[0] == '(' || op[0] == '[' || op[0] == '{') ++balance;
        if (n == 1 && (op[0] == ')' || op[0] == ']' || op[0] == '}')) {
          if (balance == 0) fail(std::string("unexpected '") + op + "'");
          --balance;
        }
        m_tokens.push_back({Tok::op, op, m_line});
        return p + n;
      }
    }
    fail(std::string("unexpected char '") + m_src[p] + "'");
  }

  std::size_t digits(std::size_t p) const {
    while (p < m_src.size() && (std::isdigit(static_cast<unsigned char>(m_src[p])) ||
                                (m_src[p] == '_' && p + 1 < m_src.size() && std::isdigit(static_cast<unsigned char>(m_src[p + 1])))))
      ++p;
    return p;
  }

  std::size_t lex_number(std::size_t p) {
    auto strip = [](std::string s) {
      std::erase(s, '_');
      return s;
    };
    if (m_src[p] == '0' && p + 1 < m_src.size() && std::strchr("xXoObB", m_src[p + 1]) && m_src[p + 1]) {
      const int base = std::tolower(m_src[p + 1]) == 'x' ? 16 : std::tolower(m_src[p + 1]) == 'o' ? 8 : 2;
      auto digit_at = [&](std::size_t i) {
        if (i >= m_src.size()) return false;
        const char c = m_src[i];
        return base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) != 0 : c >= '0' && c < '0' + base;
      };
      // Jinja2's `0b(_?[01])+`, `0o(_?[0-7])+`, `0x(_?[0-9a-f])+`; without a digit after the
      // prefix (`0b`, `0x_`) it is the integer 0 and then a name, as in Jinja2
      std::size_t q = p + 2;
      while (digit_at(q) || (m_src[q] == '_' && digit_at(q + 1))) ++q;
      if (q > p + 2) {
        Token t{Tok::integer, m_src.substr(p, q - p), m_line};
        const std::string body = strip(m_src.substr(p + 2, q - p - 2));
        if (std::from_chars(body.data(), body.data() + body.size(), t.ival, base).ec != std::errc()) {
          t.type = Tok::floating;  // past 64 bits, as below: Python would keep a big int
          t.fval = 0;
          for (char c : body) t.fval = t.fval * base + std::stoi(std::string(1, c), nullptr, 16);
        }
        m_tokens.push_back(t);
        return q;
      }
    }
    std::size_t q = digits(p);
    bool is_float = false;
    if (q + 1 < m_src.size() && m_src[q] == '.' && std::isdigit(static_cast<unsigned char>(m_src[q + 1]))) {
      q = digits(q + 1);
      is_float = true;
    }
    if (q < m_src.size() && (m_src[q] == 'e' || m_src[q] == 'E')) {
      std::size_t r = q + 1;
      if (r < m_src.size() && (m_src[r] == '+' || m_src[r] == '-')) ++r;
      if (r < m_src.size() && std::isdigit(static_cast<unsigned char>(m_src[r]))) {
        q = digits(r);
        is_float = true;
      }
    }
    std::string text = strip(m_src.substr(p, q - p));
    Token t{is_float ? Tok::floating : Tok::integer, text, m_line};
    // strtod, not stod: past the double range it is inf (and 1e-400 is 0.0) as in Python, where
    // stod threw std::out_of_range (fuzz)
    if (is_float) t.fval = std::strtod(text.c_str(), nullptr);
    else if (std::from_chars(text.data(), text.data() + text.size(), t.ival).ec != std::errc()) {
      t.type = Tok::floating;  // Python would keep a big int; we degrade to float
      t.fval = std::strtod(text.c_str(), nullptr);
    }
    m_tokens.push_back(t);
    return q;
  }

  std::size_t lex_string(std::size_t p) {
    char quote = m_src[p];
    std::size_t q = p + 1;
    while (q < m_src.size() && m_src[q] != quote) {
      if (m_src[q] == '\\') ++q;
      ++q;
    }
    if (q >= m_src.size()) fail("unexpected char '" + std::string(1, quote) + "'");
    int line = m_line;
    count_lines(p, q);
    std::string_view body = std::string_view(m_src).substr(p + 1, q - p - 1);
    if (m_opt.escape_backslashes && m_tag == '{' && body.find('\\') != std::string_view::npos) {
      std::string doubled;
      for (char c : body) {
        if (c == '\\') doubled += '\\';
        doubled += c;
      }
      m_tokens.push_back({Tok::string, unescape(doubled), line});
    } else {
      m_tokens.push_back({Tok::string, unescape(body), line});
    }
    return q + 1;
  }
};

}  // namespace

std::vector<Token> lex(std::string_view source, const LexOptions& options) {
  return Lexer(source, options).run();
}

}  // namespace drover::tmpl::detail
