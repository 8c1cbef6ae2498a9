// Python's shlex.split (POSIX mode) on the control node: how Ansible's INI inventory cuts a host
// line into words. The runner has its own copy (modules/util/text.hpp): drover-modules links
// nothing from core.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drover {

// shlex.split's `comments` argument: whether an unquoted '#' starts a comment that runs to the
// end of its line (comments=True), or is an ordinary character (the default, comments=False).
enum class ShlexComments { literal, stripped };

// shlex.split(text, comments=...): words separated by unquoted white space; '...' keeps
// everything, "..." keeps everything but \" and \\, a backslash outside quotes keeps the next
// character. Throws std::invalid_argument with Python's message: "No closing quotation" for an
// unclosed quote, "No escaped character" for a backslash at the end of the text.
std::vector<std::string> shlex_split(std::string_view text, ShlexComments comments);

}  // namespace drover
