#include "core/value/json.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "core/error.hpp"

namespace drover {

Json to_json(const Value& v) {
  switch (v.kind()) {
    case Kind::null: return nullptr;
    case Kind::boolean: return v.as_bool();
    case Kind::integer: return v.as_int();
    case Kind::floating: return v.as_float();
    case Kind::string: return v.as_string();
    case Kind::list: {
      Json arr = Json::array();
      for (const auto& item : v.as_list()) arr.push_back(to_json(item));
      return arr;
    }
    case Kind::map: {
      Json obj = Json::object();
      for (const auto& [k, item] : v.as_map()) obj[k] = to_json(item);
      return obj;
    }
    case Kind::object: return v.type_name();
  }
  return nullptr;
}

namespace {

// How deep JSON may nest on its way to a Value: the conversion recurses (deeper input would
// overflow the stack), and Python's json gives up near this depth too (its recursion limit).
constexpr int k_max_json_depth = 1000;

Value from_json_at(const Json& j, int depth) {
  if (depth > k_max_json_depth)
    throw Fatal("JSON nested deeper than " + std::to_string(k_max_json_depth) + " levels");
  switch (j.type()) {
    case Json::value_t::null: return Value();
    case Json::value_t::boolean: return Value(j.get<bool>());
    case Json::value_t::number_integer: return Value(j.get<std::int64_t>());
    case Json::value_t::number_unsigned: return Value(static_cast<std::int64_t>(j.get<std::uint64_t>()));
    case Json::value_t::number_float: return Value(j.get<double>());
    case Json::value_t::string: return Value(j.get<std::string>());
    case Json::value_t::array: {
      List l;
      l.reserve(j.size());
      for (const auto& item : j) l.push_back(from_json_at(item, depth + 1));
      return Value(std::move(l));
    }
    case Json::value_t::object: {
      Map m;
      for (auto it = j.begin(); it != j.end(); ++it) m.set(it.key(), from_json_at(it.value(), depth + 1));
      return Value(std::move(m));
    }
    default: return Value();
  }
}

}  // namespace

// Throws Fatal when j nests deeper than k_max_json_depth.
Value from_json(const Json& j) { return from_json_at(j, 0); }

Value parse_json(std::string_view text, const std::string& what) {
  try {
    return from_json(Json::parse(text));
  } catch (const Json::parse_error& e) {
    throw Fatal(what + ": invalid JSON: " + e.what());
  } catch (const Fatal& e) {
    throw Fatal(what + ": " + e.what());
  }
}

std::string python_float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  // sci = [-]D[.DDD]e[+-]XX
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  auto epos = sci.find('e');
  std::string mant = sci.substr(0, epos);
  int exp = std::stoi(sci.substr(epos + 1));
  std::string digits;
  for (char c : mant)
    if (c != '.') digits += c;
  std::string out;
  if (exp >= -4 && exp < 16) {  // Python switches to exponent notation outside this range
    if (exp >= 0) {
      std::string ip = digits.size() > static_cast<std::size_t>(exp + 1)
                           ? digits.substr(0, static_cast<std::size_t>(exp + 1))
                           : digits + std::string(static_cast<std::size_t>(exp + 1) - digits.size(), '0');
      std::string fp = digits.size() > static_cast<std::size_t>(exp + 1)
                           ? digits.substr(static_cast<std::size_t>(exp + 1))
                           : "0";
      out = ip + "." + fp;
    } else {
      out = "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    out += eb;
  }
  return neg ? "-" + out : out;
}

namespace {

void append_utf8_escaped(std::string& out, const std::string& s, bool ensure_ascii) {
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          out += b;
        } else if (c >= 0x80 && ensure_ascii) {
          // decode one UTF-8 sequence
          std::uint32_t cp = 0;
          int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
          cp = c & (0x3f >> extra);
          for (int k = 0; k < extra && i + 1 < s.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[++i]) & 0x3f);
          char b[16];
          if (cp >= 0x10000) {
            cp -= 0x10000;
            std::snprintf(b, sizeof b, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
          } else {
            std::snprintf(b, sizeof b, "\\u%04x", cp);
          }
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void dump(std::string& out, const Value& v, const JsonStyle& st, int level) {
  auto newline = [&](int lvl) {
    if (st.indent < 0) return;
    out += '\n';
    out.append(static_cast<std::size_t>(st.indent * lvl), ' ');
  };
  const char* item_sep = st.indent < 0 ? ", " : ",";
  switch (v.kind()) {
    case Kind::null: out += "null"; break;
    case Kind::boolean: out += v.as_bool() ? "true" : "false"; break;
    case Kind::integer: out += std::to_string(v.as_int()); break;
    case Kind::floating: {
      double d = v.as_float();
      if (std::isnan(d)) out += "NaN";
      else if (std::isinf(d)) out += d < 0 ? "-Infinity" : "Infinity";
      else out += python_float_repr(d);
      break;
    }
    case Kind::string: append_utf8_escaped(out, v.as_string(), st.ensure_ascii); break;
    case Kind::list: {
      const auto& l = v.as_list();
      if (l.empty()) {
        out += "[]";
        break;
      }
      out += '[';
      for (std::size_t i = 0; i < l.size(); ++i) {
        if (i) out += item_sep;
        newline(level + 1);
        dump(out, l[i], st, level + 1);
      }
      newline(level);
      out += ']';
      break;
    }
    case Kind::map: {
      const auto& m = v.as_map();
      if (m.empty()) {
        out += "{}";
        break;
      }
      std::vector<const Map::Entry*> entries;
      for (const auto& e : m) entries.push_back(&e);
      if (st.sort_keys)
        std::stable_sort(entries.begin(), entries.end(),
                         [](const Map::Entry* a, const Map::Entry* b) { return a->first < b->first; });
      out += '{';
      bool first = true;
      for (const auto* e : entries) {
        if (!first) out += item_sep;
        first = false;
        newline(level + 1);
        append_utf8_escaped(out, e->first, st.ensure_ascii);
        out += ": ";
        dump(out, e->second, st, level + 1);
      }
      newline(level);
      out += '}';
      break;
    }
    case Kind::object: append_utf8_escaped(out, v.type_name(), st.ensure_ascii); break;
  }
}

}  // namespace

std::string dump_json(const Value& v, const JsonStyle& style) {
  std::string out;
  dump(out, v, style, 0);
  return out;
}

}  // namespace drover
