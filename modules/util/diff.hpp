// Building the `diff` field of results, in the shapes Ansible's modules return.
#pragma once

#include <string>
#include <string_view>

#include "modules/module.hpp"

namespace drover::modules {

// A content diff: {"before", "after", "before_header", "after_header"}. When either side holds a
// NUL byte the texts are left out and "src_binary"/"dst_binary" say why, as Ansible does.
json content_diff(std::string_view before, std::string_view after, const std::string& before_header,
                  const std::string& after_header);

// A state diff starts as {"before": {"path": p}, "after": {"path": p}}; record() adds one field
// that changed on both sides (a null `diff` is left alone: nobody asked for one).
json state_diff(const std::string& path);
void record(json& diff, const char* field, const json& before, const json& after);

}  // namespace drover::modules
