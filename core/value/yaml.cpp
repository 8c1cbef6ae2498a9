#include "core/value/yaml.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include <yaml-cpp/depthguard.h>

#include "core/fs.hpp"
#include "core/value/regex.hpp"

namespace drover {

namespace {

constexpr std::size_t k_max_nodes = 5'000'000;  // "billion laughs" bound
// How deep collections may nest: the conversion recurses (yaml-cpp's own parser stops at 2,000),
// and PyYAML gives up near this depth too (Python's recursion limit).
constexpr int k_max_depth = 1000;

bool is_null_word(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

int bool_word(const std::string& s) {
  static const char* yes[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const char* no[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (auto* w : yes)
    if (s == w) return 1;
  for (auto* w : no)
    if (s == w) return 0;
  return -1;
}

std::string strip_underscores(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != '_') out += c;
  return out;
}

bool parse_int(const std::string& s, std::int64_t& out) {
  static const Regex re(R"([-+]?(?:0b[0-1_]+|0[0-7_]+|0|[1-9][0-9_]*|0x[0-9a-fA-F_]+))");
  static const Regex sexagesimal(R"([-+]?[1-9][0-9_]*(:[0-5]?[0-9])+)");
  if (s.empty()) return false;
  if (sexagesimal.fullmatch(s)) {
    bool neg = s[0] == '-';
    std::string body = (s[0] == '-' || s[0] == '+') ? s.substr(1) : s;
    std::int64_t total = 0;
    std::stringstream ss(strip_underscores(body));
    std::string part;
    while (std::getline(ss, part, ':')) {
      std::int64_t digit_group = 0;
      std::from_chars(part.data(), part.data() + part.size(), digit_group);
      // past 64 bits it stays a string, as a too-big decimal does (signed overflow is undefined)
      if (__builtin_mul_overflow(total, 60, &total) || __builtin_add_overflow(total, digit_group, &total) ||
          part.size() > 18)
        return false;
    }
    out = neg ? -total : total;
    return true;
  }
  if (!re.fullmatch(s)) return false;
  std::string t = strip_underscores(s);
  bool neg = false;
  if (t[0] == '-' || t[0] == '+') {
    neg = t[0] == '-';
    t = t.substr(1);
  }
  // `0b_` and `0x__` match the pattern but hold no digit (PyYAML fails on them): a string
  if (t == "0b" || t == "0x") return false;
  try {
    std::int64_t v;
    if (t.rfind("0b", 0) == 0) v = std::stoll(t.substr(2), nullptr, 2);
    else if (t.rfind("0x", 0) == 0) v = std::stoll(t.substr(2), nullptr, 16);
    else if (t.size() > 1 && t[0] == '0') v = std::stoll(t, nullptr, 8);
    else v = std::stoll(t, nullptr, 10);
    out = neg ? -v : v;
    return true;
  } catch (const std::out_of_range&) {
    return false;  // too big for int64: stays a string
  }
}

bool parse_float(const std::string& s, double& out) {
  static const Regex re(R"([-+]?([0-9][0-9_]*)\.[0-9_]*([eE][-+][0-9]+)?|\.[0-9_]+([eE][-+][0-9]+)?)");
  static const Regex inf(R"([-+]?\.(inf|Inf|INF))");
  static const Regex nan(R"(\.(nan|NaN|NAN))");
  if (inf.fullmatch(s)) {
    out = s[0] == '-' ? -INFINITY : INFINITY;
    return true;
  }
  if (nan.fullmatch(s)) {
    out = NAN;
    return true;
  }
  if (!re.fullmatch(s)) return false;
  out = std::stod(strip_underscores(s));
  return true;
}

std::mutex& warning_mutex() {
  static std::mutex m;
  return m;
}

YamlWarningSink& warning_sink() {
  static YamlWarningSink s = [](const std::string& m) { std::cerr << "[WARNING]: " << m << "\n"; };
  return s;
}

void warn_once(const std::string& message) {
  static std::set<std::string> seen;
  YamlWarningSink sink;
  {
    std::lock_guard lock(warning_mutex());
    if (!seen.insert(message).second) return;
    sink = warning_sink();
  }
  sink(message);
}

struct Converter {
  const std::string& file;
  std::size_t nodes = 0;
  int depth = 0;  // collections open above the node being converted
  // inside a sequence or mapping tagged !unsafe: every string in it is unsafe (Ansible wraps the
  // whole node), and so is the container, whose keys are then never templated either
  bool in_unsafe = false;

  [[noreturn]] void fail(const YAML::Node& n, const std::string& msg, const std::string& hint = "") {
    throw SourceError(location_of(n, file), msg, hint);
  }

  Value scalar(const YAML::Node& n) {
    const std::string& tag = n.Tag();
    const std::string& text = n.Scalar();
    if (tag == "!") return Value(text);  // quoted
    if (tag == "!unsafe") return Value(text, Mark::unsafe);
    if (tag == "!vault" || tag == "!vault-encrypted") return Value(text, Mark::vault);
    if (tag == "tag:yaml.org,2002:str") return Value(text);
    if (tag == "tag:yaml.org,2002:int") {
      std::int64_t i;
      if (parse_int(text, i)) return Value(i);
      fail(n, "'" + text + "' is not an integer (tagged !!int)");
    }
    if (tag == "tag:yaml.org,2002:float") {
      double d;
      if (parse_float(text, d)) return Value(d);
      std::int64_t i;
      if (parse_int(text, i)) return Value(static_cast<double>(i));
      fail(n, "'" + text + "' is not a float (tagged !!float)");
    }
    if (tag == "tag:yaml.org,2002:bool") {
      int b = bool_word(text);
      if (b >= 0) return Value(b == 1);
      fail(n, "'" + text + "' is not a boolean (tagged !!bool)");
    }
    if (tag == "tag:yaml.org,2002:null") return Value();
    if (tag != "?" && !tag.empty())
      fail(n, "unknown YAML tag '" + tag + "'",
           "drover understands !unsafe, !vault and the standard !!str/!!int/!!float/!!bool/!!null tags");
    return resolve_plain_scalar(text);
  }

  void merge_into(Map& out, const YAML::Node& src, const YAML::Node& at) {
    if (src.IsMap()) {
      Value merged = convert(src);
      for (const auto& [k, v] : merged.as_map())
        if (!out.contains(k)) out.set(k, v);
    } else if (src.IsSequence()) {
      for (const auto& item : src) merge_into(out, item, at);
    } else {
      fail(at, "a merge key (<<) must be followed by a mapping or a list of mappings");
    }
  }

  // Ansible's words (AnsibleConstructor.construct_mapping), at the mapping's own position.
  void warn_duplicate(const YAML::Node& mapping, const std::string& key) {
    SourceLocation at = location_of(mapping, file);
    warn_once("While constructing a mapping from " + file + ", line " + std::to_string(at.line) + ", column " +
              std::to_string(at.column) + ", found a duplicate dict key (" + key + "). Using last defined value only.");
  }

  std::string key_text(const YAML::Node& k) {
    if (k.IsScalar()) {
      Value v = scalar(k);
      if (v.is_string()) return v.as_string();
      if (v.is_null()) return "None";
      if (v.is_bool()) return v.as_bool() ? "True" : "False";
      if (v.is_int()) return std::to_string(v.as_int());
      return k.Scalar();
    }
    fail(k, "mapping keys must be scalars");
  }

  Value convert(const YAML::Node& n) {
    if ((n.IsSequence() || n.IsMap()) && n.Tag() == "!unsafe" && !in_unsafe) {
      in_unsafe = true;
      Value v = convert(n);
      in_unsafe = false;
      return v;
    }
    Value v = convert_node(n);
    if (in_unsafe && (v.is_string() || v.is_list() || v.is_map())) v.add_mark(Mark::unsafe);
    return v;
  }

  Value convert_node(const YAML::Node& n) {
    if (++nodes > k_max_nodes)
      fail(n, "the document expands to more than 5,000,000 nodes through aliases",
           "this looks like an alias bomb; remove the recursive anchors");
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null: {
        if (n.Type() == YAML::NodeType::Null && n.Tag() == "!") return Value("");
        return Value();
      }
      case YAML::NodeType::Scalar: return scalar(n);
      default: break;
    }
    if (++depth > k_max_depth)
      fail(n, "the document nests collections deeper than " + std::to_string(k_max_depth) + " levels",
           "flatten the data; no playbook or vars file needs this depth");
    Value v = convert_collection(n);
    --depth;
    return v;
  }

  Value convert_collection(const YAML::Node& n) {
    switch (n.Type()) {
      case YAML::NodeType::Sequence: {
        List l;
        l.reserve(n.size());
        for (const auto& item : n) l.push_back(convert(item));
        return Value(std::move(l));
      }
      case YAML::NodeType::Map: {
        Map m;
        std::vector<YAML::Node> merges;
        for (const auto& kv : n) {
          if (kv.first.IsScalar() && kv.first.Tag() == "?" && kv.first.Scalar() == "<<") {
            merges.push_back(kv.second);
            continue;
          }
          std::string key = key_text(kv.first);
          if (m.contains(key)) warn_duplicate(n, key);
          m.set(key, convert(kv.second));
        }
        for (const auto& src : merges) merge_into(m, src, src);
        return Value(std::move(m));
      }
      default: return Value();
    }
  }
};

// The mark of the quoted scalar that starts last in the text, if any. Each collection is visited
// once (aliases share their anchor's position), so an alias bomb costs nothing here.
std::optional<YAML::Mark> last_quoted_scalar(const YAML::Node& root, std::string_view text) {
  std::optional<YAML::Mark> last;
  std::set<int> visited;
  std::vector<YAML::Node> todo{root};
  auto note = [&](const YAML::Node& n) {
    const YAML::Mark m = n.Mark();
    if (m.is_null() || m.pos < 0 || static_cast<std::size_t>(m.pos) >= text.size() || n.Tag() != "!") return;
    char c = text[static_cast<std::size_t>(m.pos)];
    if ((c == '"' || c == '\'') && (!last || m.pos > last->pos)) last = m;
  };
  while (!todo.empty()) {
    YAML::Node n = todo.back();
    todo.pop_back();
    if (n.IsScalar() || n.IsNull()) {
      note(n);
      continue;
    }
    if (!n.IsSequence() && !n.IsMap()) continue;
    if (!n.Mark().is_null() && !visited.insert(n.Mark().pos).second) continue;
    if (n.IsSequence()) {
      for (const auto& item : n) todo.push_back(item);
    } else {
      for (const auto& kv : n) {
        todo.push_back(kv.first);
        todo.push_back(kv.second);
      }
    }
  }
  return last;
}

// True when the quoted scalar opening at text[pos] is closed before the end of the text.
bool quote_closes(std::string_view text, std::size_t pos) {
  const char quote = text[pos];
  for (std::size_t i = pos + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;  // an escaped character
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is a quote inside single quotes
        continue;
      }
      return true;
    }
  }
  return false;
}

void check_quotes_closed(const YAML::Node& root, std::string_view text, const std::string& file) {
  auto mark = last_quoted_scalar(root, text);
  if (!mark || quote_closes(text, static_cast<std::size_t>(mark->pos))) return;
  throw SourceError({file, mark->line + 1, mark->column + 1},
                    "YAML syntax error: found unexpected end of stream while scanning a quoted scalar",
                    "close the quote that opens here; without it the rest of the file is this one string");
}

}  // namespace

