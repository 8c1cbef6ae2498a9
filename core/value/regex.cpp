#include "core/value/regex.hpp"

#include "core/value/utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <new>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace drover {

namespace {

// pcre2_match's budget per call. The match limit counts backtracking steps: (a+)+$ on 40 a's and
// a b reaches it in well under a second, where Python's re would run for hours. The depth limit
// and the heap limit bound the backtracking frames (kept on the heap, never the stack): a
// repeated group over a 1 MB subject needs about a million of them.
constexpr std::uint32_t k_match_limit = 10'000'000;
constexpr std::uint32_t k_depth_limit = 10'000'000;
constexpr std::uint32_t k_heap_limit_kib = 1024 * 1024;  // 1 GiB
// A subject longer than this is matched with a match buffer of its own, freed afterwards, so a
// thread does not keep the frames of one big match for the rest of its life.
constexpr std::size_t k_shared_buffer_max_subject = 64 * 1024;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_octal(char c) { return c >= '0' && c <= '7'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string quoted(std::string_view pattern) { return "'" + std::string(pattern) + "'"; }

RegexError pattern_error(std::string_view pattern, const std::string& message, std::size_t at) {
  return RegexError("invalid regular expression " + quoted(pattern) + ": " + message + " at position " +
                        std::to_string(at),
                    at);
}


// --- Python pattern → PCRE2 pattern -----------------------------------------------------------

// Reads a Python pattern and writes the PCRE2 pattern that means the same, with the compile
// options its flags (arguments and leading inline flags) ask for. Python's own syntax errors that
// PCRE2 would accept (a PCRE2-only construct) are raised here; the rest are left to PCRE2. For
// each byte written it remembers the pattern offset it came from, to report PCRE2's errors at
// the user's offset.
class Translator {
public:
  Translator(std::string_view pattern, RegexFlag flags)
      : m_p(pattern), m_verbose(has_flag(flags, RegexFlag::verbose)), m_ascii(has_flag(flags, RegexFlag::ascii)),
        m_options(options_of(flags)) {}

  void run() {
    while (m_i < m_p.size()) step();
  }
  const std::string& output() const { return m_out; }
  std::size_t source_offset(std::size_t out_offset) const {
    return out_offset < m_from.size() ? m_from[out_offset] : m_p.size();
  }
  std::uint32_t options() const { return m_options | (m_ascii ? 0 : PCRE2_UCP); }

private:
  static std::uint32_t options_of(RegexFlag flags) {
    std::uint32_t o = PCRE2_UTF | PCRE2_ALT_CIRCUMFLEX | PCRE2_NEVER_BACKSLASH_C;
    if (has_flag(flags, RegexFlag::ignorecase)) o |= PCRE2_CASELESS;
    if (has_flag(flags, RegexFlag::multiline)) o |= PCRE2_MULTILINE;
    if (has_flag(flags, RegexFlag::dotall)) o |= PCRE2_DOTALL;
    if (has_flag(flags, RegexFlag::anchored)) o |= PCRE2_ANCHORED;
    return o;
  }

  [[noreturn]] void fail(const std::string& message, std::size_t at) const { throw pattern_error(m_p, message, at); }
  void emit(std::string_view s, std::size_t at) {
    m_out += s;
    m_from.insert(m_from.end(), s.size(), at);
  }
  char at(std::size_t i) const { return i < m_p.size() ? m_p[i] : '\0'; }

  void step() {
    char c = m_p[m_i];
    if (m_verbose && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')) {
      ++m_i;
      return;
    }
    if (m_verbose && c == '#') {
      std::size_t nl = m_p.find('\n', m_i);
      m_i = nl == std::string_view::npos ? m_p.size() : nl + 1;
      return;
    }
    if (c == '(' && at(m_i + 1) == '?' && global_flags()) return;
    m_items_seen = true;
    if (c == '\\') escape(Where::outside_class);
    else if (c == '[') char_class();
    else if (c == '(') group_open();
    else if (c == ')') emit(")", m_i++), --m_depth;
    else if (c == '{') brace();
    else if (c == '}') emit("\\}", m_i++);
    else emit(m_p.substr(m_i, 1), m_i), ++m_i;
  }

  // `(?aiLmsux)` at m_i: applies them and returns true; false when the group is something else.
  bool global_flags() {
    std::size_t j = m_i + 2;
    while (j < m_p.size() && std::string_view("aiLmsux").find(m_p[j]) != std::string_view::npos) ++j;
    if (j == m_i + 2 || at(j) != ')') return false;
    if (m_items_seen || m_depth > 0) fail("global flags not at the start of the expression", m_i);
    for (std::size_t k = m_i + 2; k < j; ++k) {
      switch (m_p[k]) {
      case 'i': m_options |= PCRE2_CASELESS; break;
      case 'm': m_options |= PCRE2_MULTILINE; break;
      case 's': m_options |= PCRE2_DOTALL; break;
      case 'x': m_verbose = true; break;
      case 'a': m_ascii = true; break;
      case 'u': break;
      default: fail("bad inline flags: cannot use 'L' flag with a str pattern", k);
      }
    }
    m_i = j + 1;
    return true;
  }

  void group_open() {
    std::size_t start = m_i;
    if (at(m_i + 1) != '?') {
      if (at(m_i + 1) == '*') fail("nothing to repeat", m_i + 1);  // PCRE2 would read a (*VERB)
      emit("(", m_i++);
      ++m_depth;
      return;
    }
    char c = at(m_i + 2);
    ++m_depth;
    if (c == ':' || c == '=' || c == '!' || c == '>') {
      emit(m_p.substr(m_i, 3), start);
      m_i += 3;
    } else if (c == '<' && (at(m_i + 3) == '=' || at(m_i + 3) == '!')) {
      emit(m_p.substr(m_i, 4), start);
      m_i += 4;
    } else if (c == 'P' && (at(m_i + 3) == '<' || at(m_i + 3) == '=')) {
      // (?P<name>…) and (?P=name) are PCRE2's syntax too; the name is copied as written
      std::size_t close = m_p.find(at(m_i + 3) == '<' ? '>' : ')', m_i + 4);
      if (close == std::string_view::npos) fail("missing >, unterminated name", m_i + 4);
      emit(m_p.substr(m_i, close + 1 - m_i), start);
      m_i = close + 1;
      if (m_p[close] == ')') --m_depth;
    } else if (c == '#') {
      std::size_t close = m_p.find(')', m_i);
      if (close == std::string_view::npos) fail("missing ), unterminated comment", m_i);
      m_i = close + 1;
      --m_depth;
    } else if (c == '(') {
      // (?(1)yes|no), (?(name)yes|no): the condition is copied as written
      std::size_t close = m_p.find(')', m_i + 3);
      if (close == std::string_view::npos) fail("missing ), unterminated name", m_i + 3);
      emit(m_p.substr(m_i, close + 1 - m_i), start);
      m_i = close + 1;
    } else if (std::string_view("aiLmsux-").find(c) != std::string_view::npos && c != '\0') {
      scoped_flags();
    } else if (c == '\0') {
      fail("unexpected end of pattern", m_i + 2);
    } else {
      fail(std::string("unknown extension ?") + c + (c == '<' || c == 'P' ? std::string(1, at(m_i + 3)) : ""),
           m_i + 1);
    }
  }

  // (?imsx-imsx:…) at m_i; Python's 'u' is the default and dropped, 'a' cannot be scoped in PCRE2.
  void scoped_flags() {
    std::size_t start = m_i;
    std::string flags;
    std::size_t j = m_i + 2;
    for (; j < m_p.size() && m_p[j] != ':' && m_p[j] != ')'; ++j) {
      char f = m_p[j];
      if (f == 'u') continue;
      if (f == 'a') fail("a scoped (?a:...) flag is not supported; put (?a) at the start of the pattern", j);
      if (f == 'L') fail("bad inline flags: cannot use 'L' flag with a str pattern", j);
      if (f != '-' && std::string_view("imsx").find(f) == std::string_view::npos)
        fail(is_ascii_letter(f) ? "unknown flag" : "missing -, : or )", j);
      flags += f;
    }
    if (at(j) != ':') fail(j < m_p.size() ? "missing :" : "missing -, : or )", j);
    emit("(?" + flags + ":", start);
    m_i = j + 1;
  }

  enum class Where { outside_class, in_class };

  // A backslash sequence at m_i.
  void escape(Where where) {
    std::size_t start = m_i;
    bool in_class = where == Where::in_class;
    if (m_i + 1 >= m_p.size()) fail("bad escape (end of pattern)", m_i);
    char c = m_p[m_i + 1];
    if (static_cast<unsigned char>(c) >= 0x80) {
      ++m_i;  // an escaped non-ASCII character is itself; the caller copies its bytes
      return;
    }
    if (!is_digit(c) && !is_ascii_letter(c)) {
      emit(m_p.substr(m_i, 2), start);
      m_i += 2;
      return;
    }
    if (is_digit(c)) return digit_escape(where);
    m_i += 2;
    switch (c) {
    case 'x': return hex_escape(start, 2);
    case 'u': return hex_escape(start, 4);
    case 'U': return hex_escape(start, 8);
    case 'N': fail("named Unicode escapes (\\N{...}) are not supported", start);
    case 'v': return emit("\\x{0b}", start);
    case 'a': case 'f': case 'n': case 'r': case 't': case 'd': case 'D': case 'w': case 'W':
      return emit(m_p.substr(start, 2), start);
    case 's':
      // Python's \s also matches \x1c-\x1f (str.isspace), PCRE2's does not
      if (m_ascii) return emit("\\s", start);
      return emit(in_class ? "\\s\\x{1c}-\\x{1f}" : "[\\s\\x{1c}-\\x{1f}]", start);
    case 'S':
      if (m_ascii || in_class) return emit("\\S", start);
      return emit("[^\\s\\x{1c}-\\x{1f}]", start);
    case 'b': return emit(in_class ? "\\x{08}" : "\\b", start);
    case 'A': case 'B':
      if (!in_class) return emit(m_p.substr(start, 2), start);
      break;
    case 'Z':
      if (!in_class) return emit("\\z", start);
      break;
    default: break;
    }
    fail(std::string("bad escape \\") + c, start);
  }

  // \xhh, \uhhhh, \Uhhhhhhhh (the backslash and letter already read).
  void hex_escape(std::size_t start, std::size_t digits) {
    std::string hex;
    while (hex.size() < digits && m_i < m_p.size() && is_hex(m_p[m_i])) hex += m_p[m_i++];
    std::string seen(m_p.substr(start, m_i - start));
    if (hex.size() < digits) fail("incomplete escape " + seen, start);
    if (std::stoul(hex, nullptr, 16) > 0x10FFFF) fail("bad escape " + seen, start);
    emit("\\x{" + hex + "}", start);
  }

  // \0, \ooo octal, \1-\99 group references (Python's reading, which PCRE2's differs from).
  void digit_escape(Where where) {
    std::size_t start = m_i;
    char c = m_p[m_i + 1];
    std::size_t j = m_i + 1;
    auto octal = [&](std::size_t max_digits) {
      std::string digits;
      while (digits.size() < max_digits && j < m_p.size() && is_octal(m_p[j])) digits += m_p[j++];
      if (std::stoul(digits, nullptr, 8) > 0377)
        fail("octal escape value \\" + digits + " outside of range 0-0o377", start);
      emit("\\o{" + digits + "}", start);
      m_i = j;
    };
    if (c == '0') return octal(3);
    if (where == Where::in_class) {
      if (!is_octal(c)) fail(std::string("bad escape \\") + c, start);
      return octal(3);
    }
    if (is_digit(at(j + 1))) {
      if (is_octal(c) && is_octal(at(j + 1)) && is_octal(at(j + 2))) return octal(3);
      emit("\\g{" + std::string(m_p.substr(j, 2)) + "}", start);
      m_i = j + 2;
      return;
    }
    emit("\\g{" + std::string(1, c) + "}", start);
    m_i = j + 1;
  }

  void char_class() {
    std::size_t start = m_i;
    emit("[", m_i++);
    if (at(m_i) == '^') emit("^", m_i++);
    if (at(m_i) == ']') emit("\\]", m_i++);
    while (m_i < m_p.size()) {
      char c = m_p[m_i];
      if (c == ']') return emit("]", m_i++);
      if (c == '\\') escape(Where::in_class);
      else if (c == '[') emit("\\[", m_i++);  // PCRE2 would read [:alpha:] as a POSIX class
      else emit(m_p.substr(m_i, 1), m_i), ++m_i;
    }
    fail("unterminated character set", start);
  }

  // Python's repetition {n}, {n,}, {,m}, {n,m} (a missing minimum is 0, which PCRE2 10.42 does not
  // read); any other brace is literal.
  void brace() {
    std::size_t j = m_i + 1;
    std::string lo, hi;
    bool comma = false;
    while (is_digit(at(j))) lo += m_p[j++];
    if (at(j) == ',') {
      comma = true;
      ++j;
      while (is_digit(at(j))) hi += m_p[j++];
    }
    if (at(j) != '}' || (!comma && lo.empty())) {
      emit("\\{", m_i++);
      return;
    }
    emit("{" + (lo.empty() ? std::string("0") : lo) + (comma ? "," + hi : std::string()) + "}", m_i);
    m_i = j + 1;
  }

  std::string_view m_p;
  std::size_t m_i = 0;
  bool m_verbose;
  bool m_ascii;
  std::uint32_t m_options;
  bool m_items_seen = false;  // something other than global flags was read
  int m_depth = 0;             // groups open at m_i
  std::string m_out;
  std::vector<std::size_t> m_from;
};

// --- matching -----------------------------------------------------------------------------------

pcre2_compile_context* compile_context() {
  static pcre2_compile_context* context = [] {
    pcre2_compile_context* c = pcre2_compile_context_create(nullptr);
    if (!c) throw std::bad_alloc();
    pcre2_set_newline(c, PCRE2_NEWLINE_LF);  // Python's `.`, `^`, `$` know only \n
    return c;
  }();
  return context;
}

pcre2_match_context* match_context() {
  static pcre2_match_context* context = [] {
    pcre2_match_context* c = pcre2_match_context_create(nullptr);
    if (!c) throw std::bad_alloc();
    pcre2_set_match_limit(c, k_match_limit);
    pcre2_set_depth_limit(c, k_depth_limit);
    pcre2_set_heap_limit(c, k_heap_limit_kib);
    return c;
  }();
  return context;
}

struct MatchDataDeleter {
  void operator()(pcre2_match_data* d) const { pcre2_match_data_free(d); }
};
using MatchDataPtr = std::unique_ptr<pcre2_match_data, MatchDataDeleter>;

MatchDataPtr new_match_data(std::uint32_t pairs) {
  MatchDataPtr d(pcre2_match_data_create(pairs, nullptr));
  if (!d) throw std::bad_alloc();
  return d;
}

// This thread's match buffer, with room for at least `pairs` offset pairs.
pcre2_match_data* thread_match_data(std::uint32_t pairs) {
  thread_local MatchDataPtr data;
  thread_local std::uint32_t room = 0;
  if (room < pairs) {
    room = std::max<std::uint32_t>(pairs, 16);
    data = new_match_data(room);
  }
  return data.get();
}

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  int n = pcre2_get_error_message(code, buffer, sizeof buffer);
  return n < 0 ? "PCRE2 error " + std::to_string(code) : std::string(reinterpret_cast<const char*>(buffer));
}

// --- replacement templates ----------------------------------------------------------------------

// A piece of a parsed replacement template: literal text, or a group to insert.
struct TemplatePiece {
  std::string text;
  std::size_t group = RegexMatch::npos;
};

RegexError template_error(const std::string& message, std::size_t at) {
  return RegexError(message + " at position " + std::to_string(at), at);
}

// \g<…> at repl[i] ('\\'); returns the group and moves i past the '>'.
std::size_t named_reference(std::string_view repl, std::size_t& i, const Regex& re) {
  if (i + 2 >= repl.size() || repl[i + 2] != '<') throw template_error("missing <", i + 2);
  std::size_t close = repl.find('>', i + 3);
  if (close == std::string_view::npos) throw template_error("missing >, unterminated name", i + 3);
  std::string name(repl.substr(i + 3, close - i - 3));
  if (name.empty()) throw template_error("missing group name", i + 3);
  std::size_t group;
  if (std::all_of(name.begin(), name.end(), is_digit)) {
    group = name.size() > 9 ? RegexMatch::npos : std::stoul(name);
    if (group > re.group_count()) throw template_error("invalid group reference " + name, i + 3);
  } else {
    bool identifier = !is_digit(name[0]) && std::all_of(name.begin(), name.end(), [](char c) {
      return is_digit(c) || is_ascii_letter(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
    });
    if (!identifier) throw template_error("bad character in group name '" + name + "'", i + 3);
    std::optional<std::size_t> g = re.group_index(name);
    if (!g) throw RegexError("unknown group name '" + name + "'", i + 3);
    group = *g;
  }
  i = close + 1;
  return group;
}

// Python's re._parser.parse_template: the pieces of `repl`, its errors before anything matched.
std::vector<TemplatePiece> parse_template(std::string_view repl, const Regex& re) {
  std::vector<TemplatePiece> pieces(1);
  auto add_group = [&](std::size_t g) {
    pieces.back().group = g;
    pieces.emplace_back();
  };
  static constexpr std::string_view simple = "abfnrtv\\";
  static constexpr std::string_view meaning = "\a\b\f\n\r\t\v\\";
  for (std::size_t i = 0; i < repl.size();) {
    if (repl[i] != '\\') {
      pieces.back().text += repl[i++];
      continue;
    }
    if (i + 1 >= repl.size()) throw template_error("bad escape (end of pattern)", i);
    char c = repl[i + 1];
    if (c == 'g') {
      add_group(named_reference(repl, i, re));
    } else if (c == '0' || (is_octal(c) && i + 3 < repl.size() && is_octal(repl[i + 2]) && is_octal(repl[i + 3]))) {
      std::size_t j = i + 1;
      std::string digits;
      while (digits.size() < 3 && j < repl.size() && is_octal(repl[j])) digits += repl[j++];
      unsigned long value = std::stoul(digits, nullptr, 8);
      if (c != '0' && value > 0377)
        throw template_error("octal escape value \\" + digits + " outside of range 0-0o377", i);
      append_utf8(pieces.back().text, static_cast<std::uint32_t>(value & 0xFF));
      i = j;
    } else if (is_digit(c)) {
      std::size_t j = i + 1;
      std::string digits(1, repl[j++]);
      if (j < repl.size() && is_digit(repl[j])) digits += repl[j++];
      std::size_t g = std::stoul(digits);
      if (g > re.group_count()) throw template_error("invalid group reference " + digits, i + 1);
      add_group(g);
      i = j;
    } else if (std::size_t k = simple.find(c); k != std::string_view::npos) {
      pieces.back().text += meaning[k];
      i += 2;
    } else if (is_ascii_letter(c)) {
      throw template_error(std::string("bad escape \\") + c, i);
    } else {
      pieces.back().text += repl.substr(i, 2);  // Python keeps an unknown non-letter escape whole
      i += 2;
    }
  }
  return pieces;
}

void expand_into(std::string& out, const std::vector<TemplatePiece>& pieces, const RegexMatch& m) {
  for (const TemplatePiece& p : pieces) {
    out += p.text;
    if (p.group != RegexMatch::npos) out += m.group(p.group);
  }
}

}  // namespace

// --- RegexMatch ---------------------------------------------------------------------------------

std::string_view RegexMatch::group(std::size_t g) const {
  if (!matched(g)) return {};
  return m_subject.substr(m_spans[2 * g], m_spans[2 * g + 1] - m_spans[2 * g]);
}

std::string_view RegexMatch::group(std::string_view name) const {
  std::optional<std::size_t> g = m_regex->group_index(name);
  if (!g) throw RegexError("no such group '" + std::string(name) + "'");
  return group(*g);
}

// --- Regex --------------------------------------------------------------------------------------

struct Regex::Code {
  pcre2_code* code = nullptr;
  // The same pattern with PCRE2_MATCH_INVALID_UTF, compiled on first need: it matches in text
  // that is not valid UTF-8, but checks the text's UTF-8 again on every call (a scan over N
  // matches would cost N times the text), so valid text, the usual case, does not use it.
  std::string translated;
  std::uint32_t options = 0;
  std::once_flag tolerant_once;
  pcre2_code* tolerant = nullptr;
  ~Code() {
    pcre2_code_free(code);
    pcre2_code_free(tolerant);
  }
  pcre2_code* tolerant_code() {
    std::call_once(tolerant_once, [this] {
      int error = 0;
      PCRE2_SIZE offset = 0;
      tolerant = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                               options | PCRE2_MATCH_INVALID_UTF, &error, &offset, compile_context());
      if (!tolerant) throw std::bad_alloc();
    });
    return tolerant;
  }
};

