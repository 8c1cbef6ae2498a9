// find, as Ansible 2.14's: walks each path as Python's os.walk does (top-down, entries in
// directory order, files before directories, links to directories listed as directories but not
// entered unless follow), filters by name (fnmatch or Python regex), age, size, type and content,
// and returns stat-like dicts. Read-only: check mode changes nothing anyway.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/value/regex.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/hash.hpp"
#include "modules/util/stat_info.hpp"
#include "modules/util/text.hpp"
#include "modules/util/users.hpp"
#include "modules/module_doc.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "paths", .type = ArgType::list, .required = Required::yes, .aliases = {"name", "path"}, .description = "The directories to search."},
    ArgSpec{.name = "patterns", .type = ArgType::list, .default_value = json::array(), .aliases = {"pattern"}, .description = "Basename patterns (shell globs, or regular expressions with use_regex) a file must match one of."},
    ArgSpec{.name = "excludes", .type = ArgType::list, .aliases = {"exclude"}, .description = "Basename patterns a file must match none of."},
    ArgSpec{.name = "contains", .description = "A regular expression the content of a regular file must match (line by line unless read_whole_file)."},
    ArgSpec{.name = "read_whole_file", .type = ArgType::boolean, .default_value = false, .description = "Match contains against the whole file at once instead of each line."},
    ArgSpec{.name = "file_type", .default_value = "file", .choices = {"any", "directory", "file", "link"}, .description = "The type of file to return."},
    ArgSpec{.name = "age", .description = "Select files at least this old, or younger with a leading minus; units s, m, h, d, w (seconds by default)."},
    ArgSpec{.name = "age_stamp", .default_value = "mtime", .choices = {"atime", "ctime", "mtime"}, .description = "Which time age compares."},
    ArgSpec{.name = "size", .description = "Select files at least this size, or smaller with a leading minus; units b, k, m, g, t (bytes by default)."},
    ArgSpec{.name = "recurse", .type = ArgType::boolean, .default_value = false, .description = "Descend into subdirectories."},
    ArgSpec{.name = "hidden", .type = ArgType::boolean, .default_value = false, .description = "Include files whose name starts with a dot."},
    ArgSpec{.name = "follow", .type = ArgType::boolean, .default_value = false, .description = "Follow symbolic links."},
    ArgSpec{.name = "get_checksum", .type = ArgType::boolean, .default_value = false, .description = "Return the SHA-1 checksum of each regular file."},
    ArgSpec{.name = "use_regex", .type = ArgType::boolean, .default_value = false, .description = "Treat patterns and excludes as Python regular expressions instead of globs."},
    ArgSpec{.name = "depth", .type = ArgType::integer, .description = "How many directory levels to descend at most (with recurse)."},
};

// A failure while walking one of the paths: Ansible skips that path with this text.
struct WalkError {
  std::string message;
};

// Python's str(OSError) for a failed call on `path`.
std::string os_error(int error, const std::string& path) {
  return "[Errno " + std::to_string(error) + "] " + std::strerror(error) + ": '" + path + "'";
}

// fnmatch.translate: the pattern as a Python regex (matched whole, with DOTALL).
std::string translate_glob(const std::string& pattern) {
  std::string out;
  std::size_t i = 0, n = pattern.size();
  while (i < n) {
    char c = pattern[i++];
    if (c == '*') {
      if (!out.ends_with(".*")) out += ".*";
    } else if (c == '?') {
      out += '.';
    } else if (c == '[') {
      std::size_t j = i;
      if (j < n && pattern[j] == '!') ++j;
      if (j < n && pattern[j] == ']') ++j;
      while (j < n && pattern[j] != ']') ++j;
      if (j >= n) {
        out += "\\[";
        continue;
      }
      std::string stuff;
      for (char s : pattern.substr(i, j - i)) {
        if (s == '\\' || s == '&' || s == '~' || s == '|') stuff += '\\';
        stuff += s;
      }
      i = j + 1;
      if (stuff.empty()) out += "(?!)";
      else if (stuff == "!") out += '.';
      else {
        if (stuff[0] == '!') stuff[0] = '^';
        else if (stuff[0] == '^' || stuff[0] == '[') stuff = "\\" + stuff;
        out += "[" + stuff + "]";
      }
    } else {
      if (std::strchr("\\.^$*+?{}[]|()", c)) out += '\\';
      out += c;
    }
  }
  return out;
}

