#include "core/template/ansible_tests.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/secrets/vault.hpp"
#include "core/template/ansible_filters.hpp"
#include "core/template/ansible_support.hpp"
#include "core/value/boolean.hpp"

namespace drover::tmpl::tests {

namespace {

const Map& result_map(const Value& in, std::string_view test) {
  if (!in.is_map()) throw TemplateError("The '" + std::string(test) + "' test expects a dictionary");
  return in.as_map();
}

bool flag(const Map& m, std::string_view key) {
  const Value* v = m.find(key);
  return v && v->truthy();
}

// Python's `x in seq`.
bool py_in(const Value& x, const Value& seq) {
  if (seq.is_string()) {
    if (!x.is_string()) throw TemplateError("'in <string>' requires string as left operand, not " + x.type_name());
    return seq.as_string().find(x.as_string()) != std::string::npos;
  }
  if (seq.is_map()) return x.is_string() && seq.as_map().contains(x.as_string());
  if (seq.is_list()) return std::find(seq.as_list().begin(), seq.as_list().end(), x) != seq.as_list().end();
  throw TemplateError("argument of type '" + seq.type_name() + "' is not iterable");
}

List iterable(const Value& v) {
  if (v.is_list()) return v.as_list();
  List out;
  if (v.is_map()) for (const auto& e : v.as_map()) out.emplace_back(e.first);
  else if (v.is_string()) for (char c : v.as_string()) out.emplace_back(std::string(1, c));
  else throw TemplateError("'" + v.type_name() + "' object is not iterable");
  return out;
}

// Which of re's functions the `match`, `search` and `regex` tests call.
enum class RegexCall { search, match, fullmatch };

bool regex_test(const Value& in, const CallArgs& args, RegexCall call) {
  RegexFlag f = RegexFlag::none;
  if (bool_arg(args, 1, "ignorecase", false)) f = f | RegexFlag::ignorecase;
  if (bool_arg(args, 2, "multiline", false)) f = f | RegexFlag::multiline;
  return with_regex([&] {
    Regex re(string_arg(args, 0, "pattern", ""), f);
    std::string text = python_str(in);
    switch (call) {
    case RegexCall::match: return re.match(text).has_value();
    case RegexCall::fullmatch: return re.fullmatch(text).has_value();
    case RegexCall::search: break;
    }
    return re.search(text).has_value();
  });
}

bool stat_path(const Value& in, struct stat& st, bool follow) {
  std::string p = python_str(in);
  return (follow ? ::stat(p.c_str(), &st) : ::lstat(p.c_str(), &st)) == 0;
}

// urlparse(value) as a dict (scheme, netloc...), or nullopt where Python's urlparse raises.
std::optional<Value> url_parts(const Value& in) {
  if (!in.is_string()) return std::nullopt;
  try {
    return filters::urlsplit(in, CallArgs{});
  } catch (const TemplateError&) {
    return std::nullopt;
  }
}

}  // namespace

bool abs(const Value& in, const CallArgs&) {
  std::string p = python_str(in);
  return !p.empty() && p[0] == '/';
}

bool all(const Value& in, const CallArgs&) {
  List items = iterable(in);
  return std::all_of(items.begin(), items.end(), [](const Value& v) { return v.truthy(); });
}

bool any(const Value& in, const CallArgs&) {
  List items = iterable(in);
  return std::any_of(items.begin(), items.end(), [](const Value& v) { return v.truthy(); });
}

bool changed(const Value& in, const CallArgs&) {
  const Map& m = result_map(in, "changed");
  if (const Value* c = m.find("changed")) return c->truthy();
  const Value* results = m.find("results");
  if (results && results->is_list() && !results->as_list().empty() && results->as_list()[0].is_map())
    for (const Value& r : results->as_list())
      if (r.is_map() && flag(r.as_map(), "changed")) return true;
  return false;
}

bool contains(const Value& in, const CallArgs& args) { return py_in(arg_or(args, 0, "value", Value()), in); }

bool directory(const Value& in, const CallArgs&) {
  struct stat st;
  return stat_path(in, st, true) && S_ISDIR(st.st_mode);
}

bool exists(const Value& in, const CallArgs&) {
  struct stat st;
  return stat_path(in, st, true);
}

bool failed(const Value& in, const CallArgs&) { return flag(result_map(in, "failed"), "failed"); }

bool falsy(const Value& in, const CallArgs& args) { return !truthy(in, args); }

bool file(const Value& in, const CallArgs&) {
  struct stat st;
  return stat_path(in, st, true) && S_ISREG(st.st_mode);
}

bool finished(const Value& in, const CallArgs&) {
  const Map& m = result_map(in, "finished");
  const Value* f = m.find("finished");
  return !f || *f == Value(1);
}

bool link(const Value& in, const CallArgs&) {
  struct stat st;
  return stat_path(in, st, false) && S_ISLNK(st.st_mode);
}

bool link_exists(const Value& in, const CallArgs&) {
  struct stat st;
  return stat_path(in, st, false);
}

bool match(const Value& in, const CallArgs& args) { return regex_test(in, args, RegexCall::match); }

// os.path.ismount: not a symlink, and on another device than its parent or the parent itself.
bool mount(const Value& in, const CallArgs&) {
  struct stat st, parent;
  if (!stat_path(in, st, false) || S_ISLNK(st.st_mode)) return false;
  if (::stat((python_str(in) + "/..").c_str(), &parent) != 0) return false;
  return st.st_dev != parent.st_dev || st.st_ino == parent.st_ino;
}

// math.isnan: only floats can be NaN; what is not a number is not NaN.
bool nan(const Value& in, const CallArgs&) { return in.is_float() && std::isnan(in.as_float()); }

bool reachable(const Value& in, const CallArgs&) { return !flag(result_map(in, "unreachable"), "unreachable"); }

bool regex(const Value& in, const CallArgs& args) {
  // Ansible calls getattr(re.compile(pattern), match_type)
  std::string type = string_arg(args, 3, "match_type", "search");
  RegexCall call = type == "match" ? RegexCall::match : type == "fullmatch" ? RegexCall::fullmatch : RegexCall::search;
  return regex_test(in, args, call);
}

bool same_file(const Value& in, const CallArgs& args) {
  struct stat a, b;
  Value other = arg_or(args, 0, "f2", Value());
  if (!stat_path(in, a, true)) throw TemplateError("[Errno 2] No such file or directory: " + python_repr(in));
  if (!stat_path(other, b, true)) throw TemplateError("[Errno 2] No such file or directory: " + python_repr(other));
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

bool search(const Value& in, const CallArgs& args) { return regex_test(in, args, RegexCall::search); }

bool skipped(const Value& in, const CallArgs&) { return flag(result_map(in, "skipped"), "skipped"); }

bool started(const Value& in, const CallArgs&) {
  const Map& m = result_map(in, "started");
  const Value* f = m.find("started");
  return !f || *f == Value(1);
}

bool subset(const Value& in, const CallArgs& args) {
  List a = iterable(in), b = iterable(arg_or(args, 0, "b", Value::list()));
  return std::all_of(a.begin(), a.end(), [&](const Value& x) { return std::find(b.begin(), b.end(), x) != b.end(); });
}

bool succeeded(const Value& in, const CallArgs&) { return !flag(result_map(in, "failed"), "failed"); }

bool superset(const Value& in, const CallArgs& args) {
  List a = iterable(in), b = iterable(arg_or(args, 0, "b", Value::list()));
  return std::all_of(b.begin(), b.end(), [&](const Value& x) { return std::find(a.begin(), a.end(), x) != a.end(); });
}

bool truthy(const Value& in, const CallArgs& args) {
  // truthy(value, convert_bool=True): boolean(value) where it is a boolean word, else bool(value)
  if (bool_arg(args, 0, "convert_bool", false))
    if (auto b = parse_boolean(in)) return *b;
  return in.truthy();
}

// Any string parses as a URI; with `schemes`, its scheme must be `in` them.
bool uri(const Value& in, const CallArgs& args) {
  std::optional<Value> parts = url_parts(in);
  if (!parts) return false;
  const Value* schemes = args.arg(0, "schemes");
  if (!schemes || !schemes->truthy()) return true;
  try {
    return py_in(parts->get("scheme"), *schemes);
  } catch (const TemplateError&) {
    return false;
  }
}

bool url(const Value& in, const CallArgs& args) {
  if (!uri(in, args)) return false;
  Value parts = *url_parts(in);
  return !parts.get_string("netloc").empty() || parts.get_string("scheme") == "file";
}

bool urn(const Value& in, const CallArgs&) { return uri(in, CallArgs{List{Value::list({Value("urn")})}, {}}); }

bool unreachable(const Value& in, const CallArgs&) { return flag(result_map(in, "unreachable"), "unreachable"); }

// True for a `!vault` value still holding its ciphertext (drover decrypts inline vaults of vars
// files when it loads them, so those are plain secret strings by the time a test sees them).
bool vault_encrypted(const Value& in, const CallArgs&) {
  return has_mark(in.mark(), Mark::vault) && in.is_string() && secrets::is_vault_text(in.as_string());
}

bool version(const Value& in, const CallArgs& args) {
  const Value* strict = args.arg(2, "strict");
  const Value* type = args.arg(3, "version_type");
  if (strict && !strict->is_null() && type && !type->is_null())
    throw TemplateError("Cannot specify both 'strict' and 'version_type'");
  return version_compare(in, arg_or(args, 0, "version", Value()), string_arg(args, 1, "operator", "eq"),
                         strict && strict->truthy(), type && !type->is_null() ? python_str(*type) : "");
}

}  // namespace drover::tmpl::tests
