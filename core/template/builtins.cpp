// Jinja2's builtin filters, tests and global functions, one function and one table row each.
// Ansible's tables (filter_api.hpp) are looked up first: Ansible's plugins override Jinja2's
// builtins of the same name (`random`, `unique` live there only).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "core/template/ansible_support.hpp"
#include "core/template/objects.hpp"
#include "core/value/json.hpp"
#include "core/value/text.hpp"
#include "core/value/unicode_case.hpp"
#include "core/value/url.hpp"

namespace drover::tmpl::detail {

std::string py_replace(const std::string& s, const std::string& from, const std::string& to, std::int64_t count);

namespace {

const Value k_none;

const Value& arg(const CallArgs& a, std::size_t i, std::string_view name, const Value& fallback = k_none) {
  const Value* v = a.arg(i, name);
  return v ? require(*v) : fallback;
}
bool flag(const CallArgs& a, std::size_t i, std::string_view name, bool fallback = false) {
  const Value* v = a.arg(i, name);
  return v ? py_truthy(*v) : fallback;
}

// A tuple with named fields (groupby's (grouper, list)): iterates and prints as a tuple.
class TupleObject : public TemplateObject {
public:
  TupleObject(List items, std::vector<std::string> names) : items(std::move(items)), names(std::move(names)) {}
  std::string type_name() const override { return "tuple"; }
  const List* sequence() const override { return &items; }
  std::optional<Value> attribute(Context&, std::string_view n) override {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == n) return items[i];
    return std::nullopt;
  }
  std::string str() const override {
    std::string out = "(";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + to_repr(items[i]);
    return out + (items.size() == 1 ? ",)" : ")");
  }
  List items;
  std::vector<std::string> names;
};

// Attribute paths as Jinja2's make_attrgetter reads them: "a.b.0".
Value get_path(Context& ctx, const Value& item, const std::string& path, const Value* dflt = nullptr) {
  Value cur = item;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    cur = getitem(ctx, cur, numeric ? Value(static_cast<std::int64_t>(std::stoll(part))) : Value(part));
    if (is_undefined(cur) && dflt) return *dflt;
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
}

Value sort_key(const Value& v, bool case_sensitive) {
  if (!case_sensitive && v.is_string()) return Value(unicode::lower(v.as_string()));
  return v;
}

bool less(const Value& a, const Value& b) { return py_compare(a, b, "<") < 0; }

// ---------------------------------------------------------------- filters
Value f_abs(Context&, const Value& v, const CallArgs&) {
  if (v.is_int() || v.is_bool()) return Value(std::llabs(to_int(v)));
  if (v.is_float()) return Value(std::fabs(v.as_float()));
  throw TemplateError("bad operand type for abs(): '" + py_type(v) + "'");
}

// attr() is getattr only: a dict's keys are not attributes.
Value f_attr(Context& ctx, const Value& v, const CallArgs& a) {
  std::string name = to_str(arg(a, 0, "name"));
  if (v.is_map() && !has_method(v, name))
    return make_undefined("'dict object' has no attribute '" + name + "'");
  return getattr(ctx, v, name);
}

Value f_batch(Context&, const Value& v, const CallArgs& a) {
  std::int64_t n = to_int(arg(a, 0, "linecount"));
  if (n <= 0) throw TemplateError("batch size must be positive");
  const Value& fill = arg(a, 1, "fill_with");
  List out, cur;
  for (Value& x : iterate(v)) {
    if (static_cast<std::int64_t>(cur.size()) == n) out.emplace_back(std::exchange(cur, {}));
    cur.push_back(std::move(x));
  }
  if (!cur.empty()) {
    if (!fill.is_null() || a.arg(1, "fill_with"))
      while (static_cast<std::int64_t>(cur.size()) < n) cur.push_back(fill);
    out.emplace_back(std::move(cur));
  }
  return Value(std::move(out));
}

Value f_capitalize(Context&, const Value& v, const CallArgs&) { return Value(unicode::capitalize(to_str(v))); }

Value f_center(Context&, const Value& v, const CallArgs& a) {
  std::string s = to_str(v);
  std::size_t width = static_cast<std::size_t>(std::max<std::int64_t>(0, to_int(arg(a, 0, "width", Value(80)))));
  std::size_t len = utf8_length(s);
  if (len >= width) return Value(s);
  std::size_t total = width - len, left = total / 2 + (total & width & 1);
  return Value(std::string(left, ' ') + s + std::string(total - left, ' '));
}

Value f_default(Context&, const Value& v, const CallArgs& a) {
  const Value* dflt = a.arg(0, "default_value");
  bool boolean = flag(a, 1, "boolean");
  if (is_undefined(v) || (boolean && !py_truthy(v))) return dflt ? *dflt : Value("");
  return v;
}

Value f_dictsort(Context&, const Value& v, const CallArgs& a) {
  if (!v.is_map()) throw TemplateError("You can only sort by either \"key\" or \"value\"");
  bool cs = flag(a, 0, "case_sensitive");
  std::string by = to_str(arg(a, 1, "by", Value("key")));
  bool reverse = flag(a, 2, "reverse");
  if (by != "key" && by != "value") throw TemplateError("You can only sort by either \"key\" or \"value\"");
  List items;
  for (const auto& [k, x] : v.as_map()) items.push_back(make_tuple({Value(k), x}));
  std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
    std::size_t i = by == "key" ? 0 : 1;
    return less(sort_key(x.as_list()[i], cs), sort_key(y.as_list()[i], cs));
  });
  if (reverse) std::reverse(items.begin(), items.end());
  return Value(std::move(items));
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}
Value f_escape(Context&, const Value& v, const CallArgs&) { return Value(html_escape(to_str(v))); }

