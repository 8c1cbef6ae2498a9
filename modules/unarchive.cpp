// unarchive, as Ansible 2.14's module: unpacks a zip or tar archive (plain, gz, bz2, xz, zst)
// that is on the target (the control half uploads a local one first) with the target's own
// `unzip` and GNU `tar`, as Ansible does; a missing tool is a clear error naming it. Query: the
// archive's members are listed and compared with the tree under dest (tar --diff; for zip
// Ansible's own comparison of type, mtime, size, CRC-32, mode and owner), so a second run
// changes nothing. Apply: the tool extracts, then owner/group/mode are set on every member.
//
// drover refuses an archive whose members would land outside dest (a ".." in a member's path, a
// hard link to a path with ".." or an absolute one, a member below a symbolic link that the
// archive itself creates) before anything is extracted. Check mode predicts for tar archives
// too (Ansible skips them).
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <set>
#include <sstream>

#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/hash.hpp"
#include "modules/util/http.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"
#include "modules/util/users.hpp"

namespace drover::modules {

namespace {

namespace fs = std::filesystem;

const std::array k_spec{
    ArgSpec{.name = "src", .type = ArgType::path, .required = Required::yes, .description = "The archive: on the control node (uploaded first), or on the target with remote_src, where it may also be an http(s) URL to download."},
    ArgSpec{.name = "dest", .type = ArgType::path, .required = Required::yes, .description = "The existing directory to unpack into."},
    ArgSpec{.name = "remote_src", .type = ArgType::boolean, .default_value = false, .description = "src is already on the target (or a URL the target downloads)."},
    ArgSpec{.name = "copy", .type = ArgType::boolean, .default_value = true, .description = "Deprecated opposite of remote_src (the control half reads it)."},
    ArgSpec{.name = "creates", .type = ArgType::path, .description = "Do nothing when this path exists on the target (checked by the control half)."},
    ArgSpec{.name = "list_files", .type = ArgType::boolean, .default_value = false, .description = "Return the archive's members as `files`."},
    ArgSpec{.name = "keep_newer", .type = ArgType::boolean, .default_value = false, .description = "Do not replace files that are newer than the archive's."},
    ArgSpec{.name = "exclude", .type = ArgType::list, .default_value = json::array(), .description = "Members (fnmatch patterns) not to unpack. Mutually exclusive with include."},
    ArgSpec{.name = "include", .type = ArgType::list, .default_value = json::array(), .description = "Only these members are unpacked. Mutually exclusive with exclude."},
    ArgSpec{.name = "extra_opts", .type = ArgType::list, .default_value = json::array(), .description = "More options for tar or unzip, one word per list item (e.g. [--strip-components, 1])."},
    ArgSpec{.name = "validate_certs", .type = ArgType::boolean, .default_value = true, .description = "Check the server's certificate when src is an https URL."},
    ArgSpec{.name = "io_buffer_size", .type = ArgType::integer, .default_value = 65536, .description = "Accepted for compatibility (the read buffer of the CRC-32 comparison)."},
    ArgSpec{.name = "decrypt", .type = ArgType::boolean, .default_value = true, .description = "Decrypt a vault-encrypted local src (the control half reads it)."},
    ArgSpec{.name = "mode", .type = ArgType::raw, .description = "The permissions every unpacked file and directory gets (octal string or symbolic). Without it they keep the archive's."},
    ArgSpec{.name = "owner", .description = "The user that should own the unpacked files (name or uid)."},
    ArgSpec{.name = "group", .description = "The group that should own the unpacked files (name or gid)."},
    ArgSpec{.name = "unsafe_writes", .type = ArgType::boolean, .description = "Accepted for Ansible compatibility."},
    ArgSpec{.name = "attributes", .aliases = {"attr"}, .description = "The file's attributes as chattr sets them. Not supported by drover yet: giving it fails clearly."},
    ArgSpec{.name = "_content_b64", .no_log = true},  // a control-node archive, as the control half sends it
};

enum class Format { zip, tar };

// One member as the archive's verbose listing shows it.
struct Member {
  std::string name;  // leading "/" removed
  char type = '-';   // '-' file, 'd' directory, 'l' symbolic link, 'h' hard link, other: special
  std::string link;  // the target of a hard link
};

struct Archive {
  Format format = Format::tar;
  std::string handler;  // Ansible's class name: ZipArchive, TgzArchive, TarArchive, ...
  std::string tool;     // "unzip", "gtar" or "tar"
  std::string flag;     // tar's decompression flag ("-z", "-j", "-J", ...), or ""
  std::vector<std::string> files;  // Ansible's files_in_archive
  std::vector<Member> members;
};

struct Request {
  json args;
  std::string src;
  std::string dest;
  std::vector<std::string> excludes;
  std::vector<std::string> includes;
  std::vector<std::string> extra_opts;
};

std::vector<std::string> string_list(const json& value) {
  std::vector<std::string> out;
  if (!value.is_array()) return out;
  for (const auto& item : value) out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  return out;
}

bool fnmatches(const std::string& name, const std::string& pattern) {
  return ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

bool matches_any(const std::string& name, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return fnmatches(name, p); });
}

// Ansible runs the archive tools in the C locale (get_best_parsable_locale) so that their
// messages can be parsed.
ProcessResult run_tool(std::vector<std::string> argv, const std::string& chdir = "") {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.chdir = chdir;
  spec.environment = {{"LANG", "C"}, {"LC_ALL", "C"}, {"LC_MESSAGES", "C"}, {"LANGUAGE", "C"}};
  return run_process(spec);
}

bool missing_tool(const ProcessResult& r) { return r.start_failure == StartFailure::exec && r.start_errno == ENOENT; }

// GNU tar's --quoting-style=escape: backslash escapes of C, octal for other bytes.
std::string unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    char c = text[++i];
    if (c >= '0' && c <= '7') {
      int value = 0;
      std::size_t digits = 0;
      for (; digits < 3 && i < text.size() && text[i] >= '0' && text[i] <= '7'; ++digits, ++i) value = value * 8 + (text[i] - '0');
      --i;
      out += static_cast<char>(value);
      continue;
    }
    switch (c) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      default: out += c;
    }
  }
  return out;
}

