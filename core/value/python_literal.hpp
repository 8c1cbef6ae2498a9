// Python's ast.literal_eval, strictly: what Ansible applies to a templated string that looks like
// a list, a dict or a bool (ansible/template/native_helpers.py), and to every value of an INI
// inventory (ansible/plugins/inventory/ini.py).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/value/value.hpp"

namespace drover {

// Which bare names are constants. Python's literal_eval knows True/False/None; Ansible's
// non-native templating first maps the JSON names true/false/null to them too (Json2Python).
enum class LiteralNames { python, python_and_json };

// The value of a Python literal expression: str (with r/u prefixes, escapes, implicit
// concatenation), int (decimal, 0x/0o/0b, underscores), float, True/False/None, list, tuple
// (a list marked Mark::tuple), dict, set (as a list), set(), a unary +/- on a number, top-level
// `a, b` tuples, comments and line continuations. nullopt wherever Python raises (any other
// expression, a syntax error, leading spaces), and for what drover cannot hold: bytes, complex
// numbers, \N{...} escapes, integers beyond 64 bits, dict keys that are not str/int/float/bool/None.
std::optional<Value> literal_eval(std::string_view text, LiteralNames names = LiteralNames::python);

// Appends code point `cp` encoded as UTF-8 (for \x, \u and \U escapes: here, in the template
// lexer and in k=v arguments).
void append_utf8(std::string& out, std::uint32_t cp);

}  // namespace drover
