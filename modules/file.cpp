// file, as Ansible 2.14's file module: one ensure_* function per state, each query-then-apply.
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/diff.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/fs.hpp"

namespace drover::modules {

namespace {

namespace fs = std::filesystem;

const std::array k_spec{
    ArgSpec{.name = "path", .type = ArgType::path, .required = Required::yes, .aliases = {"dest", "name"}, .description = "The path to manage."},
    ArgSpec{.name = "state", .choices = {"absent", "directory", "file", "hard", "link", "touch"}, .description = "What path should be: file (must exist; only attributes change), directory (created with its parents), link (symbolic, to src), hard (hard link to src), touch (created or its times updated), absent (removed, recursively). Without it: the current kind of path, or file."},
    ArgSpec{.name = "src", .type = ArgType::path, .description = "The target of a link (state link or hard)."},
    ArgSpec{.name = "recurse", .type = ArgType::boolean, .default_value = false, .description = "With state=directory: set the attributes on everything inside as well."},
    ArgSpec{.name = "force", .type = ArgType::boolean, .default_value = false, .description = "Replace a file or an empty directory by a link, or link to a missing src."},
    ArgSpec{.name = "follow", .type = ArgType::boolean, .default_value = true, .description = "Follow a link at path when setting attributes."},
    ArgSpec{.name = "modification_time", .description = "The mtime to set: preserve, now, or a time in modification_time_format."},
    ArgSpec{.name = "modification_time_format", .default_value = "%Y%m%d%H%M.%S", .description = "The strftime format of modification_time."},
    ArgSpec{.name = "access_time", .description = "The atime to set: preserve, now, or a time in access_time_format."},
    ArgSpec{.name = "access_time_format", .default_value = "%Y%m%d%H%M.%S", .description = "The strftime format of access_time."},
    ArgSpec{.name = "_original_basename"},
    ArgSpec{.name = "_diff_peek", .type = ArgType::raw},
    ArgSpec{.name = "mode", .type = ArgType::raw, .description = "The permissions the file gets: an octal string such as \"0644\" (quote it), or symbolic (\"u=rw,g=r,o=r\"). Without it the file keeps its mode, or gets the umask's when created."},
    ArgSpec{.name = "owner", .description = "The user that should own the file (name or uid). Without it the owner is left as it is."},
    ArgSpec{.name = "group", .description = "The group that should own the file (name or gid). Without it the group is left as it is."},
    ArgSpec{.name = "unsafe_writes", .type = ArgType::boolean, .description = "Accepted for Ansible compatibility; drover always writes atomically (a temp file renamed over the destination)."},
    ArgSpec{.name = "attributes", .aliases = {"attr"}, .description = "The file's attributes as chattr sets them (for example \"+i\"). Not supported by drover yet: giving it fails clearly."},
};

// A requested timestamp: keep the file's, "now", or a fixed time (seconds since the epoch).
struct Timestamp {
  enum class Kind { preserve, now, fixed } kind = Kind::preserve;
  double seconds = 0;
};

struct Request {
  json args;
  std::string path;
  std::string state;
  std::optional<std::string> src;
  Follow follow = Follow::yes;
  bool force = false;
  Timestamp mtime;
  Timestamp atime;
};

json failure_fields(const std::string& path) { return {{"path", path}}; }

Timestamp parse_timestamp(const json& args, const char* name, const char* format_name, const std::string& state) {
  std::string text = arg_string(args, name);
  if (text.empty()) text = state == "touch" ? "now" : "preserve";
  if (text == "preserve") return {};
  if (text == "now") return {Timestamp::Kind::now, 0};
  std::tm parsed{};
  parsed.tm_isdst = -1;
  std::string format = arg_string(args, format_name);
  const char* end = ::strptime(text.c_str(), format.c_str(), &parsed);
  if (!end || *end != '\0')
    throw ModuleFailure("Error while obtaining timestamp for time " + text + " using format " + format +
                        ": time data does not match format");
  return {Timestamp::Kind::fixed, static_cast<double>(std::mktime(&parsed))};
}

double seconds_of(const timespec& time) { return static_cast<double>(time.tv_sec) + time.tv_nsec / 1e9; }

timespec timespec_of(double seconds) {
  timespec time{};
  time.tv_sec = static_cast<time_t>(seconds);
  time.tv_nsec = static_cast<long>((seconds - static_cast<double>(time.tv_sec)) * 1e9);
  return time;
}

// Ansible's update_timestamp_for_file: true when the times were (or would be) changed.
bool update_timestamps(const std::string& path, const Request& request, const ModuleContext& ctx, json& diff) {
  using Kind = Timestamp::Kind;
  if (request.mtime.kind == Kind::preserve && request.atime.kind == Kind::preserve) return false;
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return false;
  timespec clock{};
  ::clock_gettime(CLOCK_REALTIME, &clock);
  double now = seconds_of(clock);
  double before_m = seconds_of(st.st_mtim), before_a = seconds_of(st.st_atim);
  auto wanted = [&](const Timestamp& t, double before) {
    return t.kind == Kind::preserve ? before : t.kind == Kind::now ? now : t.seconds;
  };
  double mtime = wanted(request.mtime, before_m), atime = wanted(request.atime, before_a);
  bool both_now = request.mtime.kind == Kind::now && request.atime.kind == Kind::now;
  if (!both_now && mtime == before_m && atime == before_a) return false;
  if (!ctx.checking()) {
    timespec times[2] = {timespec_of(atime), timespec_of(mtime)};
    int rc = both_now ? ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0) : ::utimensat(AT_FDCWD, path.c_str(), times, 0);
    if (rc != 0)
      throw ModuleFailure(std::string("Error while updating modification or access time: ") + std::strerror(errno),
                          failure_fields(path));
  }
  if (mtime != before_m) record(diff, "mtime", before_m, mtime);
  if (atime != before_a) record(diff, "atime", before_a, atime);
  return true;
}

// Ansible's initial_diff: the state change, and for a directory going away, what was in it.
json initial_diff(const std::string& path, const std::string& state, const std::string& prev_state) {
  json diff = state_diff(path);
  if (prev_state == state) return diff;
  record(diff, "state", prev_state, state);
  if (state == "absent" && prev_state == "directory") {
    json walk = {{"directories", json::array()}, {"files", json::array()}};
    std::error_code error;
    for (auto it = fs::recursive_directory_iterator(path, error); !error && it != fs::recursive_directory_iterator();
         it.increment(error)) {
      bool is_dir = it->is_directory(error) && !it->is_symlink(error);
      walk[is_dir ? "directories" : "files"].push_back(it->path().string());
    }
    diff["before"]["path_content"] = walk;
  }
  return diff;
}

std::string resolve_link(const std::string& path) {
  std::error_code error;
  auto target = fs::canonical(path, error);
  return error ? path : target.string();
}

bool set_attributes(const std::string& path, const Request& request, const ModuleContext& ctx, json& diff) {
  bool changed = apply_file_attributes(path, request.args, ctx, diff, request.follow);
  return update_timestamps(path, request, ctx, diff) || changed;
}

json ensure_absent(const Request& request, const ModuleContext& ctx) {
  const std::string& path = request.path;
  std::string prev_state = path_state(path);
  if (prev_state == "absent") return {{"path", path}, {"changed", false}, {"state", "absent"}};
  json diff = initial_diff(path, "absent", prev_state);
  if (!ctx.checking()) {
    std::error_code error;
    if (prev_state == "directory") {
      fs::remove_all(path, error);
      if (error) throw ModuleFailure("rmtree failed: " + error.message());
    } else if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      throw ModuleFailure(std::string("unlinking failed: ") + std::strerror(errno) + " ", failure_fields(path));
    }
  }
  return {{"path", path}, {"changed", true}, {"diff", diff}, {"state", "absent"}};
}

