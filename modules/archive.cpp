// archive, as community.general's (6.x, Debian's `ansible`): packs files and trees on the target
// into a tar (plain, gz, bz2, xz) or zip archive, or compresses a single file. It is made with
// the target's GNU tar, zip, gzip, bzip2 or xz (a missing one is a clear error naming it), in a
// temp directory beside dest, and renamed over dest only when it differs from the archive there:
// by member names and headers for tar (community.general compares the tar header checksums), by
// member names and CRC-32 for zip, by the decompressed content for a compressed file. So a second
// run changes nothing and an interrupted one leaves the old archive.
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <sstream>

#include <fnmatch.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

namespace fs = std::filesystem;

const std::array k_spec{
    ArgSpec{.name = "path", .type = ArgType::list, .required = Required::yes, .description = "Absolute paths or globs of the files and trees to archive."},
    ArgSpec{.name = "format", .default_value = "gz", .choices = {"bz2", "gz", "tar", "xz", "zip"}, .description = "The kind of archive (gz, bz2 and xz: a compressed tar, or a compressed file for a single file)."},
    ArgSpec{.name = "dest", .type = ArgType::path, .description = "The archive to write; required for several paths, a glob or a directory (else PATH.FORMAT)."},
    ArgSpec{.name = "exclude_path", .type = ArgType::list, .default_value = json::array(), .description = "Absolute paths or globs taken out of path's list."},
    ArgSpec{.name = "exclusion_patterns", .type = ArgType::list, .description = "Glob patterns of files and directories below path to leave out (matched against the name in a tar archive, the full path for zip)."},
    ArgSpec{.name = "force_archive", .type = ArgType::boolean, .default_value = false, .description = "Make an archive even of a single file (else a single file is only compressed)."},
    ArgSpec{.name = "remove", .type = ArgType::boolean, .default_value = false, .description = "Remove the archived files and trees afterwards."},
    ArgSpec{.name = "mode", .type = ArgType::raw, .description = "The permissions of the archive (octal string or symbolic)."},
    ArgSpec{.name = "owner", .description = "The user that should own the archive (name or uid)."},
    ArgSpec{.name = "group", .description = "The group that should own the archive (name or gid)."},
    ArgSpec{.name = "unsafe_writes", .type = ArgType::boolean, .description = "Accepted for Ansible compatibility; drover always writes atomically."},
    ArgSpec{.name = "attributes", .aliases = {"attr"}, .description = "The file's attributes as chattr sets them. Not supported by drover yet: giving it fails clearly."},
};

const char* k_absent = "absent";
const char* k_archived = "archive";
const char* k_compressed = "compress";
const char* k_incomplete = "incomplete";

struct Entry {
  std::string path;  // on disk
  std::string name;  // in the archive
};

struct Plan {
  json args;
  std::string format;
  std::string dest;
  std::vector<std::string> given;              // path as given
  std::vector<std::string> expanded_paths;
  std::vector<std::string> expanded_excludes;
  std::vector<std::string> paths;              // sorted, without the excluded ones
  std::vector<std::string> patterns;           // exclusion_patterns
  std::string root;                            // arcroot
  bool must_archive = false;
  std::vector<std::string> targets;            // paths that exist
  std::vector<std::string> missing;
};

std::string joined(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out;
}

std::vector<std::string> path_list(const json& value) {
  std::vector<std::string> out;
  if (!value.is_array()) return out;
  for (const auto& item : value) out.push_back(expand_user(item.is_string() ? item.get<std::string>() : item.dump()));
  return out;
}

// community.general's expand_paths: a path with * or ? is a glob (hidden names only when the
// pattern names them, as Python's glob); others are kept as they are.
std::vector<std::string> expand_paths(const std::vector<std::string>& paths, bool& globby) {
  std::vector<std::string> out;
  for (const auto& path : paths) {
    if (path.find_first_of("*?") == std::string::npos) {
      out.push_back(path);
      continue;
    }
    globby = true;
    glob_t matches{};
    if (::glob(path.c_str(), 0, nullptr, &matches) == 0)
      for (std::size_t i = 0; i < matches.gl_pathc; ++i) out.push_back(matches.gl_pathv[i]);
    ::globfree(&matches);
  }
  return out;
}

