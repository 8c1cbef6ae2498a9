// Python's semantics on Values, as Jinja2 templates see them: str()/repr(), truthiness,
// arithmetic, comparisons, `in`, iteration, len(), `%` formatting.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/template/engine.hpp"
#include "core/value/json.hpp"
#include "core/value/python_repr.hpp"

namespace drover::tmpl::detail {

std::string py_type(const Value& v) {
  if (v.is_object()) {
    if (is_undefined(v)) return "AnsibleUndefined";
    return v.as_object()->type_name();
  }
  return v.type_name();
}

static bool u_soft(const Value& v) {
  auto* u = as_undefined(v);
  return u && u->soft;
}

// How the engine's objects print inside str() and repr(): an undefined value fails (a soft one is
// empty), a template object is its text, a mapping object (namespace()) is the dict it holds.
static void append_engine_object(std::string& out, const Value& v) {
  if (auto* u = as_undefined(v)) {
    if (u->soft) return;
    u->fail();
  }
  if (auto* t = as_template_object(v)) {
    out += t->str();
    return;
  }
  if (auto* m = as_mapping_object(v)) {
    Map copy;
    for (const auto& k : m->keys())
      if (const Value* x = m->find(k)) copy.set(k, *x);
    append_python_repr(out, Value(std::move(copy)), append_engine_object);
    return;
  }
  append_opaque_object_repr(out, v);
}

void append_str(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Kind::string: out += v.as_string(); return;
    case Kind::object: append_engine_object(out, v); return;
    default: append_python_repr(out, v, append_engine_object);
  }
}

std::string to_str(const Value& v) {
  if (v.is_string()) return v.as_string();
  std::string out;
  append_str(out, v);
  return out;
}

std::string to_repr(const Value& v) {
  std::string out;
  // repr() of an undefined does not fail (Jinja2's Undefined.__repr__); Ansible's names what
  // is missing: AnsibleUndefined(hint=None, obj=missing, name='x')
  if (auto* u = as_undefined(v)) {
    const std::string msg = u->message();
    const std::string k_suffix = "' is undefined";
    if (msg.size() > k_suffix.size() + 1 && msg.front() == '\'' &&
        msg.compare(msg.size() - k_suffix.size(), k_suffix.size(), k_suffix) == 0)
      return "AnsibleUndefined(hint=None, obj=missing, name=" +
             python_repr(Value(msg.substr(1, msg.size() - k_suffix.size() - 1))) + ")";
    return "AnsibleUndefined(hint=" + python_repr(Value(msg)) + ", obj=missing, name=None)";
  }
  append_python_repr(out, v, append_engine_object);
  return out;
}

bool py_truthy(const Value& v) {
  if (v.is_object()) {
    if (auto* u = as_undefined(v)) {
      if (u->soft) return false;
      u->fail();
    }
    if (auto* m = as_mapping_object(v)) return !m->keys().empty();
  }
  return v.truthy();
}

static bool numeric(const Value& v) { return v.is_bool() || v.is_int() || v.is_float(); }
static double num(const Value& v) { return v.is_bool() ? (v.as_bool() ? 1.0 : 0.0) : v.as_number(); }
static std::int64_t inum(const Value& v) { return v.is_bool() ? (v.as_bool() ? 1 : 0) : v.as_int(); }
static bool integral(const Value& v) { return v.is_bool() || v.is_int(); }

[[noreturn]] static void type_error(const char* op, const Value& a, const Value& b) {
  throw TemplateError(std::string("unsupported operand type(s) for ") + op + ": '" + py_type(a) + "' and '" +
                      py_type(b) + "'");
}

int py_compare(const Value& a, const Value& b, const char* op) {
  require(a);
  require(b);
  if (numeric(a) && numeric(b)) {
    if (integral(a) && integral(b)) return inum(a) < inum(b) ? -1 : inum(a) > inum(b) ? 1 : 0;
    double x = num(a), y = num(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_string() && b.is_string()) {
    int c = a.as_string().compare(b.as_string());
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a.is_list() && b.is_list() && a.is_tuple() == b.is_tuple()) {
    const List& x = a.as_list();
    const List& y = b.as_list();
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (x[i] == y[i]) continue;
      return py_compare(x[i], y[i], op);
    }
    return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
  }
  throw TemplateError(std::string("'") + op + "' not supported between instances of '" + py_type(a) + "' and '" +
                      py_type(b) + "'");
}

