// Ansible's data filters: serialisation, dict/list shaping, set algebra, randomness, sizes.
#include "core/template/ansible_filters.hpp"

#include <algorithm>
#include <cctype>
#include <cfenv>
#include <cmath>
#include <cstdio>

#include "core/error.hpp"
#include "core/secrets/crypto.hpp"
#include "core/template/ansible_support.hpp"
#include "core/template/engine.hpp"
#include "core/value/json.hpp"
#include "core/value/text.hpp"
#include "core/value/unicode_case.hpp"
#include "core/value/yaml.hpp"

namespace drover::tmpl::filters {

namespace {

const List& require_list(const Value& v, std::string_view filter) {
  if (!v.is_list()) throw TemplateError(std::string(filter) + " expects a list, got " + py_class(v));
  return v.as_list();
}

bool contains(const List& l, const Value& x) { return std::find(l.begin(), l.end(), x) != l.end(); }

// Jinja2's make_attrgetter path ("a.b.0") into dicts and lists; null when a step is missing.
Value attribute_of(const Value& item, const std::string& path) {
  Value cur = item;
  for (std::size_t start = 0;;) {
    std::size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool numeric = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
    if (cur.is_map()) cur = cur.get(part);
    else if (cur.is_list() && numeric && std::stoull(part) < cur.as_list().size()) cur = cur.as_list()[std::stoull(part)];
    else return Value();
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
}

// Jinja2's unique (case-insensitive unless asked, optional attribute path) with Ansible's fallback
// to plain equality for unhashable items.
List unique_items(const List& items, bool case_sensitive, const Value* attribute) {
  List out, keys;
  for (const Value& item : items) {
    Value key = item;
    if (attribute && !attribute->is_null()) key = attribute_of(item, python_str(*attribute));
    if (!case_sensitive && key.is_string()) key = Value(unicode::lower(key.as_string()));
    if (!contains(keys, key)) {
      keys.push_back(key);
      out.push_back(item);
    }
  }
  return out;
}

// Python's round(): halves go to the even neighbour.
std::int64_t py_round(double d) {
  std::fesetround(FE_TONEAREST);
  return static_cast<std::int64_t>(std::nearbyint(d));
}

Value json_kwargs_dump(const Value& in, const CallArgs& args, JsonStyle style) {
  if (const Value* v = args.keyword.find("indent")) style.indent = v->is_null() ? -1 : static_cast<int>(v->as_number());
  if (const Value* v = args.keyword.find("sort_keys")) style.sort_keys = v->truthy();
  if (const Value* v = args.keyword.find("ensure_ascii")) style.ensure_ascii = v->truthy();
  std::string text = dump_json(in, style);
  if (style.indent >= 0) {
    // json.dumps with an indent and separators=(',', ': ') leaves no trailing spaces; dump_json
    // already writes Python's layout, nothing to adjust.
  }
  return Value(text);
}

// merge_hash(x, y, recursive, list_merge) from ansible.utils.vars: y wins.
Value merge_hash(const Value& x, const Value& y, bool recursive, const std::string& list_merge) {
  if ((x.is_map() && x.as_map().empty()) || x == y) return y;
  if (!recursive && list_merge == "replace") {
    Map out = x.as_map();
    for (const auto& [k, v] : y.as_map()) out.set(k, v);
    return Value(std::move(out));
  }
  Map out = x.as_map();
  for (const auto& [key, yv] : y.as_map()) {
    Value* xv = out.find(key);
    if (!xv) {
      out.set(key, yv);
    } else if (xv->is_map() && yv.is_map()) {
      *xv = recursive ? merge_hash(*xv, yv, recursive, list_merge) : yv;
    } else if (xv->is_list() && yv.is_list()) {
      const List& a = xv->as_list();
      const List& b = yv.as_list();
      List merged;
      if (list_merge == "replace") merged = b;
      else if (list_merge == "keep") merged = a;
      else if (list_merge == "append") merged = a, merged.insert(merged.end(), b.begin(), b.end());
      else if (list_merge == "prepend") merged = b, merged.insert(merged.end(), a.begin(), a.end());
      else {
        List kept;
        for (const Value& z : a)
          if (!contains(b, z)) kept.push_back(z);
        if (list_merge == "append_rp") merged = kept, merged.insert(merged.end(), b.begin(), b.end());
        else merged = b, merged.insert(merged.end(), kept.begin(), kept.end());
      }
      *xv = Value(std::move(merged));
    } else {
      *xv = yv;
    }
  }
  return Value(std::move(out));
}


}  // namespace

Value b64decode(const Value& in, const CallArgs&) {
  try {
    return Value(secrets::python_b64decode(python_str(in)));
  } catch (const std::invalid_argument& e) {
    throw TemplateError(e.what());
  }
}

Value b64encode(const Value& in, const CallArgs&) { return Value(secrets::base64_encode(python_str(in))); }

// The `bool` filter is Ansible's to_bool (plugins/filter/core.py), not boolean(): None and bools
// pass through, a string is true only for yes/on/1/true in any case (no white space stripped, and
// y/t are false), a number only when it equals 1; everything else is false.
Value to_bool(const Value& in, const CallArgs&) {
  if (in.is_null() || in.is_bool()) return in;
  if (in.is_string()) {
    std::string s = ascii_lower(in.as_string());
    return Value(s == "yes" || s == "on" || s == "1" || s == "true");
  }
  return Value(in.is_number() && in.as_number() == 1);
}

Value combine(const Value& in, const CallArgs& args) {
  bool recursive = false;
  std::string list_merge = "replace";
  for (const auto& [k, v] : args.keyword) {
    if (k == "recursive") recursive = v.truthy();
    else if (k == "list_merge") list_merge = python_str(v);
    else throw TemplateError("'recursive' and 'list_merge' are the only valid keyword arguments");
  }
  static const std::vector<std::string> merges{"replace", "keep", "append", "prepend", "append_rp", "prepend_rp"};
  if (std::find(merges.begin(), merges.end(), list_merge) == merges.end())
    throw TemplateError("merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', "
                        "'prepend', 'append_rp' or 'prepend_rp'");
  List dicts;  // flatten(terms, levels=1)
  auto add = [&](const Value& t) {
    if (t.is_list()) dicts.insert(dicts.end(), t.as_list().begin(), t.as_list().end());
    else dicts.push_back(t);
  };
  add(in);
  for (const Value& p : args.positional) add(p);
  if (dicts.empty()) return Value::map();
  for (const Value& d : dicts)
    if (!d.is_map())
      throw TemplateError("failed to combine variables, expected dicts but got a '" + d.type_name() + "'");
  Value result = dicts.back();
  for (std::size_t i = dicts.size() - 1; i-- > 0;) result = merge_hash(dicts[i], result, recursive, list_merge);
  return result;
}

Value dict2items(const Value& in, const CallArgs& args) {
  if (!in.is_map()) throw TemplateError("dict2items requires a dictionary, got " + py_class(in) + " instead.");
  std::string key_name = string_arg(args, 0, "key_name", "key");
  std::string value_name = string_arg(args, 1, "value_name", "value");
  List out;
  for (const auto& [k, v] : in.as_map()) {
    Map item;
    item.set(key_name, Value(k));
    item.set(value_name, v);
    out.emplace_back(std::move(item));
  }
  return Value(std::move(out));
}

Value items2dict(const Value& in, const CallArgs& args) {
  if (!in.is_list()) throw TemplateError("items2dict requires a list, got " + py_class(in) + " instead.");
  std::string key_name = string_arg(args, 0, "key_name", "key");
  std::string value_name = string_arg(args, 1, "value_name", "value");
  Map out;
  for (const Value& item : in.as_list()) {
    if (!item.is_map()) throw TemplateError("items2dict requires a list of dictionaries, got " + python_repr(in) + " instead.");
    const Value* k = item.find(key_name);
    const Value* v = item.find(value_name);
    if (!k || !v)
      throw TemplateError("items2dict requires each dictionary in the list to contain the keys '" + key_name +
                          "' and '" + value_name + "', got " + python_repr(in) + " instead.");
    out.set(python_str(*k), *v);
  }
  return Value(std::move(out));
}

Value difference(const Value& in, const CallArgs& args) {
  const List& a = require_list(in, "difference");
  const List& b = require_list(arg_or(args, 0, "b", Value::list()), "difference");
  List out;
  for (const Value& x : a)
    if (!contains(b, x)) out.push_back(x);
  return Value(unique_items(out, true, nullptr));
}

Value intersect(const Value& in, const CallArgs& args) {
  const List& a = require_list(in, "intersect");
  const List& b = require_list(arg_or(args, 0, "b", Value::list()), "intersect");
  List out;
  for (const Value& x : a)
    if (contains(b, x)) out.push_back(x);
  return Value(unique_items(out, true, nullptr));
}

Value union_(const Value& in, const CallArgs& args) {
  List all = require_list(in, "union");
  const List& b = require_list(arg_or(args, 0, "b", Value::list()), "union");
  all.insert(all.end(), b.begin(), b.end());
  return Value(unique_items(all, true, nullptr));
}

Value symmetric_difference(const Value& in, const CallArgs& args) {
  List isect = intersect(in, args).as_list();
  List out;
  Value all = union_(in, args);
  for (const Value& x : all.as_list())
    if (!contains(isect, x)) out.push_back(x);
  return Value(std::move(out));
}

Value unique(const Value& in, const CallArgs& args) {
  // Ansible calls Jinja2's do_unique, which iterates any iterable (a string's characters, a
  // dict's keys).
  if (!in.is_list() && !in.is_map() && !in.is_string())
    throw TemplateError("'" + in.type_name() + "' object is not iterable");
  const Value* cs = args.arg(0, "case_sensitive");
  return Value(unique_items(detail::iterate(in), cs && cs->truthy(), args.arg(1, "attribute")));
}

Value extract(const Value& in, const CallArgs& args) {
  const Value* container = args.arg(0, "container");
  if (!container) throw TemplateError("extract() missing 1 required positional argument: 'container'");
  List keys{in};
  if (const Value* more = args.arg(1, "morekeys"); more && !more->is_null()) {
    if (more->is_list()) keys.insert(keys.end(), more->as_list().begin(), more->as_list().end());
    else keys.push_back(*more);
  }
  Value value = *container;
  for (const Value& key : keys) {
    if (value.is_map()) {
      const Value* found = value.find(python_str(key));
      if (!found) throw TemplateError("'dict object' has no attribute " + python_repr(key));
      value = *found;
    } else if (value.is_list() && key.is_int()) {
      std::int64_t i = key.as_int();
      std::int64_t n = static_cast<std::int64_t>(value.as_list().size());
      if (i < 0) i += n;
      if (i < 0 || i >= n) throw TemplateError("list object has no element " + python_repr(key));
      value = value.as_list()[static_cast<std::size_t>(i)];
    } else {
      throw TemplateError("'" + value.type_name() + " object' has no attribute " + python_repr(key));
    }
  }
  return value;
}

namespace {

void flatten_into(List& out, const List& items, std::int64_t levels, bool skip_nulls) {
  for (const Value& e : items) {
    if (skip_nulls && (e.is_null() || (e.is_string() && (e.as_string() == "None" || e.as_string() == "null"))))
      continue;
    if (e.is_list() && levels != 0) flatten_into(out, e.as_list(), levels < 0 ? -1 : levels - 1, skip_nulls);
    else out.push_back(e);
  }
}

}  // namespace

Value flatten(const Value& in, const CallArgs& args) {
  const Value* lv = args.arg(0, "levels");
  std::int64_t levels = (!lv || lv->is_null()) ? -1 : std::max<std::int64_t>(0, int_arg(args, 0, "levels", -1, "flatten"));
  List out;
  flatten_into(out, require_list(in, "flatten"), levels, bool_arg(args, 1, "skip_nulls", true));
  return Value(std::move(out));
}

Value from_json(const Value& in, const CallArgs&) {
  try {
    return drover::from_json(Json::parse(python_str(in)));
  } catch (const Json::parse_error& e) {
    throw TemplateError(std::string("from_json: ") + e.what());
  } catch (const Fatal& e) {  // nested too deep
    throw TemplateError(std::string("from_json: ") + e.what());
  }
}

Value from_yaml(const Value& in, const CallArgs&) {
  if (!in.is_string()) return in;
  try {
    return parse_yaml_value(in.as_string(), "<from_yaml>");
  } catch (const std::exception& e) {
    throw TemplateError(std::string("from_yaml: ") + e.what());
  }
}

// Every document of a YAML stream, as a list (Ansible unrolls the generator it returns).
Value from_yaml_all(const Value& in, const CallArgs&) {
  if (!in.is_string()) return in;
  try {
    List docs;
    for (const YAML::Node& doc : YAML::LoadAll(in.as_string())) docs.push_back(yaml_to_value(doc, "<from_yaml_all>"));
    return Value(std::move(docs));
  } catch (const std::exception& e) {
    throw TemplateError(std::string("from_yaml_all: ") + e.what());
  }
}

Value human_readable(const Value& in, const CallArgs& args) {
  if (!in.is_number()) throw TemplateError("human_readable() failed on bad input: " + python_repr(in));
  double size = in.as_number();
  bool isbits = bool_arg(args, 0, "isbits", false);
  const Value* unit = args.arg(1, "unit");
  static const char* suffixes = "YZEPTGMKB";
  int shift = 80;
  char suffix = 'B';
  for (const char* s = suffixes; *s; ++s, shift -= 10) {
    suffix = *s;
    double limit = std::ldexp(1.0, shift);
    bool by_unit = unit && !unit->is_null() && !python_str(*unit).empty() &&
                   std::toupper(static_cast<unsigned char>(python_str(*unit)[0])) == *s && python_str(*unit).size() == 1;
    if (((!unit || unit->is_null()) && size >= limit) || by_unit) break;
  }
  if (suffix == 'B') shift = 0;
  std::string base = isbits ? "bits" : "Bytes";
  std::string text = shift == 0 ? base : std::string(1, suffix) + base[0];
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f ", size / std::ldexp(1.0, shift));
  return Value(std::string(buf) + text);
}

Value human_to_bytes(const Value& in, const CallArgs& args) {
  std::string text = python_str(in);
  std::string fail = "human_to_bytes() can't interpret following string: " + text;
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::size_t num_start = i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i < text.size() && text[i] == '.') ++i;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  std::string number = text.substr(num_start, i - num_start);
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::size_t unit_start = i;
  while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
  std::string unit = text.substr(unit_start, i - unit_start);
  if (number.empty() || number == ".") throw TemplateError(fail);
  double num = std::stod(number);
  if (unit.empty()) unit = string_arg(args, 0, "default_unit", "");
  if (unit.empty()) return Value(py_round(num));
  bool isbits = bool_arg(args, 1, "isbits", false);
  static const std::string keys = "BKMGTPEZY";
  char range_key = static_cast<char>(std::toupper(static_cast<unsigned char>(unit[0])));
  std::size_t power = keys.find(range_key);
  if (power == std::string::npos) throw TemplateError(fail);
  if (unit.size() > 1 && ascii_lower(unit).find(isbits ? "bit" : "byte") == std::string::npos &&
      unit[1] != (isbits ? 'b' : 'B'))
    throw TemplateError(fail);
  return Value(py_round(num * std::ldexp(1.0, static_cast<int>(power * 10))));
}

Value mandatory(const Value& in, const CallArgs& args) {
  const detail::Undefined* undefined = detail::as_undefined(in);
  if (!undefined) return in;
  if (const Value* msg = args.arg(0, "msg"); msg && !msg->is_null()) throw TemplateError(python_str(*msg));
  // the engine's message is "'x' is undefined"; Ansible names the variable the same way
  const std::string m = undefined->message();
  std::size_t end = m.find("' is undefined");
  std::string name = (m.size() > 1 && m[0] == '\'' && end != std::string::npos) ? m.substr(0, end + 1) + " " : "";
  throw TemplateError("Mandatory variable " + name + "not defined.");
}

Value random(const Value& in, const CallArgs& args) {
  const Value* start = args.arg(0, "start");
  const Value* step = args.arg(1, "step");
  const Value* seed = args.arg(2, "seed");
  PyRandom r = (seed && !seed->is_null()) ? PyRandom(*seed) : PyRandom::system();
  if (in.is_int()) {
    std::int64_t s = (start && start->truthy()) ? int_arg(args, 0, "start", 0, "random") : 0;
    std::int64_t st = (step && step->truthy()) ? int_arg(args, 1, "step", 1, "random") : 1;
    return Value(r.randrange(s, in.as_int(), st));
  }
  if (in.is_list() || in.is_string() || in.is_map()) {
    if ((start && start->truthy()) || (step && step->truthy()))
      throw TemplateError("start and step can only be used with integer values");
    List items;
    if (in.is_list()) items = in.as_list();
    else if (in.is_map()) for (const auto& e : in.as_map()) items.emplace_back(e.first);
    else for (char c : in.as_string()) items.emplace_back(std::string(1, c));
    if (items.empty()) throw TemplateError("Cannot choose from an empty sequence");
    return items[static_cast<std::size_t>(r.randbelow(items.size()))];
  }
  throw TemplateError("random can only be used on sequences and integers");
}

Value shuffle(const Value& in, const CallArgs& args) {
  if (!in.is_list()) return in;
  List items = in.as_list();
  const Value* seed = args.arg(0, "seed");
  PyRandom r = (seed && seed->truthy()) ? PyRandom(*seed) : PyRandom::system();
  r.shuffle(items);
  return Value(std::move(items));
}

Value split(const Value& in, const CallArgs& args) {
  if (!in.is_string()) throw TemplateError("descriptor 'split' for 'str' objects doesn't apply to a '" + in.type_name() + "' object");
  return Value(py_split(in.as_string(), arg_or(args, 0, "sep", Value()), int_arg(args, 1, "maxsplit", -1, "split")));
}

Value subelements(const Value& in, const CallArgs& args) {
  List elements;
  if (in.is_map()) for (const auto& e : in.as_map()) elements.push_back(e.second);
  else if (in.is_list()) elements = in.as_list();
  else throw TemplateError("obj must be a list of dicts or a nested dict");
  Value path = arg_or(args, 0, "subelements", Value());
  List keys;
  if (path.is_list()) keys = path.as_list();
  else if (path.is_string()) keys = py_split(path.as_string(), Value("."), -1);
  else throw TemplateError("subelements must be a list or a string");
  bool skip_missing = bool_arg(args, 1, "skip_missing", false);
  List out;
  for (const Value& element : elements) {
    Value values = element;
    for (const Value& key : keys) {
      if (!values.is_map()) throw TemplateError("the key " + python_str(key) + " should point to a dictionary, got '" + python_str(values) + "'");
      const Value* next = values.find(python_str(key));
      if (!next) {
        if (skip_missing) {
          values = Value::list();
          break;
        }
        throw TemplateError("could not find " + python_repr(key) + " key in iterated item " + python_repr(values));
      }
      values = *next;
    }
    if (!values.is_list()) throw TemplateError("the key " + python_repr(keys.back()) + " should point to a list, got " + python_repr(values));
    for (const Value& v : values.as_list()) out.emplace_back(List{element, v});
  }
  return Value(std::move(out));
}

Value ternary(const Value& in, const CallArgs& args) {
  Value none_val = arg_or(args, 2, "none_val", Value());
  if (in.is_null() && !none_val.is_null()) return none_val;
  return in.truthy() ? arg_or(args, 0, "true_val", Value()) : arg_or(args, 1, "false_val", Value());
}

Value to_json(const Value& in, const CallArgs& args) {
  JsonStyle style;
  style.ensure_ascii = true;
  return json_kwargs_dump(in, args, style);
}

Value to_nice_json(const Value& in, const CallArgs& args) {
  JsonStyle style;
  style.ensure_ascii = true;
  style.indent = static_cast<int>(int_arg(args, 0, "indent", 4, "to_nice_json"));
  style.sort_keys = bool_arg(args, 1, "sort_keys", true);
  CallArgs rest;
  rest.keyword = args.keyword;
  rest.keyword.erase("indent");
  rest.keyword.erase("sort_keys");
  return json_kwargs_dump(in, rest, style);
}

Value to_nice_yaml(const Value& in, const CallArgs& args) {
  YamlDumpStyle style;
  style.indent = static_cast<int>(int_arg(args, 0, "indent", 4, "to_nice_yaml"));
  style.flow_leaves = false;
  return Value(pyyaml_dump(in, style));
}

Value to_yaml(const Value& in, const CallArgs& args) {
  YamlDumpStyle style;
  style.indent = static_cast<int>(int_arg(args, 99, "indent", 2, "to_yaml"));
  if (const Value* f = args.keyword.find("default_flow_style")) {
    if (f->truthy()) throw TemplateError("to_yaml: default_flow_style=True is not supported by drover");
    if (!f->is_null()) style.flow_leaves = false;
  }
  return Value(pyyaml_dump(in, style));
}

Value type_debug(const Value& in, const CallArgs&) { return Value(in.type_name()); }

Value zip(const Value& in, const CallArgs& args) {
  std::vector<const List*> lists{&require_list(in, "zip")};
  for (const Value& p : args.positional) lists.push_back(&require_list(p, "zip"));
  std::size_t n = lists.front()->size();
  for (const List* l : lists) n = std::min(n, l->size());
  List out;
  for (std::size_t i = 0; i < n; ++i) {
    List row;
    for (const List* l : lists) row.push_back((*l)[i]);
    out.push_back(detail::make_tuple(std::move(row)));  // Python's zip yields tuples
  }
  return Value(std::move(out));
}

Value zip_longest(const Value& in, const CallArgs& args) {
  std::vector<const List*> lists{&require_list(in, "zip_longest")};
  for (const Value& p : args.positional) lists.push_back(&require_list(p, "zip_longest"));
  Value fill = arg_or(args, 9999, "fillvalue", Value());
  std::size_t n = 0;
  for (const List* l : lists) n = std::max(n, l->size());
  List out;
  for (std::size_t i = 0; i < n; ++i) {
    List row;
    for (const List* l : lists) row.push_back(i < l->size() ? (*l)[i] : fill);
    out.push_back(detail::make_tuple(std::move(row)));
  }
  return Value(std::move(out));
}

}  // namespace drover::tmpl::filters
