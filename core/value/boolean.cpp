#include "core/value/boolean.hpp"

#include <algorithm>
#include <array>

#include "core/value/json.hpp"
#include "core/value/text.hpp"

namespace drover {

namespace {

constexpr std::array<std::string_view, 6> k_true_words{"y", "yes", "on", "1", "true", "t"};
constexpr std::array<std::string_view, 6> k_false_words{"n", "no", "off", "0", "false", "f"};

// Python's value.lower().strip(), as boolean() compares words.
std::string normalized(std::string_view text) { return ascii_lower(trim(text)); }

bool contains(const std::array<std::string_view, 6>& words, std::string_view w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

}  // namespace

std::optional<bool> parse_boolean(std::string_view text) {
  std::string w = normalized(text);
  if (contains(k_true_words, w)) return true;
  if (contains(k_false_words, w)) return false;
  return std::nullopt;
}

std::optional<bool> parse_boolean(const Value& v) {
  if (v.is_bool()) return v.as_bool();
  if (v.is_int() && (v.as_int() == 0 || v.as_int() == 1)) return v.as_int() == 1;
  if (v.is_float() && (v.as_float() == 0.0 || v.as_float() == 1.0)) return v.as_float() == 1.0;
  if (v.is_string()) return parse_boolean(v.as_string());
  return std::nullopt;
}

bool loose_boolean(const Value& v) { return parse_boolean(v).value_or(false); }

bool loose_boolean(std::string_view text) { return parse_boolean(text).value_or(false); }

std::string invalid_boolean_message(const Value& v) {
  std::string shown = v.is_string() ? v.as_string() : v.is_null() ? "None" : dump_json(v);
  std::string msg = "The value '" + shown + "' is not a valid boolean.  Valid booleans include: ";
  bool first = true;
  for (const auto& words : {k_true_words, k_false_words})
    for (std::string_view w : words) {
      msg += (first ? "'" : ", '") + std::string(w) + "'";
      first = false;
    }
  return msg + ", 1, 1.0, True, 0, 0.0, False";
}

}  // namespace drover