// One matching operation over one subject: a search, or every step of find_all or sub. The
// subject's UTF-8 is checked by the first step only, and one match buffer serves every step.
struct Regex::Scan {
  Scan(std::string_view text, std::size_t pairs) : text(text) {
    if (text.size() > k_shared_buffer_max_subject) {
      own = new_match_data(static_cast<std::uint32_t>(pairs));
      data = own.get();
    } else {
      data = thread_match_data(static_cast<std::uint32_t>(pairs));
    }
  }
  std::string_view text;
  MatchDataPtr own;
  pcre2_match_data* data;
  bool checked = false;      // the first step checked the subject's UTF-8
  bool invalid_utf = false;  // and found it invalid: the tolerant code runs
};

Regex::Regex(std::string_view pattern, RegexFlag flags) : m_pattern(pattern), m_code(std::make_unique<Code>()) {
  Translator t(pattern, flags);
  t.run();
  int error = 0;
  PCRE2_SIZE offset = 0;
  m_code->translated = t.output();
  m_code->options = t.options();
  m_code->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(m_code->translated.data()), m_code->translated.size(),
                               m_code->options, &error, &offset, compile_context());
  if (!m_code->code) {
    // Python's words where scripts test for them (re.error: "nothing to repeat")
    std::string message = error == PCRE2_ERROR_QUANTIFIER_INVALID ? "nothing to repeat" : pcre2_message(error);
    throw pattern_error(pattern, message, t.source_offset(offset));
  }
  std::uint32_t captures = 0;
  pcre2_pattern_info(m_code->code, PCRE2_INFO_CAPTURECOUNT, &captures);
  m_group_count = captures;
}

Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;
Regex::~Regex() = default;

