// The one value type of the engine: what YAML, JSON, inventory vars, facts, module results and
// template expressions all are. Python's data model as Ansible sees it: null, bool, int, float,
// str, list and an insertion-ordered dict, plus opaque objects the template engine needs
// (macros, loop objects, namespaces).
//
// Copies are cheap: strings, lists and maps are shared and copied on write.
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <new>
#include <variant>
#include <vector>

namespace drover {

class Value;
class Map;
using List = std::vector<Value>;

// Engine-internal values (template macros, loop objects, namespace(), undefined markers).
// They never come from files and never go to targets.
class Object {
public:
  // Lets the template engine tell its object kinds apart on hot paths without dynamic_cast, whose
  // type_info comparisons cost a strcmp each.
  enum class Family : std::uint8_t { other, template_object, undefined, mapping };
  virtual ~Object() = default;
  virtual std::string type_name() const = 0;
  Family family() const { return m_family; }

protected:
  explicit Object(Family family = Family::other) : m_family(family) {}

private:
  Family m_family;
};

enum class Kind : std::uint8_t { null, boolean, integer, floating, string, list, map, object };

// Marks carried by a value, meaningful on strings.
enum class Mark : std::uint8_t {
  none = 0,
  unsafe = 1,  // `!unsafe`: never templated
  secret = 2,  // came from the encrypted layer: redacted in every output
  vault = 4,   // an inline `!vault` ciphertext not yet decrypted
  tuple = 8,   // on a list: a Python tuple made by a template (see Value::is_tuple)
};
constexpr Mark operator|(Mark a, Mark b) {
  return static_cast<Mark>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr bool has_mark(Mark set, Mark m) {
  return (static_cast<std::uint8_t>(set) & static_cast<std::uint8_t>(m)) != 0;
}

class Value {
public:
  Value() noexcept {}
  Value(std::nullptr_t) noexcept {}
  Value(bool b) noexcept : m_kind(Kind::boolean) { m_u.b = b; }
  Value(int i) noexcept : Value(static_cast<std::int64_t>(i), Kind::integer) {}
  Value(long i) noexcept : Value(static_cast<std::int64_t>(i), Kind::integer) {}
  Value(long long i) noexcept : Value(static_cast<std::int64_t>(i), Kind::integer) {}
  Value(unsigned i) noexcept : Value(static_cast<std::int64_t>(i), Kind::integer) {}
  Value(unsigned long i) noexcept : Value(static_cast<std::int64_t>(i), Kind::integer) {}
  Value(unsigned long long i) noexcept : Value(static_cast<std::int64_t>(i), Kind::integer) {}
  Value(double d) noexcept : m_kind(Kind::floating) { m_u.d = d; }
  Value(const char* s) : Value(std::make_shared<const std::string>(s)) {}
  Value(std::string_view s) : Value(std::make_shared<const std::string>(s)) {}
  Value(std::string s) : Value(std::make_shared<const std::string>(std::move(s))) {}
  Value(const std::string& s, Mark mark) : Value(std::make_shared<const std::string>(s)) { m_mark = mark; }
  Value(List l) : m_kind(Kind::list) { new (&m_u.l) ListPtr(std::make_shared<List>(std::move(l))); }
  Value(Map m);
  Value(std::shared_ptr<Object> o) : m_kind(Kind::object) { new (&m_u.o) ObjectPtr(std::move(o)); }

  Value(const Value& other) : m_kind(other.m_kind), m_mark(other.m_mark) { copy_from(other); }
  Value(Value&& other) noexcept : m_kind(other.m_kind), m_mark(other.m_mark) { move_from(other); }
  Value& operator=(const Value& other) {
    if (this != &other) {
      Value copy(other);
      *this = std::move(copy);
    }
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      reset();
      m_kind = other.m_kind;
      m_mark = other.m_mark;
      move_from(other);
    }
    return *this;
  }
  ~Value() { reset(); }

  static Value list(std::initializer_list<Value> items = {}) { return Value(List(items)); }
  static Value map();

  Kind kind() const { return m_kind; }
  bool is_null() const { return kind() == Kind::null; }
  bool is_bool() const { return kind() == Kind::boolean; }
  bool is_int() const { return kind() == Kind::integer; }
  bool is_float() const { return kind() == Kind::floating; }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return kind() == Kind::string; }
  bool is_list() const { return kind() == Kind::list; }
  bool is_map() const { return kind() == Kind::map; }
  bool is_object() const { return kind() == Kind::object; }
  // A Python tuple: a list carrying Mark::tuple (made by templates: `(1, 2)`, items(), zip...).
  // It is a list to every reader of lists (iteration, JSON, YAML, modules); the template engine
  // gives it tuple semantics (repr `(1,)`, no list methods, `+` only with tuples), and Python's
  // == tells it from a list: (1, 2) != [1, 2].
  bool is_tuple() const { return kind() == Kind::list && has_mark(m_mark, Mark::tuple); }

