// Marks on nested values: the deep forms of Value::add_mark and Value::is_secret.
#pragma once

#include "core/value/value.hpp"

namespace drover {

// True when v, or any value inside it, carries mark m.
bool contains_mark(const Value& v, Mark m);

// v with mark m on it and on every value inside it (Ansible's wrap_var for unsafe; taint for
// secret). Map keys are not values and carry no marks.
Value mark_deep(Value v, Mark m);

}  // namespace drover
