// Python's str methods on ASCII text, for the control node: the one trim and the one lower-casing
// (the runner has its own copies in modules/util/text.hpp: drover-modules links nothing from core).
#pragma once

#include <string>
#include <string_view>

namespace drover {

// str.strip() with no argument: `text` without the white space at either end, as Python counts
// it in ASCII: space, \t, \n, \v, \f, \r and \x1c-\x1f. Bytes of UTF-8 text are kept, so a
// non-ASCII space (U+00A0) stays, where Python would strip it. A view into `text`.
std::string_view trim(std::string_view text);

// str.lower() for ASCII: A-Z become a-z, every other byte is kept.
std::string ascii_lower(std::string_view text);

}  // namespace drover
