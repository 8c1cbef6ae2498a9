// stat, as Ansible's stat module. Mime type and charset come from the target's `file` command, as
// Ansible gets them; without one, a small built-in detection answers for common files. Attributes
// come from `lsattr`, as Ansible's get_file_attributes reads them.
#include <array>
#include <cctype>
#include <fstream>
#include <optional>
#include <utility>
#include <vector>
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
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"
#include "modules/util/stat_info.hpp"
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
            .choices = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}, .description = "The checksum's algorithm."},
    ArgSpec{.name = "get_mime", .type = ArgType::boolean, .default_value = true, .aliases = {"mime", "mime_type", "mime-type"}, .description = "Accepted; drover returns no mimetype (the runner starts no file(1) process)."},
    ArgSpec{.name = "get_attributes", .type = ArgType::boolean, .default_value = true, .aliases = {"attr", "attributes"}, .description = "Accepted; drover returns no attributes (the runner starts no lsattr process)."},
    ArgSpec{.name = "get_md5", .type = ArgType::boolean, .description = "Accepted for compatibility; md5 is not returned (use checksum_algorithm: md5)."},
};

// Ansible's format_output.
json format_output(const std::string& path, const struct stat& st) {
  json output = stat_fields(st);
  output["exists"] = true;
  output["path"] = path;
  output["blocks"] = st.st_blocks;
  output["block_size"] = st.st_blksize;
  output["device_type"] = st.st_rdev;
  return output;
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

// Ansible's FILE_ATTRIBUTES: lsattr's flag letters and their names.
constexpr std::array<std::pair<char, const char*>, 20> k_attribute_names{{
    {'A', "noatime"}, {'a', "append"}, {'c', "compressed"}, {'C', "nocow"}, {'d', "nodump"},
    {'D', "dirsync"}, {'e', "extents"}, {'E', "encrypted"}, {'h', "blocksize"}, {'i', "immutable"},
    {'I', "indexed"}, {'j', "journalled"}, {'N', "inline"}, {'s', "zero"}, {'S', "synchronous"},
    {'t', "notail"}, {'T', "blockroot"}, {'u', "undelete"}, {'X', "compressedraw"}, {'Z', "compresseddirty"},
}};


// version, attributes and attr_flags from `lsattr -vd PATH`; the defaults when it fails.
void add_attributes(json& output, const std::string& path) {
  output["version"] = nullptr;
  output["attributes"] = json::array();
  output["attr_flags"] = "";
  ProcessSpec spec;
  spec.argv = {"lsattr", "-vd", path};
  ProcessResult process = run_process(spec);
  std::vector<std::string> words = split_words(process.stdout_text);
  if (process.start_failure != StartFailure::none || process.rc != 0 || words.size() < 2) return;
  std::string flags;
  for (char c : words[1])
    if (c != '-') flags += c;
  output["version"] = words[0];
  output["attr_flags"] = flags;
  for (char c : flags)
    for (const auto& [letter, name] : k_attribute_names)
      if (letter == c) output["attributes"].push_back(name);
}

// `file --mime-type --mime-encoding PATH`: {"text/plain", "us-ascii"}; nothing when `file` is
// missing or fails.
std::optional<std::pair<std::string, std::string>> mime_from_file_command(const std::string& path) {
  ProcessSpec spec;
  spec.argv = {"file", "--mime-type", "--mime-encoding", path};
  ProcessResult process = run_process(spec);
  if (process.start_failure != StartFailure::none || process.rc != 0) return std::nullopt;
  std::string out = process.stdout_text;
  auto colon = out.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string rest = out.substr(colon + 1);
  auto semicolon = rest.find(';');
  if (semicolon == std::string::npos || rest.find(';', semicolon + 1) != std::string::npos) return std::nullopt;
  std::string charset = rest.substr(semicolon + 1);
  auto equals = charset.find('=');
  if (equals == std::string::npos) return std::nullopt;
  return std::pair{trim(rest.substr(0, semicolon)), trim(charset.substr(equals + 1))};
}

// What `file --mime` says for common files, for targets without the `file` command.
std::pair<std::string, std::string> builtin_mime(const std::string& path, const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return {"inode/directory", "binary"};
  if (S_ISLNK(st.st_mode)) return {"inode/symlink", "binary"};
  if (S_ISFIFO(st.st_mode)) return {"inode/fifo", "binary"};
  if (S_ISSOCK(st.st_mode)) return {"inode/socket", "binary"};
  if (S_ISCHR(st.st_mode)) return {"inode/chardevice", "binary"};
  if (S_ISBLK(st.st_mode)) return {"inode/blockdevice", "binary"};
  if (st.st_size == 0) return {"inode/x-empty", "binary"};
  std::ifstream in(path, std::ios::binary);
  std::string head(65536, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head.empty() && !in) return {"unknown", "unknown"};
  static const std::array<std::pair<std::string_view, const char*>, 8> k_magic{{
      {"\x7f" "ELF", "application/x-executable"}, {"\x1f\x8b", "application/gzip"},
      {"\x89PNG\r\n\x1a\n", "image/png"}, {"%PDF-", "application/pdf"}, {"PK\x03\x04", "application/zip"},
      {"BZh", "application/x-bzip2"}, {"\xfd" "7zXZ", "application/x-xz"}, {"GIF8", "image/gif"},
  }};
  for (const auto& [magic, type] : k_magic)
    if (head.starts_with(magic)) return {type, "binary"};
  bool ascii = true;
  for (unsigned char c : head) {
    if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\b' && c != 0x1b))
      return {"application/octet-stream", "binary"};
    if (c >= 0x80) ascii = false;
  }
  bool utf8 = ascii || utf8_valid_prefix(head) + 3 >= head.size();  // a cut character at the end
  if (!utf8) return {"text/plain", "unknown-8bit"};
  std::string type = head.starts_with("#!") && head.find("sh", 0) < head.find('\n') ? "text/x-shellscript" : "text/plain";
  return {type, ascii ? "us-ascii" : "utf-8"};
}

void add_mime(json& output, const std::string& path, const struct stat& st) {
  auto mime = mime_from_file_command(path);
  if (!mime) mime = builtin_mime(path, st);
  output["mimetype"] = mime->first;
  output["charset"] = mime->second;
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
  if (arg_bool(args, "get_mime")) add_mime(output, path, st);
  if (arg_bool(args, "get_attributes")) add_attributes(output, path);
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
