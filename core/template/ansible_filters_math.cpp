// Ansible's math and combinatorial filters (lib/ansible/plugins/filter/mathstuff.py): log, pow,
// root, itertools' product/permutations/combinations, rekey_on_member.
#include <algorithm>
#include <cmath>

#include "core/template/ansible_filters.hpp"
#include "core/template/ansible_support.hpp"
#include "core/template/engine.hpp"

namespace drover::tmpl::filters {

namespace {

// Python's float(x) for math's functions: ints, floats and bools are numbers; anything else is
// math's TypeError, reported with the filter's prefix.
double real(const Value& v, std::string_view prefix) {
  if (v.is_number() || v.is_bool()) return v.is_bool() ? (v.as_bool() ? 1.0 : 0.0) : v.as_number();
  throw TemplateError(std::string(prefix) + "must be real number, not " + v.type_name());
}

// math.pow(x, y) with Python's ValueError/OverflowError wording.
double py_pow(double x, double y) {
  if (x == 0 && y < 0) throw TemplateError("math domain error");
  double r = std::pow(x, y);
  if (std::isnan(r) && !std::isnan(x) && !std::isnan(y)) throw TemplateError("math domain error");
  if (std::isinf(r) && std::isfinite(x) && std::isfinite(y)) throw TemplateError("math range error");
  return r;
}

// Python's iter(v) for itertools: a list's items, a dict's keys, a string's characters.
List items_of(const Value& v) {
  if (!v.is_list() && !v.is_map() && !v.is_string())
    throw TemplateError("'" + v.type_name() + "' object is not iterable");
  return detail::iterate(v);
}

// r as itertools reads it: an int >= 0.
std::size_t length_arg(const Value& r) {
  if (!r.is_int()) throw TemplateError("Expected int as r");
  if (r.as_int() < 0) throw TemplateError("r must be non-negative");
  return static_cast<std::size_t>(r.as_int());
}

Value tuple_of(const List& pool, const std::vector<std::size_t>& indices, std::size_t r) {
  List t;
  for (std::size_t i = 0; i < r; ++i) t.push_back(pool[indices[i]]);
  return detail::make_tuple(std::move(t));
}

}  // namespace

Value log(const Value& in, const CallArgs& args) {
  const std::string prefix = "log() can only be used on numbers: ";
  double x = real(in, prefix);
  const Value* base = args.arg(0, "base");
  if (x <= 0) throw TemplateError("math domain error");
  if (!base) return Value(std::log(x));
  double b = real(*base, prefix);
  if (b == 10) return Value(std::log10(x));
  if (b <= 0) throw TemplateError("math domain error");
  double den = std::log(b);
  if (den == 0) throw TemplateError("float division by zero");
  return Value(std::log(x) / den);
}

Value pow(const Value& in, const CallArgs& args) {
  const std::string prefix = "pow() can only be used on numbers: ";
  const Value* y = args.arg(0, "y");
  if (!y) throw TemplateError("power() missing 1 required positional argument: 'y'");
  return Value(py_pow(real(in, prefix), real(*y, prefix)));
}

Value root(const Value& in, const CallArgs& args) {
  const std::string prefix = "root() can only be used on numbers: ";
  double x = real(in, prefix);
  const Value* base = args.arg(0, "base");
  if (!base || (base->is_number() && base->as_number() == 2)) {
    if (x < 0) throw TemplateError(prefix + "math domain error");
    return Value(std::sqrt(x));
  }
  double b = real(*base, prefix);
  if (b == 0) throw TemplateError("float division by zero");
  try {
    return Value(py_pow(x, 1.0 / b));
  } catch (const TemplateError& e) {
    throw TemplateError(prefix + e.what());
  }
}

Value product(const Value& in, const CallArgs& args) {
  std::vector<List> pools{items_of(in)};
  for (const Value& p : args.positional) pools.push_back(items_of(p));
  std::int64_t repeat = 1;
  if (const Value* r = args.keyword.find("repeat")) {
    if (!r->is_int()) throw TemplateError("'" + r->type_name() + "' object cannot be interpreted as an integer");
    repeat = std::max<std::int64_t>(r->as_int(), 0);
  }
  std::vector<List> all;
  for (std::int64_t i = 0; i < repeat; ++i) all.insert(all.end(), pools.begin(), pools.end());
  List rows{Value::list()};
  for (const List& pool : all) {
    List next;
    for (const Value& row : rows)
      for (const Value& x : pool) {
        List r = row.as_list();
        r.push_back(x);
        next.emplace_back(std::move(r));
      }
    rows = std::move(next);
  }
  List out;
  for (const Value& row : rows) out.push_back(detail::make_tuple(row.as_list()));
  return Value(std::move(out));
}

// itertools.permutations: r-length orderings in lexicographic order of positions.
Value permutations(const Value& in, const CallArgs& args) {
  List pool = items_of(in);
  std::size_t n = pool.size();
  const Value* r_arg = args.arg(0, "r");
  std::size_t r = (r_arg && !r_arg->is_null()) ? length_arg(*r_arg) : n;
  List out;
  if (r > n) return Value(std::move(out));
  std::vector<std::size_t> indices(n), cycles(r);
  for (std::size_t i = 0; i < n; ++i) indices[i] = i;
  for (std::size_t i = 0; i < r; ++i) cycles[i] = n - i;
  out.push_back(tuple_of(pool, indices, r));
  while (n > 0) {
    std::size_t i = r;
    for (; i-- > 0;) {
      if (--cycles[i] == 0) {
        std::rotate(indices.begin() + static_cast<long>(i), indices.begin() + static_cast<long>(i) + 1, indices.end());
        cycles[i] = n - i;
      } else {
        std::swap(indices[i], indices[n - cycles[i]]);
        out.push_back(tuple_of(pool, indices, r));
        break;
      }
    }
    if (i == static_cast<std::size_t>(-1)) break;
  }
  return Value(std::move(out));
}

// itertools.combinations: r-length subsequences in the input's order.
Value combinations(const Value& in, const CallArgs& args) {
  List pool = items_of(in);
  const Value* r_arg = args.arg(0, "r");
  if (!r_arg) throw TemplateError("combinations() missing required argument 'r' (pos 2)");
  std::size_t r = length_arg(*r_arg), n = pool.size();
  List out;
  if (r > n) return Value(std::move(out));
  std::vector<std::size_t> indices(r);
  for (std::size_t i = 0; i < r; ++i) indices[i] = i;
  out.push_back(tuple_of(pool, indices, r));
  while (true) {
    std::size_t i = r;
    while (i > 0 && indices[i - 1] == i - 1 + n - r) --i;
    if (i == 0) break;
    ++indices[i - 1];
    for (std::size_t j = i; j < r; ++j) indices[j] = indices[j - 1] + 1;
    out.push_back(tuple_of(pool, indices, r));
  }
  return Value(std::move(out));
}

Value rekey_on_member(const Value& in, const CallArgs& args) {
  const Value* key = args.arg(0, "key");
  if (!key) throw TemplateError("rekey_on_member() missing 1 required positional argument: 'key'");
  std::string duplicates = string_arg(args, 1, "duplicates", "error");
  if (duplicates != "error" && duplicates != "overwrite")
    throw TemplateError("duplicates parameter to rekey_on_member has unknown value: " + duplicates);
  List items;
  if (in.is_map()) for (const auto& e : in.as_map()) items.push_back(e.second);
  else if (in.is_list()) items = in.as_list();
  else throw TemplateError("Type is not a valid list, set, or dict");
  Map out;
  for (const Value& item : items) {
    if (!item.is_map()) throw TemplateError("List item is not a valid dict");
    const Value* elem = key->is_string() ? item.find(key->as_string()) : nullptr;
    if (!elem) throw TemplateError("Key " + python_str(*key) + " was not found");
    std::string new_key = python_str(*elem);
    if (const Value* prior = out.find(new_key); prior && prior->truthy() && duplicates == "error")
      throw TemplateError("Key " + new_key + " is not unique, cannot correctly turn into dict");
    out.set(new_key, item);
  }
  return Value(std::move(out));
}

}  // namespace drover::tmpl::filters
