#include "core/value/url.hpp"

#include <cstdio>

namespace drover {

std::string url_quote(std::string_view text, std::string_view safe, SpaceAs space) {
  static constexpr std::string_view k_always_safe = "_.-~";
  std::string out;
  char buf[4];
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (space == SpaceAs::plus && c == ' ') {
      out += '+';
    } else if (alnum || k_always_safe.find(ch) != std::string_view::npos ||
               (c && safe.find(ch) != std::string_view::npos)) {
      out += ch;
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace drover