std::string dirname(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  std::string head = path.substr(0, slash + 1);
  if (head.find_first_not_of('/') != std::string::npos)
    while (head.ends_with("/")) head.pop_back();
  return head;
}

// community.general's common_path: the directory of the character-wise common prefix of the
// paths' directories, with a trailing "/".
std::string common_path(const std::vector<std::string>& paths) {
  std::vector<std::string> dirs;
  for (const auto& p : paths) {
    std::string d = dirname(p);
    dirs.push_back(d.empty() || d.ends_with("/") ? d : d + "/");
  }
  std::string prefix = dirs.front();
  for (const auto& d : dirs) {
    std::size_t n = 0;
    while (n < prefix.size() && n < d.size() && prefix[n] == d[n]) ++n;
    prefix.resize(n);
  }
  std::string root = dirname(prefix);
  return root.empty() || root.ends_with("/") ? root : root + "/";
}

bool exists(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

bool lexists(const std::string& path) {
  struct stat st{};
  return ::lstat(path.c_str(), &st) == 0;
}

bool is_dir(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Plan make_plan(const json& raw_args) {
  Plan plan;
  plan.args = check_args(raw_args, k_spec, "archive");
  if (is_set(plan.args, "attributes")) throw ModuleFailure("drover's archive does not set file attributes (chattr) yet");
  plan.format = arg_string(plan.args, "format");
  plan.dest = arg_string(plan.args, "dest");
  plan.given = path_list(plan.args["path"]);
  bool globby = false;
  plan.expanded_paths = expand_paths(plan.given, globby);
  bool ignored = false;
  plan.expanded_excludes = expand_paths(path_list(plan.args["exclude_path"]), ignored);
  std::set<std::string> excluded(plan.expanded_excludes.begin(), plan.expanded_excludes.end());
  std::set<std::string> kept;
  for (const auto& p : plan.expanded_paths)
    if (!excluded.contains(p)) kept.insert(p);
  plan.paths.assign(kept.begin(), kept.end());
  if (plan.paths.empty())
    throw ModuleFailure("Error, no source paths were found",
                        {{"path", joined(plan.given, ", ")}, {"expanded_paths", joined(plan.expanded_paths, ", ")},
                         {"expanded_exclude_paths", joined(plan.expanded_excludes, ", ")}});
  plan.patterns = path_list(plan.args["exclusion_patterns"]);
  plan.root = common_path(plan.paths);
  plan.must_archive = arg_bool(plan.args, "force_archive") || globby || is_dir(plan.paths.front()) || plan.paths.size() > 1;
  if (plan.dest.empty() && !plan.must_archive) plan.dest = plan.paths.front() + "." + plan.format;
  if (plan.must_archive && plan.dest.empty())
    throw ModuleFailure("Error, must specify \"dest\" when archiving multiple files or trees",
                        {{"dest", "None"}, {"path", joined(plan.given, ", ")}});  // str(None), as community.general reports it
  if (arg_bool(plan.args, "remove"))
    for (const auto& p : plan.paths)
      if (is_dir(p) && plan.dest.starts_with(p.ends_with("/") ? p : p + "/"))
        throw ModuleFailure("Error, created archive can not be contained in source paths when remove=true",
                            {{"path", joined(plan.paths, ", ")}});
  for (const auto& p : plan.paths) (lexists(p) ? plan.targets : plan.missing).push_back(p);
  return plan;
}

std::string strip_prefix(const std::string& prefix, const std::string& text) {
  return text.starts_with(prefix) ? text.substr(prefix.size()) : text;
}

// os.walk(top) from the top down: each directory's subdirectories (links to directories included,
// not followed), then its other entries, then the subdirectories' own walks; sorted by name.
void walk(const std::string& top, std::vector<std::string>& out) {
  std::vector<std::string> dirs, files;
  std::error_code ec;
  for (fs::directory_iterator it(top, ec), end; !ec && it != end; it.increment(ec)) {
    std::string path = it->path().string();
    (is_dir(path) ? dirs : files).push_back(path);
  }
  std::sort(dirs.begin(), dirs.end());
  std::sort(files.begin(), files.end());
  out.insert(out.end(), dirs.begin(), dirs.end());
  out.insert(out.end(), files.begin(), files.end());
  for (const auto& d : dirs) {
    struct stat st{};
    if (::lstat(d.c_str(), &st) == 0 && !S_ISLNK(st.st_mode)) walk(d, out);
  }
}

bool excluded_by_pattern(const std::string& text, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return ::fnmatch(p.c_str(), text.c_str(), 0) == 0; });
}