void set_yaml_warning_sink(YamlWarningSink sink) {
  std::lock_guard lock(warning_mutex());
  warning_sink() = std::move(sink);
}

SourceLocation location_of(const YAML::Node& node, const std::string& file) {
  auto mark = node.Mark();
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

YAML::Node parse_yaml(std::string_view text, const std::string& file) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    check_quotes_closed(root, text, file);
    return root;
  } catch (const YAML::DeepRecursion& e) {
    SourceLocation where{file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1};
    throw SourceError(where, "the document nests collections deeper than " + std::to_string(e.depth()) + " levels",
                      "flatten the data; no playbook or vars file needs this depth");
  } catch (const YAML::Exception& e) {
    SourceLocation where{file, e.mark.is_null() ? 0 : e.mark.line + 1,
                         e.mark.is_null() ? 0 : e.mark.column + 1};
    throw SourceError(where, "YAML syntax error: " + e.msg,
                      "check the indentation and quoting around this line");
  }
}

YAML::Node load_yaml_file(const std::string& path) {
  return parse_yaml(read_file_or_fatal(path), path);
}

Value yaml_to_value(const YAML::Node& node, const std::string& file) {
  Converter c{file};
  return c.convert(node);
}

Value resolve_plain_scalar(const std::string& text) {
  if (is_null_word(text)) return Value();
  int b = bool_word(text);
  if (b >= 0) return Value(b == 1);
  std::int64_t i;
  if (parse_int(text, i)) return Value(i);
  double d;
  if (parse_float(text, d)) return Value(d);
  return Value(text);
}

