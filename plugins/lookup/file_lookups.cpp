// Lookups that read files on the control node: file, fileglob, first_found, template.
#include <glob.h>
#include <sys/stat.h>


#include "core/fs.hpp"
#include "core/template/ansible_support.hpp"
#include "core/template/render_options.hpp"
#include "core/value/boolean.hpp"
#include "core/value/python_repr.hpp"
#include "plugins/lookup/lookup_support.hpp"

namespace drover::lookup {

namespace {

bool is_file(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

std::string join(const std::string& dir, const std::string& name) {
  if (!name.empty() && name[0] == '/') return name;
  if (dir.empty() || dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

bool option(const Map& kwargs, std::string_view name, bool fallback) {
  const Value* v = kwargs.find(name);
  return v ? v->truthy() : fallback;
}

std::string strip_chars(std::string s, bool left, bool right) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  if (right)
    while (!s.empty() && ws(s.back())) s.pop_back();
  if (left) {
    std::size_t i = 0;
    while (i < s.size() && ws(s[i])) ++i;
    s.erase(0, i);
  }
  return s;
}

// Python's _splitter: a string split on any of `separators`, pieces stripped, empty ones dropped.
void split_into(List& out, const Value& v, const std::string& separators) {
  if (v.is_list()) {
    for (const Value& item : v.as_list()) split_into(out, item, separators);
    return;
  }
  if (v.is_null()) return;
  std::string s = term_string(v);
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find_first_of(separators, start);
    if (end == std::string::npos) end = s.size();
    std::string piece = strip_chars(s.substr(start, end - start), true, true);
    if (!piece.empty()) out.emplace_back(piece);
    start = end + 1;
  }
}

}  // namespace

std::string term_string(const Value& term) { return python_str(term); }

std::vector<std::pair<std::string, std::string>> term_options(const std::string& text,
                                                              const std::string& not_an_option) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size()) break;
    std::size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(i, end - i);
    i = end;
    std::size_t eq = word.find('=');
    if (eq == std::string::npos) throw TemplateError(not_an_option);
    out.emplace_back(word.substr(0, eq), word.substr(eq + 1));
  }
  return out;
}

std::string base_dir(const LookupContext& ctx) { return ctx.search_paths.empty() ? "." : ctx.search_paths.front(); }

std::optional<std::string> find_in_search_path(const LookupContext& ctx, const std::string& subdir,
                                               const std::string& needle) {
  if (!needle.empty() && needle[0] == '/') {
    if (exists(needle)) return needle;
    return std::nullopt;
  }
  std::vector<std::string> dirs = ctx.search_paths;
  if (dirs.empty()) dirs.push_back(".");
  for (const std::string& dir : dirs) {
    for (const std::string& candidate : {join(join(dir, subdir), needle), join(dir, needle)})
      if (exists(candidate)) return candidate;
  }
  return std::nullopt;
}

std::string read_lookup_file(const std::string& path) {
  std::optional<std::string> content = read_file(path);
  if (!content) throw TemplateError("The 'file' lookup had an issue accessing the file '" + path + "'");
  return std::move(*content);
}

List file(const List& terms, const Map& kwargs, LookupContext& ctx) {
  bool rstrip = option(kwargs, "rstrip", true);
  bool lstrip = option(kwargs, "lstrip", false);
  List out;
  for (const Value& term : terms) {
    std::string name = term_string(term);
    auto path = find_in_search_path(ctx, "files", name);
    if (!path || !is_file(*path)) throw TemplateError("could not locate file in lookup: " + name);
    out.emplace_back(strip_chars(read_lookup_file(*path), lstrip, rstrip));
  }
  return out;
}