Value f_filesizeformat(Context&, const Value& v, const CallArgs& a) {
  bool binary = flag(a, 0, "binary");
  double bytes = v.is_string() ? std::stod(v.as_string()) : to_float(v);
  double base = binary ? 1024 : 1000;
  static const char* k_dec[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  static const char* k_bin[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  char buf[64];
  if (bytes == 1) return Value("1 Byte");
  if (bytes < base) {
    std::snprintf(buf, sizeof buf, "%d Bytes", static_cast<int>(bytes));
    return Value(buf);
  }
  double unit = base;
  for (int i = 0; i < 8; ++i) {
    unit = std::pow(base, i + 2);
    if (bytes < unit || i == 7) {
      std::snprintf(buf, sizeof buf, "%.1f %s", base * bytes / unit, binary ? k_bin[i] : k_dec[i]);
      return Value(buf);
    }
  }
  return Value();
}

Value f_first(Context&, const Value& v, const CallArgs&) {
  List items = iterate(v);
  if (items.empty()) return make_undefined("No first item, sequence was empty.");
  return items.front();
}

Value f_last(Context&, const Value& v, const CallArgs&) {
  List items = iterate(v);
  if (items.empty()) return make_undefined("No last item, sequence was empty.");
  return items.back();
}

std::optional<double> parse_float(const std::string& s) {
  std::string t = s;
  t.erase(0, t.find_first_not_of(" \t\n\r"));
  t.erase(t.find_last_not_of(" \t\n\r") + 1);
  std::erase(t, '_');
  if (t.empty()) return std::nullopt;
  std::string l = ascii_lower(t);
  if (l == "inf" || l == "+inf" || l == "infinity") return INFINITY;
  if (l == "-inf" || l == "-infinity") return -INFINITY;
  if (l == "nan" || l == "+nan" || l == "-nan") return NAN;
  try {
    std::size_t used = 0;
    double d = std::stod(t, &used);
    if (used != t.size()) return std::nullopt;
    if (l.find_first_of("xp") != std::string::npos) return std::nullopt;
    return d;
  } catch (...) {
    return std::nullopt;
  }
}

Value f_float(Context&, const Value& v, const CallArgs& a) {
  const Value dflt = arg(a, 0, "default", Value(0.0));
  if (v.is_string()) {
    auto d = parse_float(v.as_string());
    return d ? Value(*d) : dflt;
  }
  if (v.is_number() || v.is_bool()) return Value(to_float(v));
  return dflt;
}

Value f_forceescape(Context& c, const Value& v, const CallArgs& a) { return f_escape(c, v, a); }

Value f_format(Context&, const Value& v, const CallArgs& a) {
  if (!a.positional.empty() && !a.keyword.empty())
    throw TemplateError("can't handle positional and keyword arguments at the same time");
  if (!a.keyword.empty()) return Value(percent_format(to_str(v), Value(a.keyword)));
  return Value(percent_format(to_str(v), make_tuple(a.positional)));
}

Value f_groupby(Context& ctx, const Value& v, const CallArgs& a) {
  std::string attribute = to_str(arg(a, 0, "attribute"));
  const Value* dflt = a.arg(1, "default");
  bool cs = flag(a, 2, "case_sensitive");
  List items = iterate(v);
  std::vector<std::pair<Value, Value>> keyed;
  for (Value& x : items) {
    Value k = get_path(ctx, x, attribute, dflt);
    require(k);
    keyed.emplace_back(sort_key(k, cs), std::move(x));
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& x, const auto& y) { return less(x.first, y.first); });
  List out;
  for (std::size_t i = 0; i < keyed.size();) {
    std::size_t j = i;
    List group;
    Value grouper = cs ? keyed[i].first : get_path(ctx, keyed[i].second, attribute, dflt);
    while (j < keyed.size() && keyed[j].first == keyed[i].first) group.push_back(keyed[j++].second);
    out.emplace_back(std::make_shared<TupleObject>(List{grouper, Value(std::move(group))},
                                                   std::vector<std::string>{"grouper", "list"}));
    i = j;
  }
  return Value(std::move(out));
}

Value f_indent(Context&, const Value& v, const CallArgs& a) {
  const Value width = arg(a, 0, "width", Value(4));  // a copy: the fallback is a temporary
  bool first = flag(a, 1, "first"), blank = flag(a, 2, "blank");
  std::string pad = width.is_string() ? width.as_string() : std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, to_int(width))), ' ');
  std::string s = to_str(v);
  std::string out;
  std::size_t start = 0;
  bool first_line = true;
  while (start <= s.size()) {
    std::size_t nl = s.find('\n', start);
    std::string line = s.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    bool is_blank = line.find_first_not_of(" \t\r\f\v") == std::string::npos;
    if (first_line ? first : (blank || !is_blank)) out += pad;
    out += line;
    first_line = false;
    if (nl == std::string::npos) break;
    out += '\n';
    start = nl + 1;
  }
  if (first && s.empty()) return Value(pad);
  return Value(std::move(out));
}

std::optional<std::int64_t> parse_int(std::string s, int base) {
  s.erase(0, s.find_first_not_of(" \t\n\r"));
  s.erase(s.find_last_not_of(" \t\n\r") + 1);
  std::erase(s, '_');
  if (s.empty()) return std::nullopt;
  bool neg = false;
  std::size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i = 1;
  }
  std::string body = ascii_lower(s.substr(i));
  if (base == 0 || base == 16 || base == 8 || base == 2) {
    if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o' || body[1] == 'b')) {
      int b = body[1] == 'x' ? 16 : body[1] == 'o' ? 8 : 2;
      if (base != 0 && base != b) return std::nullopt;
      base = b;
      body = body.substr(2);
    } else if (base == 0) {
      base = 10;
    }
  }
  if (body.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    long long n = std::stoll(body, &used, base);
    if (used != body.size()) return std::nullopt;
    return neg ? -n : n;
  } catch (...) {
    return std::nullopt;
  }
}

Value f_int(Context&, const Value& v, const CallArgs& a) {
  const Value dflt = arg(a, 0, "default", Value(0));
  int base = static_cast<int>(to_int(arg(a, 1, "base", Value(10))));
  if (v.is_string()) {
    if (auto n = parse_int(v.as_string(), base)) return Value(*n);
    if (auto d = parse_float(v.as_string()); d && std::isfinite(*d)) return Value(static_cast<std::int64_t>(*d));
    return dflt;
  }
  if (v.is_bool() || v.is_int()) return Value(to_int(v));
  if (v.is_float()) return std::isfinite(v.as_float()) ? Value(static_cast<std::int64_t>(v.as_float())) : dflt;
  return dflt;
}