std::string strip_root(std::string name) {
  while (name.starts_with("/")) name.erase(0, 1);
  return name;
}

// ---- tar -------------------------------------------------------------------------------------

// The words of a tar command that every call shares: -C dest, the decompression flag, the user's
// extra options (names shown as transformed), the excludes.
std::vector<std::string> tar_words(const Archive& archive, const Request& request, std::string_view operation) {
  std::vector<std::string> argv{archive.tool, std::string(operation), "-C", request.dest};
  if (!archive.flag.empty()) argv.push_back(archive.flag);
  if (!request.extra_opts.empty()) {
    argv.push_back("--show-transformed-names");
    argv.insert(argv.end(), request.extra_opts.begin(), request.extra_opts.end());
  }
  return argv;
}

void add_tar_tail(std::vector<std::string>& argv, const Request& request, const std::vector<std::string>& excludes) {
  for (const auto& e : excludes) argv.push_back("--exclude=" + e);
  argv.push_back("-f");
  argv.push_back(request.src);
  argv.insert(argv.end(), request.includes.begin(), request.includes.end());
}

std::vector<std::string> tar_excludes(const Request& request) {
  std::vector<std::string> out;
  for (std::string e : request.excludes) {
    while (e.ends_with("/")) e.pop_back();
    out.push_back(e);
  }
  return out;
}

// One line of `tar --list --verbose`: "-rw-r--r-- user/group 12 2024-01-01 12:00 name",
// "lrwxrwxrwx ... name -> target", "hrw-r--r-- ... name link to target".
std::optional<Member> parse_tar_line(const std::string& line) {
  std::size_t at = 0;
  for (int field = 0; field < 5; ++field) {
    at = line.find_first_not_of(' ', at);
    if (at == std::string::npos) return std::nullopt;
    at = line.find(' ', at);
    if (at == std::string::npos) return std::nullopt;
  }
  at = line.find_first_not_of(' ', at);
  if (at == std::string::npos || line.empty()) return std::nullopt;
  Member m;
  m.type = line[0];
  std::string rest = line.substr(at);
  if (m.type == 'l') {
    if (auto arrow = rest.rfind(" -> "); arrow != std::string::npos) rest.resize(arrow);
  } else if (m.type == 'h') {
    if (auto link = rest.rfind(" link to "); link != std::string::npos) {
      m.link = unescape(rest.substr(link + 9));
      rest.resize(link);
    }
  }
  m.name = strip_root(unescape(rest));
  return m;
}

