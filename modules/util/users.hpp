// Users and groups read from /etc/passwd and /etc/group directly: a static glibc's getpwnam would
// need the NSS shared libraries, which a target without shared libraries does not have.
#pragma once

#include <optional>
#include <string>
#include <vector>

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
  std::vector<std::string> members;  // the fourth field, split at commas
};

// A user's line of /etc/shadow (readable by root): the password field and the day counts, -1
// where a field is empty (as Python's spwd reports them).
struct ShadowEntry {
  std::string password;
  long min_days = -1;
  long max_days = -1;
  long expire_day = -1;
};

std::optional<UserEntry> find_user(const std::string& name);
std::optional<UserEntry> find_user(uid_t uid);
std::optional<GroupEntry> find_group(const std::string& name);
std::optional<GroupEntry> find_group(gid_t gid);

// The uid for `owner`: a user name, else a number. Nothing when it is neither.
// Every entry of /etc/group, in file order (grp.getgrall()).
std::vector<GroupEntry> all_groups();

// The user's /etc/shadow entry; nothing when there is none or the file cannot be read.
std::optional<ShadowEntry> find_shadow(const std::string& name);

std::optional<uid_t> resolve_uid(const std::string& owner);
std::optional<gid_t> resolve_gid(const std::string& group);

}  // namespace drover::modules