Value parse_yaml_value(std::string_view text, const std::string& file) {
  return yaml_to_value(parse_yaml(text, file), file);
}

Value load_yaml_value(const std::string& path) { return yaml_to_value(load_yaml_file(path), path); }

namespace {

std::string yaml_scalar(const Value& v) {
  switch (v.kind()) {
    case Kind::null: return "null";
    case Kind::boolean: return v.as_bool() ? "true" : "false";
    case Kind::integer: return std::to_string(v.as_int());
    case Kind::floating: {
      std::ostringstream os;
      os.precision(17);
      os << v.as_float();
      return os.str();
    }
    case Kind::string: {
      const std::string& s = v.as_string();
      Value back = resolve_plain_scalar(s);
      bool needs_quotes = !back.is_string() || s.empty() ||
                          s.find_first_of(":#{}[],&*!|>'\"%@`\n") != std::string::npos ||
                          s.front() == ' ' || s.back() == ' ' || s.front() == '-' || s.front() == '?';
      if (!needs_quotes) return s;
      std::string out = "'";
      for (char c : s) {
        if (c == '\'') out += "''";
        else if (c == '\n') out += "\n\n";
        else out += c;
      }
      return out + "'";
    }
    default: return "";
  }
}

void emit(std::string& out, const Value& v, int indent, int level) {
  std::string pad(static_cast<std::size_t>(indent * level), ' ');
  if (v.is_map()) {
    for (const auto& [k, child] : v.as_map()) {
      out += pad + yaml_scalar(Value(k)) + ":";
      if ((child.is_map() && !child.as_map().empty()) || (child.is_list() && !child.as_list().empty())) {
        out += "\n";
        emit(out, child, indent, child.is_list() ? level : level + 1);
      } else if (child.is_map()) {
        out += " {}\n";
      } else if (child.is_list()) {
        out += " []\n";
      } else {
        out += " " + yaml_scalar(child) + "\n";
      }
    }
  } else if (v.is_list()) {
    for (const auto& child : v.as_list()) {
      if ((child.is_map() && !child.as_map().empty()) || (child.is_list() && !child.as_list().empty())) {
        std::string nested;
        emit(nested, child, indent, level + 1);
        // put the first nested line on the dash line
        std::string inner_pad(static_cast<std::size_t>(indent * (level + 1)), ' ');
        out += pad + "-" + std::string(static_cast<std::size_t>(indent - 1), ' ') +
               nested.substr(inner_pad.size());
      } else if (child.is_map()) {
        out += pad + "- {}\n";
      } else if (child.is_list()) {
        out += pad + "- []\n";
      } else {
        out += pad + "- " + yaml_scalar(child) + "\n";
      }
    }
  } else {
    out += pad + yaml_scalar(v) + "\n";
  }
}

}  // namespace

std::string value_to_yaml(const Value& v, int indent) {
  std::string out;
  if ((v.is_map() && v.as_map().empty())) return "{}\n";
  if ((v.is_list() && v.as_list().empty())) return "[]\n";
  emit(out, v, indent, 0);
  return out;
}

}  // namespace drover