Regex compile(const std::string& pattern, const char* what, RegexFlag flags = RegexFlag::none) {
  try {
    return Regex(pattern, flags);
  } catch (const RegexError& error) {
    throw ModuleFailure(std::string(what) + " " + pattern + " is not a valid regular expression: " + error.what());
  }
}

// The name filter (Ansible's pfilter): a name must match a pattern and no exclude.
class NameFilter {
public:
  NameFilter(const json& patterns, const json& excludes, bool use_regex) : m_use_regex(use_regex) {
    for (const auto& p : patterns) m_patterns.push_back(make(p.get<std::string>(), "pattern"));
    if (excludes.is_array())
      for (const auto& e : excludes) m_excludes.push_back(make(e.get<std::string>(), "exclude"));
  }

  bool accepts(const std::string& name) const {
    for (const auto& pattern : m_patterns) {
      if (!matches(pattern, name)) continue;
      for (const auto& exclude : m_excludes)
        if (matches(exclude, name)) return false;
      return true;
    }
    return false;
  }

private:
  Regex make(const std::string& text, const char* what) const {
    if (m_use_regex) return compile(text, what);
    return compile(translate_glob(text), what, RegexFlag::dotall);
  }
  bool matches(const Regex& regex, const std::string& name) const {
    return m_use_regex ? regex.match(name).has_value() : regex.fullmatch(name).has_value();
  }

  bool m_use_regex;
  std::vector<Regex> m_patterns;
  std::vector<Regex> m_excludes;
};

// "<n><unit>" with the units given, as Ansible converts age ("1w") and size ("5k").
std::optional<long long> parse_quantity(const std::string& text, const std::vector<std::pair<char, long long>>& units) {
  std::string lowered;
  for (char c : text) lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t digits_from = lowered.starts_with("-") ? 1 : 0;
  std::size_t end = digits_from;
  while (end < lowered.size() && std::isdigit(static_cast<unsigned char>(lowered[end]))) ++end;
  if (end == digits_from) return std::nullopt;
  long long multiplier = 1;
  if (end + 1 == lowered.size()) {
    auto unit = std::find_if(units.begin(), units.end(), [&](const auto& u) { return u.first == lowered[end]; });
    if (unit == units.end()) return std::nullopt;
    multiplier = unit->second;
  } else if (end != lowered.size()) {
    return std::nullopt;
  }
  return std::stoll(lowered.substr(0, end)) * multiplier;
}

struct Options {
  std::unique_ptr<NameFilter> names;
  std::optional<Regex> contains;
  bool read_whole_file = false;
  std::string file_type;
  std::optional<long long> age;
  std::string age_stamp;
  std::optional<long long> size;
  bool recurse = false;
  bool hidden = false;
  bool follow = false;
  bool get_checksum = false;
  long long depth = 0;  // 0: no limit
  double now = 0;
};

Options build_options(const json& args) {
  Options options;
  bool use_regex = arg_bool(args, "use_regex");
  json patterns = args["patterns"];
  if (patterns.empty()) patterns = json::array({use_regex ? ".*" : "*"});
  options.names = std::make_unique<NameFilter>(patterns, args["excludes"], use_regex);
  if (is_set(args, "contains")) options.contains = compile(arg_string(args, "contains"), "contains");
  options.read_whole_file = arg_bool(args, "read_whole_file");
  options.file_type = arg_string(args, "file_type");
  if (is_set(args, "age")) {
    options.age = parse_quantity(arg_string(args, "age"), {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}});
    if (!options.age) throw ModuleFailure("failed to process age", {{"age", args["age"]}});
  }
  options.age_stamp = arg_string(args, "age_stamp");
  if (is_set(args, "size")) {
    const long long k = 1024;
    options.size = parse_quantity(arg_string(args, "size"), {{'b', 1}, {'k', k}, {'m', k * k}, {'g', k * k * k}, {'t', k * k * k * k}});
    if (!options.size) throw ModuleFailure("failed to process size", {{"size", args["size"]}});
  }
  options.recurse = arg_bool(args, "recurse");
  options.hidden = arg_bool(args, "hidden");
  options.follow = arg_bool(args, "follow");
  options.get_checksum = arg_bool(args, "get_checksum");
  options.depth = is_set(args, "depth") ? args["depth"].get<long long>() : 0;
  timespec clock{};
  ::clock_gettime(CLOCK_REALTIME, &clock);
  options.now = stat_seconds(clock);
  return options;
}

