#include "modules/util/diff.hpp"

namespace drover::modules {

json content_diff(std::string_view before, std::string_view after, const std::string& before_header,
                  const std::string& after_header) {
  json diff = {{"before_header", before_header}, {"after_header", after_header}};
  bool before_binary = before.find('\0') != std::string_view::npos;
  bool after_binary = after.find('\0') != std::string_view::npos;
  if (before_binary) diff["dst_binary"] = 1;
  if (after_binary) diff["src_binary"] = 1;
  if (before_binary || after_binary) return diff;
  diff["before"] = std::string(before);
  diff["after"] = std::string(after);
  return diff;
}

json state_diff(const std::string& path) {
  return {{"before", {{"path", path}}}, {"after", {{"path", path}}}};
}

void record(json& diff, const char* field, const json& before, const json& after) {
  if (!diff.is_object()) return;
  diff["before"][field] = before;
  diff["after"][field] = after;
}

}  // namespace drover::modules