// Lists the archive with the decompression `flag`; nothing when tar cannot read it so.
std::optional<std::vector<Member>> tar_members(Archive& archive, const Request& request, std::string& error) {
  std::vector<std::string> argv = tar_words(archive, request, "--list");
  argv.insert(argv.begin() + 2, {"--verbose", "--quoting-style=escape"});
  add_tar_tail(argv, request, tar_excludes(request));
  ProcessResult r = run_tool(argv, request.dest);
  if (r.rc != 0) {
    error = r.stderr_text;
    return std::nullopt;
  }
  std::vector<Member> members;
  std::istringstream lines(r.stdout_text);
  for (std::string line; std::getline(lines, line);)
    if (auto m = parse_tar_line(line)) members.push_back(*m);
  return members;
}

std::optional<Archive> tar_handler(const Request& request, std::vector<std::string>& reasons) {
  Archive archive;
  archive.format = Format::tar;
  ProcessResult version = run_tool({"gtar", "--version"});
  archive.tool = "gtar";
  if (missing_tool(version)) {
    version = run_tool({"tar", "--version"});
    archive.tool = "tar";
  }
  if (missing_tool(version)) {
    reasons.push_back("Unable to find required 'gtar' or 'tar' binary in the path");
    return std::nullopt;
  }
  if (!version.stdout_text.starts_with("tar") || version.stdout_text.find("GNU") == std::string::npos) {
    std::string type = version.stdout_text.starts_with("bsdtar") ? "bsd" : "None";
    reasons.push_back("Command \"" + archive.tool + "\" detected as tar type " + type + ". GNU tar required.");
    return std::nullopt;
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> k_kinds{{
      {"TgzArchive", "-z"}, {"TarArchive", ""}, {"TarBzipArchive", "-j"}, {"TarXzArchive", "-J"},
      {"TarZstdArchive", "--use-compress-program=zstd"},
  }};
  std::vector<std::string> excludes = tar_excludes(request);
  for (const auto& [name, flag] : k_kinds) {
    archive.handler = name;
    archive.flag = flag;
    std::string error;
    auto members = tar_members(archive, request, error);
    if (!members) {
      reasons.push_back("Command \"" + archive.tool + "\" could not handle archive: Unable to list files in the archive: " + error);
      continue;
    }
    archive.members = *members;
    archive.files.clear();
    for (const auto& m : archive.members)
      if (!matches_any(m.name, excludes)) archive.files.push_back(m.name);
    if (archive.files.empty()) {
      reasons.push_back("Command \"" + archive.tool + "\" found no files in archive. Empty archive files are not supported.");
      continue;
    }
    return archive;
  }
  return std::nullopt;
}

// Ansible's TgzArchive.is_unarchived: tar --diff, and only the differences that the requested
// owner/group/mode would not fix count. drover also counts a differing size or content (Ansible
// misses a file changed within the second its archived copy was made).
bool tar_is_unarchived(const Archive& archive, const Request& request) {
  std::vector<std::string> argv = tar_words(archive, request, "--diff");
  const json& args = request.args;
  if (is_set(args, "owner")) argv.push_back("--owner=" + arg_string(args, "owner"));
  if (is_set(args, "group")) argv.push_back("--group=" + arg_string(args, "group"));
  if (arg_bool(args, "keep_newer")) argv.push_back("--keep-newer-files");
  add_tar_tail(argv, request, tar_excludes(request));
  ProcessResult r = run_tool(argv, request.dest);
  bool root = ::getuid() == 0;
  std::istringstream lines(r.stdout_text + "\n" + r.stderr_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.ends_with(": : Warning: Cannot stat: No such file or directory")) continue;
    if ((root && !is_set(args, "owner") && line.ends_with(": Uid differs")) ||
        (root && !is_set(args, "group") && line.ends_with(": Gid differs")) ||
        (!is_set(args, "mode") && line.ends_with(": Mode differs")) || line.ends_with(": Mod time differs") ||
        line.ends_with(": Size differs") || line.ends_with(": Contents differ") ||
        line.ends_with(": Warning: Cannot stat: No such file or directory") ||
        line.find(": Invalid owner") != std::string::npos || line.find(": Invalid group") != std::string::npos)
      return false;
  }
  return true;
}