Value f_items(Context&, const Value& v, const CallArgs&) {
  if (is_undefined(v)) return Value(List{});
  if (!v.is_map()) throw TemplateError("Can only get item pairs from a mapping.");
  List out;
  for (const auto& [k, x] : v.as_map()) out.push_back(make_tuple({Value(k), x}));
  return Value(std::move(out));
}

Value f_join(Context& ctx, const Value& v, const CallArgs& a) {
  const Value* sep_arg = a.arg(0, "d");
  const std::string sep = sep_arg ? to_str(*sep_arg) : std::string();
  const Value& attribute = arg(a, 1, "attribute");
  std::string out;
  bool first = true, secret = false;
  List copy;
  const List& items = v.is_list() ? v.as_list() : (copy = iterate(v));
  Value fetched;
  for (const Value& x : items) {
    if (!first) out += sep;
    first = false;
    const Value* item = &x;
    if (!attribute.is_null()) item = &(fetched = get_path(ctx, x, to_str(attribute)));
    secret = secret || item->is_secret();
    append_str(out, *item);
  }
  Value r(std::move(out));
  if (secret) r.add_mark(Mark::secret);
  return r;
}

Value f_length(Context&, const Value& v, const CallArgs&) { return Value(py_len(v)); }
Value f_list(Context&, const Value& v, const CallArgs&) { return Value(iterate(v)); }
Value f_lower(Context&, const Value& v, const CallArgs&) { return Value(unicode::lower(to_str(v))); }
Value f_upper(Context&, const Value& v, const CallArgs&) { return Value(unicode::upper(to_str(v))); }

Value f_map(Context& ctx, const Value& v, const CallArgs& a) {
  List out;
  if (const Value* attribute = a.keyword.find("attribute")) {
    const Value* dflt = a.keyword.find("default");
    for (const Value& x : iterate(v)) out.push_back(get_path(ctx, x, to_str(*attribute), dflt));
    return Value(std::move(out));
  }
  if (a.positional.empty()) throw TemplateError("map requires a filter argument");
  std::string name = to_str(a.positional[0]);
  CallArgs rest;
  rest.positional.assign(a.positional.begin() + 1, a.positional.end());
  rest.keyword = a.keyword;
  for (const Value& x : iterate(v)) out.push_back(apply_filter(ctx, name, x, rest));
  return Value(std::move(out));
}

Value min_max(Context& ctx, const Value& v, const CallArgs& a, bool want_max) {
  bool cs = flag(a, 0, "case_sensitive");
  const Value& attribute = arg(a, 1, "attribute");
  List items = iterate(v);
  if (items.empty()) return make_undefined(std::string("No aggregated item, sequence was empty."));
  auto key = [&](const Value& x) {
    return sort_key(attribute.is_null() ? x : get_path(ctx, x, to_str(attribute)), cs);
  };
  std::size_t best = 0;
  for (std::size_t i = 1; i < items.size(); ++i) {
    bool better = want_max ? less(key(items[best]), key(items[i])) : less(key(items[i]), key(items[best]));
    if (better) best = i;
  }
  return items[best];
}
Value f_max(Context& c, const Value& v, const CallArgs& a) { return min_max(c, v, a, true); }
Value f_min(Context& c, const Value& v, const CallArgs& a) { return min_max(c, v, a, false); }

// pprint sorts dict keys.
Value sorted_keys(const Value& v) {
  if (v.is_list()) {
    List out;
    for (const Value& x : v.as_list()) out.push_back(sorted_keys(x));
    Value r(std::move(out));
    if (has_mark(v.mark(), Mark::tuple)) r.add_mark(Mark::tuple);
    return r;
  }
  if (!v.is_map()) return v;
  std::vector<const Map::Entry*> entries;
  for (const auto& e : v.as_map()) entries.push_back(&e);
  std::sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->first < b->first; });
  Map out;
  for (auto* e : entries) out.set(e->first, sorted_keys(e->second));
  return Value(std::move(out));
}
Value f_pprint(Context&, const Value& v, const CallArgs&) { return Value(to_repr(sorted_keys(v))); }

Value select_impl(Context& ctx, const Value& v, const CallArgs& a, bool want, bool by_attr) {
  List out;
  std::size_t i = 0;
  std::string attribute;
  if (by_attr) attribute = to_str(arg(a, i++, "attribute"));
  std::string test = i < a.positional.size() ? to_str(a.positional[i]) : "";
  CallArgs rest;
  if (i + 1 < a.positional.size()) rest.positional.assign(a.positional.begin() + static_cast<long>(i) + 1, a.positional.end());
  for (const Value& x : iterate(v)) {
    Value item = by_attr ? get_path(ctx, x, attribute) : x;
    bool ok = test.empty() ? py_truthy(item) : apply_test(ctx, test, item, rest);
    if (ok == want) out.push_back(x);
  }
  return Value(std::move(out));
}
Value f_select(Context& c, const Value& v, const CallArgs& a) { return select_impl(c, v, a, true, false); }
Value f_reject(Context& c, const Value& v, const CallArgs& a) { return select_impl(c, v, a, false, false); }
Value f_selectattr(Context& c, const Value& v, const CallArgs& a) { return select_impl(c, v, a, true, true); }
Value f_rejectattr(Context& c, const Value& v, const CallArgs& a) { return select_impl(c, v, a, false, true); }

Value f_replace(Context&, const Value& v, const CallArgs& a) {
  const Value& count = arg(a, 2, "count");
  return Value(py_replace(to_str(v), to_str(arg(a, 0, "old")), to_str(arg(a, 1, "new")), count.is_null() ? -1 : to_int(count)));
}

Value f_reverse(Context&, const Value& v, const CallArgs&) {
  if (v.is_string()) {
    auto chars = utf8_chars(v.as_string());
    std::string out;
    for (auto it = chars.rbegin(); it != chars.rend(); ++it) out += *it;
    return Value(std::move(out));
  }
  List items = iterate(v);
  std::reverse(items.begin(), items.end());
  return Value(std::move(items));
}