// What goes into the archive: the targets, directories with everything below them (not the
// directory itself), minus what exclusion_patterns leave out (by the member's name in a tar
// archive, by its path in a zip archive, as community.general matches them).
std::vector<Entry> entries(const Plan& plan) {
  std::vector<std::string> paths;
  for (const auto& target : plan.targets) {
    if (plan.must_archive && is_dir(target)) walk(target, paths);
    else paths.push_back(target);
  }
  std::vector<Entry> out;
  for (const auto& p : paths) {
    Entry e{p, strip_prefix(plan.root, p)};
    if (!excluded_by_pattern(plan.format == "zip" ? e.path : e.name, plan.patterns)) out.push_back(e);
  }
  return out;
}

ProcessResult run_tool(std::vector<std::string> argv, std::optional<std::string> input = std::nullopt,
                       const std::string& chdir = "") {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.stdin_data = std::move(input);
  spec.chdir = chdir;
  spec.environment = {{"LANG", "C"}, {"LC_ALL", "C"}};
  return run_process(spec);
}

std::string compressor(const std::string& format) {
  if (format == "gz") return "gzip";
  if (format == "bz2") return "bzip2";
  return "xz";
}

std::string tar_flag(const std::string& format) {
  if (format == "gz") return "-z";
  if (format == "bz2") return "-j";
  if (format == "xz") return "-J";
  return "";
}

[[noreturn]] void missing_tool(const std::string& tool, const std::string& format) {
  throw ModuleFailure("drover's archive uses the target's `" + tool + "` command for format " + format +
                      ", and it is not installed (or not on PATH); install it (Debian: apt-get install " + tool + ")");
}

