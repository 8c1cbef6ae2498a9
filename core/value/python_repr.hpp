// Python's repr() and str() of a Value: how Ansible shows values in messages, loop labels,
// warnings and template output. The one implementation for the output layer, the template engine
// and the plugins.
#pragma once

#include <string>

#include "core/value/value.hpp"

namespace drover {

// Writes the repr of an engine Object (Kind::object) to `out`.
using ObjectRepr = void (*)(std::string& out, const Value& object);

// "<T object>", T the object's type name: an object shown by something that cannot look inside.
// (The template engine passes its own ObjectRepr: an undefined value fails, namespace() shows as
// the dict it holds.)
void append_opaque_object_repr(std::string& out, const Value& object);

// repr(v): None, True, False, 42, floats as Python prints them (1.0, 1e+16, inf), strings in
// Python's quotes ('a', "it's", 'a"b\'c') with \\, \n, \r, \t and \xNN escapes for the other
// control characters (other bytes, UTF-8 included, as they are), lists [1, 'a'], tuples (a list
// marked Mark::tuple) (1,) and (1, 2), dicts {'k': 1}; objects through `object_repr`.
void append_python_repr(std::string& out, const Value& v, ObjectRepr object_repr = append_opaque_object_repr);
std::string python_repr(const Value& v);

// str(v): a string as it is, anything else as its repr.
std::string python_str(const Value& v);

}  // namespace drover