Value f_round(Context&, const Value& v, const CallArgs& a) {
  std::int64_t precision = to_int(arg(a, 0, "precision", Value(0)));
  std::string method = to_str(arg(a, 1, "method", Value("common")));
  if (method != "common" && method != "ceil" && method != "floor")
    throw TemplateError("method must be common, ceil or floor");
  if (!v.is_number() && !v.is_bool()) throw TemplateError("type " + py_type(v) + " doesn't define __round__ method");
  double x = to_float(v), m = std::pow(10.0, static_cast<double>(precision));
  if (method == "common" && (v.is_int() || v.is_bool())) return Value(to_int(v));
  if (method == "ceil") return Value(std::ceil(x * m) / m);
  if (method == "floor") return Value(std::floor(x * m) / m);
  // Python rounds half to even on the exact binary value; repr-based correction keeps 2.675 → 2.67
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", static_cast<int>(std::max<std::int64_t>(precision, 0)), x);
  if (precision >= 0) return Value(std::stod(buf));
  return Value(std::nearbyint(x * m) / m);
}

Value f_safe(Context&, const Value& v, const CallArgs&) { return v; }

Value f_slice(Context&, const Value& v, const CallArgs& a) {
  std::int64_t slices = to_int(arg(a, 0, "slices"));
  if (slices <= 0) throw TemplateError("slices must be positive");
  const Value* fill = a.arg(1, "fill_with");
  List seq = iterate(v);
  auto n = static_cast<std::int64_t>(seq.size());
  std::int64_t per = n / slices, extra = n % slices, offset = 0;
  List out;
  for (std::int64_t i = 0; i < slices; ++i) {
    std::int64_t start = offset + i * per;
    if (i < extra) ++offset;
    std::int64_t end = offset + (i + 1) * per;
    List part(seq.begin() + start, seq.begin() + end);
    if (fill && i >= extra && extra > 0) part.push_back(*fill);
    out.emplace_back(std::move(part));
  }
  return Value(std::move(out));
}

Value f_sort(Context& ctx, const Value& v, const CallArgs& a) {
  bool reverse = flag(a, 0, "reverse"), cs = flag(a, 1, "case_sensitive");
  const Value& attribute = arg(a, 2, "attribute");
  List items = iterate(v);
  std::vector<std::string> attrs;
  if (!attribute.is_null()) {
    std::string s = to_str(attribute);
    for (std::size_t p = 0; p <= s.size();) {
      std::size_t c = s.find(',', p);
      attrs.push_back(s.substr(p, c == std::string::npos ? std::string::npos : c - p));
      if (c == std::string::npos) break;
      p = c + 1;
    }
  }
  auto key = [&](const Value& x) {
    if (attrs.empty()) return sort_key(x, cs);
    if (attrs.size() == 1) return sort_key(get_path(ctx, x, attrs[0]), cs);
    List k;
    for (const auto& at : attrs) k.push_back(sort_key(get_path(ctx, x, at), cs));
    return Value(std::move(k));
  };
  std::vector<std::pair<Value, Value>> keyed;
  for (Value& x : items) keyed.emplace_back(key(x), std::move(x));
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    return reverse ? less(y.first, x.first) : less(x.first, y.first);
  });
  List out;
  for (auto& [k, x] : keyed) out.push_back(std::move(x));
  return Value(std::move(out));
}

Value f_string(Context&, const Value& v, const CallArgs&) {
  if (v.is_string()) return v;
  return Value(to_str(v));
}

Value f_striptags(Context&, const Value& v, const CallArgs&) {
  std::string s = to_str(v), out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 4, "<!--") == 0) {
      std::size_t e = s.find("-->", i);
      if (e != std::string::npos) {
        i = e + 2;
        continue;
      }
    }
    if (s[i] == '<') {
      std::size_t e = s.find('>', i);
      if (e != std::string::npos) {
        i = e;
        continue;
      }
    }
    out += s[i];
  }
  // collapse whitespace like ' '.join(s.split()), then unescape entities
  std::string collapsed;
  std::size_t i = 0;
  while (i < out.size()) {
    while (i < out.size() && std::isspace(static_cast<unsigned char>(out[i]))) ++i;
    std::size_t j = i;
    while (j < out.size() && !std::isspace(static_cast<unsigned char>(out[j]))) ++j;
    if (j > i) collapsed += (collapsed.empty() ? "" : " ") + out.substr(i, j - i);
    i = j;
  }
  static const std::pair<const char*, const char*> k_entities[] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#34;", "\""}, {"&#39;", "'"}, {"&nbsp;", "\xc2\xa0"}};
  for (auto [from, to] : k_entities) collapsed = py_replace(collapsed, from, to, -1);
  return Value(collapsed);
}

Value f_sum(Context& ctx, const Value& v, const CallArgs& a) {
  const Value& attribute = arg(a, 0, "attribute");
  Value total = arg(a, 1, "start", Value(0));
  for (const Value& x : iterate(v)) total = py_add(total, attribute.is_null() ? x : get_path(ctx, x, to_str(attribute)));
  return total;
}

// The byte length of the character at s[i] when it separates words for Jinja2's title filter
// (its regex `[-\s({\[<]+`, \s being Python's white space), else 0.
std::size_t title_separator_at(std::string_view s, std::size_t i) {
  if (std::string_view("-({[<").find(s[i]) != std::string_view::npos) return 1;
  return unicode::space_at(s, i);
}

// Jinja2's do_title: each piece between separators gets its first character upper-cased
// (str.upper, so 'ǆ' becomes 'Ǆ', not title case) and the rest lower-cased as one string.
Value f_title(Context&, const Value& v, const CallArgs&) {
  std::string s = to_str(v), out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t start = i;
    for (std::size_t n; i < s.size() && (n = title_separator_at(s, i)) > 0;) i += n;
    out.append(s, start, i - start);
    start = i;
    while (i < s.size() && title_separator_at(s, i) == 0) ++i;
    if (i == start) continue;
    std::string_view piece = std::string_view(s).substr(start, i - start);
    std::size_t first = unicode::char_size_at(piece, 0);
    out += unicode::upper(piece.substr(0, first));
    out += unicode::lower(piece.substr(first));
  }
  return Value(std::move(out));
}