std::optional<std::size_t> Regex::group_index(std::string_view name) const {
  std::string n(name);
  int g = pcre2_substring_number_from_name(m_code->code, reinterpret_cast<PCRE2_SPTR>(n.c_str()));
  if (g <= 0) return std::nullopt;
  return static_cast<std::size_t>(g);
}

std::optional<RegexMatch> Regex::run(Scan& scan, std::size_t pos, unsigned options) const {
  std::string_view text = scan.text;
  if (pos > text.size()) return std::nullopt;
  // a null subject is refused even when empty
  auto subject = reinterpret_cast<PCRE2_SPTR>(text.data() ? text.data() : "");
  auto attempt = [&] {
    pcre2_code* code = scan.invalid_utf ? m_code->tolerant_code() : m_code->code;
    unsigned checks = scan.checked && !scan.invalid_utf ? PCRE2_NO_UTF_CHECK : 0;
    return pcre2_match(code, subject, text.size(), pos, options | checks, scan.data, match_context());
  };
  int rc = attempt();
  if (!scan.checked) {
    scan.checked = true;
    if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21) {
      scan.invalid_utf = true;
      rc = attempt();
    }
  }
  if (rc == PCRE2_ERROR_NOMATCH) return std::nullopt;
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
      rc == PCRE2_ERROR_NOMEMORY)
    throw RegexError("regular expression " + quoted(m_pattern) + " gave up on a text of " +
                     std::to_string(text.size()) + " bytes: " + pcre2_message(rc) +
                     " (the pattern backtracks too much, as nested repetition like (a+)+ does)");
  if (rc < 0) throw RegexError("regular expression " + quoted(m_pattern) + ": " + pcre2_message(rc));
  const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(scan.data);
  // With PCRE2_MATCH_INVALID_UTF, PCRE2 (10.42) skips invalid bytes to find a start even when the
  // match is anchored: match("\xff9") of `[0-9]` found the 9 (fuzz). An anchored match is at pos.
  if (((options & PCRE2_ANCHORED) && ovector[0] != pos) || ((options & PCRE2_ENDANCHORED) && ovector[1] != text.size()))
    return std::nullopt;
  std::vector<std::size_t> spans(2 * (m_group_count + 1), RegexMatch::npos);
  for (std::size_t i = 0; i < 2 * static_cast<std::size_t>(rc) && i < spans.size(); ++i) spans[i] = ovector[i];
  return RegexMatch(text, *this, std::move(spans));
}