bool py_in(const Value& needle, const Value& haystack) {
  require(needle);
  require(haystack);
  switch (haystack.kind()) {
    case Kind::string:
      if (!needle.is_string())
        throw TemplateError("'in <string>' requires string as left operand, not " + py_type(needle));
      return haystack.as_string().find(needle.as_string()) != std::string::npos;
    case Kind::list:
      for (const Value& x : haystack.as_list())
        if (x == needle) return true;
      return false;
    case Kind::map: return needle.is_string() && haystack.as_map().contains(needle.as_string());
    case Kind::object:
      if (auto* m = as_mapping_object(haystack))
        return needle.is_string() && m->find(needle.as_string()) != nullptr;
      [[fallthrough]];
    default: throw TemplateError("argument of type '" + py_type(haystack) + "' is not iterable");
  }
}

// `items` as a tuple when `like` is one, else as a list.
Value same_sequence_kind(const Value& like, List items) {
  return like.is_tuple() ? make_tuple(std::move(items)) : Value(std::move(items));
}

// drover's integers are 64-bit where Python's are unbounded: a result outside that range is an
// error, not a wrapped number (signed overflow is undefined behaviour in C++).
[[noreturn]] static void integer_overflow(const char* op) {
  throw TemplateError(std::string("integer overflow in '") + op + "': the result does not fit in 64 bits");
}

// Python raises MemoryError where `'x' * n` or `[x] * n` outgrows memory; drover refuses results
// past these sizes before it starts.
constexpr std::size_t k_max_repeat_bytes = std::size_t{256} << 20;
constexpr std::size_t k_max_repeat_items = 10'000'000;

static Value repeat(const Value& seq, std::int64_t n) {
  const std::size_t size = seq.is_string() ? seq.as_string().size() : seq.as_list().size();
  const std::size_t limit = seq.is_string() ? k_max_repeat_bytes : k_max_repeat_items;
  if (n > 0 && size > 0 && static_cast<std::uint64_t>(n) > limit / size)
    throw TemplateError("repeated " + py_type(seq) + " is too long (more than " + std::to_string(limit) +
                        (seq.is_string() ? " bytes)" : " items)"));
  if (seq.is_string()) {
    std::string out;
    out.reserve(n > 0 ? size * static_cast<std::size_t>(n) : 0);
    for (std::int64_t i = 0; i < n; ++i) out += seq.as_string();
    return Value(std::move(out));
  }
  List out;
  for (std::int64_t i = 0; i < n; ++i) out.insert(out.end(), seq.as_list().begin(), seq.as_list().end());
  return same_sequence_kind(seq, std::move(out));
}

Value py_add(const Value& a, const Value& b) {
  require(a);
  require(b);
  if (integral(a) && integral(b)) {
    std::int64_t r;
    if (__builtin_add_overflow(inum(a), inum(b), &r)) integer_overflow("+");
    return Value(r);
  }
  if (numeric(a) && numeric(b)) return Value(num(a) + num(b));
  if (a.is_string() && b.is_string()) {
    Value r(a.as_string() + b.as_string());
    if (a.is_secret() || b.is_secret()) r.add_mark(Mark::secret);
    return r;
  }
  if (a.is_list() && b.is_list() && a.is_tuple() == b.is_tuple()) {
    List out = a.as_list();
    out.insert(out.end(), b.as_list().begin(), b.as_list().end());
    return same_sequence_kind(a, std::move(out));
  }
  if (a.is_string() || a.is_list())
    throw TemplateError("can only concatenate " + py_type(a) + " (not \"" + py_type(b) + "\") to " + py_type(a));
  type_error("+", a, b);
}

