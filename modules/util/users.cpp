#include "modules/util/users.hpp"

#include <cstdlib>
#include <fstream>
#include <functional>
#include <vector>

namespace drover::modules {

namespace {

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    size_t colon = line.find(':', start);
    fields.push_back(line.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) return fields;
    start = colon + 1;
  }
}

// Calls `visit` with the fields of every entry line of `path` until it returns true.
void scan(const char* path, const std::function<bool(const std::vector<std::string>&)>& visit) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') continue;
    if (visit(split_fields(line))) return;
  }
}

std::optional<unsigned long> number(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::strtoul(text.c_str(), nullptr, 10);
}

std::optional<UserEntry> find_user_where(const std::function<bool(const UserEntry&)>& match) {
  std::optional<UserEntry> found;
  scan("/etc/passwd", [&](const std::vector<std::string>& f) {
    if (f.size() < 7) return false;
    auto uid = number(f[2]);
    auto gid = number(f[3]);
    if (!uid || !gid) return false;
    UserEntry entry{f[0], static_cast<uid_t>(*uid), static_cast<gid_t>(*gid), f[4], f[5], f[6]};
    if (!match(entry)) return false;
    found = entry;
    return true;
  });
  return found;
}

std::optional<GroupEntry> find_group_where(const std::function<bool(const GroupEntry&)>& match) {
  std::optional<GroupEntry> found;
  scan("/etc/group", [&](const std::vector<std::string>& f) {
    if (f.size() < 3) return false;
    auto gid = number(f[2]);
    if (!gid) return false;
    GroupEntry entry{f[0], static_cast<gid_t>(*gid), {}};
    if (f.size() > 3) {
      std::size_t start = 0;
      while (start < f[3].size()) {
        std::size_t comma = f[3].find(',', start);
        if (comma == std::string::npos) comma = f[3].size();
        if (comma > start) entry.members.push_back(f[3].substr(start, comma - start));
        start = comma + 1;
      }
    }
    if (!match(entry)) return false;
    found = entry;
    return true;
  });
  return found;
}

}  // namespace

std::optional<UserEntry> find_user(const std::string& name) {
  return find_user_where([&](const UserEntry& e) { return e.name == name; });
}
std::optional<UserEntry> find_user(uid_t uid) {
  return find_user_where([&](const UserEntry& e) { return e.uid == uid; });
}
std::optional<GroupEntry> find_group(const std::string& name) {
  return find_group_where([&](const GroupEntry& e) { return e.name == name; });
}
std::optional<GroupEntry> find_group(gid_t gid) {
  return find_group_where([&](const GroupEntry& e) { return e.gid == gid; });
}

std::vector<GroupEntry> all_groups() {
  std::vector<GroupEntry> groups;
  find_group_where([&](const GroupEntry& e) {
    groups.push_back(e);
    return false;
  });
  return groups;
}

std::optional<ShadowEntry> find_shadow(const std::string& name) {
  std::optional<ShadowEntry> found;
  auto days = [](const std::string& text) -> long {
    auto n = number(text);
    return n ? static_cast<long>(*n) : -1;
  };
  scan("/etc/shadow", [&](const std::vector<std::string>& f) {
    if (f.size() < 2 || f[0] != name) return false;
    ShadowEntry entry;
    entry.password = f[1];
    if (f.size() > 3) entry.min_days = days(f[3]);
    if (f.size() > 4) entry.max_days = days(f[4]);
    if (f.size() > 7) entry.expire_day = days(f[7]);
    found = entry;
    return true;
  });
  return found;
}

std::optional<uid_t> resolve_uid(const std::string& owner) {
  if (auto user = find_user(owner)) return user->uid;
  if (auto id = number(owner)) return static_cast<uid_t>(*id);
  return std::nullopt;
}

std::optional<gid_t> resolve_gid(const std::string& group) {
  if (auto entry = find_group(group)) return entry->gid;
  if (auto id = number(group)) return static_cast<gid_t>(*id);
  return std::nullopt;
}

}  // namespace drover::modules
