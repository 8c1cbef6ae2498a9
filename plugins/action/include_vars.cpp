// include_vars: Ansible's action of that name (plugins/action/include_vars.py) on the control
// node: one file (`file`, or the free-form word) found on the task's search path, or every file
// of a folder (`dir`, walked as Ansible walks it), loaded in order into `ansible_facts`.
#include <algorithm>
#include <filesystem>
#include <optional>
#include <sstream>

#include "core/secrets/vars_file.hpp"
#include "core/value/boolean.hpp"
#include "core/value/python_repr.hpp"
#include "core/value/regex.hpp"
#include "core/value/text.hpp"
#include "plugins/action/action.hpp"

namespace drover::action {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_dir_args[] = {"depth", "dir", "extensions", "files_matching", "ignore_files",
                                           "ignore_unknown_extensions"};
constexpr std::string_view k_file_args[] = {"_raw_params", "file"};
constexpr std::string_view k_any_args[] = {"hash_behaviour", "name"};

template <std::size_t N>
bool listed(const std::string_view (&table)[N], std::string_view word) {
  return std::find(std::begin(table), std::end(table), word) != std::end(table);
}

struct DirOptions {
  std::int64_t depth = 0;  // 0: every folder
  std::optional<Regex> matcher;
  std::vector<Regex> ignore;  // each pattern with `$` appended (re.search)
  std::vector<std::string> extensions{"yaml", "yml", "json"};
  bool ignore_unknown_extensions = false;
};

std::vector<std::string> string_list(const Value& v) {
  std::vector<std::string> out;
  if (v.is_list())
    for (const Value& item : v.as_list()) out.push_back(python_str(item));
  return out;
}

// Python's str.split(): the words between runs of whitespace.
std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

bool valid_extension(const std::string& name, const std::vector<std::string>& extensions) {
  std::string ext = fs::path(name).extension().string();  // os.path.splitext: ".yml" or ""
  if (!ext.empty()) ext.erase(0, 1);
  return std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
}

// Ansible's _traverse_dir_depth: every folder under `root` (itself included, links to folders
// not followed) sorted by path; `depth` counts folders in that order, not levels. Each folder's
// files sorted by name.
std::vector<std::pair<std::string, std::vector<std::string>>> walk_sorted(const std::string& root, std::int64_t depth) {
  std::vector<std::string> dirs{root};
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec)) dirs.push_back(it->path().string());
  std::sort(dirs.begin(), dirs.end());
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    if (depth != 0 && static_cast<std::int64_t>(i) >= depth) break;
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dirs[i], ec)) {
      std::error_code e2;
      if (!(entry.is_directory(e2) && !entry.is_symlink(e2))) files.push_back(entry.path().filename().string());
    }
    std::sort(files.begin(), files.end());
    out.emplace_back(dirs[i], std::move(files));
  }
  return out;
}

class IncludeVars {
public:
  explicit IncludeVars(ActionContext& ctx) : m_ctx(ctx) {}

  Value run() {
    int dirs = 0, files = 0;
    for (const auto& [k, v] : m_ctx.args.as_map()) {
      if (listed(k_dir_args, k)) ++dirs;
      else if (listed(k_file_args, k)) ++files;
      else if (!listed(k_any_args, k)) return failed_result(k + " is not a valid option in include_vars");
    }
    if (dirs && files) return failed_result("You are mixing file only and dir only arguments, these are incompatible");
    std::string dir = m_ctx.args.get_string("dir");
    std::string file = m_ctx.args.get_string("file");
    if (dir.empty() && file.empty()) file = std::string(rtrim_newlines(m_ctx.args.get_string("_raw_params")));
    Map results;
    std::optional<std::string> error;
    try {
      error = dir.empty() ? load_one(file, results) : load_dir(dir, results);
    } catch (const RegexError& e) {
      error = e.what();
    } catch (const Fatal& e) {
      error = e.what();
    }
    Value facts(std::move(results));
    if (const std::string name = m_ctx.args.get_string("name"); !name.empty()) {
      Map scope;
      scope.set(name, std::move(facts));
      facts = Value(std::move(scope));
    }
    Map m;
    if (error) {
      m.set("failed", true);
      m.set("message", *error);
    } else if (const std::string how = m_ctx.args.get_string("hash_behaviour"); how == "merge") {
      // combine_vars(old, new, merge=True) with the variable's value before the task
      for (auto& [k, v] : facts.mutable_map())
        if (const Value* old = m_ctx.vars.find(k); old && old->is_map() && v.is_map()) v = merge_recursive(*old, v);
    }
    List included;
    for (const auto& f : m_included) included.push_back(Value(f));
    m.set("ansible_included_var_files", Value(std::move(included)));
    m.set("ansible_facts", std::move(facts));
    m.set("changed", false);
    return Value(std::move(m));
  }

private:
  ActionContext& m_ctx;
  std::vector<std::string> m_included;