json ensure_file(const Request& request, const ModuleContext& ctx) {
  std::string path = request.path;
  std::string prev_state = path_state(path);
  if (prev_state != "file" && prev_state != "hard" && request.follow == Follow::yes && prev_state == "link") {
    path = resolve_link(path);
    prev_state = path_state(path);
  }
  if (prev_state != "file" && prev_state != "hard")
    throw ModuleFailure("file (" + path + ") is " + prev_state + ", cannot continue",
                        {{"path", path}, {"state", prev_state}});
  json diff = initial_diff(path, "file", prev_state);
  bool changed = set_attributes(path, request, ctx, diff);
  return {{"path", path}, {"changed", changed}, {"diff", diff}};
}

// mkdir -p, giving every directory it creates the requested attributes.
bool create_directories(const std::string& path, const Request& request, const ModuleContext& ctx, json& diff) {
  fs::path current;
  for (const auto& part : fs::path(path)) {
    current /= part;
    if (part.empty() || fs::exists(current)) continue;
    if (::mkdir(current.c_str(), 0777) != 0 && !(errno == EEXIST && fs::is_directory(current)))
      throw ModuleFailure("There was an issue creating " + current.string() + " as requested: " + std::strerror(errno),
                          failure_fields(path));
    set_attributes(current.string(), request, ctx, diff);
  }
  return true;
}

bool set_attributes_recursively(const std::string& path, const Request& request, const ModuleContext& ctx) {
  bool changed = false;
  json no_diff;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(path, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    Request inner = request;
    inner.follow = Follow::no;  // never leave the tree through a link
    changed = set_attributes(it->path().string(), inner, ctx, no_diff) || changed;
  }
  return changed;
}

