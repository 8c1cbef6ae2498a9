// mount (ansible.posix.mount): an fstab entry and the mount state of its path, through the
// target's mount/umount commands as Ansible's module does. fstab is rewritten atomically; a
// failed mount puts the old fstab back and removes the directories it created.
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/diff.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

namespace fs = std::filesystem;

const std::array k_spec{
    ArgSpec{.name = "path", .type = ArgType::path, .required = Required::yes, .aliases = {"name"}, .description = "The mount point."},
    ArgSpec{.name = "src", .type = ArgType::path, .description = "The device (or remote share, or bind source) to mount. Required for state=present, mounted and ephemeral."},
    ArgSpec{.name = "fstype", .description = "The file system type. Required for state=present, mounted and ephemeral."},
    ArgSpec{.name = "opts", .description = "Mount options (fstab's fourth field); defaults when not given."},
    ArgSpec{.name = "opts_no_log", .type = ArgType::boolean, .default_value = false, .description = "Hide opts in the output (they may hold credentials)."},
    ArgSpec{.name = "dump", .default_value = "0", .description = "fstab's dump field."},
    ArgSpec{.name = "passno", .default_value = "0", .description = "fstab's pass number field."},
    ArgSpec{.name = "state", .required = Required::yes,
            .choices = {"absent", "absent_from_fstab", "absent_mount", "mounted", "present", "unmounted", "remounted", "ephemeral"},
            .description = "present: in fstab only; mounted: in fstab and mounted (remounted when the entry changed); unmounted: unmounted, fstab unchanged; absent: out of fstab, unmounted and the mount point removed (absent_mount keeps the directory, absent_from_fstab only edits fstab); remounted: mount -o remount; ephemeral: mounted without touching fstab."},
    ArgSpec{.name = "fstab", .description = "The fstab file to edit (mount -T uses it too when it is not /etc/fstab)."},
    ArgSpec{.name = "boot", .type = ArgType::boolean, .default_value = true, .description = "Whether to mount at boot: false adds noauto to the options."},
    ArgSpec{.name = "backup", .type = ArgType::boolean, .default_value = false, .description = "Keep a copy of fstab (with a timestamp in its name) before changing it."},
};

struct Entry {
  std::string name, src, fstype, opts, dump, passno;
};

// fstab's escapes for white space, & and backslash in a field.
std::string escape_fstab(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\134";
    else if (c == ' ') out += "\\040";
    else if (c == '&') out += "\\046";
    else out += c;
  }
  return out;
}

std::string fstab_line(const Entry& e) {
  return e.src + " " + e.name + " " + e.fstype + " " + e.opts + " " + e.dump + " " + e.passno + "\n";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl + 1 - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return lines;
}

bool is_other_entry(const std::vector<std::string>& fields, const Entry& wanted, bool have_src) {
  return fields[1] != wanted.name ||
         (have_src && fields[1] == "none" && fields[2] == "swap" && fields[0] != wanted.src);
}

// Ansible's _set_mount_save_old: the matching line updated (written anew only when a field
// differs), or a new line appended. Returns the new text; `changed` says whether it differs.
std::string set_entry(const std::string& text, const Entry& e, bool have_src, bool& changed) {
  std::string out;
  bool exists = false;
  changed = false;
  for (std::string line : lines_of(text)) {
    if (!line.ends_with("\n")) line += "\n";
    std::string stripped = trim(line);
    if (stripped.empty() || stripped.starts_with("#")) {
      out += line;
      continue;
    }
    std::vector<std::string> fields = split_words(line.substr(0, line.find('#')));
    if (fields.size() < 4 || fields.size() > 6 || is_other_entry(fields, e, have_src)) {
      out += line;
      continue;
    }
    exists = true;
    Entry found{fields[1], fields[0], fields[2], fields[3], fields.size() > 4 ? fields[4] : "0", fields.size() > 5 ? fields[5] : "0"};
    bool differs = found.src != e.src || found.fstype != e.fstype || found.opts != e.opts || found.dump != e.dump ||
                   found.passno != e.passno;
    if (differs) {
      changed = true;
      out += fstab_line(e);
    } else {
      out += line;
    }
  }
  if (!exists) {
    out += fstab_line(e);
    changed = true;
  }
  return out;
}

// Ansible's unset_mount: drops the entry's lines (six-field lines only, as Ansible).
std::string unset_entry(const std::string& text, const Entry& e, bool have_src, bool& changed) {
  std::string out;
  changed = false;
  for (const std::string& line : lines_of(text)) {
    std::string stripped = trim(line);
    std::vector<std::string> fields = split_words(line);
    if (stripped.empty() || stripped.starts_with("#") || fields.size() != 6 || is_other_entry(fields, e, have_src)) {
      out += line;
      continue;
    }
    changed = true;
  }
  return out;
}