json tar_extract(const Archive& archive, const Request& request) {
  std::vector<std::string> argv = tar_words(archive, request, "--extract");
  const json& args = request.args;
  if (is_set(args, "owner")) argv.push_back("--owner=" + arg_string(args, "owner"));
  if (is_set(args, "group")) argv.push_back("--group=" + arg_string(args, "group"));
  if (arg_bool(args, "keep_newer")) argv.push_back("--keep-newer-files");
  add_tar_tail(argv, request, tar_excludes(request));
  ProcessResult r = run_tool(argv, request.dest);
  return {{"cmd", argv}, {"rc", r.rc}, {"out", r.stdout_text}, {"err", r.stderr_text}};
}

// ---- zip -------------------------------------------------------------------------------------

// One line of `unzip -Z -T -s`: "-rw-r--r--  3.0 unx  12 tx stor 20240101.120000 name", or
// nothing for a header or footer line (Ansible's checks).
struct ZipLine {
  char type = '-';
  std::string perms;
  long long size = 0;
  std::string stamp;
  std::string path;
};

std::optional<ZipLine> parse_zip_line(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t at = 0;
  while (fields.size() < 7) {
    at = line.find_first_not_of(" \t", at);
    if (at == std::string::npos) return std::nullopt;
    std::size_t end = line.find_first_of(" \t", at);
    if (end == std::string::npos) return std::nullopt;
    fields.push_back(line.substr(at, end - at));
    at = end;
  }
  at = line.find_first_not_of(" \t", at);
  if (at == std::string::npos) return std::nullopt;
  const std::string& perms = fields[0];
  if ((perms.size() != 7 && perms.size() != 10) || fields[6].size() != 15) return std::nullopt;
  if (std::string_view("dl-?").find(perms[0]) == std::string_view::npos) return std::nullopt;
  if (perms.find_first_not_of("rwxstah-", 1) != std::string::npos) return std::nullopt;
  ZipLine z;
  z.type = perms[0];
  z.perms = perms.substr(1);
  try {
    z.size = std::stoll(fields[3]);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  z.stamp = fields[6];
  z.path = line.substr(at);
  return z;
}

std::vector<ZipLine> zip_lines(const std::string& src) {
  ProcessResult r = run_tool({"unzip", "-Z", "-T", "-s", src});
  std::vector<ZipLine> out;
  std::istringstream lines(r.stdout_text);
  for (std::string line; std::getline(lines, line);)
    if (auto z = parse_zip_line(line)) out.push_back(*z);
  return out;
}

std::optional<Archive> zip_handler(const Request& request, std::vector<std::string>& reasons) {
  ProcessResult r = run_tool({"unzip", "-l", request.src});
  if (missing_tool(r)) {
    reasons.push_back("Unable to find required 'unzip' binary in the path.");
    return std::nullopt;
  }
  if (r.rc != 0) {
    reasons.push_back("Command \"unzip\" could not handle archive: " + r.stderr_text);
    return std::nullopt;
  }
  Archive archive;
  archive.format = Format::zip;
  archive.handler = "ZipArchive";
  archive.tool = "unzip";
  ProcessResult names = run_tool({"unzip", "-Z1", request.src});
  std::istringstream lines(names.stdout_text);
  for (std::string name; std::getline(lines, name);) {
    if (!request.includes.empty()) {
      for (const auto& include : request.includes)
        if (fnmatches(name, include)) archive.files.push_back(name);
    } else if (!matches_any(name, request.excludes)) {
      archive.files.push_back(name);
    }
  }
  for (const ZipLine& z : zip_lines(request.src)) archive.members.push_back(Member{strip_root(z.path), z.type, ""});
  return archive;
}

// A zip permission string (rw-r--r--) as mode bits (Ansible's _permstr_to_octal).
unsigned permstr_mode(const std::string& perms, unsigned umask) {
  unsigned mode = 0;
  for (std::size_t i = 0; i < 9 && i < perms.size(); ++i)
    if (std::string_view("rwxst").find(perms[8 - i]) != std::string_view::npos) mode |= 1u << i;
  return mode & ~umask;
}

// Seconds since the epoch of a zipinfo -T stamp (YYYYmmdd.HHMMSS, local time), as mktime reads it.
double zip_stamp(const std::string& stamp) {
  std::tm tm{};
  if (!::strptime(stamp.c_str(), "%Y%m%d.%H%M%S", &tm)) return 0;
  tm.tm_isdst = -1;
  return static_cast<double>(std::mktime(&tm));
}

struct Ownership {
  std::string owner;
  uid_t uid = 0;
  std::string group;
  gid_t gid = 0;
};

// The owner and group the unpacked files should have: the requested ones, else the runner's.
Ownership future_ownership(const json& args) {
  Ownership o;
  o.uid = ::getuid();
  o.gid = ::getgid();
  if (is_set(args, "owner"))
    if (auto uid = resolve_uid(arg_string(args, "owner"))) o.uid = *uid;
  if (is_set(args, "group"))
    if (auto gid = resolve_gid(arg_string(args, "group"))) o.gid = *gid;
  auto user = find_user(o.uid);
  o.owner = user ? user->name : std::to_string(o.uid);
  auto group = find_group(o.gid);
  o.group = group ? group->name : std::to_string(o.gid);
  return o;
}

unsigned requested_mode(const json& args, const std::string& path, const struct stat& st) {
  return parse_mode(args["mode"], path, st.st_mode & 07777, S_ISDIR(st.st_mode));
}

struct ZipCheck {
  bool unarchived = true;
  std::string diff;  // rsync-like itemized lines, as Ansible's
};

// One zipinfo line against the tree: the itemized change ("" when none).
std::string zip_line_change(const ZipLine& z, const Request& request, const Ownership& future,
                            std::map<std::string, std::uint32_t>& crcs, std::vector<std::string>& excludes) {
  const json& args = request.args;
  std::string path = z.path;
  char ftype = 'f';
  if (path.ends_with("/")) ftype = 'd';
  else if (z.type == 'l') ftype = 'L';
  std::string perms = z.perms;
  unsigned file_umask = 0;
  if (perms.size() == 6) {
    perms = path.ends_with("/") || perms == "rwx---" ? "rwxrwxrwx" : "rw-rw-rw-";
    file_umask = current_umask();
  }
  std::string full = (fs::path(request.dest) / path).string();
  struct stat st{};
  if (::lstat(full.c_str(), &st) != 0) return std::string(">") + ftype + "++++++.?? " + path;
  if ((ftype == 'd' && !S_ISDIR(st.st_mode)) || (ftype == 'f' && !S_ISREG(st.st_mode)) ||
      (ftype == 'L' && !S_ISLNK(st.st_mode)))
    return std::string("c") + ftype + "++++++.?? " + path;
  std::string itemized = std::string(".") + ftype + ".......??";
  bool change = false;
  if (S_ISREG(st.st_mode)) {
    double stamp = zip_stamp(z.stamp);
    double mtime = static_cast<double>(st.st_mtim.tv_sec) + st.st_mtim.tv_nsec / 1e9;
    if (arg_bool(args, "keep_newer") && stamp < mtime) {
      excludes.push_back(path);
      return "";
    }
    if (arg_bool(args, "keep_newer") ? stamp > mtime : stamp != mtime) {
      change = true;
      itemized[4] = 't';
    }
    if (z.size != st.st_size) {
      change = true;
      itemized[3] = 's';
    }
    auto crc = file_crc32(full);
    if (!crcs.contains(path) || !crc || *crc != crcs[path]) {
      change = true;
      itemized[2] = 'c';
    }
  }
  if (ftype != 'L') {
    unsigned mode = is_set(args, "mode") ? requested_mode(args, full, st)
                    : z.type == '?'      ? permstr_mode(perms, 0)
                                         : permstr_mode(perms, file_umask);
    if (mode != (st.st_mode & 07777)) {
      change = true;
      itemized[5] = 'p';
    }
  }
  auto owner = find_user(st.st_uid);
  if ((owner ? owner->name != future.owner : st.st_uid != future.uid)) {
    change = true;
    itemized[6] = 'o';
  }
  auto group = find_group(st.st_gid);
  if ((group ? group->name != future.group : st.st_gid != future.gid)) {
    change = true;
    itemized[6] = 'g';
  }
  return change ? itemized + " " + path : "";
}

// The CRC-32 of every member, from `unzip -v`'s listing ("Length Method Size Cmpr Date Time CRC-32 Name").
std::map<std::string, std::uint32_t> zip_crcs(const std::string& src) {
  std::map<std::string, std::uint32_t> crcs;
  ProcessResult r = run_tool({"unzip", "-v", src});
  std::istringstream lines(r.stdout_text);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> words = split_words(line);
    if (words.size() < 8 || words[6].size() != 8 || words[6].find_first_not_of("0123456789abcdef") != std::string::npos)
      continue;
    std::size_t name_at = 0;
    for (int field = 0; field < 7; ++field) {
      name_at = line.find_first_not_of(' ', name_at);
      name_at = line.find(' ', name_at);
    }
    name_at = line.find_first_not_of(' ', name_at);
    crcs[line.substr(name_at)] = static_cast<std::uint32_t>(std::stoul(words[6], nullptr, 16));
  }
  return crcs;
}