bool age_matches(const struct stat& st, const Options& options) {
  if (!options.age) return true;
  const timespec& stamp = options.age_stamp == "atime" ? st.st_atim : options.age_stamp == "ctime" ? st.st_ctim : st.st_mtim;
  double elapsed = options.now - stat_seconds(stamp);
  long long age = *options.age;
  return age >= 0 ? elapsed >= static_cast<double>(age) : elapsed <= static_cast<double>(-age);
}

bool size_matches(const struct stat& st, const Options& options) {
  if (!options.size) return true;
  long long size = *options.size;
  return size >= 0 ? st.st_size >= size : st.st_size <= -size;
}

// Ansible's contentfilter: the file read as text (universal newlines; a file that is not UTF-8
// stops matching where the undecodable bytes start), matched line by line from each line's start,
// or searched as a whole.
bool content_matches(const std::string& path, const Options& options) {
  if (!options.contains) return true;
  std::optional<std::string> data = read_file(path);
  if (!data) return false;
  std::size_t n = utf8_valid_prefix(*data);
  bool valid = n == data->size();
  std::string text;
  for (std::size_t i = 0; i < n; ++i) {
    char c = (*data)[i];
    if (c == '\r') {
      if (i + 1 < n && (*data)[i + 1] == '\n') ++i;
      c = '\n';
    }
    text += c;
  }
  try {
    if (options.read_whole_file) return valid && options.contains->search(text).has_value();
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      end = end == std::string::npos ? text.size() : end + 1;
      if (options.contains->match(std::string_view(text).substr(start, end - start))) return true;
      start = end;
    }
  } catch (const RegexError&) {
  }
  return false;
}

// Ansible's statinfo: the stat fields plus pw_name and gr_name ("" when unknown).
json stat_info(const std::string& path, const struct stat& st) {
  json info = stat_fields(st);
  info["path"] = path;
  auto user = find_user(st.st_uid);
  auto group = find_group(st.st_gid);
  info["pw_name"] = user ? user->name : "";
  info["gr_name"] = group ? group->name : "";
  return info;
}

void add_checksum(json& info, const std::string& path) {
  auto digest = file_hex_digest(HashAlgorithm::sha1, path);
  info["checksum"] = digest ? json(*digest) : json(nullptr);
}

// Whether the entry at `path` (named `name`, lstat `st`) is in the result; fills `info` then.
bool select(const std::string& path, const std::string& name, const struct stat& st, const Options& options, json& info) {
  const std::string& type = options.file_type;
  bool regular = S_ISREG(st.st_mode);
  if (type == "any") {
    if (!options.names->accepts(name) || !age_matches(st, options)) return false;
    info = stat_info(path, st);
    if (regular && options.get_checksum) add_checksum(info, path);
    return !regular || size_matches(st, options);
  }
  bool kind = type == "directory" ? S_ISDIR(st.st_mode) : type == "file" ? regular : S_ISLNK(st.st_mode);
  if (!kind || !options.names->accepts(name) || !age_matches(st, options)) return false;
  if (type == "file" && (!size_matches(st, options) || !content_matches(path, options))) return false;
  info = stat_info(path, st);
  if (type == "file" && options.get_checksum) add_checksum(info, path);
  return true;
}

// posixpath.normpath for the paths find builds (join of a walked root and an entry name).
std::string normalize(const std::string& path) {
  std::string normal = std::filesystem::path(path).lexically_normal().string();
  while (normal.size() > 1 && normal.ends_with("/")) normal.pop_back();
  return normal.empty() ? "." : normal;
}

std::string join(const std::string& dir, const std::string& name) {
  return dir.empty() || dir.ends_with("/") ? dir + name : dir + "/" + name;
}

struct Walk {
  const Options& options;
  std::string top;      // the path as given, for depth
  json& files;
  json& skipped;
  json& warnings;
  long long examined = 0;
  std::set<std::pair<dev_t, ino_t>> entered;  // directories on the way down (links can loop)
};

struct Listing {
  std::vector<std::string> files;
  std::vector<std::string> dirs;
};

