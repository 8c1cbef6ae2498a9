#include "core/value/python_repr.hpp"

#include <charconv>
#include <cstdio>

#include "core/value/json.hpp"

namespace drover {

namespace {

// Python picks double quotes only for a string with a single quote and no double quote.
char repr_quote(const std::string& s) {
  bool has_single = s.find('\'') != std::string::npos;
  bool has_double = s.find('"') != std::string::npos;
  return has_single && !has_double ? '"' : '\'';
}

void append_string_repr(std::string& out, const std::string& s) {
  char quote = repr_quote(s);
  out += quote;
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c == static_cast<unsigned char>(quote)) {
          out += '\\';
          out += static_cast<char>(c);
        } else if (c < 0x20 || c == 0x7f) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\x%02x", c);
          out += escape;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += quote;
}

void append_integer(std::string& out, std::int64_t i) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, i).ptr;
  out.append(digits, end);
}

void append_list_repr(std::string& out, const Value& v, ObjectRepr object_repr) {
  bool tuple = has_mark(v.mark(), Mark::tuple);
  out += tuple ? '(' : '[';
  const List& items = v.as_list();
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    append_python_repr(out, items[i], object_repr);
  }
  if (tuple && items.size() == 1) out += ',';  // (1,): without the comma it is not a tuple
  out += tuple ? ')' : ']';
}

void append_map_repr(std::string& out, const Value& v, ObjectRepr object_repr) {
  out += '{';
  bool first = true;
  for (const auto& [key, item] : v.as_map()) {
    if (!first) out += ", ";
    first = false;
    append_string_repr(out, key);
    out += ": ";
    append_python_repr(out, item, object_repr);
  }
  out += '}';
}

}  // namespace

void append_opaque_object_repr(std::string& out, const Value& object) {
  out += "<" + object.type_name() + " object>";
}

void append_python_repr(std::string& out, const Value& v, ObjectRepr object_repr) {
  switch (v.kind()) {
    case Kind::null: out += "None"; return;
    case Kind::boolean: out += v.as_bool() ? "True" : "False"; return;
    case Kind::integer: append_integer(out, v.as_int()); return;
    case Kind::floating: out += python_float_repr(v.as_float()); return;
    case Kind::string: append_string_repr(out, v.as_string()); return;
    case Kind::list: append_list_repr(out, v, object_repr); return;
    case Kind::map: append_map_repr(out, v, object_repr); return;
    case Kind::object: object_repr(out, v); return;
  }
}

std::string python_repr(const Value& v) {
  std::string out;
  append_python_repr(out, v);
  return out;
}

std::string python_str(const Value& v) { return v.is_string() ? v.as_string() : python_repr(v); }

}  // namespace drover
