#include "core/value/unicode_case.hpp"

#include <algorithm>
#include <cstdint>

#include "core/value/unicode_case_tables.hpp"

namespace drover::unicode {

namespace {

using namespace detail;

// A byte that starts no valid UTF-8 sequence is carried as U+DC80..U+DCFF (Python's
// surrogateescape): no table names those, and encode() writes the byte back.
constexpr char32_t k_escape_base = 0xDC00;

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The code point of the valid UTF-8 sequence at text[i] and its length, or {0, 0} when there is
// none (a stray or truncated byte, an overlong form, a surrogate, past U+10FFFF).
std::pair<char32_t, std::size_t> decode_one(std::string_view text, std::size_t i) {
  auto lead = static_cast<unsigned char>(text[i]);
  std::size_t size = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (size == 0 || i + size > text.size()) return {0, 0};
  char32_t cp = size == 1 ? lead : size == 2 ? (lead & 0x1F) : size == 3 ? (lead & 0x0F) : (lead & 0x07);
  for (std::size_t k = 1; k < size; ++k) {
    auto c = static_cast<unsigned char>(text[i + k]);
    if (!is_continuation(c)) return {0, 0};
    cp = (cp << 6) | (c & 0x3F);
  }
  static constexpr char32_t k_smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < k_smallest[size] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, size};
}

std::u32string decode(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto [cp, size] = decode_one(text, i);
    if (size == 0) {
      out += k_escape_base + static_cast<unsigned char>(text[i]);
      ++i;
    } else {
      out += cp;
      i += size;
    }
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp >= k_escape_base + 0x80 && cp <= k_escape_base + 0xFF) {
    out += static_cast<char>(cp - k_escape_base);
  } else if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string encode(const std::u32string& text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t cp : text) append_utf8(out, cp);
  return out;
}

std::uint8_t properties(char32_t cp) {
  auto after = std::upper_bound(k_property_runs.begin(), k_property_runs.end(), cp,
                                [](char32_t c, std::uint32_t run) { return c < (run >> 8); });
  return after == k_property_runs.begin() ? 0 : static_cast<std::uint8_t>(*(after - 1) & 0xFF);
}

bool has(char32_t cp, PropertyBit bit) { return (properties(cp) & bit) != 0; }
bool is_cased(char32_t cp) { return has(cp, k_cased); }
bool is_upper_or_title(char32_t cp) { return (properties(cp) & (k_uppercase | k_titlecase)) != 0; }

enum class Mapping { lower, upper, title, fold };

// Appends the full mapping of one code point (itself when the tables name none).
void append_mapped(std::u32string& out, char32_t cp, Mapping which) {
  auto it = std::lower_bound(k_case_mappings.begin(), k_case_mappings.end(), cp,
                             [](const CaseMapping& m, char32_t c) { return m.code_point < c; });
  if (it == k_case_mappings.end() || it->code_point != cp) {
    out += cp;
    return;
  }
  std::int32_t field = which == Mapping::lower ? it->lower
                       : which == Mapping::upper ? it->upper
                       : which == Mapping::title ? it->title
                                                 : it->fold;
  if (field >= k_special_base) {
    const SpecialMapping& special = k_special_mappings[static_cast<std::size_t>(field - k_special_base)];
    out.append(special.code_points, special.size);
  } else {
    out += static_cast<char32_t>(static_cast<std::int32_t>(cp) + field);
  }
}

// CPython's handle_capital_sigma: Σ at text[i] is final (ς) after a cased letter and any
// case-ignorable ones, unless a cased letter follows after case-ignorable ones.
char32_t lower_sigma(const std::u32string& text, std::size_t i) {
  std::size_t j = i;
  while (j > 0 && has(text[j - 1], k_case_ignorable)) --j;
  if (j == 0 || !is_cased(text[j - 1])) return U'σ';
  std::size_t k = i + 1;
  while (k < text.size() && has(text[k], k_case_ignorable)) ++k;
  return k == text.size() || !is_cased(text[k]) ? U'ς' : U'σ';
}

