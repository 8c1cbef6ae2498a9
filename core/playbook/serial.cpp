#include "core/playbook/serial.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace drover::playbook {

namespace {

// Digits only (an optional leading '-'), as Python's int() of the string would accept here.
std::optional<long> whole_number(std::string_view text) {
  long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

}  // namespace

std::optional<long> serial_batch_size(const Value& entry, std::size_t total) {
  if (entry.is_int()) return static_cast<long>(entry.as_int());
  if (entry.is_float()) return static_cast<long>(entry.as_float());
  if (!entry.is_string()) return std::nullopt;
  std::string_view text = entry.as_string();
  if (!text.empty() && text.back() == '%') {
    auto pct = whole_number(text.substr(0, text.size() - 1));
    if (!pct) return std::nullopt;
    long n = static_cast<long>(static_cast<double>(*pct) / 100.0 * static_cast<double>(total));
    return n == 0 ? 1 : n;
  }
  return whole_number(text);
}

std::optional<std::vector<std::size_t>> serial_batches(const Value& serial, std::size_t total) {
  List entries;
  if (serial.is_list()) entries = serial.as_list();
  else if (!serial.is_null()) entries.push_back(serial);
  if (entries.empty()) entries.push_back(Value(-1));
  std::vector<std::size_t> sizes;
  std::size_t left = total, item = 0;
  while (left > 0) {
    auto size = serial_batch_size(entries[item], total);
    if (!size) return std::nullopt;
    if (*size <= 0) {
      sizes.push_back(left);
      break;
    }
    std::size_t take = std::min<std::size_t>(static_cast<std::size_t>(*size), left);
    sizes.push_back(take);
    left -= take;
    if (item + 1 < entries.size()) ++item;
  }
  return sizes;
}

std::optional<double> percentage_value(const Value& v) {
  if (v.is_int()) return static_cast<double>(v.as_int());
  if (v.is_float()) return v.as_float();
  if (!v.is_string()) return std::nullopt;
  std::string text = v.as_string();
  if (!text.empty() && text.back() == '%') text.pop_back();
  try {
    std::size_t used = 0;
    double d = std::stod(text, &used);
    if (used != text.size() || !std::isfinite(d)) return std::nullopt;
    return d;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace drover::playbook