  // Accessors require the kind; check it first (a wrong kind throws std::bad_variant_access, as
  // std::get did when this was a std::variant).
  bool as_bool() const { return expect(Kind::boolean).m_u.b; }
  std::int64_t as_int() const { return expect(Kind::integer).m_u.i; }
  double as_float() const { return expect(Kind::floating).m_u.d; }
  double as_number() const { return is_int() ? static_cast<double>(as_int()) : as_float(); }
  const std::string& as_string() const { return *expect(Kind::string).m_u.s; }
  const List& as_list() const { return *expect(Kind::list).m_u.l; }
  const Map& as_map() const { return *expect(Kind::map).m_u.m; }
  const std::shared_ptr<Object>& as_object() const { return expect(Kind::object).m_u.o; }

  // Copy-on-write access to a container this value shares with others.
  List& mutable_list();
  Map& mutable_map();

  // Map lookup: nullptr when this is not a map or has no such key.
  const Value* find(std::string_view key) const;
  // Map lookup that yields null for a missing key (or a non-map).
  const Value& get(std::string_view key) const;
  // String value or the fallback when this is not a string.
  std::string get_string(std::string_view key, std::string_view fallback = "") const;
  // Python truthiness of a map entry ("no" is true: a non-empty string); `fallback` when the key
  // is missing or null. For yes/no words use parse_boolean (core/value/boolean.hpp).
  bool get_truthy(std::string_view key, bool fallback = false) const;

  Mark mark() const { return m_mark; }
  bool is_unsafe() const { return has_mark(m_mark, Mark::unsafe); }
  bool is_secret() const { return has_mark(m_mark, Mark::secret); }
  Value& add_mark(Mark m) {
    m_mark = m_mark | m;
    return *this;
  }
  // True when this value or anything inside it is marked secret.
  bool contains_secret() const;

  // Python's truthiness: empty containers, "", 0, 0.0, None and False are false.
  bool truthy() const;

  // Python's ==: 1 == 1.0 == True; strings compare by content, containers elementwise; a tuple
  // never equals a list.
  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

  // Python's type name: NoneType, bool, int, float, str, list, tuple, dict.
  std::string type_name() const;

private:
  using StringPtr = std::shared_ptr<const std::string>;
  using ListPtr = std::shared_ptr<List>;
  using MapPtr = std::shared_ptr<Map>;
  using ObjectPtr = std::shared_ptr<Object>;

  // A tagged union instead of std::variant: values are copied, moved and destroyed on every
  // template evaluation, and here a scalar needs no visit through a jump table.
  union Storage {
    Storage() noexcept : i(0) {}
    ~Storage() {}
    bool b;
    std::int64_t i;
    double d;
    StringPtr s;
    ListPtr l;
    MapPtr m;
    ObjectPtr o;
  };

