// The Python str/list/dict methods templates call: `s.split(',')`, `l.append(x)`, `d.items()`.
// Each is one function in one table per receiver type.
#include <algorithm>
#include <unordered_map>

#include "core/template/ansible_support.hpp"
#include "core/template/engine.hpp"
#include "core/value/unicode_case.hpp"

namespace drover::tmpl::detail {
namespace {

using Method = Value (*)(Value& self, CallArgs& args);

const Value& method_arg(const CallArgs& a, std::size_t i, std::string_view name, const Value& fallback) {
  const Value* v = a.arg(i, name);
  return v ? require(*v) : fallback;
}
const Value k_none;

std::string str_arg(const CallArgs& a, std::size_t i, std::string_view name, const char* method) {
  const Value* v = a.arg(i, name);
  if (!v) throw TemplateError(std::string(method) + "() missing required argument");
  require(*v);
  if (!v->is_string())
    throw TemplateError(std::string("must be str, not ") + py_type(*v));
  return v->as_string();
}

bool py_isspace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// ---------------------------------------------------------------- str
List split_whitespace(const std::string& s, std::int64_t maxsplit, bool from_right) {
  List out;
  if (!from_right) {
    std::size_t i = 0;
    while (true) {
      while (i < s.size() && py_isspace(s[i])) ++i;
      if (i >= s.size()) break;
      if (maxsplit >= 0 && static_cast<std::int64_t>(out.size()) == maxsplit) {
        std::size_t end = s.size();
        while (end > i && py_isspace(s[end - 1])) --end;
        out.emplace_back(s.substr(i, end - i));
        break;
      }
      std::size_t j = i;
      while (j < s.size() && !py_isspace(s[j])) ++j;
      out.emplace_back(s.substr(i, j - i));
      i = j;
    }
    return out;
  }
  std::size_t i = s.size();
  while (true) {
    while (i > 0 && py_isspace(s[i - 1])) --i;
    if (i == 0) break;
    if (maxsplit >= 0 && static_cast<std::int64_t>(out.size()) == maxsplit) {
      std::size_t b = 0;
      while (b < i && py_isspace(s[b])) ++b;
      out.emplace_back(s.substr(b, i - b));
      break;
    }
    std::size_t j = i;
    while (j > 0 && !py_isspace(s[j - 1])) --j;
    out.emplace_back(s.substr(j, i - j));
    i = j;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

List split_on(const std::string& s, const std::string& sep, std::int64_t maxsplit, bool from_right) {
  if (sep.empty()) throw TemplateError("empty separator");
  List out;
  if (!from_right) {
    std::size_t start = 0;
    while (maxsplit < 0 || static_cast<std::int64_t>(out.size()) < maxsplit) {
      std::size_t p = s.find(sep, start);
      if (p == std::string::npos) break;
      out.emplace_back(s.substr(start, p - start));
      start = p + sep.size();
    }
    out.emplace_back(s.substr(start));
    return out;
  }
  std::size_t end = s.size();
  while (maxsplit < 0 || static_cast<std::int64_t>(out.size()) < maxsplit) {
    if (end < sep.size()) break;
    std::size_t p = s.rfind(sep, end - sep.size());
    if (p == std::string::npos) break;
    out.emplace_back(s.substr(p + sep.size(), end - p - sep.size()));
    end = p;
  }
  out.emplace_back(s.substr(0, end));
  std::reverse(out.begin(), out.end());
  return out;
}

Value split_impl(Value& self, CallArgs& a, bool from_right) {
  const Value& sep = method_arg(a, 0, "sep", k_none);
  std::int64_t maxsplit = to_int(method_arg(a, 1, "maxsplit", Value(-1)), -1);
  return Value(py_split(self.as_string(), sep, maxsplit, from_right));
}

Value s_split(Value& s, CallArgs& a) { return split_impl(s, a, false); }
Value s_rsplit(Value& s, CallArgs& a) { return split_impl(s, a, true); }

std::string strip_chars(const std::string& s, const Value& chars, bool left, bool right) {
  auto in_set = [&](char c) { return chars.is_null() ? py_isspace(c) : to_str(chars).find(c) != std::string::npos; };
  std::size_t b = 0, e = s.size();
  if (left)
    while (b < e && in_set(s[b])) ++b;
  if (right)
    while (e > b && in_set(s[e - 1])) --e;
  return s.substr(b, e - b);
}
Value s_strip(Value& s, CallArgs& a) { return Value(strip_chars(s.as_string(), method_arg(a, 0, "chars", k_none), true, true)); }
Value s_lstrip(Value& s, CallArgs& a) { return Value(strip_chars(s.as_string(), method_arg(a, 0, "chars", k_none), true, false)); }
Value s_rstrip(Value& s, CallArgs& a) { return Value(strip_chars(s.as_string(), method_arg(a, 0, "chars", k_none), false, true)); }

bool affix_matches(const std::string& s, const Value& what, bool prefix) {
  auto one = [&](const Value& v) {
    if (!v.is_string()) throw TemplateError(std::string(prefix ? "startswith" : "endswith") +
                                            " first arg must be str or a tuple of str, not " + py_type(v));
    const std::string& p = v.as_string();
    if (p.size() > s.size()) return false;
    return prefix ? s.compare(0, p.size(), p) == 0 : s.compare(s.size() - p.size(), p.size(), p) == 0;
  };
  if (what.is_list()) return std::any_of(what.as_list().begin(), what.as_list().end(), one);
  return one(what);
}
Value s_startswith(Value& s, CallArgs& a) { return Value(affix_matches(s.as_string(), method_arg(a, 0, "prefix", k_none), true)); }
Value s_endswith(Value& s, CallArgs& a) { return Value(affix_matches(s.as_string(), method_arg(a, 0, "suffix", k_none), false)); }

// Case methods follow Python on every code point (core/value/unicode_case.hpp).
Value s_lower(Value& s, CallArgs&) { return Value(unicode::lower(s.as_string())); }
Value s_upper(Value& s, CallArgs&) { return Value(unicode::upper(s.as_string())); }
Value s_casefold(Value& s, CallArgs&) { return Value(unicode::casefold(s.as_string())); }
Value s_title(Value& s, CallArgs&) { return Value(unicode::title(s.as_string())); }
Value s_capitalize(Value& s, CallArgs&) { return Value(unicode::capitalize(s.as_string())); }
Value s_swapcase(Value& s, CallArgs&) { return Value(unicode::swapcase(s.as_string())); }
Value s_islower(Value& s, CallArgs&) { return Value(unicode::is_lower(s.as_string())); }
Value s_isupper(Value& s, CallArgs&) { return Value(unicode::is_upper(s.as_string())); }
Value s_istitle(Value& s, CallArgs&) { return Value(unicode::is_title(s.as_string())); }

}  // namespace

std::string py_replace(const std::string& s, const std::string& from, const std::string& to, std::int64_t count) {
  std::string out;
  if (from.empty()) {
    std::int64_t n = 0;
    for (auto& c : utf8_chars(s)) {
      if (count < 0 || n++ < count) out += to;
      out += c;
    }
    if (count < 0 || n < count) out += to;
    return out;
  }
  std::size_t start = 0;
  std::int64_t done = 0;
  while (count < 0 || done < count) {
    std::size_t p = s.find(from, start);
    if (p == std::string::npos) break;
    out.append(s, start, p - start);
    out += to;
    start = p + from.size();
    ++done;
  }
  out.append(s, start);
  return out;
}

namespace {

Value s_replace(Value& s, CallArgs& a) {
  return Value(py_replace(s.as_string(), str_arg(a, 0, "old", "replace"), str_arg(a, 1, "new", "replace"),
                          to_int(method_arg(a, 2, "count", Value(-1)), -1)));
}
Value s_format(Value& s, CallArgs& a) { return Value(format_method(s.as_string(), a)); }
Value s_join(Value& s, CallArgs& a) {
  const Value& items = method_arg(a, 0, "iterable", k_none);
  std::string out;
  bool first = true;
  for (const Value& v : iterate(items)) {
    if (!v.is_string()) throw TemplateError("sequence item: expected str instance, " + py_type(v) + " found");
    if (!first) out += s.as_string();
    first = false;
    out += v.as_string();
  }
  return Value(std::move(out));
}

std::int64_t char_index(const std::string& s, std::size_t byte) {
  return static_cast<std::int64_t>(utf8_length(std::string_view(s).substr(0, byte)));
}
Value s_find(Value& s, CallArgs& a) {
  std::size_t p = s.as_string().find(str_arg(a, 0, "sub", "find"));
  return Value(p == std::string::npos ? std::int64_t(-1) : char_index(s.as_string(), p));
}
Value s_rfind(Value& s, CallArgs& a) {
  std::size_t p = s.as_string().rfind(str_arg(a, 0, "sub", "rfind"));
  return Value(p == std::string::npos ? std::int64_t(-1) : char_index(s.as_string(), p));
}
Value s_index(Value& s, CallArgs& a) {
  std::size_t p = s.as_string().find(str_arg(a, 0, "sub", "index"));
  if (p == std::string::npos) throw TemplateError("substring not found");
  return Value(char_index(s.as_string(), p));
}
Value s_count(Value& s, CallArgs& a) {
  std::string sub = str_arg(a, 0, "sub", "count");
  if (sub.empty()) return Value(static_cast<std::int64_t>(utf8_length(s.as_string()) + 1));
  std::int64_t n = 0;
  for (std::size_t p = s.as_string().find(sub); p != std::string::npos; p = s.as_string().find(sub, p + sub.size())) ++n;
  return Value(n);
}
Value s_splitlines(Value& s, CallArgs& a) {
  bool keep = py_truthy(method_arg(a, 0, "keepends", Value(false)));
  const std::string& str = s.as_string();
  List out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < str.size(); ++i) {
    if (str[i] != '\n' && str[i] != '\r') continue;
    std::size_t end = i;
    if (str[i] == '\r' && i + 1 < str.size() && str[i + 1] == '\n') ++i;
    out.emplace_back(str.substr(start, (keep ? i + 1 : end) - start));
    start = i + 1;
  }
  if (start < str.size()) out.emplace_back(str.substr(start));
  return Value(std::move(out));
}
template <int (*F)(int)>
Value all_chars(Value& s, CallArgs&) {
  const std::string& str = s.as_string();
  return Value(!str.empty() && std::all_of(str.begin(), str.end(), [](char c) { return F(static_cast<unsigned char>(c)) != 0; }));
}
Value justify(Value& s, CallArgs& a, char how) {
  std::size_t width = static_cast<std::size_t>(std::max<std::int64_t>(0, to_int(method_arg(a, 0, "width", Value(0)))));
  std::string fill = to_str(method_arg(a, 1, "fillchar", Value(" ")));
  std::size_t len = utf8_length(s.as_string());
  if (len >= width) return s;
  std::size_t total = width - len;
  auto rep = [&](std::size_t n) {
    std::string r;
    for (std::size_t i = 0; i < n; ++i) r += fill;
    return r;
  };
  if (how == 'l') return Value(s.as_string() + rep(total));
  if (how == 'r') return Value(rep(total) + s.as_string());
  std::size_t left = total / 2 + (total & width & 1);
  return Value(rep(left) + s.as_string() + rep(total - left));
}
Value s_ljust(Value& s, CallArgs& a) { return justify(s, a, 'l'); }
Value s_rjust(Value& s, CallArgs& a) { return justify(s, a, 'r'); }
Value s_center(Value& s, CallArgs& a) { return justify(s, a, 'c'); }
Value s_zfill(Value& s, CallArgs& a) {
  std::size_t width = static_cast<std::size_t>(std::max<std::int64_t>(0, to_int(method_arg(a, 0, "width", Value(0)))));
  const std::string& str = s.as_string();
  std::size_t length = utf8_length(str);
  if (length >= width) return s;
  std::size_t sign = !str.empty() && (str[0] == '-' || str[0] == '+') ? 1 : 0;
  return Value(str.substr(0, sign) + std::string(width - length, '0') + str.substr(sign));
}
// str.partition and str.rpartition: a 3-tuple (head, sep, tail).
Value partition_at(const std::string& s, const std::string& sep, std::size_t p) {
  return make_tuple({Value(s.substr(0, p)), Value(sep), Value(s.substr(p + sep.size()))});
}
Value s_partition(Value& s, CallArgs& a) {
  std::string sep = str_arg(a, 0, "sep", "partition");
  if (sep.empty()) throw TemplateError("empty separator");
  std::size_t p = s.as_string().find(sep);
  if (p == std::string::npos) return make_tuple({s, Value(""), Value("")});
  return partition_at(s.as_string(), sep, p);
}
Value s_rpartition(Value& s, CallArgs& a) {
  std::string sep = str_arg(a, 0, "sep", "rpartition");
  if (sep.empty()) throw TemplateError("empty separator");
  std::size_t p = s.as_string().rfind(sep);
  if (p == std::string::npos) return make_tuple({Value(""), Value(""), s});
  return partition_at(s.as_string(), sep, p);
}
Value s_encode(Value& s, CallArgs&) { return s; }
Value s_decode(Value& s, CallArgs&) { return s; }

const std::unordered_map<std::string_view, Method>& string_methods() {
  static const std::unordered_map<std::string_view, Method> k_table = {
      {"capitalize", s_capitalize}, {"casefold", s_casefold},   {"center", s_center},
      {"count", s_count},
      {"decode", s_decode},         {"encode", s_encode},       {"endswith", s_endswith},
      {"find", s_find},             {"format", s_format},       {"index", s_index},
      {"isalnum", all_chars<::isalnum>}, {"isalpha", all_chars<::isalpha>}, {"isdigit", all_chars<::isdigit>},
      {"isnumeric", all_chars<::isdigit>}, {"isdecimal", all_chars<::isdigit>}, {"islower", s_islower},
      {"isspace", all_chars<::isspace>}, {"istitle", s_istitle}, {"isupper", s_isupper},
      {"join", s_join},
      {"ljust", s_ljust},           {"lower", s_lower},         {"lstrip", s_lstrip},
      {"partition", s_partition},   {"replace", s_replace},     {"rfind", s_rfind},
      {"rpartition", s_rpartition},
      {"rjust", s_rjust},           {"rsplit", s_rsplit},       {"rstrip", s_rstrip},
      {"split", s_split},           {"splitlines", s_splitlines}, {"startswith", s_startswith},
      {"strip", s_strip},           {"swapcase", s_swapcase},   {"title", s_title},
      {"upper", s_upper},           {"zfill", s_zfill},
  };
  return k_table;
}

// ---------------------------------------------------------------- list
const Value& required_arg(const CallArgs& a, std::size_t i, const char* method) {
  const Value* v = a.arg(i, "\x01");
  if (!v) throw TemplateError(std::string(method) + "() takes exactly one argument (0 given)");
  return require(*v);
}
Value l_append(Value& l, CallArgs& a) {
  l.mutable_list().push_back(required_arg(a, 0, "append"));
  return Value();
}
Value l_extend(Value& l, CallArgs& a) {
  List more = iterate(required_arg(a, 0, "extend"));
  List& self = l.mutable_list();
  self.insert(self.end(), more.begin(), more.end());
  return Value();
}
Value l_insert(Value& l, CallArgs& a) {
  List& self = l.mutable_list();
  auto n = static_cast<std::int64_t>(self.size());
  std::int64_t i = to_int(required_arg(a, 0, "insert"));
  if (i < 0) i = std::max<std::int64_t>(0, i + n);
  i = std::min(i, n);
  self.insert(self.begin() + i, required_arg(a, 1, "insert"));
  return Value();
}
Value l_pop(Value& l, CallArgs& a) {
  List& self = l.mutable_list();
  if (self.empty()) throw TemplateError("pop from empty list");
  auto n = static_cast<std::int64_t>(self.size());
  std::int64_t i = to_int(method_arg(a, 0, "index", Value(-1)), -1);
  if (i < 0) i += n;
  if (i < 0 || i >= n) throw TemplateError("pop index out of range");
  Value v = self[static_cast<std::size_t>(i)];
  self.erase(self.begin() + i);
  return v;
}
Value l_remove(Value& l, CallArgs& a) {
  List& self = l.mutable_list();
  const Value& x = required_arg(a, 0, "remove");
  auto it = std::find(self.begin(), self.end(), x);
  if (it == self.end()) throw TemplateError("list.remove(x): x not in list");
  self.erase(it);
  return Value();
}
Value l_index(Value& l, CallArgs& a) {
  const List& self = l.as_list();
  auto it = std::find(self.begin(), self.end(), required_arg(a, 0, "index"));
  if (it == self.end()) throw TemplateError(to_repr(*a.arg(0, "")) + " is not in list");
  return Value(static_cast<std::int64_t>(it - self.begin()));
}
Value l_count(Value& l, CallArgs& a) {
  const Value& x = required_arg(a, 0, "count");
  return Value(static_cast<std::int64_t>(std::count(l.as_list().begin(), l.as_list().end(), x)));
}
Value l_reverse(Value& l, CallArgs&) {
  std::reverse(l.mutable_list().begin(), l.mutable_list().end());
  return Value();
}
Value l_sort(Value& l, CallArgs& a) {
  bool reverse = py_truthy(method_arg(a, 99, "reverse", Value(false)));
  List& self = l.mutable_list();
  std::stable_sort(self.begin(), self.end(), [](const Value& x, const Value& y) { return py_compare(x, y, "<") < 0; });
  if (reverse) std::reverse(self.begin(), self.end());
  return Value();
}
Value l_copy(Value& l, CallArgs&) { return Value(List(l.as_list())); }
Value l_clear(Value& l, CallArgs&) {
  l.mutable_list().clear();
  return Value();
}

// A tuple has only the methods that do not change it.
const std::unordered_map<std::string_view, Method>& tuple_methods() {
  static const std::unordered_map<std::string_view, Method> k_table = {{"count", l_count}, {"index", l_index}};
  return k_table;
}

const std::unordered_map<std::string_view, Method>& list_methods() {
  static const std::unordered_map<std::string_view, Method> k_table = {
      {"append", l_append}, {"clear", l_clear}, {"copy", l_copy},       {"count", l_count},
      {"extend", l_extend}, {"index", l_index}, {"insert", l_insert},   {"pop", l_pop},
      {"remove", l_remove}, {"reverse", l_reverse}, {"sort", l_sort},
  };
  return k_table;
}

// ---------------------------------------------------------------- dict
Value items_of(const Map& m) {
  List out;
  out.reserve(m.size());
  for (const auto& [k, v] : m) out.push_back(make_tuple({Value(k), v}));
  return Value(std::move(out));
}
Value d_items(Value& d, CallArgs&) { return items_of(d.as_map()); }
Value d_keys(Value& d, CallArgs&) { return Value(iterate(d)); }
Value d_values(Value& d, CallArgs&) {
  List out;
  for (const auto& [k, v] : d.as_map()) out.push_back(v);
  return Value(std::move(out));
}
Value d_get(Value& d, CallArgs& a) {
  const Value& key = required_arg(a, 0, "get");
  if (const Value* v = d.as_map().find(to_str(key))) return *v;
  return method_arg(a, 1, "\x01", k_none);
}
Value d_update(Value& d, CallArgs& a) {
  Map& self = d.mutable_map();
  if (const Value* other = a.arg(0, "\x01")) {
    require(*other);
    if (other->is_map()) {
      for (const auto& [k, v] : other->as_map()) self.set(k, v);
    } else {
      for (const Value& pair : iterate(*other)) {
        List kv = iterate(pair);
        if (kv.size() != 2) throw TemplateError("dictionary update sequence element has wrong length");
        self.set(to_str(kv[0]), kv[1]);
      }
    }
  }
  for (const auto& [k, v] : a.keyword) self.set(k, v);
  return Value();
}
Value d_pop(Value& d, CallArgs& a) {
  std::string key = to_str(required_arg(a, 0, "pop"));
  if (const Value* v = d.as_map().find(key)) {
    Value out = *v;
    d.mutable_map().erase(key);
    return out;
  }
  if (const Value* dflt = a.arg(1, "\x01")) return *dflt;
  throw TemplateError("'" + key + "'");
}
Value d_setdefault(Value& d, CallArgs& a) {
  std::string key = to_str(required_arg(a, 0, "setdefault"));
  if (const Value* v = d.as_map().find(key)) return *v;
  Value dflt = method_arg(a, 1, "\x01", k_none);
  d.mutable_map().set(key, dflt);
  return dflt;
}
Value d_copy(Value& d, CallArgs&) { return Value(Map(d.as_map())); }
Value d_clear(Value& d, CallArgs&) {
  d.mutable_map() = Map();
  return Value();
}

const std::unordered_map<std::string_view, Method>& dict_methods() {
  static const std::unordered_map<std::string_view, Method> k_table = {
      {"clear", d_clear}, {"copy", d_copy},     {"get", d_get},       {"items", d_items},
      {"keys", d_keys},   {"pop", d_pop},       {"setdefault", d_setdefault}, {"update", d_update},
      {"values", d_values},
  };
  return k_table;
}

}  // namespace

namespace {

// The method table of a str, tuple, list or dict; nullptr for other values.
const std::unordered_map<std::string_view, Method>* methods_of(const Value& self) {
  if (self.is_string()) return &string_methods();
  if (self.is_tuple()) return &tuple_methods();
  if (self.is_list()) return &list_methods();
  if (self.is_map()) return &dict_methods();
  return nullptr;
}

}  // namespace

bool has_method(const Value& self, std::string_view name) {
  const auto* table = methods_of(self);
  return table && table->count(name) != 0;
}

Value call_method(Context&, Value& self, std::string_view name, CallArgs& args, bool* found) {
  *found = false;
  const auto* methods = methods_of(self);
  if (!methods) return Value();
  const auto& table = *methods;
  auto it = table.find(name);
  if (it == table.end()) {
    if (self.is_map() && self.as_map().contains(name)) return Value();  // a key holding a callable? not ours
    throw TemplateError("'" + py_type(self) + " object' has no attribute '" + std::string(name) + "'");
  }
  *found = true;
  return it->second(self, args);
}

}  // namespace drover::tmpl::detail

namespace drover::tmpl {

List py_split(const std::string& s, const Value& sep, std::int64_t maxsplit, bool from_right) {
  if (sep.is_null()) return detail::split_whitespace(s, maxsplit, from_right);
  return detail::split_on(s, detail::to_str(sep), maxsplit, from_right);
}

}  // namespace drover::tmpl