struct Mounted {
  std::string src, fstype;
};

std::string unescape_mountinfo(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() + 0 && std::isdigit(static_cast<unsigned char>(field[i + 1]))) {
      out += static_cast<char>(std::stoi(field.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

// Ansible's get_linux_mounts: mount point -> source (a bind mount's source as a path) and type.
std::map<std::string, Mounted> linux_mounts() {
  struct Record {
    int parent;
    std::string root, dst, fs, src;
  };
  std::map<int, Record> records;
  std::istringstream lines(read_file("/proc/self/mountinfo").value_or(""));
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> f = split_words(line);
    if (f.size() < 10) continue;
    records[std::stoi(f[0])] = {std::stoi(f[1]), unescape_mountinfo(f[3]), unescape_mountinfo(f[4]), f[f.size() - 3],
                                unescape_mountinfo(f[f.size() - 2])};
  }
  std::map<std::string, Mounted> mounts;
  for (auto& [id, r] : records) {
    std::string src = r.src;
    auto parent = records.find(r.parent);
    if (r.parent != 1 && parent != records.end()) {
      const Record& m = parent->second;
      std::string root = r.root;
      if (m.root.size() > 1 && root.starts_with(m.root + "/")) root = root.substr(m.root.size());
      if (m.dst != "/") root = m.dst + root;
      src = root;
    }
    mounts[r.dst] = {src, r.fs};
  }
  return mounts;
}

// Python's os.path.ismount.
bool is_mount_point(const std::string& path) {
  struct stat self{}, parent{};
  if (::lstat(path.c_str(), &self) != 0 || S_ISLNK(self.st_mode)) return false;
  if (::lstat((path + "/..").c_str(), &parent) != 0) return false;
  return self.st_dev != parent.st_dev || self.st_ino == parent.st_ino;
}

bool is_mounted(const std::string& path) { return is_mount_point(path) || linux_mounts().count(path) > 0; }

ProcessResult run_tool(const std::vector<std::string>& argv) {
  ProcessSpec spec;
  spec.argv = argv;
  ProcessResult process = run_process(spec);
  if (process.start_failure == StartFailure::exec) {
    const char* path = std::getenv("PATH");
    throw ModuleFailure("Failed to find required executable \"" + argv[0] + "\" in paths: " + (path ? path : ""));
  }
  return process;
}

struct Call {
  json args;           // the checked arguments
  Entry entry;         // with Ansible's defaults filled in
  std::string fstab;
  std::string state;
};

std::vector<std::string> fstab_args(const Call& c) {
  if (c.state == "ephemeral" || c.fstab == "/etc/fstab") return {};
  return {"-T", c.fstab};
}

std::vector<std::string> ephemeral_args(const Call& c) {
  std::vector<std::string> out = {"-t", c.entry.fstype};
  if (c.entry.opts != "defaults") out.insert(out.end(), {"-o", c.entry.opts});
  out.push_back(c.entry.src);
  return out;
}

// 0 and "" on success, else the command's rc and output.
std::pair<int, std::string> do_mount(const Call& c) {
  std::vector<std::string> argv = {"mount"};
  for (auto& a : fstab_args(c)) argv.push_back(a);
  if (c.state == "ephemeral")
    for (auto& a : ephemeral_args(c)) argv.push_back(a);
  argv.push_back(c.entry.name);
  ProcessResult p = run_tool(argv);
  return {p.rc, p.rc == 0 ? "" : p.stdout_text + p.stderr_text};
}

std::pair<int, std::string> do_umount(const std::string& path) {
  ProcessResult p = run_tool({"umount", path});
  return {p.rc, p.rc == 0 ? "" : p.stdout_text + p.stderr_text};
}

std::pair<int, std::string> do_remount(const Call& c) {
  std::vector<std::string> argv = {"mount", "-o",
                                   c.state == "remounted" && c.entry.opts != "defaults" ? "remount," + c.entry.opts : "remount"};
  for (auto& a : fstab_args(c)) argv.push_back(a);
  if (c.state == "ephemeral")
    for (auto& a : ephemeral_args(c)) argv.push_back(a);
  argv.push_back(c.entry.name);
  ProcessResult p = run_tool(argv);
  if (p.rc == 0) return {0, ""};
  if (c.state == "remounted" && c.entry.opts != "defaults")
    throw ModuleFailure("Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a \"state: unmounted\" followed by a \"state: mounted\" using the full desired mount options instead.");
  auto [rc, msg] = do_umount(c.entry.name);
  if (rc == 0) return do_mount(c);
  return {rc, msg};
}

void write_fstab(const Call& c, const std::string& text, json& result) {
  if (arg_bool(c.args, "backup") && fs::exists(c.fstab)) result["backup_file"] = backup_file(c.fstab);
  atomic_write(c.fstab, text);
}

json result_fields(const Call& c) {
  json r = {{"name", c.entry.name}, {"opts", c.entry.opts}, {"dump", c.entry.dump}, {"passno", c.entry.passno},
            {"fstab", c.fstab}, {"boot", arg_bool(c.args, "boot") ? "yes" : "no"}, {"backup_file", ""}};
  if (is_set(c.args, "src")) r["src"] = c.entry.src;
  if (is_set(c.args, "fstype")) r["fstype"] = c.entry.fstype;
  if (arg_bool(c.args, "opts_no_log")) r["opts"] = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER";
  return r;
}

// mkdir -p that remembers what it made, to undo it when the mount fails.
std::vector<std::string> make_directories(const std::string& path) {
  std::vector<std::string> made;
  fs::path current;
  for (const auto& part : fs::path(path)) {
    current /= part;
    std::error_code error;
    if (fs::exists(current, error)) continue;
    if (!fs::create_directory(current, error) && !fs::is_directory(current))
      throw ModuleFailure("Error making dir " + path + ": " + error.message());
    made.push_back(current.string());
  }
  return made;
}

json mounted_or_ephemeral(const Call& c, const ModuleContext& ctx, const std::string& old_text, bool have_src) {
  json result = result_fields(c);
  std::vector<std::string> made;
  std::error_code error;
  if (!fs::exists(c.entry.name, error) && !ctx.checking()) made = make_directories(c.entry.name);
  bool changed = false;
  std::string new_text = old_text;
  if (c.state != "ephemeral") {
    new_text = set_entry(old_text, c.entry, have_src, changed);
    if (changed && ctx.diffing()) result["diff"] = content_diff(old_text, new_text, c.fstab, c.fstab);
    if (changed && !ctx.checking()) write_fstab(c, new_text, result);
  }
  std::pair<int, std::string> outcome{0, ""};
  auto mounts = linux_mounts();
  bool mounted = is_mount_point(c.entry.name) || (mounts.count(c.entry.name) && mounts[c.entry.name].src == c.entry.src);
  if (mounted) {
    if (changed && !ctx.checking()) outcome = do_remount(c);
    if (c.state == "ephemeral") {
      bool same_src = mounts.count(c.entry.name) && mounts[c.entry.name].src == c.entry.src;
      if (!same_src)
        throw ModuleFailure("Ephemeral mount point is already mounted with a different source than the specified one. Failing in order to prevent an unwanted unmount or override operation. Try replacing this command with a \"state: unmounted\" followed by a \"state: ephemeral\", or use a different destination path.");
      changed = true;
      if (!ctx.checking()) outcome = do_remount(c);
    }
  } else {
    changed = true;
    if (!ctx.checking()) outcome = do_mount(c);
  }
  if (outcome.first != 0) {
    if (c.state != "ephemeral" && new_text != old_text) atomic_write(c.fstab, old_text);
    for (auto it = made.rbegin(); it != made.rend(); ++it) fs::remove(*it, error);
    throw ModuleFailure("Error mounting " + c.entry.name + ": " + outcome.second);
  }
  result["changed"] = changed;
  return result;
}

}  // namespace

json run_mount(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "mount");
  const std::string state = arg_string(args, "state");
  if (state == "mounted" || state == "present" || state == "ephemeral") {
    std::string missing;
    for (const char* key : {"src", "fstype"})
      if (!is_set(args, key)) missing += std::string(missing.empty() ? "" : ", ") + key;
    if (!missing.empty()) throw ModuleFailure("state is " + state + " but all of the following are missing: " + missing);
  }
  Call c{args, {}, is_set(args, "fstab") ? arg_string(args, "fstab") : "/etc/fstab", state};
  c.entry.name = arg_string(args, "path");
  c.entry.src = arg_string(args, "src");
  c.entry.fstype = arg_string(args, "fstype");
  c.entry.opts = is_set(args, "opts") ? arg_string(args, "opts") : "defaults";
  c.entry.dump = arg_string(args, "dump");
  c.entry.passno = arg_string(args, "passno");
  if (!arg_bool(args, "boot")) {
    std::vector<std::string> opts;
    std::stringstream split(c.entry.opts);
    for (std::string o; std::getline(split, o, ',');) opts.push_back(o);
    opts.push_back("noauto");
    c.entry.opts.clear();
    for (const auto& o : opts) c.entry.opts += (c.entry.opts.empty() ? "" : ",") + o;
  }
  const bool have_src = is_set(args, "src");
  Entry escaped = c.entry;
  escaped.name = escape_fstab(c.entry.name);
  escaped.src = escape_fstab(c.entry.src);
  escaped.fstype = escape_fstab(c.entry.fstype);
  escaped.opts = escape_fstab(c.entry.opts);
  if (state != "ephemeral" && !fs::exists(c.fstab)) {
    std::error_code error;
    fs::create_directories(fs::path(c.fstab).parent_path(), error);
    atomic_write(c.fstab, "");
  }
  const std::string old_text = state == "ephemeral" ? "" : read_file(c.fstab).value_or("");
  json result = result_fields(c);
  bool changed = false;
  if (state == "absent" || state == "absent_mount" || state == "absent_from_fstab") {
    std::string new_text = unset_entry(old_text, escaped, have_src, changed);
    if (changed && ctx.diffing()) result["diff"] = content_diff(old_text, new_text, c.fstab, c.fstab);
    if (changed && !ctx.checking()) {
      write_fstab(c, new_text, result);
      if (state != "absent_from_fstab") {
        if (is_mounted(c.entry.name)) {
          auto [rc, msg] = do_umount(c.entry.name);
          if (rc != 0) throw ModuleFailure("Error unmounting " + c.entry.name + ": " + msg);
        }
        std::error_code error;
        if (state == "absent" && fs::exists(c.entry.name) && !fs::remove(c.entry.name, error))
          throw ModuleFailure("Error rmdir " + c.entry.name + ": " + error.message());
      }
    }
  } else if (state == "unmounted") {
    if (is_mounted(c.entry.name)) {
      if (!ctx.checking()) {
        auto [rc, msg] = do_umount(c.entry.name);
        if (rc != 0) throw ModuleFailure("Error unmounting " + c.entry.name + ": " + msg);
      }
      changed = true;
    }
  } else if (state == "mounted" || state == "ephemeral") {
    Call escaped_call = c;
    escaped_call.entry = escaped;
    json out = mounted_or_ephemeral(escaped_call, ctx, old_text, have_src);
    for (auto& [key, value] : out.items())
      if (key == "changed" || key == "diff" || key == "backup_file") result[key] = value;
    return result;
  } else if (state == "present") {
    std::string new_text = set_entry(old_text, escaped, have_src, changed);
    if (changed && ctx.diffing()) result["diff"] = content_diff(old_text, new_text, c.fstab, c.fstab);
    if (changed && !ctx.checking()) write_fstab(c, new_text, result);
  } else if (state == "remounted") {
    if (!ctx.checking()) {
      auto [rc, msg] = do_remount(c);
      if (rc != 0) throw ModuleFailure("Error remounting " + c.entry.name + ": " + msg);
    }
    changed = true;
  }
  result["changed"] = changed;
  return result;
}

