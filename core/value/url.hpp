// Python's urllib.parse quoting, for the urlencode filter and the redactor's URL-escaped forms.
#pragma once

#include <string>
#include <string_view>

namespace drover {

// urllib.parse.quote (SpaceAs::percent) or quote_plus (SpaceAs::plus): every byte other than
// letters, digits, `_.-~` and those in `safe` becomes %XX.
enum class SpaceAs { percent, plus };
std::string url_quote(std::string_view text, std::string_view safe, SpaceAs space);

}  // namespace drover
