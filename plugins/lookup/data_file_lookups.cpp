// Lookups that read values out of data files in the search path: ini (Python's configparser),
// csvfile (Python's csv reader), unvault (a file, decrypted when it is vault text).
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/secrets/secrets_options.hpp"
#include "core/secrets/vault.hpp"
#include "core/template/ansible_support.hpp"
#include "core/value/boolean.hpp"
#include "core/value/regex.hpp"
#include "core/value/text.hpp"
#include "plugins/lookup/lookup_support.hpp"

namespace drover::lookup {

namespace {

// The words of a term, as Python's str.split() makes them.
std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  for (const Value& word : tmpl::py_split(s, Value())) out.push_back(word.as_string());
  return out;
}

// Options: the lookup's defaults, then keyword arguments (unknown names are errors).
Map options_with(const Map& defaults, const Map& kwargs, const std::string& lookup) {
  Map out = defaults;
  for (const auto& [k, v] : kwargs) {
    if (!defaults.contains(k)) throw TemplateError("Invalid option '" + k + "' for the " + lookup + " lookup");
    out.set(k, v);
  }
  return out;
}

// An option of `opts`, which holds every option (options_with starts from the defaults).
const Value& opt(const Map& opts, std::string_view name) { return *opts.find(name); }

std::string file_in_search_path(const LookupContext& ctx, const std::string& name) {
  auto path = find_in_search_path(ctx, "files", name);
  if (!path) throw TemplateError("could not locate file in lookup: " + name);
  return *path;
}

// --- ini ------------------------------------------------------------------------------------------

// configparser.ConfigParser(strict=True) with BasicInterpolation: sections keep file order, keys
// are lowercased unless case-sensitive; DEFAULT's keys show in every section. A key without a
// value (allow_no_value) holds null.
struct IniFile {
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, Value>>>> sections;
  std::vector<std::pair<std::string, Value>> defaults;

  std::vector<std::pair<std::string, Value>>* section(const std::string& name) {
    for (auto& s : sections)
      if (s.first == name) return &s.second;
    return nullptr;
  }
};

IniFile parse_ini(const std::string& text, const std::string& file, bool case_sensitive, bool allow_no_value) {
  IniFile ini;
  std::vector<std::pair<std::string, Value>>* current = nullptr;
  Value* last = nullptr;
  std::size_t last_indent = 0;
  std::size_t line_no = 0;
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string stripped(trim(line));
    std::size_t indent = line.find_first_not_of(" \t");
    if (stripped.empty() || stripped[0] == '#' || stripped[0] == ';') {
      if (stripped.empty()) last = nullptr;
      continue;
    }
    if (last && indent > last_indent && last->is_string()) {
      *last = Value(last->as_string() + "\n" + stripped);
      continue;
    }
    last = nullptr;
    if (stripped.front() == '[' && stripped.back() == ']') {
      std::string name = stripped.substr(1, stripped.size() - 2);
      if (name == "DEFAULT") {
        current = &ini.defaults;
      } else {
        if (ini.section(name))
          throw TemplateError("While reading from '" + file + "' [line " + std::to_string(line_no) + "]: section '" +
                              name + "' already exists");
        ini.sections.emplace_back(name, std::vector<std::pair<std::string, Value>>{});
        current = &ini.sections.back().second;
      }
      continue;
    }
    if (!current) throw TemplateError("File contains no section headers.\nfile: '" + file + "', line: " + std::to_string(line_no));
    std::size_t delim = line.find_first_of("=:");
    std::string key(trim(std::string_view(line).substr(0, delim)));
    if (!case_sensitive) key = ascii_lower(key);
    Value value;
    if (delim != std::string::npos) value = Value(trim(std::string_view(line).substr(delim + 1)));
    else if (!allow_no_value) throw TemplateError("Source contains parsing errors: '" + file + "'");
    for (const auto& kv : *current)
      if (kv.first == key)
        throw TemplateError("Duplicate option in '" + file + "': While reading from '" + file + "' [line " +
                            std::to_string(line_no) + "]: option '" + key + "' already exists");
    current->emplace_back(key, value);
    last = &current->back().second;
    last_indent = indent;
  }
  return ini;
}