// Ansible's ZipArchive.is_unarchived.
ZipCheck zip_is_unarchived(const Request& request, std::vector<std::string>& excludes) {
  const json& args = request.args;
  Ownership future = future_ownership(args);
  if (::getuid() != 0) {
    auto me = find_user(::getuid());
    std::string my_name = me ? me->name : std::to_string(::getuid());
    if (future.uid != ::getuid())
      throw ModuleFailure("Cannot change ownership of the unpacked files to " + future.owner + ", as user " + my_name);
  }
  std::map<std::string, std::uint32_t> crcs = zip_crcs(request.src);
  ZipCheck check;
  for (const ZipLine& z : zip_lines(request.src)) {
    if (!request.includes.empty() && !matches_any(z.path, request.includes)) continue;
    if (matches_any(z.path, request.excludes)) continue;
    std::string change = zip_line_change(z, request, future, crcs, excludes);
    if (change.empty()) continue;
    check.unarchived = false;
    check.diff += change + "\n";
  }
  return check;
}

json zip_extract(const Request& request, const std::vector<std::string>& excludes) {
  std::vector<std::string> argv{"unzip", "-o"};
  argv.insert(argv.end(), request.extra_opts.begin(), request.extra_opts.end());
  argv.push_back(request.src);
  if (!excludes.empty()) {
    argv.push_back("-x");
    argv.insert(argv.end(), excludes.begin(), excludes.end());
  }
  argv.insert(argv.end(), request.includes.begin(), request.includes.end());
  argv.push_back("-d");
  argv.push_back(request.dest);
  ProcessResult r = run_tool(argv);
  return {{"cmd", argv}, {"rc", r.rc}, {"out", r.stdout_text}, {"err", r.stderr_text}};
}