namespace {
const std::array<ReturnDoc, 8> k_returns{{
    ReturnDoc{"name", "str", "always", "The mount point."},
    ReturnDoc{"src", "str", "when given", "The device or source."},
    ReturnDoc{"fstype", "str", "when given", "The file system type."},
    ReturnDoc{"opts", "str", "always", "The options (defaults when none were given; noauto added for boot=false)."},
    ReturnDoc{"dump", "str", "always", "fstab's dump field."},
    ReturnDoc{"passno", "str", "always", "fstab's pass number."},
    ReturnDoc{"fstab", "str", "always", "The fstab file."},
    ReturnDoc{"backup_file", "str", "always", "The backup of fstab with backup=true, else \"\"."},
}};
}  // namespace

const ModuleDoc mount_doc{
    .description = "Manages an fstab entry and whether its file system is mounted, as ansible.posix.mount (also that name): present, mounted, unmounted, remounted, absent, absent_mount, absent_from_fstab, ephemeral.",
    .options = k_spec,
    .returns = k_returns,
    .example = "- name: Scratch space in memory\n  ansible.posix.mount:\n    path: /srv/scratch\n    src: tmpfs\n    fstype: tmpfs\n    opts: size=64m\n    state: mounted\n",
    .notes = "Runs the target's mount and umount commands. fstab is written atomically; --diff shows its change.",
};

}  // namespace drover::modules
