// Regular expressions in Python's `re` syntax with Python 3's semantics, run by PCRE2: the
// project's one regex engine (std::regex is not used: its matcher recurses per character and
// overflows the stack on long input, and it lacks lookbehind and atomic groups).
//
// A pattern is translated where Python and PCRE2 differ (docs/template.md, "Regular
// expressions"): `\Z` is PCRE2's `\z`, `{,n}` is `{0,n}`, `\v` `\uXXXX` `\UXXXXXXXX` `\xXX` are
// spelt out, `[` inside a class is literal, `^` under MULTILINE also matches after a final
// newline; PCRE2-only syntax (recursion, `(*VERB)`, `\K`, `\R`, `\Q…\E`, ...) is refused as
// Python refuses it. Text is UTF-8 and `\w`, `\d`, `\s`, `\b` and IGNORECASE are Unicode-aware
// unless RegexFlag::ascii is given (re.ASCII); in a text that is not valid UTF-8 the bytes that
// are not part of a valid character match nothing.
//
// Matching runs PCRE2's interpreter (no JIT) with a match limit and a depth limit, so a pattern
// that backtracks catastrophically fails with a RegexError instead of hanging, and backtracking
// state lives on the heap, so a long subject cannot overflow the stack.
//
// Threads: a Regex is immutable once built; any number of threads may match with one Regex at
// once (each thread keeps its own match buffer). Build fixed patterns once (a function-local
// static), never per call on a hot path.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace drover {

// Python's re flags. Combine with `|`.
enum class RegexFlag : unsigned {
  none = 0,
  ignorecase = 1u << 0,  // re.IGNORECASE
  multiline = 1u << 1,   // re.MULTILINE: ^ and $ at every line
  dotall = 1u << 2,      // re.DOTALL: . matches a newline too
  verbose = 1u << 3,     // re.VERBOSE: white space and # comments in the pattern are ignored
  ascii = 1u << 4,       // re.ASCII: \w \d \s \b and IGNORECASE on ASCII only
  anchored = 1u << 5,    // every search is anchored at its start position (search behaves as match)
};
constexpr RegexFlag operator|(RegexFlag a, RegexFlag b) {
  return static_cast<RegexFlag>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool has_flag(RegexFlag set, RegexFlag flag) {
  return (static_cast<unsigned>(set) & static_cast<unsigned>(flag)) != 0;
}

// A pattern that does not compile ("invalid regular expression 'P': MESSAGE at position N"), a
// replacement template that is not valid, or a match that exceeded the limits.
class RegexError : public std::runtime_error {
public:
  static constexpr std::size_t no_offset = static_cast<std::size_t>(-1);
  explicit RegexError(const std::string& message, std::size_t offset = no_offset)
      : std::runtime_error(message), m_offset(offset) {}
  // Byte offset in the pattern (or the replacement template) where it went wrong; no_offset when
  // the error is not about a place (a limit).
  std::size_t offset() const { return m_offset; }

private:
  std::size_t m_offset;
};

class Regex;

// One match (Python's re.Match). It refers to the subject and to the Regex that made it: both
// must outlive it.
class RegexMatch {
public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  // The number of groups in the pattern, group 0 (the whole match) not counted.
  std::size_t group_count() const { return m_spans.size() / 2 - 1; }
  // Whether group g took part in the match (false for a group number beyond the pattern's).
  bool matched(std::size_t g) const { return g <= group_count() && m_spans[2 * g] != npos; }
  // The text of group g; "" when it did not take part. Python's m.group(g) returns None then.
  std::string_view group(std::size_t g = 0) const;
  // The text of the group named `name`; RegexError when the pattern has no such group.
  std::string_view group(std::string_view name) const;
  // Byte offsets of group g in the subject; npos when it did not take part.
  std::size_t start(std::size_t g = 0) const { return g <= group_count() ? m_spans[2 * g] : npos; }
  std::size_t end(std::size_t g = 0) const { return g <= group_count() ? m_spans[2 * g + 1] : npos; }

private:
  friend class Regex;
  RegexMatch(std::string_view subject, const Regex& regex, std::vector<std::size_t> spans)
      : m_subject(subject), m_regex(&regex), m_spans(std::move(spans)) {}
  std::string_view m_subject;
  const Regex* m_regex;
  std::vector<std::size_t> m_spans;  // start, end per group, group 0 first
};

class Regex {
public:
  // re.compile(pattern, flags). Throws RegexError with PCRE2's message and the offset in
  // `pattern`, or Python's message for syntax Python refuses.
  explicit Regex(std::string_view pattern, RegexFlag flags = RegexFlag::none);
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  ~Regex();

  const std::string& pattern() const { return m_pattern; }
  // Capturing groups in the pattern.
  std::size_t group_count() const { return m_group_count; }
  // The number of the group named `name`; nullopt when there is none.
  std::optional<std::size_t> group_index(std::string_view name) const;

  // Each throws RegexError when matching exceeds the limits. `pos` is a byte offset in `text`.
  // re.search: the first match at or after pos.
  std::optional<RegexMatch> search(std::string_view text, std::size_t pos = 0) const;
  // re.match: a match starting at pos.
  std::optional<RegexMatch> match(std::string_view text, std::size_t pos = 0) const;
  // re.fullmatch: a match of the whole of `text`.
  std::optional<RegexMatch> fullmatch(std::string_view text) const;
  // re.finditer: the non-overlapping matches, left to right; an empty match may touch the one
  // before it (Python 3.7's rule: re.sub('x*', '-', 'abxd') is '-a-b--d-').
  std::vector<RegexMatch> find_all(std::string_view text) const;
  // re.sub(repl, text, count): the matches (the first `count`; all when 0) replaced by `repl` in
  // Python's template syntax: \1 \g<1> \g<name>, \n \t \r \f \v \a \b \\, \0 and \ooo octal; a
  // group that did not take part inserts "". RegexError for a bad template even when nothing
  // matches, as Python does.
  std::string sub(std::string_view repl, std::string_view text, std::size_t count = 0) const;
  // Match.expand(repl): `repl` with the groups of `m` put in.
  std::string expand(std::string_view repl, const RegexMatch& m) const;

private:
  struct Code;
  struct Scan;
  std::optional<RegexMatch> run(Scan& scan, std::size_t pos, unsigned options) const;
  std::string m_pattern;
  std::unique_ptr<Code> m_code;
  std::size_t m_group_count = 0;
};

}  // namespace drover