Value f_tojson(Context&, const Value& v, const CallArgs& a) {
  JsonStyle style;
  style.sort_keys = true;
  style.ensure_ascii = true;
  const Value& indent = arg(a, 0, "indent");
  if (!indent.is_null()) style.indent = static_cast<int>(to_int(indent));
  std::string s = dump_json(v, style);
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      case '\'': out += "\\u0027"; break;
      default: out += c;
    }
  }
  return Value(out);
}

Value f_trim(Context&, const Value& v, const CallArgs& a) {
  std::string s = to_str(v);
  const Value& chars = arg(a, 0, "chars");
  std::string set = chars.is_null() ? std::string(" \t\n\r\f\v") : to_str(chars);
  std::size_t b = s.find_first_not_of(set);
  if (b == std::string::npos) return Value("");
  return Value(s.substr(b, s.find_last_not_of(set) - b + 1));
}

Value f_truncate(Context&, const Value& v, const CallArgs& a) {
  std::string s = to_str(v);
  std::int64_t length = to_int(arg(a, 0, "length", Value(255)));
  bool killwords = flag(a, 1, "killwords");
  std::string end = to_str(arg(a, 2, "end", Value("...")));
  std::int64_t leeway = to_int(arg(a, 3, "leeway", Value(5)));
  auto chars = utf8_chars(s);
  auto n = static_cast<std::int64_t>(chars.size());
  auto end_len = static_cast<std::int64_t>(utf8_length(end));
  if (length < end_len) throw TemplateError("expected length >= " + std::to_string(end_len) + ", got " + std::to_string(length));
  if (n <= length + leeway) return Value(s);
  std::string head;
  for (std::int64_t i = 0; i < length - end_len; ++i) head += chars[static_cast<std::size_t>(i)];
  if (killwords) return Value(head + end);
  std::size_t sp = head.rfind(' ');
  if (sp != std::string::npos) head.resize(sp);
  return Value(head + end);
}

Value f_urlencode(Context&, const Value& v, const CallArgs&) {
  if (v.is_string()) return Value(url_quote(v.as_string(), "/", SpaceAs::percent));
  std::vector<std::pair<std::string, std::string>> pairs;
  if (v.is_map())
    for (const auto& [k, x] : v.as_map()) pairs.emplace_back(k, to_str(x));
  else
    for (const Value& kv : iterate(v)) pairs.emplace_back(to_str(kv.as_list().at(0)), to_str(kv.as_list().at(1)));
  std::string out;
  for (const auto& [k, x] : pairs) out += (out.empty() ? "" : "&") + url_quote(k, "", SpaceAs::plus) + "=" + url_quote(x, "", SpaceAs::plus);
  return Value(out);
}

Value f_urlize(Context&, const Value& v, const CallArgs&) {
  std::string s = to_str(v), out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = s.find_first_of(" \t\n", i);
    std::string word = s.substr(i, j == std::string::npos ? std::string::npos : j - i);
    if (word.rfind("http://", 0) == 0 || word.rfind("https://", 0) == 0)
      out += "<a href=\"" + html_escape(word) + "\" rel=\"noopener\">" + html_escape(word) + "</a>";
    else if (word.rfind("www.", 0) == 0)
      out += "<a href=\"https://" + html_escape(word) + "\" rel=\"noopener\">" + html_escape(word) + "</a>";
    else
      out += html_escape(word);
    if (j == std::string::npos) break;
    out += s[j];
    i = j + 1;
  }
  return Value(out);
}

Value f_wordcount(Context&, const Value& v, const CallArgs&) {
  std::string s = to_str(v);
  std::int64_t n = 0;
  bool in_word = false;
  for (unsigned char c : s) {
    bool w = std::isalnum(c) || c == '_' || c >= 0x80;
    if (w && !in_word) ++n;
    in_word = w;
  }
  return Value(n);
}

Value f_wordwrap(Context&, const Value& v, const CallArgs& a) {
  std::string s = to_str(v);
  auto width = static_cast<std::size_t>(to_int(arg(a, 0, "width", Value(79))));
  bool break_long = flag(a, 1, "break_long_words", true);
  std::string wrap = to_str(arg(a, 2, "wrapstring", Value("\n")));
  std::string out;
  std::size_t start = 0;
  bool first_para = true;
  while (start <= s.size()) {  // each line of the input is wrapped on its own
    std::size_t nl = s.find('\n', start);
    std::string para = s.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!first_para) out += wrap;
    first_para = false;
    const List words = py_split(para, Value());
    std::string line;
    bool first_line = true;
    auto flush = [&] {
      if (!first_line) out += wrap;
      out += line;
      line.clear();
      first_line = false;
    };
    for (const Value& word : words) {
      std::string w = word.as_string();
      while (break_long && w.size() > width) {
        if (!line.empty()) flush();
        line = w.substr(0, width);
        w = w.substr(width);
        flush();
      }
      if (w.empty()) continue;
      if (line.empty()) line = w;
      else if (line.size() + 1 + w.size() <= width) line += " " + w;
      else {
        flush();
        line = w;
      }
    }
    if (!line.empty()) flush();
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return Value(out);
}

Value f_xmlattr(Context&, const Value& v, const CallArgs& a) {
  bool autospace = flag(a, 0, "autospace", true);
  if (!v.is_map()) throw TemplateError("xmlattr requires a mapping");
  std::string out;
  for (const auto& [k, x] : v.as_map()) {
    if (x.is_null() || is_undefined(x)) continue;
    if (k.find_first_of(" />=\t\n") != std::string::npos) throw TemplateError("Invalid character in attribute name: " + to_repr(Value(k)));
    out += (out.empty() ? "" : " ") + html_escape(k) + "=\"" + html_escape(to_str(x)) + "\"";
  }
  if (autospace && !out.empty()) out = " " + out;
  return Value(out);
}