json ensure_directory(const Request& request, const ModuleContext& ctx, bool recurse) {
  std::string path = request.path;
  std::string prev_state = path_state(path);
  if (request.follow == Follow::yes && prev_state == "link") {
    path = resolve_link(path);
    prev_state = path_state(path);
  }
  json diff = initial_diff(path, "directory", prev_state);
  if (prev_state == "absent") {
    if (ctx.checking()) return {{"path", path}, {"changed", true}, {"diff", diff}};
    create_directories(path, request, ctx, diff);
    return {{"path", path}, {"changed", true}, {"diff", diff}};
  }
  if (prev_state != "directory")
    throw ModuleFailure(path + " already exists as a " + prev_state, failure_fields(path));
  bool changed = set_attributes(path, request, ctx, diff);
  if (recurse) changed = set_attributes_recursively(path, request, ctx) || changed;
  return {{"path", path}, {"changed", changed}, {"diff", diff}};
}

void replace_with_symlink(const std::string& path, const std::string& src, const std::string& prev_state) {
  if (prev_state == "absent") {
    if (::symlink(src.c_str(), path.c_str()) != 0)
      throw ModuleFailure(std::string("Error while linking: ") + std::strerror(errno), failure_fields(path));
    return;
  }
  std::string temp = (fs::path(path).parent_path() / ("." + std::to_string(::getpid()) + ".drover-link.tmp")).string();
  if ((prev_state == "directory" && ::rmdir(path.c_str()) != 0) || ::symlink(src.c_str(), temp.c_str()) != 0 ||
      ::rename(temp.c_str(), path.c_str()) != 0) {
    std::string reason = std::strerror(errno);
    ::unlink(temp.c_str());
    throw ModuleFailure("Error while replacing: " + reason, failure_fields(path));
  }
}

void check_link_conversion(const Request& request, const std::string& prev_state, const std::string& absolute_src) {
  const std::string& path = request.path;
  if (!request.force && request.src && !fs::exists(absolute_src))
    throw ModuleFailure("src file does not exist, use \"force=yes\" if you really want to create the link: " + absolute_src,
                        {{"path", path}, {"src", *request.src}});
  if (prev_state == "directory") {
    if (!request.force) throw ModuleFailure("refusing to convert from directory to symlink for " + path, failure_fields(path));
    if (!fs::is_empty(path)) throw ModuleFailure("the directory " + path + " is not empty, refusing to convert it", failure_fields(path));
  } else if ((prev_state == "file" || prev_state == "hard") && !request.force) {
    throw ModuleFailure("refusing to convert from " + prev_state + " to symlink for " + path, failure_fields(path));
  }
}

json ensure_symlink(const Request& request, const ModuleContext& ctx) {
  const std::string& path = request.path;
  std::string prev_state = path_state(path);
  std::optional<std::string> src = request.src;
  if (!src && request.follow == Follow::yes && prev_state == "link") src = fs::read_symlink(path).string();
  std::string base = (prev_state == "directory") ? path : fs::path(path).parent_path().string();
  std::string absolute_src = src ? (fs::path(base) / *src).string() : "";
  check_link_conversion(request, prev_state, absolute_src);
  json diff = initial_diff(path, "link", prev_state);
  bool changed = false;
  if (prev_state != "link") {
    if (!src) throw ModuleFailure("src is required for creating new symlinks");
    changed = true;
  } else if (src) {
    std::string old_src = fs::read_symlink(path).string();
    if (old_src != *src) {
      record(diff, "src", old_src, *src);
      changed = true;
    }
  }
  if (changed && !ctx.checking()) replace_with_symlink(path, *src, prev_state);
  json result = {{"dest", path}, {"src", src ? json(*src) : json()}, {"changed", changed}, {"diff", diff}};
  if (ctx.checking() && !fs::exists(fs::symlink_status(path))) return result;
  if (request.follow == Follow::yes && !fs::exists(path)) return result;  // dangling: nothing to set
  result["changed"] = set_attributes(path, request, ctx, diff) || changed;
  result["diff"] = diff;
  return result;
}

