#include "core/value/value.hpp"

#include <algorithm>
#include <atomic>

#include <cmath>

#include "core/value/marks.hpp"

namespace drover {

void Value::throw_wrong_kind() { throw std::bad_variant_access(); }

List& Value::mutable_list() {
  expect(Kind::list);
  auto& p = m_u.l;
  if (p.use_count() > 1) p = std::make_shared<List>(*p);
  return *p;
}

Map& Value::mutable_map() {
  expect(Kind::map);
  auto& p = m_u.m;
  if (p.use_count() > 1) p = std::make_shared<Map>(*p);
  return *p;
}

const Value* Value::find(std::string_view key) const {
  if (!is_map()) return nullptr;
  return as_map().find(key);
}

const Value& Value::get(std::string_view key) const {
  static const Value null_value;
  const Value* v = find(key);
  return v ? *v : null_value;
}

std::string Value::get_string(std::string_view key, std::string_view fallback) const {
  const Value* v = find(key);
  return v && v->is_string() ? v->as_string() : std::string(fallback);
}

bool Value::get_truthy(std::string_view key, bool fallback) const {
  const Value* v = find(key);
  return v && !v->is_null() ? v->truthy() : fallback;
}

bool contains_mark(const Value& v, Mark m) {
  if (has_mark(v.mark(), m)) return true;
  if (v.is_list())
    return std::any_of(v.as_list().begin(), v.as_list().end(), [m](const Value& x) { return contains_mark(x, m); });
  if (v.is_map())
    for (const auto& [k, x] : v.as_map())
      if (contains_mark(x, m)) return true;
  return false;
}

Value mark_deep(Value v, Mark m) {
  if (v.is_list()) {
    List out;
    out.reserve(v.as_list().size());
    for (const Value& x : v.as_list()) out.push_back(mark_deep(x, m));
    Value r(std::move(out));
    r.add_mark(v.mark());
    r.add_mark(m);
    return r;
  }
  if (v.is_map()) {
    Map out;
    for (const auto& [k, x] : v.as_map()) out.set(k, mark_deep(x, m));
    return Value(std::move(out)).add_mark(m);
  }
  v.add_mark(m);
  return v;
}

bool Value::contains_secret() const {
  switch (kind()) {
    case Kind::string: return is_secret();
    case Kind::list:
      for (const auto& v : as_list())
        if (v.contains_secret()) return true;
      return false;
    case Kind::map:
      for (const auto& [k, v] : as_map())
        if (v.contains_secret()) return true;
      return false;
    default: return false;
  }
}

bool Value::truthy() const {
  switch (kind()) {
    case Kind::null: return false;
    case Kind::boolean: return as_bool();
    case Kind::integer: return as_int() != 0;
    case Kind::floating: return as_float() != 0.0;
    case Kind::string: return !as_string().empty();
    case Kind::list: return !as_list().empty();
    case Kind::map: return !as_map().empty();
    case Kind::object: return true;
  }
  return false;
}

static bool numeric_like(const Value& v) { return v.is_bool() || v.is_int() || v.is_float(); }
static double numeric_of(const Value& v) {
  if (v.is_bool()) return v.as_bool() ? 1.0 : 0.0;
  return v.as_number();
}

bool operator==(const Value& a, const Value& b) {
  if (numeric_like(a) && numeric_like(b)) {
    if (a.is_float() || b.is_float()) return numeric_of(a) == numeric_of(b);
    auto ia = a.is_bool() ? std::int64_t(a.as_bool()) : a.as_int();
    auto ib = b.is_bool() ? std::int64_t(b.as_bool()) : b.as_int();
    return ia == ib;
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::null: return true;
    case Kind::string: return a.as_string() == b.as_string();
    case Kind::list: return a.is_tuple() == b.is_tuple() && a.as_list() == b.as_list();
    case Kind::map: return a.as_map() == b.as_map();
    case Kind::object: return a.as_object() == b.as_object();
    default: return false;
  }
}

std::string Value::type_name() const {
  switch (kind()) {
    case Kind::null: return "NoneType";
    case Kind::boolean: return "bool";
    case Kind::integer: return "int";
    case Kind::floating: return "float";
    case Kind::string: return "str";
    case Kind::list: return is_tuple() ? "tuple" : "list";
    case Kind::map: return "dict";
    case Kind::object: return as_object()->type_name();
  }
  return "object";
}

Map::Map(std::initializer_list<Entry> entries) {
  for (const auto& e : entries) set(e.first, e.second);
}

std::size_t Map::index_of(std::string_view key) const {
  if (!m_index.empty()) {
    auto it = m_index.find(key);
    return it == m_index.end() ? npos : it->second;
  }
  for (std::size_t i = 0; i < m_entries.size(); ++i)
    if (same_key(m_entries[i].first, key)) return i;
  return npos;
}

void Map::rebuild_index() {
  m_index.clear();
  if (m_entries.size() < k_index_threshold) return;
  m_index.reserve(m_entries.size() * 2);
  for (std::size_t i = 0; i < m_entries.size(); ++i) m_index.emplace(m_entries[i].first, i);
}

const Value* Map::find(std::string_view key) const {
  auto i = index_of(key);
  return i == npos ? nullptr : &m_entries[i].second;
}

Value* Map::find(std::string_view key) {
  auto i = index_of(key);
  return i == npos ? nullptr : &m_entries[i].second;
}

void Map::set(std::string key, Value value) { (*this)[key] = std::move(value); }

Value& Map::operator[](std::string_view key) {
  auto i = index_of(key);
  if (i != npos) return m_entries[i].second;
  m_entries.emplace_back(std::string(key), Value());
  if (!m_index.empty())
    m_index.emplace(std::string(key), m_entries.size() - 1);
  else if (m_entries.size() >= k_index_threshold)
    rebuild_index();
  return m_entries.back().second;
}

bool Map::erase(std::string_view key) {
  auto i = index_of(key);
  if (i == npos) return false;
  m_entries.erase(m_entries.begin() + static_cast<std::ptrdiff_t>(i));
  rebuild_index();
  return true;
}

bool operator==(const Map& a, const Map& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [k, v] : a) {
    const Value* o = b.find(k);
    if (!o || !(*o == v)) return false;
  }
  return true;
}

namespace {
std::atomic<HashBehaviour> g_hash_behaviour{HashBehaviour::replace};
}  // namespace

void set_hash_behaviour(HashBehaviour behaviour) { g_hash_behaviour = behaviour; }
HashBehaviour hash_behaviour() { return g_hash_behaviour; }

Value combine_vars(const Value& a, const Value& b) {
  Value out = a.is_map() ? a : Value::map();
  if (!b.is_map()) return out;
  if (hash_behaviour() == HashBehaviour::merge) return merge_recursive(out, b);
  for (const auto& [k, v] : b.as_map()) out.mutable_map().set(k, v);
  return out;
}

Value merge_recursive(const Value& a, const Value& b) {
  if (!a.is_map() || !b.is_map()) return b;
  Value out = a;
  Map& m = out.mutable_map();
  for (const auto& [k, v] : b.as_map()) {
    Value* existing = m.find(k);
    if (existing && existing->is_map() && v.is_map())
      *existing = merge_recursive(*existing, v);
    else
      m.set(k, v);
  }
  return out;
}

}  // namespace drover