// ---- both ------------------------------------------------------------------------------------

// Ansible's pick_handler: zip first, then tar with each decompression in turn.
Archive pick_handler(const Request& request) {
  std::vector<std::string> reasons;
  if (auto zip = zip_handler(request, reasons)) return *zip;
  if (auto tar = tar_handler(request, reasons)) return *tar;
  std::string msg = "Failed to find handler for \"" + request.src +
                    "\". Make sure the required command to extract the file is installed.";
  std::set<std::string> seen;
  for (const auto& reason : reasons)
    if (seen.insert(reason).second) msg += "\n" + reason;
  throw ModuleFailure(msg);
}

std::vector<std::string> path_parts(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// Refuses, before anything is unpacked, an archive with a member that would land outside dest.
void refuse_escapes(const Archive& archive, const Request& request) {
  auto refuse = [&](const std::string& member, const std::string& why) {
    throw ModuleFailure("Refusing to unpack " + request.src + ": its member '" + member + "' would be written outside " +
                            request.dest + " (" + why + "). Unpack the archive by hand if you trust it, or leave that member out with exclude.",
                        {{"dest", request.dest}, {"src", request.src}});
  };
  std::set<std::string> links;
  for (const Member& m : archive.members) {
    std::vector<std::string> parts = path_parts(m.name);
    if (std::find(parts.begin(), parts.end(), "..") != parts.end()) refuse(m.name, "its path goes up with '..'");
    std::string prefix;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      prefix += (i ? "/" : "") + parts[i];
      if (links.contains(prefix)) refuse(m.name, "it lies below '" + prefix + "', a symbolic link the archive creates");
    }
    if (m.type == 'h') {
      std::vector<std::string> target = path_parts(m.link);
      if (m.link.starts_with("/") || std::find(target.begin(), target.end(), "..") != target.end())
        refuse(m.name, "it is a hard link to '" + m.link + "'");
    }
    if (m.type == 'l') {
      std::string name = m.name;
      while (name.ends_with("/")) name.pop_back();
      links.insert(name);
    }
  }
}

