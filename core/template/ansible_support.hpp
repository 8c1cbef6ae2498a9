// Helpers shared by Ansible's filters, tests and lookups (core/template/ansible_*.cpp and
// plugins/lookup): argument access, Python's str()/repr(), Python `re` errors as template errors,
// Python's Mersenne Twister, and the function sets each file contributes to the tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/template/filter_api.hpp"
#include "core/value/python_repr.hpp"
#include "core/value/regex.hpp"

namespace drover::tmpl {

// --- arguments ------------------------------------------------------------------------------

// The argument at position i or keyword `name`, else `fallback`.
Value arg_or(const CallArgs& args, std::size_t i, std::string_view name, const Value& fallback);
// Same, as a string (Python str() of a non-string).
std::string string_arg(const CallArgs& args, std::size_t i, std::string_view name, std::string_view fallback);
// Same, as Python's bool() of the value.
bool bool_arg(const CallArgs& args, std::size_t i, std::string_view name, bool fallback);
// Same, as an integer; TemplateError naming the filter when it is not a number.
std::int64_t int_arg(const CallArgs& args, std::size_t i, std::string_view name, std::int64_t fallback,
                     std::string_view filter);

// --- Python's text forms ----------------------------------------------------------------------

// repr(v) and str(v) are python_repr and python_str (core/value/python_repr.hpp).
// "<class 'list'>", as Python prints type(v).
std::string py_class(const Value& v);
// str.split(sep, maxsplit) (or str.rsplit): a null `sep` splits on runs of whitespace.
List py_split(const std::string& s, const Value& sep, std::int64_t maxsplit = -1, bool from_right = false);

// --- Python's re ------------------------------------------------------------------------------

// Python's re is drover::Regex (core/value/regex.hpp). Runs `use`, which compiles or matches with
// a Regex, and reports its RegexError (a bad pattern or replacement, a match over the limits) as a
// TemplateError with the same message.
template <typename Use>
decltype(auto) with_regex(Use&& use) {
  try {
    return use();
  } catch (const RegexError& e) {
    throw TemplateError(e.what());
  }
}

// --- Python's random.Random -------------------------------------------------------------------

// MT19937 seeded as CPython's random.Random(seed) is (int or str seed, version 2), with the same
// randbelow/randrange/choice/shuffle algorithms, so seeded results equal Ansible's.
class PyRandom {
public:
  explicit PyRandom(const Value& seed);
  // A seed from the system's entropy (Ansible's SystemRandom when no seed is given).
  static PyRandom system();
  std::uint64_t getrandbits(int k);
  std::uint64_t randbelow(std::uint64_t n);
  // random.randrange(start, stop, step); TemplateError on an empty range.
  std::int64_t randrange(std::int64_t start, std::int64_t stop, std::int64_t step);
  void shuffle(List& items);

private:
  PyRandom() = default;
  void init_genrand(std::uint32_t s);
  void init_by_array(const std::vector<std::uint32_t>& key);
  std::uint32_t next32();
  std::uint32_t m_state[624] = {};
  int m_index = 625;
};

// --- password hashes and UUIDs (ansible_crypt.cpp) --------------------------------------------

// SHA-crypt ($5$ / $6$) as glibc's crypt and passlib write it; `rounds` 0 means the implicit 5000.
std::string sha_crypt(int variant, std::string_view password, std::string_view salt, int rounds);
// UUID version 5 of `name` in `namespace_uuid` (text form), as Python's uuid.uuid5.
std::string uuid5(const std::string& namespace_uuid, std::string_view name);
// Random characters from `chars` (cryptographically secure).
std::string random_string(std::size_t length, std::string_view chars);

// --- PyYAML-style dumping (ansible_yaml.cpp) --------------------------------------------------

struct YamlDumpStyle {
  int indent = 2;
  // false: block style everywhere (to_nice_yaml); true: PyYAML's default_flow_style=None, where
  // collections holding only scalars are written inline (to_yaml).
  bool flow_leaves = true;
};
// yaml.dump(v, allow_unicode=True, sort_keys=True) in the given style.
std::string pyyaml_dump(const Value& v, const YamlDumpStyle& style);

// --- versions (ansible_version.cpp) -----------------------------------------------------------

// version_compare(value, version, operator, strict, version_type) as Ansible's `version` test.
bool version_compare(const Value& value, const Value& version, const std::string& op, bool strict,
                     const std::string& version_type);

// A Python datetime.datetime in local time for `seconds` since the epoch (what
// datetime.fromtimestamp gives): the template module's template_mtime and template_run_date.
Value local_datetime(double seconds);

}  // namespace drover::tmpl