Value py_sub(const Value& a, const Value& b) {
  require(a);
  require(b);
  if (integral(a) && integral(b)) {
    std::int64_t r;
    if (__builtin_sub_overflow(inum(a), inum(b), &r)) integer_overflow("-");
    return Value(r);
  }
  if (numeric(a) && numeric(b)) return Value(num(a) - num(b));
  type_error("-", a, b);
}

Value py_mul(const Value& a, const Value& b) {
  require(a);
  require(b);
  if (integral(a) && integral(b)) {
    std::int64_t r;
    if (__builtin_mul_overflow(inum(a), inum(b), &r)) integer_overflow("*");
    return Value(r);
  }
  if (numeric(a) && numeric(b)) return Value(num(a) * num(b));
  if ((a.is_string() || a.is_list()) && integral(b)) return repeat(a, inum(b));
  if ((b.is_string() || b.is_list()) && integral(a)) return repeat(b, inum(a));
  throw TemplateError("can't multiply sequence by non-int of type '" + py_type(b) + "'");
}

Value py_div(const Value& a, const Value& b) {
  require(a);
  require(b);
  if (!numeric(a) || !numeric(b)) type_error("/", a, b);
  if (num(b) == 0) throw TemplateError(integral(a) && integral(b) ? "division by zero" : "float division by zero");
  return Value(num(a) / num(b));
}

Value py_floordiv(const Value& a, const Value& b) {
  require(a);
  require(b);
  if (!numeric(a) || !numeric(b)) type_error("//", a, b);
  if (integral(a) && integral(b)) {
    std::int64_t x = inum(a), y = inum(b);
    if (y == 0) throw TemplateError("integer division or modulo by zero");
    if (y == -1 && x == std::numeric_limits<std::int64_t>::min()) integer_overflow("//");
    std::int64_t q = x / y;
    if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
    return Value(q);
  }
  if (num(b) == 0) throw TemplateError("float floor division by zero");
  return Value(std::floor(num(a) / num(b)));
}

Value py_mod(const Value& a, const Value& b) {
  require(a);
  require(b);
  if (a.is_string()) return Value(percent_format(a.as_string(), b));
  if (!numeric(a) || !numeric(b)) type_error("%", a, b);
  if (integral(a) && integral(b)) {
    std::int64_t x = inum(a), y = inum(b);
    if (y == 0) throw TemplateError("integer division or modulo by zero");
    if (y == -1) return Value(std::int64_t{0});  // x % -1 overflows in C++ for the smallest x
    std::int64_t r = x % y;
    if (r != 0 && ((r < 0) != (y < 0))) r += y;
    return Value(r);
  }
  double y = num(b);
  if (y == 0) throw TemplateError("float modulo");
  double r = std::fmod(num(a), y);
  if (r != 0 && ((r < 0) != (y < 0))) r += y;
  return Value(r);
}

Value py_pow(const Value& a, const Value& b) {
  require(a);
  require(b);
  if (!numeric(a) || !numeric(b)) type_error("** or pow()", a, b);
  if (integral(a) && integral(b) && inum(b) >= 0) {
    // by squaring: a huge exponent costs 63 steps, not a loop of that many multiplications
    std::int64_t r = 1, base = inum(a);
    for (std::int64_t e = inum(b); e > 0; e >>= 1) {
      if ((e & 1) && __builtin_mul_overflow(r, base, &r)) integer_overflow("**");
      if (e > 1 && __builtin_mul_overflow(base, base, &base)) integer_overflow("**");
    }
    return Value(r);
  }
  return Value(std::pow(num(a), num(b)));
}

Value py_neg(const Value& a) {
  require(a);
  if (integral(a)) {
    if (inum(a) == std::numeric_limits<std::int64_t>::min()) integer_overflow("-");
    return Value(-inum(a));
  }
  if (a.is_float()) return Value(-a.as_float());
  throw TemplateError("bad operand type for unary -: '" + py_type(a) + "'");
}