bool same_inode(const std::string& a, const std::string& b) {
  struct stat sa{}, sb{};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

json ensure_hardlink(const Request& request, const ModuleContext& ctx) {
  const std::string& path = request.path;
  if (!request.src) throw ModuleFailure("src is required for creating new hardlinks");
  const std::string& src = *request.src;
  if (!fs::exists(src)) throw ModuleFailure("src does not exist", {{"dest", path}, {"src", src}});
  std::string prev_state = path_state(path);
  json diff = initial_diff(path, "hard", prev_state);
  bool changed = prev_state == "absent" || !same_inode(path, src);
  if (prev_state == "directory") throw ModuleFailure(path + " already exists as a directory", failure_fields(path));
  if (changed && prev_state != "absent" && !request.force)
    throw ModuleFailure("Cannot link, " + prev_state + " exists at destination", {{"dest", path}, {"src", src}});
  if (changed && !ctx.checking()) {
    std::string temp = (fs::path(path).parent_path() / ("." + std::to_string(::getpid()) + ".drover-hard.tmp")).string();
    if (::link(src.c_str(), temp.c_str()) != 0 || ::rename(temp.c_str(), path.c_str()) != 0) {
      std::string reason = std::strerror(errno);
      ::unlink(temp.c_str());
      throw ModuleFailure("Error while linking: " + reason, {{"dest", path}, {"src", src}});
    }
  }
  json result = {{"dest", path}, {"src", src}, {"changed", changed}, {"diff", diff}};
  if (ctx.checking() && !fs::exists(path)) return result;
  result["changed"] = set_attributes(path, request, ctx, diff) || changed;
  result["diff"] = diff;
  return result;
}

json ensure_touch(const Request& request, const ModuleContext& ctx) {
  const std::string& path = request.path;
  std::string prev_state = path_state(path);
  json result = {{"dest", path}};
  bool changed = false;
  if (prev_state == "absent") {
    if (ctx.checking()) return {{"dest", path}, {"changed", true}};
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
      throw ModuleFailure(std::string("Error, could not touch target: ") + std::strerror(errno), failure_fields(path));
    ::close(fd);
    changed = true;
  }
  json diff = initial_diff(path, "touch", prev_state);
  changed = set_attributes(path, request, ctx, diff) || changed;
  result["changed"] = changed;
  result["diff"] = diff;
  return result;
}

std::string default_state(const json& args, const std::string& path) {
  std::string prev_state = path_state(path);
  if (prev_state != "absent") return prev_state;
  return arg_bool(args, "recurse") ? "directory" : "file";
}

Request build_request(const json& args) {
  Request request;
  request.args = args;
  request.path = arg_string(args, "path");
  request.state = is_set(args, "state") ? arg_string(args, "state") : default_state(args, request.path);
  if (is_set(args, "src")) request.src = arg_string(args, "src");
  request.follow = arg_bool(args, "follow") ? Follow::yes : Follow::no;
  request.force = arg_bool(args, "force");
  request.mtime = parse_timestamp(args, "modification_time", "modification_time_format", request.state);
  request.atime = parse_timestamp(args, "access_time", "access_time_format", request.state);
  if (request.state != "link" && request.state != "absent" && fs::is_directory(request.path)) {
    std::string base = is_set(args, "_original_basename") ? arg_string(args, "_original_basename")
                       : request.src ? fs::path(*request.src).filename().string() : "";
    if (!base.empty() && request.state != "directory") request.path = (fs::path(request.path) / base).string();
  }
  return request;
}

json dispatch(const Request& request, const json& args, const ModuleContext& ctx) {
  const std::string& state = request.state;
  if (state == "absent") return ensure_absent(request, ctx);
  if (state == "directory") return ensure_directory(request, ctx, arg_bool(args, "recurse"));
  if (state == "link") return ensure_symlink(request, ctx);
  if (state == "hard") return ensure_hardlink(request, ctx);
  if (state == "touch") return ensure_touch(request, ctx);
  return ensure_file(request, ctx);
}

}  // namespace

json run_file(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "file");
  if (is_set(args, "attributes")) throw ModuleFailure("drover's file does not set file attributes (chattr) yet");
  Request request = build_request(args);
  if (request.src && request.state != "link" && request.state != "hard")
    throw ModuleFailure("src option requires state to be 'link' or 'hard'", failure_fields(request.path));
  if (arg_bool(args, "recurse") && request.state != "directory")
    throw ModuleFailure("recurse option requires state to be 'directory'", failure_fields(request.path));
  json result = dispatch(request, args, ctx);
  std::string described = result.contains("path") ? result["path"].get<std::string>() : result["dest"].get<std::string>();
  if (!(result.contains("state") && result["state"] == "absent")) add_path_info(result, described);
  return result;
}

namespace {
const std::array<ReturnDoc, 3> k_file_returns{{
    ReturnDoc{"path", "str", "success", "The path managed."},
    ReturnDoc{"state", "str", "success", "What it is now."},
    ReturnDoc{"diff", "dict", "with --diff", "Its state before and after."},
}};
}  // namespace

const ModuleDoc file_doc{
    .description = "Makes a path a file, a directory, a symbolic or hard link, or absent, and sets its mode, owner, group and times.",
    .options = k_spec,
    .returns = k_file_returns,
    .example = "- name: The application's directory\n  ansible.builtin.file:\n    path: /srv/app\n    state: directory\n    owner: app\n    mode: \"0750\"\n",
};

}  // namespace drover::modules