// BasicInterpolation: `%%` is a percent sign, `%(name)s` the (interpolated) value of another key.
std::string interpolate(const std::string& value, const std::map<std::string, Value>& keys, int depth = 0) {
  if (depth > 10) throw TemplateError("Recursion limit exceeded in value substitution");
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      out += value[i];
      continue;
    }
    if (i + 1 < value.size() && value[i + 1] == '%') {
      out += '%', ++i;
      continue;
    }
    std::size_t close = value.find(")s", i);
    if (i + 1 >= value.size() || value[i + 1] != '(' || close == std::string::npos)
      throw TemplateError("'%' must be followed by '%' or '(', found: " + python_repr(Value(value.substr(i))));
    std::string name = ascii_lower(value.substr(i + 2, close - i - 2));
    auto it = keys.find(name);
    if (it == keys.end() || !it->second.is_string()) throw TemplateError("Bad value substitution: option " + python_repr(Value(name)));
    out += interpolate(it->second.as_string(), keys, depth + 1);
    i = close + 1;
  }
  return out;
}

// The items of a section, DEFAULT's first (as configparser orders them), values as written.
std::vector<std::pair<std::string, Value>> section_items(IniFile& ini, const std::string& name, const std::string& file) {
  auto* section = ini.section(name);
  if (!section) throw TemplateError("No section '" + name + "' in " + file);
  std::vector<std::pair<std::string, Value>> merged = ini.defaults;
  for (const auto& kv : *section) {
    auto it = std::find_if(merged.begin(), merged.end(), [&](const auto& m) { return m.first == kv.first; });
    if (it != merged.end()) it->second = kv.second;
    else merged.push_back(kv);
  }
  return merged;
}

// A value of the section with `%(name)s` references resolved (configparser does it on get()).
Value interpolated(const Value& v, const std::vector<std::pair<std::string, Value>>& items) {
  if (!v.is_string()) return v;
  return Value(interpolate(v.as_string(), std::map<std::string, Value>(items.begin(), items.end())));
}

// The deprecated inline form "key section=s file=f": words join onto the last option named.
std::string parse_inline_ini(const std::string& term, Map& opts) {
  std::vector<std::pair<std::string, std::string>> params;
  std::string current = "key";
  for (const std::string& word : split_words(term)) {
    for (const auto& [name, v] : opts)
      if (word.find(name + "=") != std::string::npos) current = name;
    auto it = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == current; });
    if (it == params.end() || it->second.empty()) {
      if (it == params.end()) params.emplace_back(current, word);
      else it->second = word;
    } else {
      it->second += " " + word;
    }
  }
  std::string key;
  for (const auto& [name, text] : params) {
    std::size_t eq = text.find('=');
    if (eq == std::string::npos) {
      if (key.empty()) key = text;
      continue;
    }
    std::string opt = text.substr(0, eq);
    if (!opts.contains(opt)) throw TemplateError(opt + " is not a valid option.");
    opts.set(opt, Value(text.substr(eq + 1)));
  }
  if (key.empty()) throw TemplateError("No key to lookup was provided as first term with in string inline options: " + term);
  return key;
}

// --- csv ------------------------------------------------------------------------------------------

// csv.reader with the excel dialect and the given delimiter: quoted fields, doubled quotes.
std::vector<std::vector<std::string>> parse_csv(const std::string& text, char delimiter) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, in_row = false, was_quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
      continue;
    }
    if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = in_row = true;
    } else if (c == delimiter) {
      row.push_back(field), field.clear(), was_quoted = false, in_row = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (in_row || !field.empty()) row.push_back(field);
      rows.push_back(row);
      row.clear(), field.clear(), in_row = was_quoted = false;
    } else {
      field += c, in_row = true;
    }
  }
  if (in_row || !field.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

// parse_kv for the csvfile term: `key file=x.csv col=2`; words without '=' make the key.
std::string parse_inline_csv(const std::string& term, Map& opts) {
  std::string key;
  for (const std::string& word : split_words(term)) {
    std::size_t eq = word.find('=');
    if (eq == std::string::npos) {
      key += (key.empty() ? "" : " ") + word;
      continue;
    }
    std::string opt = word.substr(0, eq);
    if (!opts.contains(opt)) throw TemplateError(opt + " is not a valid option");
    opts.set(opt, Value(word.substr(eq + 1)));
  }
  if (key.empty()) throw TemplateError("Search key is required but was not found");
  return key;
}

}  // namespace