struct FilterEntry {
  std::string_view name;
  BuiltinFilter fn;
  bool accepts_undefined = false;
};

const std::unordered_map<std::string_view, FilterEntry>& builtin_filters() {
  static const FilterEntry k_rows[] = {
      {"abs", f_abs},
      {"attr", f_attr},
      {"batch", f_batch},
      {"capitalize", f_capitalize},
      {"center", f_center},
      {"count", f_length},
      {"d", f_default, true},
      {"default", f_default, true},
      {"dictsort", f_dictsort},
      {"e", f_escape},
      {"escape", f_escape},
      {"filesizeformat", f_filesizeformat},
      {"first", f_first},
      {"float", f_float},
      {"forceescape", f_forceescape},
      {"format", f_format},
      {"groupby", f_groupby},
      {"indent", f_indent},
      {"int", f_int},
      {"items", f_items, true},
      {"join", f_join},
      {"last", f_last},
      {"length", f_length},
      {"list", f_list},
      {"lower", f_lower},
      {"map", f_map},
      {"max", f_max},
      {"min", f_min},
      {"pprint", f_pprint},
      {"reject", f_reject},
      {"rejectattr", f_rejectattr},
      {"replace", f_replace},
      {"reverse", f_reverse},
      {"round", f_round},
      {"safe", f_safe},
      {"select", f_select},
      {"selectattr", f_selectattr},
      {"slice", f_slice},
      {"sort", f_sort},
      {"string", f_string},
      {"striptags", f_striptags},
      {"sum", f_sum},
      {"title", f_title},
      {"tojson", f_tojson},
      {"trim", f_trim},
      {"truncate", f_truncate},
      {"upper", f_upper},
      {"urlencode", f_urlencode},
      {"urlize", f_urlize},
      {"wordcount", f_wordcount},
      {"wordwrap", f_wordwrap},
      {"xmlattr", f_xmlattr},
  };
  static const auto k_table = [] {
    std::unordered_map<std::string_view, FilterEntry> m;
    for (const auto& r : k_rows) m.emplace(r.name, r);
    return m;
  }();
  return k_table;
}

// ---------------------------------------------------------------- tests
bool t_boolean(Context&, const Value& v, const CallArgs&) { return v.is_bool(); }
bool t_callable(Context&, const Value& v, const CallArgs&) { return is_callable(v); }
bool t_defined(Context&, const Value& v, const CallArgs&) { return !is_undefined(v); }
bool t_undefined(Context&, const Value& v, const CallArgs&) { return is_undefined(v); }
bool t_divisibleby(Context&, const Value& v, const CallArgs& a) {
  const Value& n = arg(a, 0, "num");
  return py_mod(v, n) == Value(0);
}
bool t_eq(Context&, const Value& v, const CallArgs& a) { return require(v) == arg(a, 0, "other"); }
bool t_ne(Context&, const Value& v, const CallArgs& a) { return require(v) != arg(a, 0, "other"); }
bool t_lt(Context&, const Value& v, const CallArgs& a) { return py_compare(v, arg(a, 0, "other"), "<") < 0; }
bool t_le(Context&, const Value& v, const CallArgs& a) { return py_compare(v, arg(a, 0, "other"), "<=") <= 0; }
bool t_gt(Context&, const Value& v, const CallArgs& a) { return py_compare(v, arg(a, 0, "other"), ">") > 0; }
bool t_ge(Context&, const Value& v, const CallArgs& a) { return py_compare(v, arg(a, 0, "other"), ">=") >= 0; }
bool t_escaped(Context&, const Value&, const CallArgs&) { return false; }
bool t_even(Context&, const Value& v, const CallArgs&) {
  if (!v.is_int() && !v.is_bool()) throw TemplateError("not all arguments converted during string formatting");
  return to_int(v) % 2 == 0;
}
bool t_odd(Context&, const Value& v, const CallArgs&) {
  if (!v.is_int() && !v.is_bool()) throw TemplateError("not all arguments converted during string formatting");
  return to_int(v) % 2 != 0;
}
bool t_false(Context&, const Value& v, const CallArgs&) { return v.is_bool() && !v.as_bool(); }
bool t_true(Context&, const Value& v, const CallArgs&) { return v.is_bool() && v.as_bool(); }
bool t_filter(Context&, const Value& v, const CallArgs&) { return v.is_string() && filter_exists(v.as_string()); }
bool t_test(Context&, const Value& v, const CallArgs&) { return v.is_string() && test_exists(v.as_string()); }
bool t_float(Context&, const Value& v, const CallArgs&) { return v.is_float(); }
bool t_integer(Context&, const Value& v, const CallArgs&) { return v.is_int(); }
bool t_in(Context&, const Value& v, const CallArgs& a) { return py_in(v, arg(a, 0, "seq")); }
bool t_iterable(Context&, const Value& v, const CallArgs&) {
  if (v.is_object()) return as_mapping_object(v) != nullptr;
  return v.is_string() || v.is_list() || v.is_map();
}
bool t_lower(Context&, const Value& v, const CallArgs&) { return unicode::is_lower(to_str(v)); }
bool t_upper(Context&, const Value& v, const CallArgs&) { return unicode::is_upper(to_str(v)); }
bool t_mapping(Context&, const Value& v, const CallArgs&) {
  return v.is_map() || (v.is_object() && as_mapping_object(v));
}
bool t_none(Context&, const Value& v, const CallArgs&) { return v.is_null(); }
bool t_number(Context&, const Value& v, const CallArgs&) { return v.is_number() || v.is_bool(); }
bool t_sameas(Context&, const Value& v, const CallArgs& a) {
  const Value& o = arg(a, 0, "other");
  if (v.kind() != o.kind()) return false;
  if (v.is_null() || v.is_bool()) return v == o;
  if (v.is_object()) return v.as_object() == o.as_object();
  if (v.is_int()) return v == o && v.as_int() >= -5 && v.as_int() <= 256;  // CPython's small int cache
  return false;
}
bool t_sequence(Context&, const Value& v, const CallArgs&) {
  return v.is_string() || v.is_list() || v.is_map() ||
         (v.is_object() && as_mapping_object(v));
}
bool t_string(Context&, const Value& v, const CallArgs&) { return v.is_string(); }

