// Value ⇄ JSON, and JSON text as Python's json.dumps writes it (what Ansible prints).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/value/value.hpp"

namespace drover {

using Json = nlohmann::ordered_json;

Json to_json(const Value& v);
// Throws Fatal when j nests deeper than 1,000 levels (the conversion recurses; Python's json gives
// up near that depth too).
Value from_json(const Json& j);

// Parses JSON text; throws Fatal naming `what` (a file name or "-e argument") on bad input or on
// input nested deeper than 1,000 levels.
Value parse_json(std::string_view text, const std::string& what);

struct JsonStyle {
  int indent = -1;          // < 0: one line, with ", " and ": " separators as Python does
  bool sort_keys = false;
  bool ensure_ascii = false;  // \uXXXX for non-ASCII, as json.dumps' default
};
// json.dumps(v, indent=…, sort_keys=…, ensure_ascii=…). Objects (macros…) print as their type name.
std::string dump_json(const Value& v, const JsonStyle& style = {});

// repr() of a Python float: shortest round-trip digits, "1.0", "1e+16", "inf", "nan".
std::string python_float_repr(double d);

}  // namespace drover