List fileglob(const List& terms, const Map&, LookupContext& ctx) {
  List out;
  for (const Value& term : terms) {
    std::string pattern = term_string(term);
    std::size_t slash = pattern.rfind('/');
    std::string file_part = slash == std::string::npos ? pattern : pattern.substr(slash + 1);
    std::vector<std::string> dirs;
    if (slash != std::string::npos) {
      std::string dir = slash == 0 ? "/" : pattern.substr(0, slash);
      if (auto found = find_in_search_path(ctx, "files", dir)) dirs.push_back(*found);
    } else {
      std::vector<std::string> paths = ctx.search_paths;
      if (paths.empty()) paths.push_back(".");
      for (const std::string& p : paths) dirs.push_back(join(p, "files")), dirs.push_back(p);
    }
    for (const std::string& dir : dirs) {
      glob_t g{};
      std::vector<std::string> found;
      if (::glob(join(dir, file_part).c_str(), 0, nullptr, &g) == 0)
        for (std::size_t i = 0; i < g.gl_pathc; ++i)
          if (is_file(g.gl_pathv[i])) found.emplace_back(g.gl_pathv[i]);
      globfree(&g);
      if (!found.empty()) {
        for (auto& f : found) out.emplace_back(f);
        break;
      }
    }
  }
  return out;
}

List first_found(const List& terms, const Map& kwargs, LookupContext& ctx) {
  List candidates;
  bool skip = false;
  // a term is a file name, a dict of options, or a list of either
  std::function<void(const List&)> process = [&](const List& ts) {
    for (const Value& term : ts) {
      const Map* options = &kwargs;
      if (term.is_list()) {
        process(term.as_list());
        continue;
      }
      if (term.is_map()) options = &term.as_map();
      else if (!term.is_string())
        throw TemplateError("Invalid term supplied, can handle string, mapping or list of strings but got: <class '" +
                            term.type_name() + "'> for " + python_str(term));
      List files, paths;
      if (const Value* f = options->find("files")) split_into(files, *f, ",;");
      if (const Value* p = options->find("paths")) split_into(paths, *p, ",:;");
      const Value* s = options->find("skip");
      skip = s && s->truthy();
      if (!paths.empty()) {
        for (const Value& p : paths)
          for (const Value& f : files) candidates.emplace_back(join(p.as_string(), f.as_string()));
      } else if (!files.empty()) {
        candidates = files;
      } else {
        candidates.push_back(term);
      }
    }
  };
  process(terms);
  for (const Value& c : candidates)
    if (auto path = find_in_search_path(ctx, "files", term_string(c))) return List{Value(*path)};
  if (skip) return {};
  throw TemplateError("No file was found when using first_found.");
}

List template_(const List& terms, const Map& kwargs, LookupContext& ctx) {
  // the delimiters Ansible's lookup takes, passed as the Jinja2 header of the template
  std::vector<std::pair<std::string, Value>> overrides;
  for (const char* key : {"variable_start_string", "variable_end_string", "comment_start_string", "comment_end_string"})
    if (const Value* v = kwargs.find(key); v && !v->is_null()) overrides.emplace_back(key, Value(python_str(*v)));
  bool convert_data = true;
  if (const Value* v = kwargs.find("convert_data")) {
    std::optional<bool> b = parse_boolean(*v);
    if (!b) throw TemplateError("Invalid type for configuration option convert_data: " + python_str(*v) + " is not a valid boolean");
    convert_data = *b;
  }
  List out;
  for (const Value& term : terms) {
    std::string name = term_string(term);
    auto path = find_in_search_path(ctx, "templates", name);
    if (!path) throw TemplateError("the template file " + name + " could not be found for the lookup");
    if (!ctx.render) throw TemplateError("the template lookup needs the template engine");
    const std::string source = tmpl::with_jinja2_overrides(read_lookup_file(*path), overrides);
    Value rendered(ctx.render_file ? ctx.render_file(source, *path) : ctx.render(source));
    out.push_back(convert_data ? tmpl::literal_text_result(rendered) : rendered);
  }
  return out;
}

}  // namespace drover::lookup
