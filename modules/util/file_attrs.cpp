#include "modules/util/file_attrs.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>

#include <sys/stat.h>
#include <unistd.h>

#include "modules/util/diff.hpp"
#include "modules/util/text.hpp"
#include "modules/util/users.hpp"

namespace drover::modules {

namespace {

constexpr unsigned k_perm_bits = 07777;

// The bits one "who" letter (u/g/o) gets from one permission letter; Ansible's table.
unsigned perm_bits(char who, char perm, unsigned previous, bool apply_x, bool use_umask) {
  unsigned keep = use_umask ? (current_umask() ^ k_perm_bits) : k_perm_bits;
  int shift = who == 'u' ? 6 : who == 'g' ? 3 : 0;
  switch (perm) {
    case 'r': return keep & (04u << shift);
    case 'w': return keep & (02u << shift);
    case 'x': return keep & (01u << shift);
    case 'X': return apply_x ? (01u << shift) : 0;
    case 's': return who == 'u' ? S_ISUID : who == 'g' ? S_ISGID : 0;
    case 't': return who == 'o' ? S_ISVTX : 0;
    case 'u': return (((previous >> 6) & 7u) << shift);
    case 'g': return (((previous >> 3) & 7u) << shift);
    case 'o': return ((previous & 7u) << shift);
    default: return 0;
  }
}

unsigned apply_operator(char who, char op, unsigned bits, unsigned current) {
  if (op == '+') return current | bits;
  if (op == '-') return current & ~bits;
  unsigned mask = who == 'u' ? (S_IRWXU | S_ISUID) : who == 'g' ? (S_IRWXG | S_ISGID) : (S_IRWXO | S_ISVTX);
  return (current & (mask ^ k_perm_bits)) | bits;
}

// One clause such as "u+rwx" or "go=u" or "+x"; throws std::invalid_argument.
unsigned apply_clause(const std::string& clause, unsigned mode, bool is_directory) {
  size_t op_pos = clause.find_first_of("+-=");
  if (op_pos == std::string::npos) {
    // No operator changes nothing, as in Ansible ("", "u", "go"; `mode: "{{ x | default(omit) }}"`
    // with x null arrives as ""), unless the clause does not even start with a user class.
    if (!clause.empty() && clause != "a" && !std::strchr("ugo", clause[0]))
      throw std::invalid_argument("bad symbolic permission for mode: " + clause);
    return mode;
  }
  std::string users = clause.substr(0, op_pos);
  if (users.find_first_not_of("ugoa") != std::string::npos)
    throw std::invalid_argument("bad symbolic permission for mode: " + clause);
  bool use_umask = users.empty();
  if (users.empty() || users.find('a') != std::string::npos) users = "ugo";
  size_t i = op_pos;
  while (i < clause.size()) {
    char op = clause[i++];
    size_t end = clause.find_first_of("+-=", i);
    std::string perms = clause.substr(i, end == std::string::npos ? std::string::npos : end - i);
    i = end == std::string::npos ? clause.size() : end;
    bool copy_form = perms.size() == 1 && std::strchr("ugo", perms[0]);
    if (!copy_form && perms.find_first_not_of("rwxXst") != std::string::npos)
      throw std::invalid_argument("bad symbolic permission for mode: " + clause);
    for (char who : users) {
      bool apply_x = is_directory || (mode & 0111u) != 0;
      unsigned bits = 0;
      for (char perm : perms) bits |= perm_bits(who, perm, mode, apply_x, use_umask);
      mode = apply_operator(who, op, bits, mode);
    }
  }
  return mode;
}

std::optional<unsigned> octal(const std::string& text) {
  std::string digits = text;
  if (digits.starts_with("0o") || digits.starts_with("0O")) digits = digits.substr(2);
  if (digits.empty() || digits.find_first_not_of("01234567") != std::string::npos) return std::nullopt;
  return static_cast<unsigned>(std::strtoul(digits.c_str(), nullptr, 8));
}

bool set_mode(const std::string& path, const struct stat& st, const json& args, const ModuleContext& ctx,
              json& diff) {
  if (!args.contains("mode") || args["mode"].is_null() || S_ISLNK(st.st_mode)) return false;
  unsigned current = st.st_mode & k_perm_bits;
  unsigned wanted = parse_mode(args["mode"], path, current, S_ISDIR(st.st_mode));
  if (wanted == current) return false;
  record(diff, "mode", octal_mode(current), octal_mode(wanted));
  if (!ctx.checking() && ::chmod(path.c_str(), wanted) != 0)
    throw ModuleFailure("chmod failed", {{"path", path}, {"details", std::strerror(errno)}});
  return true;
}

bool set_owner(const std::string& path, const struct stat& st, const json& args, const ModuleContext& ctx,
               json& diff) {
  bool changed = false;
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
  if (args.contains("owner") && !args["owner"].is_null()) {
    std::string owner = args["owner"].is_string() ? args["owner"].get<std::string>() : args["owner"].dump();
    auto resolved = resolve_uid(owner);
    if (!resolved) throw ModuleFailure("chown failed: failed to look up user " + owner, {{"path", path}});
    if (*resolved != st.st_uid) {
      uid = *resolved;
      record(diff, "owner", st.st_uid, uid);
      changed = true;
    }
  }
  if (args.contains("group") && !args["group"].is_null()) {
    std::string group = args["group"].is_string() ? args["group"].get<std::string>() : args["group"].dump();
    auto resolved = resolve_gid(group);
    if (!resolved) throw ModuleFailure("chgrp failed: failed to look up group " + group, {{"path", path}});
    if (*resolved != st.st_gid) {
      gid = *resolved;
      record(diff, "group", st.st_gid, gid);
      changed = true;
    }
  }
  if (changed && !ctx.checking() && ::lchown(path.c_str(), uid, gid) != 0)
    throw ModuleFailure(uid != static_cast<uid_t>(-1) ? "chown failed" : "chgrp failed",
                        {{"path", path}, {"details", std::strerror(errno)}});
  return changed;
}

}  // namespace

unsigned current_umask() {
  mode_t mask = ::umask(022);
  ::umask(mask);
  return static_cast<unsigned>(mask);
}

unsigned parse_mode(const json& mode, const std::string& path, unsigned current_mode, bool is_directory) {
  if (mode.is_number_integer()) {
    long long value = mode.get<long long>();
    if (value < 0 || value > static_cast<long long>(k_perm_bits))
      throw ModuleFailure("Invalid mode supplied, only permission info is allowed", {{"path", path}, {"details", value}});
    return static_cast<unsigned>(value);
  }
  if (!mode.is_string()) throw ModuleFailure("mode must be in octal or symbolic form", {{"path", path}, {"details", mode.dump()}});
  std::string text = mode.get<std::string>();
  if (auto value = octal(text)) {
    if (*value > k_perm_bits)
      throw ModuleFailure("Invalid mode supplied, only permission info is allowed", {{"path", path}, {"details", *value}});
    return *value;
  }
  try {
    unsigned result = current_mode & k_perm_bits;
    size_t start = 0;
    for (;;) {
      size_t comma = text.find(',', start);
      result = apply_clause(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start),
                            result, is_directory);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return result;
  } catch (const std::invalid_argument& error) {
    throw ModuleFailure("mode must be in octal or symbolic form", {{"path", path}, {"details", error.what()}});
  }
}

bool apply_file_attributes(const std::string& path, const json& args, const ModuleContext& ctx, json& diff,
                           Follow follow) {
  std::string target = path;
  struct stat st{};
  if (::lstat(target.c_str(), &st) != 0) return false;
  if (follow == Follow::yes && S_ISLNK(st.st_mode)) {
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) && ::lstat(resolved, &st) == 0) target = resolved;
  }
  bool changed = set_owner(target, st, args, ctx, diff);
  if (::lstat(target.c_str(), &st) != 0 && !ctx.checking()) return changed;
  changed = set_mode(target, st, args, ctx, diff) || changed;
  return changed;
}

void add_path_info(json& result, const std::string& path) {
  struct stat lst{};
  struct stat st{};
  if (::lstat(path.c_str(), &lst) != 0) return;
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists) return;  // a dangling link: os.path.exists() is false
  result["uid"] = st.st_uid;
  result["gid"] = st.st_gid;
  auto user = find_user(st.st_uid);
  auto group = find_group(st.st_gid);
  result["owner"] = user ? user->name : std::to_string(st.st_uid);
  result["group"] = group ? group->name : std::to_string(st.st_gid);
  result["mode"] = octal_mode(lst.st_mode & k_perm_bits);
  if (S_ISLNK(lst.st_mode)) result["state"] = "link";
  else if (S_ISDIR(lst.st_mode)) result["state"] = "directory";
  else if (st.st_nlink > 1) result["state"] = "hard";
  else result["state"] = "file";
  result["size"] = lst.st_size;
}

}  // namespace drover::modules