// A temp directory beside dest, removed with everything in it when the module returns.
class ScratchDir {
public:
  explicit ScratchDir(const std::string& dest) {
    std::string dir = dirname(dest);
    std::string pattern = (dir.empty() ? std::string(".") : dir) + "/.drover-archive.XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!::mkdtemp(buffer.data()))
      throw ModuleFailure("Unable to write the archive beside " + dest + ": " + std::strerror(errno));
    m_path = buffer.data();
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

// Writes the archive of `list` to `file`; returns the names that made it in.
void write_archive(const Plan& plan, const std::vector<Entry>& list, const std::string& file) {
  std::string names;
  for (const auto& e : list) names += e.name + (plan.format == "zip" ? '\n' : '\0');
  ProcessResult r;
  if (plan.format == "zip") {
    r = run_tool({"zip", "-q", "-nw", file, "-@"}, names, plan.root.empty() ? "." : plan.root);
    if (r.start_failure == StartFailure::exec) missing_tool("zip", plan.format);
  } else {
    std::vector<std::string> argv{"tar", "--create", "--file", file};
    if (std::string flag = tar_flag(plan.format); !flag.empty()) argv.push_back(flag);
    argv.insert(argv.end(), {"--directory", plan.root.empty() ? "." : plan.root, "--no-recursion", "--null",
                             "--verbatim-files-from", "--files-from", "-"});
    r = run_tool(argv, names);
    if (r.start_failure == StartFailure::exec) missing_tool("tar", plan.format);
    if (r.rc == 2 && !plan.format.empty() && r.stderr_text.find("Cannot exec") != std::string::npos)
      missing_tool(compressor(plan.format), plan.format);
  }
  if (r.rc != 0 && !(plan.format == "zip" && r.rc == 12 && list.empty())) {
    std::string kind = plan.format == "zip" || plan.format == "tar" ? plan.format : "tar." + plan.format;
    throw ModuleFailure("Error when writing " + kind + " archive at " + plan.dest + ": " + trim(r.stderr_text + r.stdout_text));
  }
}

// Compresses one file into `file` (a compressed file, not an archive).
void write_compressed(const Plan& plan, const std::string& source, const std::string& file) {
  std::string tool = compressor(plan.format);
  ProcessResult r = run_tool({"sh", "-c", tool + " -c -- \"$1\" > \"$2\"", "sh", source, file});
  if (r.rc == 127) missing_tool(tool, plan.format);
  if (r.rc != 0)
    throw ModuleFailure("Unable to write to compressed file: " + trim(r.stderr_text), {{"path", source}, {"dest", plan.dest}});
}

// What identifies the archive's content, to compare the old and the new one: the verbose member
// listing of a tar archive (names, modes, owners, sizes, times, links: what tar's header checksums
// cover), the names and CRC-32s of a zip archive, the CRC and length of a compressed file's content.
// Empty when dest is not such a file.
std::multiset<std::string> fingerprint(const std::string& format, const std::string& path) {
  std::multiset<std::string> out;
  auto add_lines = [&](const std::string& text) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) out.insert(line);
  };
  if (format == "zip") {
    ProcessResult r = run_tool({"unzip", "-v", path});
    if (r.rc != 0) return out;
    std::istringstream lines(r.stdout_text);
    for (std::string line; std::getline(lines, line);) {
      std::vector<std::string> words = split_words(line);
      if (words.size() >= 8 && words[6].size() == 8 && words[6].find_first_not_of("0123456789abcdef") == std::string::npos)
        out.insert(words[6] + " " + line.substr(line.find(words[6]) + 9));
    }
    return out;
  }
  ProcessResult r = run_tool({"tar", "--list", "--verbose", "--full-time", "--numeric-owner", "--file", path});
  if (r.rc == 0) {
    add_lines(r.stdout_text);
    return out;
  }
  if (format == "tar") return out;
  r = run_tool({"sh", "-c", compressor(format) + " -dc -- \"$1\" | cksum", "sh", path});
  if (r.rc == 0) add_lines(r.stdout_text);
  return out;
}

std::optional<std::multiset<std::string>> destination_fingerprint(const Plan& plan) {
  if (!exists(plan.dest) || ::access(plan.dest.c_str(), R_OK) != 0) return std::nullopt;
  return fingerprint(plan.format, plan.dest);
}

long long destination_size(const std::string& dest) {
  struct stat st{};
  return ::stat(dest.c_str(), &st) == 0 ? st.st_size : 0;
}

// Builds the new archive in a scratch directory and renames it over dest when it differs from
// the one there. Returns whether it differed; `archived` gets the paths added.
bool build(const Plan& plan, std::vector<std::string>& archived, std::string& dest_state) {
  ScratchDir scratch(plan.dest);
  std::string file = scratch.path() + "/new" + (plan.format == "zip" ? ".zip" : "");
  bool compress_only = !plan.must_archive && plan.format != "zip" && plan.format != "tar";
  if (compress_only) {
    write_compressed(plan, plan.paths.front(), file);
    archived.push_back(plan.paths.front());
    dest_state = k_compressed;
  } else {
    std::vector<Entry> list = entries(plan);
    write_archive(plan, list, file);
    for (const auto& e : list)
      if (plan.format != "zip" || !is_dir(e.path)) archived.push_back(e.path);
    dest_state = plan.must_archive && !plan.missing.empty() ? k_incomplete : k_archived;
  }
  auto before = destination_fingerprint(plan);
  bool differs = before ? *before != fingerprint(plan.format, file)
                        : destination_size(plan.dest) != destination_size(file);
  if (!differs) return false;
  if (::rename(file.c_str(), plan.dest.c_str()) != 0)
    throw ModuleFailure("Unable to write the archive " + plan.dest + ": " + std::strerror(errno));
  return true;
}

