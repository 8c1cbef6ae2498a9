// Python 3's str case methods on UTF-8 text, code point by code point, with the Unicode data of
// the Python the project is checked against (scripts/gen_unicode_case.py; unicode_version() says
// which). Full mappings, as Python's: 'ß'.upper() is "SS", 'ﬁ'.title() is "Fi", 'İ'.lower() is
// "i̇"; lower() writes Σ as ς at the end of a word (Unicode's Final_Sigma).
//
// Bytes that are not valid UTF-8 are kept as they are and count as uncased characters (they are
// carried through as Python's surrogateescape would carry them). ASCII text takes a fast path.
#pragma once

#include <string>
#include <string_view>

namespace drover::unicode {

std::string lower(std::string_view text);       // str.lower()
std::string upper(std::string_view text);       // str.upper()
std::string casefold(std::string_view text);    // str.casefold()
std::string swapcase(std::string_view text);    // str.swapcase()
std::string title(std::string_view text);       // str.title(): words are runs of cased letters
std::string capitalize(std::string_view text);  // str.capitalize(): the first character title-cased

bool is_lower(std::string_view text);  // str.islower()
bool is_upper(std::string_view text);  // str.isupper()
bool is_title(std::string_view text);  // str.istitle()

// str.isspace() of one code point: Python's white space (str.split(), re's \s).
bool is_space(char32_t code_point);

// The byte length of the character at text[i] (i < text.size()): of its UTF-8 sequence, or 1 for
// a byte that starts no valid one.
std::size_t char_size_at(std::string_view text, std::size_t i);

// The byte length of the character at text[i] when it is Python white space, else 0.
std::size_t space_at(std::string_view text, std::size_t i);

// The Unicode version of the tables ("14.0.0").
const char* unicode_version();

}  // namespace drover::unicode