List ini(const List& terms, const Map& kwargs, LookupContext& ctx) {
  const Map defaults{{"file", Value("ansible.ini")}, {"section", Value("global")},   {"re", Value(false)},
                     {"default", Value("")},         {"type", Value("ini")},          {"encoding", Value("utf-8")},
                     {"case_sensitive", Value(false)}, {"allow_no_value", Value(false)}, {"allow_none", Value(false)}};
  List out;
  for (const Value& term : terms) {
    Map opts = options_with(defaults, kwargs, "ini");
    std::string key = term_string(term);
    std::string_view trimmed = trim(key);
    if (key.find('=') != std::string::npos || trimmed.find(' ') != std::string::npos) key = parse_inline_ini(key, opts);
    std::string file_name = python_str(opt(opts, "file"));
    std::string text = read_lookup_file(file_in_search_path(ctx, file_name));
    std::string section = python_str(opt(opts, "section"));
    if (python_str(opt(opts, "type")) == "properties") {
      text = "[java_properties]\n" + text;
      section = "java_properties";
    }
    bool case_sensitive = loose_boolean(opt(opts, "case_sensitive"));
    IniFile parsed = parse_ini(text, file_name, case_sensitive,
                               loose_boolean(opt(opts, "allow_no_value")) || loose_boolean(opt(opts, "allow_none")));
    auto items = section_items(parsed, section, file_name);
    if (loose_boolean(opt(opts, "re"))) {
      tmpl::with_regex([&] {
        Regex re(key);
        for (const auto& [k, v] : items) {
          Value value = interpolated(v, items);  // items() interpolates every value
          if (re.match(k)) out.push_back(value);
        }
      });
      continue;
    }
    std::string wanted = case_sensitive ? key : ascii_lower(key);
    auto it = std::find_if(items.begin(), items.end(), [&](const auto& kv) { return kv.first == wanted; });
    Value value = it == items.end() ? opt(opts, "default") : interpolated(it->second, items);
    if (value.is_list()) out.insert(out.end(), value.as_list().begin(), value.as_list().end());
    else if (!value.is_null()) out.push_back(value);
  }
  return out;
}

List csvfile(const List& terms, const Map& kwargs, LookupContext& ctx) {
  const Map defaults{{"col", Value("1")},        {"default", Value()},           {"delimiter", Value("TAB")},
                     {"file", Value("ansible.csv")}, {"encoding", Value("utf-8")}};
  List out;
  for (const Value& term : terms) {
    Map opts = options_with(defaults, kwargs, "csvfile");
    std::string key = parse_inline_csv(term_string(term), opts);
    std::string delimiter = python_str(opt(opts, "delimiter"));
    if (delimiter == "TAB") delimiter = "\t";
    if (delimiter.size() != 1) throw TemplateError("csvfile: \"delimiter\" must be a 1-character string");
    std::string path = file_in_search_path(ctx, python_str(opt(opts, "file")));
    Value value = opt(opts, "default");
    for (const auto& row : parse_csv(read_lookup_file(path), delimiter[0])) {
      if (row.empty() || row[0] != key) continue;
      std::string col_text = python_str(opt(opts, "col"));
      std::int64_t col = 0;
      try {
        std::size_t used = 0;
        col = std::stoll(col_text, &used);
        if (used != col_text.size()) throw std::invalid_argument(col_text);
      } catch (const std::exception&) {
        throw TemplateError("csvfile: invalid literal for int() with base 10: " + python_repr(Value(col_text)));
      }
      if (col < 0) col += static_cast<std::int64_t>(row.size());
      if (col < 0 || col >= static_cast<std::int64_t>(row.size())) throw TemplateError("csvfile: list index out of range");
      value = Value(row[static_cast<std::size_t>(col)]);
      break;
    }
    if (value.is_list()) out.insert(out.end(), value.as_list().begin(), value.as_list().end());
    else if (!value.is_null()) out.push_back(value);
  }
  return out;
}

List unvault(const List& terms, const Map&, LookupContext& ctx) {
  List out;
  for (const Value& term : terms) {
    std::string name = term_string(term);
    auto path = find_in_search_path(ctx, "files", name);
    if (!path) throw TemplateError("Unable to find file matching \"" + name + "\" ");
    std::string text = read_lookup_file(*path);
    if (!secrets::is_vault_text(text)) {
      out.emplace_back(text);
      continue;
    }
    try {
      out.emplace_back(secrets::vault_decrypt(text, secrets::vault_secrets(), *path), Mark::secret);
    } catch (const Fatal& e) {
      throw TemplateError(e.what());
    }
  }
  return out;
}

}  // namespace drover::lookup