std::vector<std::string> utf8_chars(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    n = std::min(n, s.size() - i);
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

List iterate(const Value& v) {
  switch (v.kind()) {
    case Kind::list: return v.as_list();
    case Kind::map: {
      List out;
      out.reserve(v.as_map().size());
      for (const auto& [k, x] : v.as_map()) out.emplace_back(k);
      return out;
    }
    case Kind::string: {
      List out;
      for (auto& c : utf8_chars(v.as_string())) out.emplace_back(std::move(c));
      return out;
    }
    case Kind::object: {
      if (auto* u = as_undefined(v); u && !u->soft) u->fail();
      if (u_soft(v)) return {};
      if (auto* m = as_mapping_object(v)) {
        List out;
        for (auto& k : m->keys()) out.emplace_back(std::move(k));
        return out;
      }
      if (auto* t = as_template_object(v); t && t->sequence())
        return *t->sequence();
      [[fallthrough]];
    }
    default: throw TemplateError("'" + py_type(v) + "' object is not iterable");
  }
}

std::int64_t py_len(const Value& v) {
  switch (v.kind()) {
    case Kind::string: return static_cast<std::int64_t>(utf8_length(v.as_string()));
    case Kind::list: return static_cast<std::int64_t>(v.as_list().size());
    case Kind::map: return static_cast<std::int64_t>(v.as_map().size());
    case Kind::object:
      if (auto* u = as_undefined(v)) u->fail();
      if (auto* m = as_mapping_object(v))
        return static_cast<std::int64_t>(m->keys().size());
      [[fallthrough]];
    default: throw TemplateError("object of type '" + py_type(v) + "' has no len()");
  }
}

// ---------------------------------------------------------------- '%' formatting
namespace {

struct Spec {
  std::string flags;
  int width = -1;
  int precision = -1;
  char conv = 's';
};

std::string pad(std::string body, const Spec& s, bool numeric_value) {
  if (s.width < 0 || static_cast<int>(utf8_length(body)) >= s.width) return body;
  std::size_t fill = static_cast<std::size_t>(s.width) - utf8_length(body);
  if (s.flags.find('-') != std::string::npos) return body + std::string(fill, ' ');
  if (numeric_value && s.flags.find('0') != std::string::npos) {
    std::size_t sign = !body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ') ? 1 : 0;
    return body.substr(0, sign) + std::string(fill, '0') + body.substr(sign);
  }
  return std::string(fill, ' ') + body;
}

std::string format_number(const Value& v, const Spec& s) {
  if (!v.is_number() && !v.is_bool())
    throw TemplateError(std::string("%") + s.conv + " format: a real number is required, not " + py_type(v));
  std::string sign = s.flags.find('+') != std::string::npos ? "+" : s.flags.find(' ') != std::string::npos ? " " : "";
  char buf[512];
  switch (s.conv) {
    case 'd': case 'i': case 'u': {
      std::int64_t n = v.is_float() ? static_cast<std::int64_t>(v.as_float()) : inum(v);
      std::string body = std::to_string(n);
      return n >= 0 ? sign + body : body;
    }
    case 'x': case 'X': case 'o': {
      std::int64_t n = v.is_float() ? static_cast<std::int64_t>(v.as_float()) : inum(v);
      const char* f = s.conv == 'x' ? "%llx" : s.conv == 'X' ? "%llX" : "%llo";
      std::snprintf(buf, sizeof buf, f, static_cast<unsigned long long>(n < 0 ? -n : n));
      std::string body = buf;
      if (s.flags.find('#') != std::string::npos) body = (s.conv == 'o' ? "0o" : s.conv == 'x' ? "0x" : "0X") + body;
      return n < 0 ? "-" + body : sign + body;
    }
    default: {
      std::string f = "%" + sign + (s.flags.find('#') != std::string::npos ? "#" : "") + "." +
                      std::to_string(s.precision < 0 ? 6 : s.precision) + s.conv;
      std::snprintf(buf, sizeof buf, f.c_str(), num(v));
      return buf;
    }
  }
}

std::string format_one(const Value& v, const Spec& s) {
  switch (s.conv) {
    case 's': {
      std::string body = to_str(v);
      if (s.precision >= 0) {
        auto chars = utf8_chars(body);
        if (static_cast<int>(chars.size()) > s.precision) {
          body.clear();
          for (int i = 0; i < s.precision; ++i) body += chars[static_cast<std::size_t>(i)];
        }
      }
      return pad(body, s, false);
    }
    case 'r': case 'a': return pad(to_repr(v), s, false);
    case 'c': return pad(v.is_string() ? v.as_string() : std::string(1, static_cast<char>(to_int(v))), s, false);
    default: return pad(format_number(v, s), s, true);
  }
}

}  // namespace

std::string percent_format(const std::string& fmt, const Value& args) {
  require(args);
  std::string out;
  List positional;
  const Map* named = args.is_map() ? &args.as_map() : nullptr;
  if (args.is_list() && has_mark(args.mark(), Mark::tuple)) positional = args.as_list();
  else if (!named) positional.push_back(args);
  std::size_t next = 0;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out += fmt[i];
      continue;
    }
    if (++i >= fmt.size()) throw TemplateError("incomplete format");
    if (fmt[i] == '%') {
      out += '%';
      continue;
    }
    Spec s;
    const Value* value = nullptr;
    if (fmt[i] == '(') {
      std::size_t close = fmt.find(')', i);
      if (close == std::string::npos || !named) throw TemplateError("format requires a mapping");
      value = named->find(fmt.substr(i + 1, close - i - 1));
      if (!value) throw TemplateError("'" + fmt.substr(i + 1, close - i - 1) + "'");
      i = close + 1;
    }
    while (i < fmt.size() && std::string_view("-+ #0").find(fmt[i]) != std::string_view::npos) s.flags += fmt[i++];
    auto read_int = [&](int& target) {
      if (i < fmt.size() && fmt[i] == '*') {
        if (next >= positional.size()) throw TemplateError("not enough arguments for format string");
        target = static_cast<int>(to_int(positional[next++]));
        ++i;
        return;
      }
      if (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) target = 0;
      while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) target = target * 10 + (fmt[i++] - '0');
    };
    read_int(s.width);
    if (i < fmt.size() && fmt[i] == '.') {
      ++i;
      s.precision = 0;
      read_int(s.precision);
    }
    while (i < fmt.size() && (fmt[i] == 'l' || fmt[i] == 'h' || fmt[i] == 'L')) ++i;
    if (i >= fmt.size()) throw TemplateError("incomplete format");
    s.conv = fmt[i];
    if (std::string_view("sradiouxXeEfFgGc").find(s.conv) == std::string_view::npos)
      throw TemplateError(std::string("unsupported format character '") + s.conv + "'");
    if (!value) {
      if (named && positional.empty()) value = &args;
      else if (next >= positional.size()) throw TemplateError("not enough arguments for format string");
      else value = &positional[next++];
    }
    out += format_one(*value, s);
  }
  if (!named && next < positional.size())
    throw TemplateError("not all arguments converted during string formatting");
  return out;
}