// scandir(root), split as os.walk splits it: a link to a directory counts as a directory.
Listing list_directory(const std::string& root) {
  DIR* dir = ::opendir(root.c_str());
  if (!dir) throw WalkError{os_error(errno, root)};
  Listing listing;
  errno = 0;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st{};
    bool is_dir = ::stat(join(root, name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    (is_dir ? listing.dirs : listing.files).push_back(name);
  }
  ::closedir(dir);
  return listing;
}

void walk_directory(Walk& walk, const std::string& root) {
  Listing listing = list_directory(root);
  walk.examined += static_cast<long long>(listing.files.size() + listing.dirs.size());
  std::vector<std::string> entries = listing.files;
  entries.insert(entries.end(), listing.dirs.begin(), listing.dirs.end());
  bool descend = walk.options.recurse;
  std::string prefix = walk.top;
  while (prefix.size() > 1 && prefix.ends_with("/")) prefix.pop_back();
  prefix += "/";
  for (const auto& name : entries) {
    std::string path = normalize(join(root, name));
    if (walk.options.depth > 0) {
      auto slashes = [](const std::string& text) { return static_cast<long long>(std::count(text.begin(), text.end(), '/')); };
      if (slashes(path) - slashes(prefix) + 1 > walk.options.depth) {
        listing.dirs.clear();  // as Ansible empties os.walk's list: nothing deeper is entered
        continue;
      }
    }
    if (name.starts_with(".") && !walk.options.hidden) continue;
    struct stat st{};
    if (::lstat(path.c_str(), &st) != 0) {
      std::string error = os_error(errno, path);
      walk.warnings.push_back("Skipped entry '" + path + "' due to this access issue: " + error + "\n");
      walk.skipped[path] = error;
      continue;
    }
    json info;
    if (select(path, name, st, walk.options, info)) walk.files.push_back(info);
  }
  if (!descend) return;
  for (const auto& name : listing.dirs) {
    std::string path = join(root, name);
    struct stat st{};
    if (::lstat(path.c_str(), &st) != 0) continue;
    if (S_ISLNK(st.st_mode)) {
      if (!walk.options.follow || ::stat(path.c_str(), &st) != 0) continue;
    }
    if (!walk.entered.insert({st.st_dev, st.st_ino}).second) continue;  // a link back up: a loop
    walk_directory(walk, path);
    walk.entered.erase({st.st_dev, st.st_ino});
  }
}

}  // namespace

json run_find(const json& raw_args, const ModuleContext&) {
  json args = check_args(raw_args, k_spec, "find");
  Options options = build_options(args);
  json files = json::array(), skipped = json::object(), warnings = json::array();
  long long examined = 0;
  for (const auto& entry : args["paths"]) {
    std::string path = expand_user_and_vars(entry.get<std::string>(), environment_variable);
    Walk walk{options, path, files, skipped, warnings};
    try {
      struct stat st{};
      if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw WalkError{"'" + path + "' is not a directory"};
      walk.entered.insert({st.st_dev, st.st_ino});
      walk_directory(walk, path);
    } catch (const WalkError& error) {
      skipped[path] = error.message;
      warnings.push_back("Skipped '" + path + "' path due to this access issue: " + error.message + "\n");
    }
    examined += walk.examined;
  }
  json result = {{"files", files},
                 {"changed", false},
                 {"msg", warnings.empty() ? "All paths examined" : "Not all paths examined, check warnings for details"},
                 {"matched", files.size()},
                 {"examined", examined},
                 {"skipped_paths", skipped}};
  if (!warnings.empty()) result["warnings"] = warnings;
  return result;
}

namespace {
const ReturnDoc k_find_returns[] = {
    ReturnDoc{"files", "list", "success", "One stat-like dict per file found (path, mode, size, mtime...)."},
    ReturnDoc{"matched", "int", "success", "How many files were found."},
    ReturnDoc{"examined", "int", "success", "How many files were looked at."},
    ReturnDoc{"skipped_paths", "dict", "success", "The paths that could not be searched, with the reason."},
};
}  // namespace

const ModuleDoc find_doc{
    .description = "Returns the files under the given paths that match every given criterion: name patterns, age, size, type and content.",
    .options = k_spec,
    .returns = k_find_returns,
    .example = "- ansible.builtin.find:\n    paths: /var/log\n    patterns: '*.gz'\n    age: 2w\n    recurse: true\n  register: old_logs\n",
};

}  // namespace drover::modules
