// What the template lookup and the template action need beyond Templar: Jinja2 environment
// options passed as a `#jinja2:` header, and the default templating's conversion of a rendered
// text. Defined in templar.cpp, beside the header parsing and the conversion they reuse.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/value/value.hpp"

namespace drover::tmpl {

// `source` with a `#jinja2:` first line that sets these Jinja2 environment options
// (variable_start_string, comment_end_string, trim_blocks, ...), merged into the header the
// source already has.
std::string with_jinja2_overrides(std::string_view source,
                                  const std::vector<std::pair<std::string, Value>>& overrides);

// The text a template rendered to, as Ansible's default templating converts it: text that starts
// with [ or { or is True/False becomes the Python literal it spells (the template lookup's
// convert_data).
Value literal_text_result(const Value& text);

}  // namespace drover::tmpl