  // Every scalar (bool, int64, double) lives in the union's first eight bytes.
  static constexpr std::size_t k_scalar_bytes = sizeof(std::int64_t);
  Value(std::int64_t i, Kind kind) noexcept : m_kind(kind) { m_u.i = i; }
  Value(StringPtr s) noexcept : m_kind(Kind::string) { new (&m_u.s) StringPtr(std::move(s)); }
  bool on_heap() const { return m_kind >= Kind::string; }
  const Value& expect(Kind kind) const {
    if (m_kind != kind) throw_wrong_kind();
    return *this;
  }
  [[noreturn]] static void throw_wrong_kind();
  void copy_from(const Value& other) {
    if (!other.on_heap()) {
      std::memcpy(static_cast<void*>(&m_u), static_cast<const void*>(&other.m_u), k_scalar_bytes);
      return;
    }
    switch (other.m_kind) {
      case Kind::string: new (&m_u.s) StringPtr(other.m_u.s); break;
      case Kind::list: new (&m_u.l) ListPtr(other.m_u.l); break;
      case Kind::map: new (&m_u.m) MapPtr(other.m_u.m); break;
      default: new (&m_u.o) ObjectPtr(other.m_u.o); break;
    }
  }
  void move_from(Value& other) noexcept {
    if (!other.on_heap()) {
      std::memcpy(static_cast<void*>(&m_u), static_cast<const void*>(&other.m_u), k_scalar_bytes);
    } else {
      switch (other.m_kind) {
        case Kind::string: new (&m_u.s) StringPtr(std::move(other.m_u.s)); break;
        case Kind::list: new (&m_u.l) ListPtr(std::move(other.m_u.l)); break;
        case Kind::map: new (&m_u.m) MapPtr(std::move(other.m_u.m)); break;
        default: new (&m_u.o) ObjectPtr(std::move(other.m_u.o)); break;
      }
      other.reset();
    }
    other.m_kind = Kind::null;
    other.m_mark = Mark::none;
  }
  void reset() noexcept {
    if (!on_heap()) return;
    switch (m_kind) {
      case Kind::string: m_u.s.~StringPtr(); break;
      case Kind::list: m_u.l.~ListPtr(); break;
      case Kind::map: m_u.m.~MapPtr(); break;
      default: m_u.o.~ObjectPtr(); break;
    }
    m_kind = Kind::null;
  }

  Storage m_u;
  Kind m_kind = Kind::null;
  Mark m_mark = Mark::none;
};

// Equality of two keys, without a libc call for the short names that variables and dict keys
// mostly are (template rendering compares them on every lookup).
inline bool same_key(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.size() > 16) return a == b;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// A dict that keeps insertion order, like Python's. Lookups are linear while small and use a
// hash index once it grows.
class Map {
public:
  using Entry = std::pair<std::string, Value>;
  Map() = default;
  Map(std::initializer_list<Entry> entries);

  std::size_t size() const { return m_entries.size(); }
  bool empty() const { return m_entries.empty(); }
  bool contains(std::string_view key) const { return index_of(key) != npos; }
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // Insert or overwrite; an overwritten key keeps its position, as in Python.
  void set(std::string key, Value value);
  Value& operator[](std::string_view key);
  bool erase(std::string_view key);

  auto begin() const { return m_entries.begin(); }
  auto end() const { return m_entries.end(); }
  auto begin() { return m_entries.begin(); }
  auto end() { return m_entries.end(); }
  const std::vector<Entry>& entries() const { return m_entries; }

  friend bool operator==(const Map& a, const Map& b);

private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static constexpr std::size_t k_index_threshold = 12;
  std::size_t index_of(std::string_view key) const;
  void rebuild_index();
  std::vector<Entry> m_entries;
  // Looked up by string_view without making a std::string.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>{}(key); }
  };
  std::unordered_map<std::string, std::size_t, KeyHash, std::equal_to<>> m_index;  // empty while small
};

inline Value::Value(Map m) : m_kind(Kind::map) { new (&m_u.m) MapPtr(std::make_shared<Map>(std::move(m))); }
inline Value Value::map() { return Value(Map{}); }

// Deep merge of b into a (b wins), the way Ansible's `combine(recursive=True)` merges dicts.
Value merge_recursive(const Value& a, const Value& b);

// Ansible's [defaults] hash_behaviour: how one variable layer's dict combines with a lower
// layer's dict of the same name. Process-wide, set once by the CLI before anything loads.
enum class HashBehaviour { replace, merge };
void set_hash_behaviour(HashBehaviour behaviour);
HashBehaviour hash_behaviour();
// Ansible's combine_vars(a, b): b's keys over a's, dicts merged recursively under merge. A
// non-map `a` counts as {}; a non-map `b` adds nothing.
Value combine_vars(const Value& a, const Value& b);

}  // namespace drover
