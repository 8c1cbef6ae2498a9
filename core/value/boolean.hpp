// Ansible's boolean(): the one reader of yes/no words for every keyword, setting, variable and
// module argument on the control node (modules/util/args.cpp has the runner's copy: the runner
// links nothing from core).
//
// True:  True, 1, 1.0 and the strings y, yes, on, 1, true, t
// False: False, 0, 0.0 and the strings n, no, off, 0, false, f
// Strings are compared lower-cased with surrounding white space removed, as Ansible does.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/value/value.hpp"

namespace drover {

// boolean(v, strict=True): nullopt when `v` is none of the words above (null included).
std::optional<bool> parse_boolean(const Value& v);
std::optional<bool> parse_boolean(std::string_view text);

// boolean(v, strict=False), as Ansible reads configuration: anything but a true word is false.
bool loose_boolean(const Value& v);
bool loose_boolean(std::string_view text);

// A std::string or a literal converts both to Value and to std::string_view; these pick the text.
inline std::optional<bool> parse_boolean(const std::string& text) { return parse_boolean(std::string_view(text)); }
inline std::optional<bool> parse_boolean(const char* text) { return parse_boolean(std::string_view(text)); }
inline bool loose_boolean(const std::string& text) { return loose_boolean(std::string_view(text)); }
inline bool loose_boolean(const char* text) { return loose_boolean(std::string_view(text)); }

// Ansible's message for a value that is not a boolean, e.g.
// "The value 'maybe' is not a valid boolean.  Valid booleans include: 'y', 'yes', ..."
std::string invalid_boolean_message(const Value& v);

}  // namespace drover