// CPython's lower_ucs4: the lower case of text[i] in its context.
void append_lower(std::u32string& out, const std::u32string& text, std::size_t i) {
  if (text[i] == U'Σ')
    out += lower_sigma(text, i);
  else
    append_mapped(out, text[i], Mapping::lower);
}

std::string ascii_mapped(std::string_view text, char from, char to) {
  std::string out(text);
  for (char& c : out)
    if (c >= from && c <= static_cast<char>(from + 25)) c = static_cast<char>(c - from + to);
  return out;
}

std::string each_mapped(std::string_view text, Mapping which) {
  std::u32string in = decode(text), out;
  out.reserve(in.size());
  for (char32_t cp : in) append_mapped(out, cp, which);
  return encode(out);
}

}  // namespace

std::string lower(std::string_view text) {
  if (is_ascii(text)) return ascii_mapped(text, 'A', 'a');
  std::u32string in = decode(text), out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) append_lower(out, in, i);
  return encode(out);
}

std::string upper(std::string_view text) {
  if (is_ascii(text)) return ascii_mapped(text, 'a', 'A');
  return each_mapped(text, Mapping::upper);
}

std::string casefold(std::string_view text) {
  if (is_ascii(text)) return ascii_mapped(text, 'A', 'a');
  return each_mapped(text, Mapping::fold);
}

std::string swapcase(std::string_view text) {
  std::u32string in = decode(text), out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (has(in[i], k_uppercase))
      append_lower(out, in, i);
    else if (has(in[i], k_lowercase))
      append_mapped(out, in[i], Mapping::upper);
    else
      out += in[i];
  }
  return encode(out);
}

// CPython's do_title: a character after a cased one is lowered, any other title-cased.
std::string title(std::string_view text) {
  std::u32string in = decode(text), out;
  out.reserve(in.size());
  bool previous_cased = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (previous_cased)
      append_lower(out, in, i);
    else
      append_mapped(out, in[i], Mapping::title);
    previous_cased = is_cased(in[i]);
  }
  return encode(out);
}

// Python 3.8 and later: the first character title-cased (not upper-cased), the rest lowered.
std::string capitalize(std::string_view text) {
  std::u32string in = decode(text), out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i == 0)
      append_mapped(out, in[i], Mapping::title);
    else
      append_lower(out, in, i);
  }
  return encode(out);
}

bool is_lower(std::string_view text) {
  bool cased = false;
  for (char32_t cp : decode(text)) {
    if (is_upper_or_title(cp)) return false;
    cased = cased || has(cp, k_lowercase);
  }
  return cased;
}

bool is_upper(std::string_view text) {
  bool cased = false;
  for (char32_t cp : decode(text)) {
    if (has(cp, k_lowercase) || has(cp, k_titlecase)) return false;
    cased = cased || has(cp, k_uppercase);
  }
  return cased;
}

// CPython's unicode_istitle_impl: upper/title-case letters only start words, lower-case ones
// only continue them, and there is at least one cased letter.
bool is_title(std::string_view text) {
  bool cased = false, previous_cased = false;
  for (char32_t cp : decode(text)) {
    if (is_upper_or_title(cp)) {
      if (previous_cased) return false;
      previous_cased = cased = true;
    } else if (has(cp, k_lowercase)) {
      if (!previous_cased) return false;
      previous_cased = cased = true;
    } else {
      previous_cased = false;
    }
  }
  return cased;
}

bool is_space(char32_t code_point) {
  return std::binary_search(k_spaces.begin(), k_spaces.end(), code_point);
}

std::size_t char_size_at(std::string_view text, std::size_t i) { return std::max<std::size_t>(1, decode_one(text, i).second); }

std::size_t space_at(std::string_view text, std::size_t i) {
  auto [cp, size] = decode_one(text, i);
  return size > 0 && is_space(cp) ? size : 0;
}

const char* unicode_version() { return k_unicode_version; }

}  // namespace drover::unicode
