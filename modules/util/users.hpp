// Users and groups read from /etc/passwd and /etc/group directly: a static glibc's getpwnam would
// need the NSS shared libraries, which a target without shared libraries does not have.
#pragma once

#include <optional>
#include <string>

#include <sys/types.h>

namespace drover::modules {

struct UserEntry {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string gecos;
  std::string home;
  std::string shell;
};

struct GroupEntry {
  std::string name;
  gid_t gid = 0;
};

std::optional<UserEntry> find_user(const std::string& name);
std::optional<UserEntry> find_user(uid_t uid);
std::optional<GroupEntry> find_group(const std::string& name);
std::optional<GroupEntry> find_group(gid_t gid);

// The uid for `owner`: a user name, else a number. Nothing when it is neither.
std::optional<uid_t> resolve_uid(const std::string& owner);
std::optional<gid_t> resolve_gid(const std::string& group);

}  // namespace drover::modules
