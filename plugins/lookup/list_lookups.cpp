// Lookups that shape lists: items, list, random_choice, dict, indexed_items, together, nested, subelements, sequence.
#include <algorithm>
#include <cstdio>
#include <cstring>

#include "core/template/ansible_support.hpp"
#include "core/value/boolean.hpp"
#include "core/value/regex.hpp"
#include "plugins/lookup/lookup_support.hpp"

namespace drover::lookup {

namespace {

// LookupBase._flatten: one level; a string term is iterated as Python iterates it (characters).
List flatten_one(const Value& v) {
  List out;
  auto add = [&](const Value& term) {
    if (term.is_list()) out.insert(out.end(), term.as_list().begin(), term.as_list().end());
    else out.push_back(term);
  };
  if (v.is_list()) for (const Value& t : v.as_list()) add(t);
  else if (v.is_string()) for (char c : v.as_string()) out.emplace_back(std::string(1, c));
  else if (v.is_map()) for (const auto& e : v.as_map()) out.emplace_back(e.first);
  else throw TemplateError("'" + v.type_name() + "' object is not iterable");
  return out;
}

// Python's int(text, 0).
std::optional<std::int64_t> int_base0(const std::string& text) {
  std::string s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) neg = s[0] == '-', s.erase(0, 1);
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && std::strchr("xXoObB", s[1])) {
    base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
    s.erase(0, 2);
  } else if (s.size() > 1 && s[0] == '0' && s.find_first_not_of('0') != std::string::npos) {
    return std::nullopt;
  }
  if (s.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    std::int64_t n = std::stoll(s, &used, base);
    if (used != s.size()) return std::nullopt;
    return neg ? -n : n;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

struct Sequence {
  std::int64_t start = 1, stride = 1;
  std::optional<std::int64_t> end, count;
  std::string format = "%d";
};

std::int64_t parse_number(const std::string& name, const std::string& text) {
  auto n = int_base0(text);
  if (!n) throw TemplateError("can't parse " + name + "=" + text + " as integer");
  return *n;
}

bool parse_shortcut(const std::string& term, Sequence& seq) {
  static const Regex shortcut(R"(((0?x?[0-9a-f]+)-)?(0?x?[0-9a-f]+)(/(0?x?[0-9a-f]+))?(:(.+))?)",
                              RegexFlag::ignorecase);
  std::optional<RegexMatch> m = shortcut.fullmatch(term);
  if (!m) return false;
  auto group = [&](std::size_t g) { return std::string(m->group(g)); };
  if (m->matched(2)) seq.start = parse_number("start", group(2));
  seq.end = parse_number("end", group(3));
  if (m->matched(5)) seq.stride = parse_number("stride", group(5));
  if (m->matched(7)) seq.format = group(7);
  return true;
}

void parse_key_values(const std::string& term, Sequence& seq) {
  std::vector<std::string> unknown;
  for (const auto& [key, value] : term_options(term, "unrecognized arguments to with_sequence: ['_raw_params']")) {
    if (key == "start") seq.start = parse_number(key, value);
    else if (key == "end") seq.end = parse_number(key, value);
    else if (key == "count") seq.count = parse_number(key, value);
    else if (key == "stride") seq.stride = parse_number(key, value);
    else if (key == "format") seq.format = value;
    else unknown.push_back("'" + key + "'");
  }
  if (!unknown.empty()) {
    std::string keys;
    for (const auto& k : unknown) keys += (keys.empty() ? "" : ", ") + k;
    throw TemplateError("unrecognized arguments to with_sequence: [" + keys + "]");
  }
}

void sanity_check(Sequence& seq) {
  if (!seq.count && !seq.end) throw TemplateError("must specify count or end in with_sequence");
  if (seq.count && seq.end) throw TemplateError("can't specify both count and end in with_sequence");
  if (seq.count) {
    if (*seq.count != 0) seq.end = seq.start + *seq.count * seq.stride - 1;
    else seq.start = 0, seq.end = 0, seq.stride = 0;
  }
  if (seq.stride > 0 && *seq.end < seq.start) throw TemplateError("to count backwards make stride negative");
  if (seq.stride < 0 && *seq.end > seq.start) throw TemplateError("to count forward don't make stride negative");
  if (std::count(seq.format.begin(), seq.format.end(), '%') != 1)
    throw TemplateError("bad formatting string: " + seq.format);
}

// `format % i` for the one conversion the format holds.
std::string format_number(const std::string& format, std::int64_t i) {
  std::size_t pct = format.find('%');
  std::size_t conv = format.find_first_not_of("#0- +123456789.", pct + 1);
  if (conv == std::string::npos) throw TemplateError("problem formatting " + std::to_string(i) + " with '" + format + "'");
  char c = format[conv];
  std::string spec = format.substr(pct, conv - pct);
  std::string before = format.substr(0, pct), after = format.substr(conv + 1);
  char buf[256];
  if (c == 'd' || c == 'i' || c == 'u') std::snprintf(buf, sizeof buf, (spec + "lld").c_str(), static_cast<long long>(i));
  else if (c == 'x' || c == 'X' || c == 'o')
    std::snprintf(buf, sizeof buf, (spec + "ll" + c).c_str(), static_cast<long long>(i));
  else if (c == 'e' || c == 'E' || c == 'f' || c == 'F' || c == 'g' || c == 'G')
    std::snprintf(buf, sizeof buf, (spec + c).c_str(), static_cast<double>(i));
  else if (c == 's' || c == 'r') std::snprintf(buf, sizeof buf, (spec + "s").c_str(), std::to_string(i).c_str());
  else throw TemplateError("problem formatting " + std::to_string(i) + " with '" + format + "'");
  return before + buf + after;
}

}  // namespace

List items(const List& terms, const Map&, LookupContext& ctx) {
  return flatten_one(ctx.terms_mapping ? terms.at(0) : Value(terms));
}

List list(const List& terms, const Map&, LookupContext& ctx) {
  if (ctx.terms_mapping) throw TemplateError("with_list expects a list");
  return terms;
}

// One term chosen at random (no terms: none).
List random_choice(const List& terms, const Map&, LookupContext&) {
  if (terms.empty()) return {};
  tmpl::PyRandom r = tmpl::PyRandom::system();
  return {terms[static_cast<std::size_t>(r.randbelow(terms.size()))]};
}

List dict(const List& terms, const Map&, LookupContext&) {
  List out;
  for (const Value& term : terms) {
    if (!term.is_map()) throw TemplateError("with_dict expects a dict");
    for (const auto& [k, v] : term.as_map()) out.emplace_back(Map{{"key", Value(k)}, {"value", v}});
  }
  return out;
}

List indexed_items(const List& terms, const Map&, LookupContext& ctx) {
  if (ctx.terms_mapping) throw TemplateError("with_indexed_items expects a list");
  List flat = flatten_one(Value(terms));
  List out;
  for (std::size_t i = 0; i < flat.size(); ++i) out.emplace_back(List{Value(i), flat[i]});
  return out;
}

List together(const List& terms, const Map&, LookupContext&) {
  if (terms.empty()) throw TemplateError("with_together requires at least one element in each list");
  std::vector<List> lists;
  for (const Value& t : terms) lists.push_back(t.is_list() ? t.as_list() : flatten_one(t));
  std::size_t n = 0;
  for (const List& l : lists) n = std::max(n, l.size());
  List out;
  for (std::size_t i = 0; i < n; ++i) {
    List row;
    for (const List& l : lists) row.push_back(i < l.size() ? l[i] : Value());
    out.emplace_back(flatten_one(Value(std::move(row))));
  }
  return out;
}

List nested(const List& terms, const Map&, LookupContext&) {
  if (terms.empty()) throw TemplateError("with_nested requires at least one element in the nested list");
  List result = terms[0].is_list() ? terms[0].as_list() : flatten_one(terms[0]);
  for (std::size_t k = 1; k < terms.size(); ++k) {
    List b = terms[k].is_list() ? terms[k].as_list() : flatten_one(terms[k]);
    List combined;
    for (const Value& x : result)
      for (const Value& y : b) combined.emplace_back(flatten_one(Value(List{x, y})));
    result = std::move(combined);
  }
  List out;
  for (const Value& x : result) out.emplace_back(flatten_one(x));
  return out;
}

List subelements(const List& terms_in, const Map&, LookupContext&) {
  const std::string prefix = "subelements lookup expects a list of two or three items, ";
  if (terms_in.size() < 2 || terms_in.size() > 3) throw TemplateError(prefix);
  // the first term listified as Ansible does (listify_lookup_plugin_terms): a scalar becomes a
  // one-item list, whose item is then not a dictionary
  List terms = terms_in;
  if (!terms[0].is_list() && !terms[0].is_map()) terms[0] = Value(List{terms[0]});
  if (!(terms[0].is_list() || terms[0].is_map()) || !terms[1].is_string())
    throw TemplateError(prefix + "first a dict or a list, second a string pointing to the subkey");
  std::vector<std::string> keys;
  for (std::size_t i = 0, dot; i <= terms[1].as_string().size(); i = dot + 1) {
    dot = terms[1].as_string().find('.', i);
    if (dot == std::string::npos) dot = terms[1].as_string().size();
    keys.push_back(terms[1].as_string().substr(i, dot - i));
  }
  List elements;
  if (terms[0].is_map()) {
    const Value* skipped = terms[0].find("skipped");
    if (skipped && *skipped != Value(false)) return {};
    for (const auto& e : terms[0].as_map()) elements.push_back(e.second);
  } else {
    elements = terms[0].as_list();
  }
  bool skip_missing = false;
  if (terms.size() == 3) {
    if (!terms[2].is_map()) throw TemplateError(prefix + "the optional third item must be a dict with flags ('skip_missing',)");
    // boolean(flags.get('skip_missing', False), strict=False), as Ansible's subelements reads it
    skip_missing = loose_boolean(terms[2].get("skip_missing"));
  }
  List out;
  for (const Value& item0_in : elements) {
    if (!item0_in.is_map()) throw TemplateError("subelements lookup expects a dictionary, got '" + python_str(item0_in) + "'");
    const Value* skipped = item0_in.find("skipped");
    if (skipped && *skipped != Value(false)) continue;
    Value item0 = item0_in;
    // Ansible pops the subkey from the (nested) dict: results carry the item without it
    std::vector<Value*> path{&item0};
    List sublist;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      Value& sub = *path.back();
      const Value* next = sub.find(keys[i]);
      if (!next) {
        if (skip_missing) continue;
        throw TemplateError("could not find '" + keys[i] + "' key in iterated item '" + python_str(sub) + "'");
      }
      if (i + 1 < keys.size()) {
        if (!next->is_map()) {
          if (skip_missing) continue;
          throw TemplateError("the key " + keys[i] + " should point to a dictionary, got '" + python_str(*next) + "'");
        }
        path.push_back(sub.mutable_map().find(keys[i]));
      } else {
        if (!next->is_list())
          throw TemplateError("the key " + keys[i] + " should point to a list, got '" + python_str(*next) + "'");
        sublist = next->as_list();
        sub.mutable_map().erase(keys[i]);
      }
    }
    for (const Value& item1 : sublist) out.emplace_back(List{item0, item1});
  }
  return out;
}

List sequence(const List& terms, const Map&, LookupContext&) {
  List out;
  for (const Value& term : terms) {
    Sequence seq;
    std::string text = term_string(term);
    if (!parse_shortcut(text, seq)) parse_key_values(text, seq);
    sanity_check(seq);
    if (seq.stride == 0) continue;
    std::int64_t stop = *seq.end + (seq.stride >= 0 ? 1 : -1);
    for (std::int64_t i = seq.start; seq.stride > 0 ? i < stop : i > stop; i += seq.stride)
      out.emplace_back(format_number(seq.format, i));
  }
  return out;
}

}  // namespace drover::lookup
