// How Ansible's INI inventory reads a value: ast.literal_eval, else the text. (Its other Python
// helper, shlex.split for host lines, is core/value/shlex.hpp.)
#pragma once

#include <string>
#include <string_view>

#include "core/value/value.hpp"

namespace drover::inventory {

// What Ansible's INI plugin stores for a value: ast.literal_eval's result (core/value/
// python_literal.hpp) when it parses, else the text.
Value ini_value(std::string_view text);

}  // namespace drover::inventory