void remove_tree(const std::string& path, std::vector<std::string>& errors) {
  std::error_code ec;
  if (is_dir(path)) fs::remove_all(path, ec);
  else fs::remove(path, ec);
  if (ec) errors.push_back(path);
}

// community.general's remove_targets: what was archived, then every directory among the paths.
void remove_sources(const Plan& plan, const std::vector<std::string>& archived) {
  std::vector<std::string> errors;
  for (const auto& p : archived)
    if (exists(p)) remove_tree(p, errors);
  for (const auto& p : plan.paths)
    if (is_dir(p)) remove_tree(p, errors);
  if (!errors.empty())
    throw ModuleFailure("Error deleting some source files: ", {{"dest", plan.dest}, {"files", errors}});
}

}  // namespace

json run_archive(const json& raw_args, const ModuleContext& ctx) {
  Plan plan = make_plan(raw_args);
  std::vector<std::string> archived;
  std::string dest_state = k_absent;
  bool changed = false;
  if (plan.targets.empty()) {
    if (exists(plan.dest)) {
      static const char* const k_suffixes[] = {".tar", ".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tbz2", ".zip"};
      std::string lower = fs::path(plan.dest).filename().string();
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      bool archive = std::any_of(std::begin(k_suffixes), std::end(k_suffixes), [&](const char* s) { return lower.ends_with(s); });
      dest_state = archive ? k_archived : k_compressed;
    }
  } else if (ctx.checking()) {
    changed = plan.must_archive || !exists(plan.dest);
  } else {
    changed = build(plan, archived, dest_state);
    if (arg_bool(plan.args, "remove")) {
      if (plan.must_archive) {
        remove_sources(plan, archived);
      } else if (std::error_code ec; !fs::remove(plan.paths.front(), ec) || ec) {
        throw ModuleFailure("Unable to remove source file: " + ec.message(), {{"path", plan.paths.front()}});
      }
    }
  }
  if (exists(plan.dest)) {
    json diff = json::object();
    changed |= apply_file_attributes(plan.dest, plan.args, ctx, diff);
  }
  json result = {
      {"archived", archived},         {"dest", plan.dest},       {"dest_state", dest_state},
      {"changed", changed},           {"arcroot", plan.root},    {"missing", plan.missing},
      {"expanded_paths", plan.expanded_paths}, {"expanded_exclude_paths", plan.expanded_excludes},
  };
  add_path_info(result, plan.dest);
  return result;
}

namespace {
const ReturnDoc k_archive_returns[] = {
    ReturnDoc{"archived", "list", "success", "The files added to the archive (or compressed)."},
    ReturnDoc{"missing", "list", "success", "The paths that were not found."},
    ReturnDoc{"dest_state", "str", "success", "absent, archive, compress (a compressed single file) or incomplete (some paths were missing)."},
    ReturnDoc{"arcroot", "str", "always", "The directory the members' names are relative to."},
    ReturnDoc{"expanded_paths", "list", "always", "path with its globs expanded."},
    ReturnDoc{"expanded_exclude_paths", "list", "always", "exclude_path with its globs expanded."},
    ReturnDoc{"state", "str", "when dest exists", "The state of dest (also its mode, owner, group, size)."},
};
}  // namespace

const ModuleDoc archive_doc{
    .description = "Packs files and trees on the target into a tar (plain, gz, bz2 or xz) or zip archive, or compresses a single file, with the target's tar, zip, gzip, bzip2 or xz. The archive is written beside dest and renamed over it only when its members differ from the archive already there, so a second run changes nothing.",
    .options = k_spec,
    .returns = k_archive_returns,
    .example = "- community.general.archive:\n    path: /srv/app/logs\n    dest: /backup/logs.tar.gz\n    exclusion_patterns: ['*.tmp']\n",
};

}  // namespace drover::modules
