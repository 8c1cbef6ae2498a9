// Python's ast.literal_eval, strictly: what Ansible applies to a templated string that looks like
// a list, a dict or a bool (ansible/template/native_helpers.py), and to every value of an INI
// inventory (ansible/plugins/inventory/ini.py).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/value/utf8.hpp"
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

// What decoding one backslash escape of a Python string literal found.
enum class EscapeStatus {
  decoded,    // appended what it stands for (an unknown escape such as \q keeps its backslash)
  truncated,  // \x, \u or \U with fewer hex digits than it needs: nothing appended
  not_text,   // \u or \U naming a surrogate or a code point past U+10FFFF: appended anyway
  named,      // \N{...}: drover has no name table; "\N" appended as an unknown escape would be
};
struct DecodedEscape {
  std::size_t used;  // characters of `text` the escape took
  EscapeStatus status;
};

// Decodes the escape whose backslash precedes `text` (not empty) as Python does in a non-raw
// string literal: \<newline>, \\, \', \", \a \b \f \n \r \t \v, up to three octal digits, \xHH,
// \uHHHH, \UHHHHHHHH. The one decoder for literal_eval and the template lexer, which differ only
// in what they do with a status other than `decoded`. (Ansible's k=v splitter decodes its own,
// smaller set: core/playbook/args.cpp.)
DecodedEscape decode_python_escape(std::string_view text, std::string& out);

}  // namespace drover