struct TestEntry {
  std::string_view name;
  BuiltinTest fn;
  bool accepts_undefined = false;
};

const std::unordered_map<std::string_view, TestEntry>& builtin_tests() {
  static const TestEntry k_rows[] = {
      {"!=", t_ne},
      {"<", t_lt},
      {"<=", t_le},
      {"==", t_eq},
      {">", t_gt},
      {">=", t_ge},
      {"boolean", t_boolean, true},
      {"callable", t_callable, true},
      {"defined", t_defined, true},
      {"divisibleby", t_divisibleby},
      {"eq", t_eq},
      {"equalto", t_eq},
      {"escaped", t_escaped, true},
      {"even", t_even},
      {"false", t_false, true},
      {"filter", t_filter, true},
      {"float", t_float, true},
      {"ge", t_ge},
      {"greaterthan", t_gt},
      {"gt", t_gt},
      {"in", t_in},
      {"integer", t_integer, true},
      {"iterable", t_iterable},
      {"le", t_le},
      {"lessthan", t_lt},
      {"lower", t_lower},
      {"lt", t_lt},
      {"mapping", t_mapping, true},
      {"ne", t_ne},
      {"none", t_none, true},
      {"number", t_number, true},
      {"odd", t_odd},
      {"sameas", t_sameas, true},
      {"sequence", t_sequence},
      {"string", t_string, true},
      {"test", t_test, true},
      {"true", t_true, true},
      {"undefined", t_undefined, true},
      {"upper", t_upper},
  };
  static const auto k_table = [] {
    std::unordered_map<std::string_view, TestEntry> m;
    for (const auto& r : k_rows) m.emplace(r.name, r);
    return m;
  }();
  return k_table;
}

template <class Row>
const std::unordered_map<std::string_view, const Row*>& index_rows(std::span<const Row> rows) {
  static const auto k_index = [rows] {
    std::unordered_map<std::string_view, const Row*> m;
    for (const Row& r : rows) m.emplace(r.name, &r);
    return m;
  }();
  return k_index;
}

const FilterRow* ansible_filter(std::string_view name) {
  const auto& idx = index_rows<FilterRow>(ansible_filters());
  auto it = idx.find(name);
  return it == idx.end() ? nullptr : it->second;
}
const TestRow* ansible_test(std::string_view name) {
  const auto& idx = index_rows<TestRow>(ansible_tests());
  auto it = idx.find(name);
  return it == idx.end() ? nullptr : it->second;
}

// Ansible's FQCN forms (ansible.builtin.x, ansible.netcommon.x) resolve to the short name.
std::string_view short_name(std::string_view name) {
  if (name.rfind("ansible.", 0) == 0) {
    std::size_t dot = name.rfind('.');
    return name.substr(dot + 1);
  }
  return name;
}

void require_args(const CallArgs& a) {
  for (const Value& v : a.positional) require(v);
  for (const auto& [k, v] : a.keyword) require(v);
}

}  // namespace

// Ansible's filter and test plugins override Jinja2's builtins of the same name (`random`,
// `unique`), so a name in Ansible's tables never resolves to the Jinja2 row.
BuiltinFilter builtin_filter(std::string_view name, bool* accepts_undefined) {
  if (ansible_filter(short_name(name))) return nullptr;
  auto it = builtin_filters().find(short_name(name));
  if (it == builtin_filters().end()) return nullptr;
  *accepts_undefined = it->second.accepts_undefined;
  return it->second.fn;
}

BuiltinTest builtin_test(std::string_view name, bool* accepts_undefined) {
  if (ansible_test(short_name(name))) return nullptr;
  auto it = builtin_tests().find(short_name(name));
  if (it == builtin_tests().end()) return nullptr;
  *accepts_undefined = it->second.accepts_undefined;
  return it->second.fn;
}

bool filter_exists(std::string_view name) {
  name = short_name(name);
  return builtin_filters().count(name) || ansible_filter(name);
}

bool test_exists(std::string_view name) {
  name = short_name(name);
  return builtin_tests().count(name) || ansible_test(name);
}