// A private temp directory (0700) for an archive that came with the request or from a URL,
// removed with its content when the module returns.
class TempSource {
public:
  TempSource() = default;
  ~TempSource() {
    std::error_code ec;
    if (!m_dir.empty()) fs::remove_all(m_dir, ec);
  }
  TempSource(const TempSource&) = delete;
  TempSource& operator=(const TempSource&) = delete;

  // Creates the directory; returns the path of "source" in it.
  std::string make() {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string pattern = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/drover-unarchive.XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!::mkdtemp(buffer.data())) throw ModuleFailure(std::string("Failure creating a temp directory: ") + std::strerror(errno));
    m_dir = buffer.data();
    return m_dir + "/source";
  }

private:
  std::string m_dir;
};

// Downloads an http(s) src into `path` (Ansible's fetch_file).
void download(const std::string& url, const json& args, const std::string& path) {
  if (!parse_url(url)) throw ModuleFailure("drover's unarchive downloads http and https URLs only, not " + url);
  FILE* out = std::fopen(path.c_str(), "wb");
  if (!out) throw ModuleFailure("Failure downloading " + url + ", cannot write " + path);
  HttpRequest request;
  request.url = url;
  request.validate_certs = arg_bool(args, "validate_certs");
  request.redirects = Redirects::urllib2;
  request.sink = [&](std::string_view piece) {
    if (std::fwrite(piece.data(), 1, piece.size(), out) != piece.size()) throw ModuleFailure("Failure downloading " + url + ", write error");
  };
  HttpResponse response;
  try {
    response = fetch_url(request);
  } catch (...) {
    std::fclose(out);
    throw;
  }
  std::fclose(out);
  if (response.status < 200 || response.status >= 300)
    throw ModuleFailure("Failure downloading " + url + ", " + response.msg);
}

Request make_request(const json& raw_args) {
  Request r;
  r.args = check_args(raw_args, k_spec, "unarchive");
  if (!r.args["include"].empty() && !r.args["exclude"].empty())
    throw ModuleFailure("parameters are mutually exclusive: include|exclude");
  if (is_set(r.args, "attributes")) throw ModuleFailure("drover's unarchive does not set file attributes (chattr) yet");
  r.src = arg_string(r.args, "src");
  r.dest = arg_string(r.args, "dest");
  r.excludes = string_list(r.args["exclude"]);
  r.includes = string_list(r.args["include"]);
  r.extra_opts = string_list(r.args["extra_opts"]);
  return r;
}

// The source archive: written into `temp` when the control half sent it, downloaded there first
// when it is a URL (remote_src); fails as Ansible does.
std::string ready_source(const Request& request, TempSource& temp) {
  std::string src = request.src;
  if (is_set(request.args, "_content_b64")) {
    src = temp.make();
    atomic_write(src, base64_decode(arg_string(request.args, "_content_b64")));
  } else if (!fs::exists(src)) {
    if (!arg_bool(request.args, "remote_src")) throw ModuleFailure("Source '" + src + "' failed to transfer");
    if (src.find("://") == std::string::npos) throw ModuleFailure("Source '" + src + "' does not exist");
    std::string url = src;
    src = temp.make();
    download(url, request.args, src);
  }
  if (::access(src.c_str(), R_OK) != 0) throw ModuleFailure("Source '" + src + "' not readable");
  std::error_code ec;
  auto size = fs::file_size(src, ec);
  if (ec) throw ModuleFailure("Source '" + src + "' not readable, " + ec.message());
  if (size == 0) throw ModuleFailure("Invalid archive '" + src + "', the file is 0 bytes");
  if (!fs::is_directory(request.dest)) throw ModuleFailure("Destination '" + request.dest + "' is not a directory");
  return src;
}

