// Version comparison as Ansible's `version` test: LooseVersion (the default), StrictVersion
// (strict=True or version_type='strict') and SemanticVersion ('semver'/'semantic'). 'pep440' is
// not supported (Ansible needs the `packaging` library for it).
#include "core/template/ansible_support.hpp"
#include "core/value/regex.hpp"

namespace drover::tmpl {

namespace {

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A LooseVersion component: an int or a string.
struct Part {
  bool is_int;
  std::int64_t n;
  std::string s;
  friend bool operator==(const Part& a, const Part& b) { return a.is_int == b.is_int && (a.is_int ? a.n == b.n : a.s == b.s); }
};

std::vector<Part> loose_parts(const std::string& v) {
  static const Regex component(R"(\d+|[a-z]+|\.)", RegexFlag::ascii);
  std::vector<Part> parts;
  auto add = [&](const std::string& x) {
    if (x.empty() || x == ".") return;
    bool digits = x.find_first_not_of("0123456789") == std::string::npos;
    parts.push_back(digits ? Part{true, std::stoll(x), {}} : Part{false, 0, x});
  };
  std::size_t last = 0;
  for (const RegexMatch& m : component.find_all(v)) {
    add(v.substr(last, m.start() - last));
    add(std::string(m.group()));
    last = m.end();
  }
  add(v.substr(last));
  return parts;
}

int compare_loose(const std::string& a, const std::string& b) {
  std::vector<Part> x = loose_parts(a), y = loose_parts(b);
  if (x == y) return 0;
  for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (x[i] == y[i]) continue;
    if (x[i].is_int != y[i].is_int)
      throw Failure(std::string("'<' not supported between instances of '") + (x[i].is_int ? "int" : "str") +
                    "' and '" + (y[i].is_int ? "int" : "str") + "'");
    if (x[i].is_int) return x[i].n < y[i].n ? -1 : 1;
    return x[i].s < y[i].s ? -1 : 1;
  }
  return x.size() < y.size() ? -1 : 1;
}

template <typename T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int compare_strict(const std::string& a, const std::string& b) {
  static const Regex strict(R"((\d+)\.(\d+)(\.(\d+))?([ab](\d+))?)", RegexFlag::ascii);
  struct Strict {
    std::vector<std::int64_t> numbers;
    bool pre = false;
    char letter = 0;
    std::int64_t pre_n = 0;
  };
  auto parse = [](const std::string& v) {
    std::optional<RegexMatch> m = strict.fullmatch(v);
    if (!m) throw Failure("invalid version number '" + v + "'");
    auto number = [&](std::size_t g) { return std::stoll(std::string(m->group(g))); };
    Strict s;
    s.numbers = {number(1), number(2), m->matched(4) ? number(4) : 0};
    if (m->matched(5)) s.pre = true, s.letter = m->group(5)[0], s.pre_n = number(6);
    return s;
  };
  Strict x = parse(a), y = parse(b);
  if (int c = three_way(x.numbers, y.numbers)) return c;
  if (x.pre != y.pre) return x.pre ? -1 : 1;
  if (!x.pre) return 0;
  return three_way(std::make_pair(x.letter, x.pre_n), std::make_pair(y.letter, y.pre_n));
}

int compare_semver(const std::string& a, const std::string& b) {
  static const Regex semver(
      R"((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?)",
      RegexFlag::ascii);
  struct Sem {
    std::vector<std::int64_t> core;
    std::vector<std::string> pre;
  };
  auto parse = [](const std::string& v) {
    std::optional<RegexMatch> m = semver.fullmatch(v);
    if (!m) throw Failure("invalid semantic version '" + v + "'");
    auto number = [&](std::size_t g) { return std::stoll(std::string(m->group(g))); };
    Sem s;
    s.core = {number(1), number(2), number(3)};
    if (m->matched(4)) {
      std::string pre(m->group(4));
      for (std::size_t i = 0; i <= pre.size();) {
        std::size_t dot = pre.find('.', i);
        if (dot == std::string::npos) dot = pre.size();
        s.pre.push_back(pre.substr(i, dot - i));
        i = dot + 1;
      }
    }
    return s;
  };
  Sem x = parse(a), y = parse(b);
  if (int c = three_way(x.core, y.core)) return c;
  if (x.pre.empty() != y.pre.empty()) return x.pre.empty() ? 1 : -1;
  auto numeric = [](const std::string& s) { return s.find_first_not_of("0123456789") == std::string::npos; };
  for (std::size_t i = 0; i < x.pre.size() && i < y.pre.size(); ++i) {
    const std::string &p = x.pre[i], &q = y.pre[i];
    if (p == q) continue;
    if (numeric(p) && numeric(q)) return three_way(std::stoll(p), std::stoll(q));
    if (numeric(p) != numeric(q)) return numeric(p) ? -1 : 1;
    return three_way(p, q);
  }
  return three_way(x.pre.size(), y.pre.size());
}

}  // namespace

bool version_compare(const Value& value, const Value& version, const std::string& op_in, bool strict,
                     const std::string& version_type) {
  static const std::vector<std::pair<std::string, std::string>> ops{
      {"==", "eq"}, {"=", "eq"}, {"eq", "eq"}, {"<", "lt"},  {"lt", "lt"}, {"<=", "le"}, {"le", "le"},
      {">", "gt"},  {"gt", "gt"}, {">=", "ge"}, {"ge", "ge"}, {"!=", "ne"}, {"<>", "ne"}, {"ne", "ne"}};
  if (!value.truthy()) throw TemplateError("Input version value cannot be empty");
  if (!version.truthy()) throw TemplateError("Version parameter to compare against cannot be empty");
  std::string type = strict ? "strict" : (version_type.empty() ? "loose" : version_type);
  if (type != "loose" && type != "strict" && type != "semver" && type != "semantic")
    throw TemplateError("Invalid version type (" + version_type +
                        "). Must be one of 'loose', 'strict', 'semver', 'semantic', 'pep440'");
  std::string op;
  for (const auto& [k, v] : ops)
    if (k == op_in) op = v;
  if (op.empty())
    throw TemplateError("Invalid operator type (" + op_in +
                        "). Must be one of '==', '=', 'eq', '<', 'lt', '<=', 'le', '>', 'gt', '>=', 'ge', '!=', "
                        "'<>', 'ne'");
  int c;
  try {
    std::string a = python_str(value), b = python_str(version);
    c = type == "loose" ? compare_loose(a, b) : type == "strict" ? compare_strict(a, b) : compare_semver(a, b);
  } catch (const Failure& e) {
    throw TemplateError(std::string("Version comparison failed: ") + e.what());
  }
  if (op == "eq") return c == 0;
  if (op == "ne") return c != 0;
  if (op == "lt") return c < 0;
  if (op == "le") return c <= 0;
  if (op == "gt") return c > 0;
  return c >= 0;
}

}  // namespace drover::tmpl
