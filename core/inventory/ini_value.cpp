#include "core/inventory/ini_value.hpp"

#include "core/value/python_literal.hpp"

namespace drover::inventory {

Value ini_value(std::string_view text) {
  if (auto v = literal_eval(text)) return *v;
  return Value(std::string(text));
}

}  // namespace drover::inventory