namespace {

// What Ansible's plugin loader says of a filter or test name that no plugin may have (a space, a
// dash...): the name is refused before any lookup.
void refuse_invalid_plugin_name(std::string_view full) {
  if (full.find('.') != std::string_view::npos) return;
  const bool valid = !full.empty() && std::all_of(full.begin(), full.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
  if (!valid)
    throw TemplateError("TemplateSyntaxError: Could not load \"" + std::string(full) +
                        "\": 'invalid plugin name: ansible.builtin." + std::string(full) + "'");
}

}  // namespace

Value apply_filter(Context& ctx, std::string_view full, const Value& input, const CallArgs& args) {
  std::string_view name = short_name(full);
  if (const FilterRow* row = ansible_filter(name)) {
    if (name != "mandatory") require(input);
    require_args(args);
    return row->fn(input, args);
  }
  if (auto it = builtin_filters().find(name); it != builtin_filters().end()) {
    if (!it->second.accepts_undefined) require(input);
    return it->second.fn(ctx, input, args);
  }
  refuse_invalid_plugin_name(full);
  throw TemplateError("template error while templating string: No filter named '" + std::string(full) + "'.");
}

bool apply_test(Context& ctx, std::string_view full, const Value& input, const CallArgs& args) {
  std::string_view name = short_name(full);
  if (const TestRow* row = ansible_test(name)) {
    require(input);
    require_args(args);
    return row->fn(input, args);
  }
  if (auto it = builtin_tests().find(name); it != builtin_tests().end()) {
    if (!it->second.accepts_undefined) require(input);
    return it->second.fn(ctx, input, args);
  }
  refuse_invalid_plugin_name(full);
  throw TemplateError("template error while templating string: No test named '" + std::string(full) + "'.");
}

// ---------------------------------------------------------------- globals
namespace {

Value g_range(Context&, CallArgs& a) {
  std::int64_t start = 0, stop = 0, step = 1;
  auto n = a.positional.size();
  for (const Value& v : a.positional)
    if (!require(v).is_int() && !v.is_bool()) throw TemplateError("'" + py_type(v) + "' object cannot be interpreted as an integer");
  if (n == 1) stop = to_int(a.positional[0]);
  else if (n >= 2) {
    start = to_int(a.positional[0]);
    stop = to_int(a.positional[1]);
    if (n >= 3) step = to_int(a.positional[2]);
  } else {
    throw TemplateError("range expected at least 1 argument, got 0");
  }
  if (step == 0) throw TemplateError("range() arg 3 must not be zero");
  List out;
  for (std::int64_t i = start; step > 0 ? i < stop : i > stop;) {
    if (out.size() >= 100000) throw TemplateError("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
    out.emplace_back(i);
    if (__builtin_add_overflow(i, step, &i)) break;  // past the 64-bit range: past `stop` too
  }
  return Value(std::move(out));
}

Value g_dict(Context&, CallArgs& a) {
  Map m;
  if (!a.positional.empty()) {
    const Value& src = require(a.positional[0]);
    if (src.is_map()) m = src.as_map();
    else
      for (const Value& kv : iterate(src)) {
        List p = iterate(kv);
        if (p.size() != 2) throw TemplateError("dictionary update sequence element has wrong length");
        m.set(to_str(p[0]), p[1]);
      }
  }
  for (const auto& [k, v] : a.keyword) m.set(k, v);
  return Value(std::move(m));
}

Value g_namespace(Context&, CallArgs& a) {
  auto ns = std::make_shared<NamespaceObject>();
  if (!a.positional.empty() && require(a.positional[0]).is_map()) ns->attrs = a.positional[0].as_map();
  for (const auto& [k, v] : a.keyword) ns->attrs.set(k, v);
  return Value(std::shared_ptr<Object>(ns));
}

Value g_cycler(Context&, CallArgs& a) {
  if (a.positional.empty()) throw TemplateError("at least one item has to be provided");
  auto c = std::make_shared<CyclerObject>();
  c->self = c;
  c->items = a.positional;
  return Value(std::shared_ptr<Object>(c));
}

Value g_joiner(Context&, CallArgs& a) {
  auto j = std::make_shared<JoinerObject>();
  if (const Value* sep = a.arg(0, "sep")) j->sep = *sep;
  return Value(std::shared_ptr<Object>(j));
}

Value g_lipsum(Context&, CallArgs&) {
  return Value("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut "
               "labore et dolore magna aliqua.");
}

// Runs a lookup: query() semantics (always a list).
std::optional<List> run_lookup(Context& ctx, CallArgs& a, std::string* errors_mode) {
  if (a.positional.empty()) throw TemplateError("lookup() requires the name of a lookup plugin");
  std::string name = to_str(require(a.positional[0]));
  const LookupRow* row = find_lookup(ctx.env.lookups(), name);
  if (!row) throw TemplateError("lookup plugin (" + name + ") not found");
  List terms(a.positional.begin() + 1, a.positional.end());
  for (const Value& t : terms) require(t);
  Map kwargs = a.keyword;
  std::string errors = "strict";
  if (const Value* e = kwargs.find("errors")) {
    errors = to_str(*e);
    kwargs.erase("errors");
  }
  kwargs.erase("wantlist");
  if (errors_mode) *errors_mode = errors;
  LookupContext lc = ctx.env.lookup_context();
  try {
    return row->fn(terms, kwargs, lc);
  } catch (const std::exception& e) {
    if (errors == "ignore" || errors == "warn") return std::nullopt;
    throw;
  }
}

Value mark_unsafe(Value v) {
  if (v.is_string()) v.add_mark(Mark::unsafe);
  return v;
}

Value g_query(Context& ctx, CallArgs& a) {
  auto r = run_lookup(ctx, a, nullptr);
  if (!r) return Value(List{});
  for (Value& v : *r) v = mark_unsafe(v);
  return Value(std::move(*r));
}

Value g_lookup(Context& ctx, CallArgs& a) {
  bool wantlist = false;
  if (const Value* w = a.keyword.find("wantlist")) wantlist = py_truthy(*w);
  auto r = run_lookup(ctx, a, nullptr);
  if (!r) return Value();
  if (wantlist) return g_query(ctx, a);
  bool all_strings = std::all_of(r->begin(), r->end(), [](const Value& v) { return v.is_string(); });
  if (all_strings) {
    std::string joined;
    for (std::size_t i = 0; i < r->size(); ++i) joined += (i ? "," : "") + (*r)[i].as_string();
    return mark_unsafe(Value(joined));
  }
  if (r->size() == 1) return mark_unsafe((*r)[0]);
  return Value(std::move(*r));
}

}  // namespace

Value g_now(Context& ctx, CallArgs& args);  // datetime.cpp

std::optional<Value> global_function(std::string_view name) {
  static const std::unordered_map<std::string_view, Value> k_globals = [] {
    std::unordered_map<std::string_view, Value> m;
    auto add = [&](std::string_view n, GlobalFn fn) { m.emplace(n, Value(std::make_shared<FunctionObject>(n, fn))); };
    add("cycler", g_cycler);
    add("dict", g_dict);
    add("joiner", g_joiner);
    add("lipsum", g_lipsum);
    add("lookup", g_lookup);
    add("namespace", g_namespace);
    add("now", g_now);
    add("q", g_query);
    add("query", g_query);
    add("range", g_range);
    m.emplace("omit", Value(Templar::omit_token()));
    return m;
  }();
  auto it = k_globals.find(name);
  if (it == k_globals.end()) return std::nullopt;
  return it->second;
}

const LookupRow* find_lookup(std::span<const LookupRow> lookups, std::string_view name) {
  const std::string_view wanted = short_name(name);
  for (const LookupRow& row : lookups)
    if (row.name == wanted) return &row;
  return nullptr;
}

}  // namespace drover::tmpl::detail
