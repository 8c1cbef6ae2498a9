// Joining file fragments as Ansible's assemble does, on the target (the module) and on the
// control node (the action with remote_src: false). A leaf: the static runner compiles it too,
// so it includes nothing but the standard library.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace drover {

// codecs.escape_decode(text): Python's backslash escapes of a byte string (\n \t \r \a \b \f \v
// \\ \' \" \<newline>, \ooo octal, \xhh); any other escape stays as written. Throws
// std::invalid_argument for a \x without two hex digits, as Python raises ValueError.
std::string escape_decode(const std::string& text);

// The fragments in the order given, joined: a "\n" after a fragment that does not end with one,
// and between fragments the delimiter (escape-decoded; none when empty) followed by "\n" unless it
// ends with one. As Ansible's, the delimiter is decoded again at each use (a "\\\\n" gives "\\n"
// the first time and a newline after).
std::string assemble_fragments(const std::vector<std::string>& fragments, const std::string& delimiter);

}  // namespace drover
