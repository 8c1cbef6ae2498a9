// UTF-8 encoding of one code point: the one encoder of the project (Python escapes, the template
// lexer, k=v arguments, the regex wrapper, Unicode case mapping). A leaf: the static runner
// compiles it too (with core/value/regex.cpp), so it includes nothing but the standard library.
#pragma once

#include <cstdint>
#include <string>

namespace drover {

// Appends code point `cp` encoded as UTF-8.
void append_utf8(std::string& out, std::uint32_t cp);

}  // namespace drover
