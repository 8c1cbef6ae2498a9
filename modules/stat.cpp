// stat, as Ansible's stat module (without mime types and chattr attributes).
#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/hash.hpp"
#include "modules/util/stat_info.hpp"
#include "modules/util/users.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "path", .type = ArgType::path, .required = Required::yes, .aliases = {"dest", "name"}},
    ArgSpec{.name = "follow", .type = ArgType::boolean, .default_value = false},
    ArgSpec{.name = "get_checksum", .type = ArgType::boolean, .default_value = true},
    ArgSpec{.name = "checksum_algorithm",
            .default_value = "sha1",
            .aliases = {"checksum", "checksum_algo"},
            .choices = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}},
    ArgSpec{.name = "get_mime", .type = ArgType::boolean, .default_value = true, .aliases = {"mime", "mime_type", "mime-type"}},
    ArgSpec{.name = "get_attributes", .type = ArgType::boolean, .default_value = true, .aliases = {"attr", "attributes"}},
    ArgSpec{.name = "get_md5", .type = ArgType::boolean},
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

}  // namespace drover::modules