std::optional<RegexMatch> Regex::search(std::string_view text, std::size_t pos) const {
  Scan scan(text, m_group_count + 1);
  return run(scan, pos, 0);
}

std::optional<RegexMatch> Regex::match(std::string_view text, std::size_t pos) const {
  Scan scan(text, m_group_count + 1);
  return run(scan, pos, PCRE2_ANCHORED);
}

std::optional<RegexMatch> Regex::fullmatch(std::string_view text) const {
  Scan scan(text, m_group_count + 1);
  return run(scan, 0, PCRE2_ANCHORED | PCRE2_ENDANCHORED);
}

std::vector<RegexMatch> Regex::find_all(std::string_view text) const {
  std::vector<RegexMatch> out;
  Scan scan(text, m_group_count + 1);
  std::size_t pos = 0;
  unsigned options = 0;
  while (auto m = run(scan, pos, options)) {
    pos = m->end();
    // after an empty match the next one may start there only if it is not empty (Python 3.7)
    options = m->start() == m->end() ? PCRE2_NOTEMPTY_ATSTART : 0;
    out.push_back(std::move(*m));
  }
  return out;
}

std::string Regex::sub(std::string_view repl, std::string_view text, std::size_t count) const {
  std::vector<TemplatePiece> pieces = parse_template(repl, *this);
  std::string out;
  Scan scan(text, m_group_count + 1);
  std::size_t pos = 0;
  std::size_t copied = 0;
  std::size_t done = 0;
  unsigned options = 0;
  while (count == 0 || done < count) {
    std::optional<RegexMatch> m = run(scan, pos, options);
    if (!m) break;
    out.append(text.substr(copied, m->start() - copied));
    expand_into(out, pieces, *m);
    copied = pos = m->end();
    options = m->start() == m->end() ? PCRE2_NOTEMPTY_ATSTART : 0;
    ++done;
  }
  out.append(text.substr(copied));
  return out;
}

std::string Regex::expand(std::string_view repl, const RegexMatch& m) const {
  std::string out;
  expand_into(out, parse_template(repl, *this), m);
  return out;
}

}  // namespace drover