// Sets owner/group/mode on every member and on the top folders (Ansible's loop after unpacking).
bool apply_attributes(const Archive& archive, const Request& request, const ModuleContext& ctx) {
  const json& args = request.args;
  if (!is_set(args, "mode") && !is_set(args, "owner") && !is_set(args, "group")) return false;
  bool changed = false;
  std::vector<std::string> top;
  for (const auto& name : archive.files) {
    json diff = json::object();
    changed |= apply_file_attributes((fs::path(request.dest) / name).string(), args, ctx, diff, Follow::no);
    if (auto slash = name.find('/'); slash != std::string::npos) {
      std::string folder = name.substr(0, slash);
      if (std::find(top.begin(), top.end(), folder) == top.end()) top.push_back(folder);
    }
  }
  for (const auto& folder : top) {
    json diff = json::object();
    changed |= apply_file_attributes(request.dest + "/" + folder, args, ctx, diff, Follow::no);
  }
  return changed;
}


}  // namespace

json run_unarchive(const json& raw_args, const ModuleContext& ctx) {
  Request request = make_request(raw_args);
  TempSource temp;
  request.src = ready_source(request, temp);
  Archive archive = pick_handler(request);
  refuse_escapes(archive, request);

  json result = {{"handler", archive.handler}, {"dest", request.dest}, {"src", request.src}};
  std::vector<std::string> zip_excludes = request.excludes;
  bool unarchived = true;
  std::string diff;
  if (archive.format == Format::zip) {
    ZipCheck check = zip_is_unarchived(request, zip_excludes);
    unarchived = check.unarchived;
    diff = check.diff;
  } else {
    unarchived = tar_is_unarchived(archive, request);
  }
  bool changed = !unarchived;
  if (!ctx.checking() && !unarchived) {
    result["extract_results"] = archive.format == Format::zip ? zip_extract(request, zip_excludes) : tar_extract(archive, request);
    if (result["extract_results"]["rc"] != 0) {
      result["changed"] = false;
      throw ModuleFailure("failed to unpack " + request.src + " to " + request.dest, result);
    }
  }
  if (!diff.empty()) result["diff"] = {{"prepared", diff}};
  if (!ctx.checking()) changed |= apply_attributes(archive, request, ctx);
  result["changed"] = changed;
  if (arg_bool(request.args, "list_files")) result["files"] = archive.files;
  add_path_info(result, request.dest);
  return result;
}

namespace {
const ReturnDoc k_unarchive_returns[] = {
    ReturnDoc{"dest", "str", "always", "The directory unpacked into."},
    ReturnDoc{"src", "str", "always", "The archive on the target (the uploaded or downloaded temp copy when it came from elsewhere)."},
    ReturnDoc{"handler", "str", "always", "How it was unpacked: ZipArchive, TgzArchive, TarArchive, TarBzipArchive, TarXzArchive or TarZstdArchive."},
    ReturnDoc{"files", "list", "when list_files is true", "The archive's members."},
    ReturnDoc{"extract_results", "dict", "when it unpacked", "The command run (cmd), its rc, out and err."},
    ReturnDoc{"owner", "str", "always", "The owner of dest (also uid, group, gid, mode, size, state)."},
};
}  // namespace

const ModuleDoc unarchive_doc{
    .description = "Unpacks a zip, tar, tar.gz, tar.bz2, tar.xz or tar.zst archive into an existing directory, with the target's unzip and GNU tar. The archive comes from the control node (uploaded to a temp directory first) or, with remote_src, is already on the target or at an http(s) URL the target downloads. It unpacks only when the tree differs from the archive, so a second run changes nothing; members that would land outside dest (\"..\", links) are refused before anything is written.",
    .options = k_spec,
    .returns = k_unarchive_returns,
    .example = "- ansible.builtin.unarchive:\n    src: app-1.2.tar.gz\n    dest: /opt/app\n    extra_opts: [--strip-components, 1]\n",
};

}  // namespace drover::modules
