#include "core/exec/keywords.hpp"

#include <charconv>

#include "core/value/boolean.hpp"
#include "core/value/python_repr.hpp"
#include "core/value/text.hpp"

namespace drover::exec {

namespace {

std::string shown(const Value& v) { return python_str(v); }

[[noreturn]] void invalid(std::string_view name, const Value& value, std::string_view type, const std::string& why) {
  throw tmpl::TemplateError("the field '" + std::string(name) + "' has an invalid value (" + shown(value) +
                            "), and could not be converted to an " + std::string(type) + ". The error was: " + why);
}

}  // namespace

bool bool_keyword(tmpl::Templar& templar, std::string_view name, const Value& value, bool fallback) {
  if (value.is_null()) return fallback;
  const Value templated = templar.template_value(value);
  if (std::optional<bool> b = parse_boolean(templated)) return *b;
  invalid(name, templated, "bool", invalid_boolean_message(templated));
}

std::int64_t int_keyword(tmpl::Templar& templar, std::string_view name, const Value& value, std::int64_t fallback) {
  if (value.is_null()) return fallback;
  const Value templated = templar.template_value(value);
  if (templated.is_int()) return templated.as_int();
  if (templated.is_string()) {
    const std::string& s = templated.as_string();
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return n;
  }
  invalid(name, templated, "int", "invalid literal for int() with base 10: '" + shown(templated) + "'");
}

double float_keyword(tmpl::Templar& templar, std::string_view name, const Value& value, double fallback) {
  if (value.is_null()) return fallback;
  const Value templated = templar.template_value(value);
  if (templated.is_int()) return static_cast<double>(templated.as_int());
  if (templated.is_float()) return templated.as_float();
  if (templated.is_string()) {
    std::string s(trim(templated.as_string()));
    double d = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return d;
  }
  invalid(name, templated, "float", "could not convert string to float: '" + shown(templated) + "'");
}

std::optional<std::string> string_keyword(tmpl::Templar& templar, const Value& value) {
  if (value.is_null()) return std::nullopt;
  const Value templated = templar.template_value(value);
  return shown(templated);
}

}  // namespace drover::exec
