#include "core/secrets/sops_codec.hpp"

#include <charconv>
#include <cmath>

#include <yaml-cpp/yaml.h>

#include "core/error.hpp"
#include "core/value/json.hpp"
#include "core/value/regex.hpp"
#include "core/value/yaml.hpp"

namespace drover::secrets {
namespace {

// go-yaml v3's resolution of a plain scalar (YAML 1.2 core schema plus base prefixes).
Value resolve_plain_12(const std::string& s) {
  static const Regex k_null("^(~|null|Null|NULL|)$", RegexFlag::ascii);
  static const Regex k_true("^(true|True|TRUE)$", RegexFlag::ascii);
  static const Regex k_false("^(false|False|FALSE)$", RegexFlag::ascii);
  static const Regex k_int("^[-+]?[0-9]+$", RegexFlag::ascii);
  static const Regex k_hex("^0x[0-9a-fA-F]+$", RegexFlag::ascii);
  static const Regex k_oct("^0o[0-7]+$", RegexFlag::ascii);
  static const Regex k_float("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexFlag::ascii);
  static const Regex k_inf("^[-+]?\\.(inf|Inf|INF)$", RegexFlag::ascii);
  static const Regex k_nan("^\\.(nan|NaN|NAN)$", RegexFlag::ascii);
  if (k_null.fullmatch(s)) return Value();
  if (k_true.fullmatch(s)) return Value(true);
  if (k_false.fullmatch(s)) return Value(false);
  auto as_int = [&](std::string_view digits, int base, bool negative) -> std::optional<Value> {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return Value(negative ? -v : v);
  };
  if (k_int.fullmatch(s)) {
    std::string_view d = s;
    bool neg = d[0] == '-';
    if (d[0] == '-' || d[0] == '+') d.remove_prefix(1);
    if (auto v = as_int(d, 10, neg)) return *v;
    return Value(std::stod(s));
  }
  if (k_hex.fullmatch(s))
    if (auto v = as_int(std::string_view(s).substr(2), 16, false)) return *v;
  if (k_oct.fullmatch(s))
    if (auto v = as_int(std::string_view(s).substr(2), 8, false)) return *v;
  if (k_float.fullmatch(s)) return Value(std::stod(s));
  if (k_inf.fullmatch(s)) return Value(s[0] == '-' ? -INFINITY : INFINITY);
  if (k_nan.fullmatch(s)) return Value(NAN);
  return Value(s);
}

Value yaml_node_to_value(const YAML::Node& n, const std::string& file) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return Value();
    case YAML::NodeType::Scalar: {
      const std::string& tag = n.Tag();
      if (tag == "?") return resolve_plain_12(n.Scalar());
      if (tag == "!vault" || tag == "!vault-encrypted") return Value(n.Scalar(), Mark::vault);
      return Value(n.Scalar());  // quoted, !!str or another explicit tag: a string, as sops keeps it
    }
    case YAML::NodeType::Sequence: {
      List items;
      for (const auto& item : n) items.push_back(yaml_node_to_value(item, file));
      return Value(std::move(items));
    }
    case YAML::NodeType::Map: {
      Map m;
      for (const auto& kv : n) {
        if (!kv.first.IsScalar())
          throw SourceError(location_of(kv.first, file), "sops documents need string keys");
        m.set(kv.first.Scalar(), yaml_node_to_value(kv.second, file));
      }
      return Value(std::move(m));
    }
  }
  return Value();
}

Value json_to_sops_value(const Json& j) {
  // Integers stay integers (sops would read them as float64, but both encode as the same digits
  // in the MAC and in ENC[...] data; only the type tag differs, which sops reads either way).
  return from_json(j);
}

// --- YAML writer --------------------------------------------------------------------------

// True when a plain scalar would not read back as this string, under YAML 1.2 (sops, go-yaml)
// or YAML 1.1 (ansible, drover): booleans, nulls, numbers, timestamps, merge keys.
bool looks_special_plain(const std::string& s) {
  static const Regex k_timestamp("^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*", RegexFlag::ascii);
  if (!resolve_plain_12(s).is_string() || !resolve_plain_scalar(s).is_string()) return true;
  return k_timestamp.fullmatch(s) || s == "<<" || s == "=";
}

bool plain_safe(const std::string& s) {
  if (s.empty() || looks_special_plain(s)) return false;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) return false;
  if (s.front() == ' ' || s.back() == ' ' || s.back() == ':') return false;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return false;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  static const char* hex = "0123456789abcdef";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

bool literal_ok(const std::string& s) {
  if (s.find('\n') == std::string::npos || s.front() == ' ' || s.front() == '\n') return false;
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
  return true;
}

std::string scalar_text(const Value& v) {
  switch (v.kind()) {
    case Kind::null: return "null";
    case Kind::boolean: return v.as_bool() ? "true" : "false";
    case Kind::integer: return std::to_string(v.as_int());
    case Kind::floating: {
      double d = v.as_float();
      if (std::isnan(d)) return ".nan";
      if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
      std::string t = go_format_float(d);
      // Keep it a float when read back.
      return t.find('.') == std::string::npos ? t + ".0" : t;
    }
    case Kind::string: return plain_safe(v.as_string()) ? v.as_string() : double_quoted(v.as_string());
    default: return "null";
  }
}

std::string key_text(const std::string& k) { return plain_safe(k) ? k : double_quoted(k); }

void emit_literal(const std::string& s, int indent, std::string& out) {
  std::size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  out += trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n";
  std::string body = s.substr(0, s.size() - trailing);
  std::string pad(static_cast<std::size_t>(indent), ' ');
  std::size_t pos = 0;
  for (;;) {
    auto nl = body.find('\n', pos);
    std::string line = body.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    out += line.empty() ? "\n" : pad + line + "\n";
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  for (std::size_t i = 1; i < trailing; ++i) out += "\n";
}

void emit_yaml_value(const Value& v, int indent, std::string& out);

// Emits what follows "key:" or "- ": an inline scalar or a nested block.
void emit_after_indicator(const Value& v, int indent, std::string& out, bool in_sequence) {
  if (v.is_map() && !v.as_map().empty()) {
    if (in_sequence) {
      // First entry on the dash line, the rest aligned under it.
      std::string nested;
      emit_yaml_value(v, indent, nested);
      out += " " + nested.substr(static_cast<std::size_t>(indent));
    } else {
      out += "\n";
      emit_yaml_value(v, indent + 4, out);
    }
  } else if (v.is_list() && !v.as_list().empty()) {
    out += "\n";
    emit_yaml_value(v, indent + 4, out);
  } else if (v.is_map()) {
    out += " {}\n";
  } else if (v.is_list()) {
    out += " []\n";
  } else if (v.is_string() && literal_ok(v.as_string())) {
    out += " ";
    emit_literal(v.as_string(), indent + (in_sequence ? 2 : 4), out);
  } else {
    out += " " + scalar_text(v) + "\n";
  }
}

void emit_yaml_value(const Value& v, int indent, std::string& out) {
  std::string pad(static_cast<std::size_t>(indent), ' ');
  if (v.is_map()) {
    for (const auto& [k, item] : v.as_map()) {
      out += pad + key_text(k) + ":";
      emit_after_indicator(item, indent, out, false);
    }
  } else if (v.is_list()) {
    for (const auto& item : v.as_list()) {
      out += pad + "-";
      emit_after_indicator(item, indent + 2, out, true);
    }
  } else {
    out += pad + scalar_text(v) + "\n";
  }
}

}  // namespace

SopsFormat sops_format_for(const std::string& path) {
  return path.ends_with(".json") ? SopsFormat::json : SopsFormat::yaml;
}

Value parse_sops_document(std::string_view text, SopsFormat format, const std::string& file) {
  Value doc;
  if (format == SopsFormat::json) {
    Json j;
    try {
      j = Json::parse(text);
    } catch (const std::exception& e) {
      throw Fatal(file + ": not valid JSON: " + e.what());
    }
    try {
      doc = json_to_sops_value(j);
    } catch (const Fatal& e) {  // nested too deep
      throw Fatal(file + ": " + e.what());
    }
  } else {
    doc = yaml_node_to_value(parse_yaml(text, file), file);
  }
  if (doc.is_null()) return Value::map();
  if (!doc.is_map()) throw Fatal(file + ": the top level of a sops document must be a mapping");
  return doc;
}

std::string emit_sops_document(const Value& doc, SopsFormat format) {
  if (format == SopsFormat::json) return to_json(doc).dump(1, '\t') + "\n";
  std::string out;
  if (doc.is_map() && doc.as_map().empty()) return "{}\n";
  emit_yaml_value(doc, 0, out);
  return out;
}

std::string go_format_float(double d) {
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  if (ec != std::errc()) return std::to_string(d);
  return std::string(buf, end);
}

}  // namespace drover::secrets