// str.format(): {} {0} {name} {name.attr} {0[key]} with conversions !r !s and simple specs.
std::string format_method(const std::string& fmt, const CallArgs& args) {
  std::string out;
  std::size_t auto_index = 0;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '}') {
      if (i + 1 < fmt.size() && fmt[i + 1] == '}') ++i;
      out += '}';
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    std::size_t close = fmt.find('}', i);
    if (close == std::string::npos) throw TemplateError("Single '{' encountered in format string");
    std::string field = fmt.substr(i + 1, close - i - 1);
    i = close;
    std::string spec, conversion;
    if (auto colon = field.find(':'); colon != std::string::npos) {
      spec = field.substr(colon + 1);
      field.resize(colon);
    }
    if (auto bang = field.find('!'); bang != std::string::npos) {
      conversion = field.substr(bang + 1);
      field.resize(bang);
    }
    std::size_t end = field.find_first_of(".[");
    std::string head = field.substr(0, end);
    const Value* v = nullptr;
    if (head.empty()) v = args.arg(auto_index++, "\x01");
    else if (std::all_of(head.begin(), head.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); }))
      v = args.arg(static_cast<std::size_t>(std::stoul(head)), "\x01");
    else v = args.keyword.find(head);
    if (!v) throw TemplateError(head.empty() || std::isdigit(static_cast<unsigned char>(head[0]))
                                    ? "Replacement index " + (head.empty() ? std::to_string(auto_index - 1) : head) +
                                          " out of range for positional args tuple"
                                    : "'" + head + "'");
    Value cur = *v;
    while (end != std::string::npos && end < field.size()) {
      if (field[end] == '.') {
        std::size_t next = field.find_first_of(".[", end + 1);
        cur = cur.get(field.substr(end + 1, next == std::string::npos ? std::string::npos : next - end - 1));
        end = next;
      } else {
        std::size_t rb = field.find(']', end);
        std::string key = field.substr(end + 1, rb - end - 1);
        if (cur.is_list()) cur = cur.as_list().at(std::stoul(key));
        else cur = cur.get(key);
        end = rb + 1 < field.size() ? rb + 1 : std::string::npos;
      }
    }
    std::string body = conversion == "r" ? to_repr(cur) : "";
    if (spec.empty()) {
      out += conversion == "r" ? body : to_str(cur);
      continue;
    }
    // a minimal format-spec: [[fill]align][0][width][.precision][type]
    Spec s;
    char align = 0, fill = ' ';
    std::size_t k = 0;
    if (spec.size() >= 2 && std::string_view("<>^").find(spec[1]) != std::string_view::npos) {
      fill = spec[0];
      align = spec[1];
      k = 2;
    } else if (!spec.empty() && std::string_view("<>^").find(spec[0]) != std::string_view::npos) {
      align = spec[0];
      k = 1;
    }
    if (k < spec.size() && spec[k] == '0') {
      fill = '0';
      s.flags += '0';
      ++k;
    }
    int width = 0;
    while (k < spec.size() && std::isdigit(static_cast<unsigned char>(spec[k]))) width = width * 10 + (spec[k++] - '0');
    if (k < spec.size() && spec[k] == '.') {
      s.precision = 0;
      ++k;
      while (k < spec.size() && std::isdigit(static_cast<unsigned char>(spec[k])))
        s.precision = s.precision * 10 + (spec[k++] - '0');
    }
    char type = k < spec.size() ? spec[k] : 0;
    if (type && type != 's') {
      s.conv = type;
      body = format_number(cur, s);
    } else if (cur.is_number() && !type) {
      if (s.precision >= 0) {
        s.conv = 'g';
        body = format_number(cur, s);
      } else {
        body = to_str(cur);
      }
    } else {
      body = conversion == "r" ? body : to_str(cur);
      if (s.precision >= 0) {
        auto chars = utf8_chars(body);
        body.clear();
        for (std::size_t j = 0; j < chars.size() && static_cast<int>(j) < s.precision; ++j) body += chars[j];
      }
    }
    if (!align) align = (cur.is_number() && !cur.is_bool()) ? '>' : '<';
    std::size_t len = utf8_length(body);
    if (static_cast<int>(len) < width) {
      std::size_t total = static_cast<std::size_t>(width) - len;
      if (align == '<') body += std::string(total, fill);
      else if (align == '>') body = std::string(total, fill) + body;
      else body = std::string(total / 2, fill) + body + std::string(total - total / 2, fill);
    }
    out += body;
  }
  return out;
}

std::int64_t to_int(const Value& v, std::int64_t fallback) {
  switch (v.kind()) {
    case Kind::boolean: return v.as_bool() ? 1 : 0;
    case Kind::integer: return v.as_int();
    case Kind::floating: return std::isfinite(v.as_float()) ? static_cast<std::int64_t>(v.as_float()) : fallback;
    default: return fallback;
  }
}

double to_float(const Value& v, double fallback) {
  switch (v.kind()) {
    case Kind::boolean: return v.as_bool() ? 1.0 : 0.0;
    case Kind::integer: return static_cast<double>(v.as_int());
    case Kind::floating: return v.as_float();
    default: return fallback;
  }
}

}  // namespace drover::tmpl::detail