  static std::string_view rtrim_newlines(std::string_view s) {
    while (!s.empty() && s.back() == '\n') s.remove_suffix(1);
    return s;
  }

  // One file found as Ansible's _find_needle('vars', file) finds it.
  std::optional<std::string> load_one(const std::string& file, Map& results) {
    std::string path = find_file(m_ctx.search_paths, "vars", file);
    if (path.empty()) {
      std::string msg = file.empty() ? "Could not find file" : "Could not find or access '" + file + "'";
      return msg + " on the Ansible Controller.\nIf you are using a module and expect the file to exist on the "
                   "remote, see the remote_src option";
    }
    return load_file(path, results);
  }

  std::optional<std::string> load_file(const std::string& path, Map& results) {
    Value vars = secrets::load_vars_file(path);
    if (vars.is_null()) vars = Value::map();
    if (!vars.is_map()) return path + " must be stored as a dictionary/hash";
    m_included.push_back(path);
    for (const auto& [k, v] : vars.as_map()) results.set(k, v);
    return std::nullopt;
  }

  // `dir` is relative to the role's vars/ (or the role, when it starts with vars/), else to the
  // folder of the file the task is written in.
  std::string root_dir(const std::string& dir) const {
    if (fs::path(dir).is_absolute()) return dir;
    if (const playbook::Role* role = m_ctx.task.role.get()) {
      if (dir.substr(0, dir.find('/')) == "vars") {
        fs::path p = fs::path(role->path) / dir;
        return fs::exists(p) ? p.string() : dir;
      }
      return (fs::path(role->path) / "vars" / dir).string();
    }
    std::string base = m_ctx.task.where.known() ? fs::path(m_ctx.task.where.file).parent_path().string() : "";
    return (fs::path(base) / dir).string();
  }

  std::optional<std::string> load_dir(const std::string& dir, Map& results) {
    DirOptions o;
    if (const Value* d = m_ctx.args.find("depth"); d && !d->is_null()) o.depth = d->is_int() ? d->as_int() : std::stoll(python_str(*d));
    if (std::string pattern = m_ctx.args.get_string("files_matching"); !pattern.empty()) o.matcher.emplace(pattern);
    const Value* ignore = m_ctx.args.find("ignore_files");
    std::vector<std::string> ignore_list;
    if (ignore && ignore->is_string()) ignore_list = split_words(ignore->as_string());
    else if (ignore && ignore->is_map()) return python_repr(*ignore) + " must be a list";
    else if (ignore) ignore_list = string_list(*ignore);
    for (const auto& p : ignore_list) {
      try {
        o.ignore.emplace_back(p + "$");
      } catch (const RegexError&) {
        return "Invalid regular expression: " + p;
      }
    }
    if (const Value* e = m_ctx.args.find("extensions")) {
      if (e->is_string()) {  // Python's list("yml"): its characters
        o.extensions.clear();
        for (char c : e->as_string()) o.extensions.emplace_back(1, c);
      } else if (e->is_list()) {
        o.extensions = string_list(*e);
      } else {
        return "Invalid type for \"extensions\" option, it must be a list";
      }
    }
    o.ignore_unknown_extensions = loose_boolean(m_ctx.args.get("ignore_unknown_extensions"));
    const std::string root = root_dir(dir);
    std::error_code ec;
    if (!fs::exists(root, ec)) return dir + " directory does not exist";
    if (!fs::is_directory(root, ec)) return dir + " is not a directory";
    for (const auto& [folder, files] : walk_sorted(root, o.depth))
      if (auto error = load_folder(folder, files, o, results)) return error;
    return std::nullopt;
  }

  std::optional<std::string> load_folder(const std::string& folder, const std::vector<std::string>& files,
                                         const DirOptions& o, Map& results) {
    for (const auto& name : files) {
      const playbook::Role* role = m_ctx.task.role.get();
      // a role's own vars/main.yml is loaded already
      if (role && (fs::path(role->path) / name) == (fs::path(folder) / "vars" / "main.yml")) continue;
      if (o.matcher && !o.matcher->search(name)) continue;
      const bool ignored = std::any_of(o.ignore.begin(), o.ignore.end(), [&](const Regex& r) { return r.search(name).has_value(); });
      const std::string path = (fs::path(folder) / name).string();
      if (ignored || !fs::exists(path)) continue;
      if (o.ignore_unknown_extensions && !valid_extension(name, o.extensions)) continue;
      if (!valid_extension(name, o.extensions)) {
        std::string joined;
        for (const auto& e : o.extensions) joined += (joined.empty() ? "" : ", ") + e;
        return path + " does not have a valid extension: " + joined;
      }
      if (auto error = load_file(path, results)) return error;
    }
    return std::nullopt;
  }
};

}  // namespace

Value run_include_vars(ActionContext& ctx) { return IncludeVars(ctx).run(); }

}  // namespace drover::action
