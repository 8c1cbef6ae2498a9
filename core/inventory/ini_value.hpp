// The two Python text helpers Ansible's INI inventory relies on: shlex.split (POSIX mode, with
// comments) for host lines, and ast.literal_eval for values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value/value.hpp"

namespace drover::inventory {

// shlex.split(text, comments=True). Throws std::invalid_argument with Python's message
// ("No closing quotation", "No escaped character") on bad quoting.
std::vector<std::string> shlex_split(std::string_view text);

// What Ansible's INI plugin stores for a value: ast.literal_eval's result (core/value/
// python_literal.hpp) when it parses, else the text.
Value ini_value(std::string_view text);

}  // namespace drover::inventory
