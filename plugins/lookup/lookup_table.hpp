// The built-in lookup plugins: one row per lookup, alphabetized, in the shape core's template
// engine defines (tmpl::LookupRow in core/template/filter_api.hpp). A Templar can call them when
// its TemplateOptions carry this table (drover's run gets it from the plugin set).
#pragma once

#include <span>

#include "core/template/filter_api.hpp"

namespace drover::lookup {

std::span<const tmpl::LookupRow> lookup_table();

}  // namespace drover::lookup
