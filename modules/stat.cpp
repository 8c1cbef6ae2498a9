// stat, as Ansible's stat module (without mime types and chattr attributes).
#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/hash.hpp"
#include "modules/util/users.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "path", .type = ArgType::path, .required = Required::yes, .aliases = {"dest", "name"}, .description = "The path to look at."},
    ArgSpec{.name = "follow", .type = ArgType::boolean, .default_value = false, .description = "Follow a symbolic link at path."},
    ArgSpec{.name = "get_checksum", .type = ArgType::boolean, .default_value = true, .description = "Return the file's checksum."},
    ArgSpec{.name = "checksum_algorithm",
            .default_value = "sha1",
            .aliases = {"checksum", "checksum_algo"},
            .choices = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}, .description = "The checksum's algorithm (drover: md5, sha1 and sha256; the others fail clearly)."},
    ArgSpec{.name = "get_mime", .type = ArgType::boolean, .default_value = true, .aliases = {"mime", "mime_type", "mime-type"}, .description = "Accepted; drover returns no mimetype (the runner starts no file(1) process)."},
    ArgSpec{.name = "get_attributes", .type = ArgType::boolean, .default_value = true, .aliases = {"attr", "attributes"}, .description = "Accepted; drover returns no attributes (the runner starts no lsattr process)."},
    ArgSpec{.name = "get_md5", .type = ArgType::boolean, .description = "Accepted for compatibility; md5 is not returned (use checksum_algorithm: md5)."},
};

double seconds(const timespec& time) { return static_cast<double>(time.tv_sec) + time.tv_nsec / 1e9; }

// Ansible's format_output.
json format_output(const std::string& path, const struct stat& st) {
  mode_t mode = st.st_mode;
  char octal[16];
  std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode & 07777));
  return {{"exists", true},      {"path", path},           {"mode", octal},
          {"isdir", S_ISDIR(mode)}, {"ischr", S_ISCHR(mode)}, {"isblk", S_ISBLK(mode)},
          {"isreg", S_ISREG(mode)}, {"isfifo", S_ISFIFO(mode)}, {"islnk", S_ISLNK(mode)},
          {"issock", S_ISSOCK(mode)}, {"uid", st.st_uid},     {"gid", st.st_gid},
          {"size", st.st_size},     {"inode", st.st_ino},     {"dev", st.st_dev},
          {"nlink", st.st_nlink},   {"atime", seconds(st.st_atim)}, {"mtime", seconds(st.st_mtim)},
          {"ctime", seconds(st.st_ctim)}, {"wusr", (mode & S_IWUSR) != 0}, {"rusr", (mode & S_IRUSR) != 0},
          {"xusr", (mode & S_IXUSR) != 0}, {"wgrp", (mode & S_IWGRP) != 0}, {"rgrp", (mode & S_IRGRP) != 0},
          {"xgrp", (mode & S_IXGRP) != 0}, {"woth", (mode & S_IWOTH) != 0}, {"roth", (mode & S_IROTH) != 0},
          {"xoth", (mode & S_IXOTH) != 0}, {"isuid", (mode & S_ISUID) != 0}, {"isgid", (mode & S_ISGID) != 0},
          {"blocks", st.st_blocks}, {"block_size", st.st_blksize}, {"device_type", st.st_rdev}};
}

void add_checksum(json& output, const std::string& path, const json& args) {
  if (!output["isreg"].get<bool>() || !output["readable"].get<bool>() || !arg_bool(args, "get_checksum")) return;
  std::string name = arg_string(args, "checksum_algorithm");
  auto algorithm = hash_algorithm(name);
  if (!algorithm)
    throw ModuleFailure("checksum_algorithm " + name + " is not available in drover-modules yet; use sha1, sha256 or md5");
  auto digest = file_hex_digest(*algorithm, path);
  if (digest) output["checksum"] = *digest;
}

}  // namespace

json run_stat(const json& raw_args, const ModuleContext&) {
  json args = check_args(raw_args, k_spec, "stat");
  std::string path = arg_string(args, "path");
  struct stat st{};
  int rc = arg_bool(args, "follow") ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  if (rc != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return {{"changed", false}, {"stat", {{"exists", false}}}};
    throw ModuleFailure(std::strerror(errno));
  }
  json output = format_output(path, st);
  output["readable"] = ::access(path.c_str(), R_OK) == 0;
  output["writeable"] = ::access(path.c_str(), W_OK) == 0;
  output["executable"] = ::access(path.c_str(), X_OK) == 0;
  if (S_ISLNK(st.st_mode)) {
    char resolved[PATH_MAX];
    output["lnk_source"] = ::realpath(path.c_str(), resolved) ? std::string(resolved) : path;
    char target[PATH_MAX];
    ssize_t n = ::readlink(path.c_str(), target, sizeof target);
    if (n >= 0) output["lnk_target"] = std::string(target, static_cast<size_t>(n));
  }
  if (auto user = find_user(st.st_uid)) output["pw_name"] = user->name;
  if (auto group = find_group(st.st_gid)) output["gr_name"] = group->name;
  add_checksum(output, path, args);
  return {{"changed", false}, {"stat", output}};
}

namespace {
const std::array<ReturnDoc, 1> k_stat_returns{{
    ReturnDoc{"stat", "dict", "success", "exists, and when it exists: path, mode, isdir, isreg, islnk, uid, gid, pw_name, gr_name, size, mtime, checksum..."},
}};
}  // namespace

const ModuleDoc stat_doc{
    .description = "Returns facts about a path: whether it exists, its kind, mode, owner, size, times and checksum.",
    .options = k_spec,
    .returns = k_stat_returns,
    .example = "- ansible.builtin.stat:\n    path: /etc/app.conf\n  register: conf\n- ansible.builtin.debug:\n    msg: missing\n  when: not conf.stat.exists\n",
};

}  // namespace drover::modules
