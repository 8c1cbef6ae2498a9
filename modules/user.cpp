// user, as Ansible 2.14's Linux User class: reads /etc/passwd, /etc/group and /etc/shadow, and
// changes accounts only through the target's useradd, usermod, userdel and chage, so the
// distribution's own rules (login.defs, skeleton, subuid ranges, nscd) apply. A second run with
// the same arguments runs no command. ssh keys through the target's ssh-keygen.
#include <array>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"
#include "modules/util/users.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "name", .required = Required::yes, .aliases = {"user"}, .description = "The account's name."},
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "present"}, .description = "Whether the account must exist."},
    ArgSpec{.name = "uid", .type = ArgType::integer, .description = "The user's id."},
    ArgSpec{.name = "non_unique", .type = ArgType::boolean, .default_value = false, .description = "Allow a uid another account has (useradd -o); only with uid."},
    ArgSpec{.name = "group", .description = "The primary group (a name or gid; it must exist). Without it a new user gets the group named after it when that exists, else useradd's default."},
    ArgSpec{.name = "groups", .type = ArgType::list, .description = "Supplementary groups (a list or a comma-separated string); an empty list removes all of them unless append is set."},
    ArgSpec{.name = "append", .type = ArgType::boolean, .default_value = false, .description = "Add the user to groups and keep the groups it has; without it the user ends up in exactly those groups."},
    ArgSpec{.name = "comment", .description = "The GECOS field (full name)."},
    ArgSpec{.name = "home", .type = ArgType::path, .description = "The home directory."},
    ArgSpec{.name = "shell", .description = "The login shell."},
    ArgSpec{.name = "password", .no_log = true, .description = "The password hash, as /etc/shadow holds it (e.g. from the password_hash filter); never a clear-text password."},
    ArgSpec{.name = "update_password", .default_value = "always", .choices = {"always", "on_create"}, .description = "always sets password when it differs; on_create only for a new user."},
    ArgSpec{.name = "password_lock", .type = ArgType::boolean, .description = "Lock (usermod -L) or unlock (-U) the password."},
    ArgSpec{.name = "password_expire_max", .type = ArgType::integer, .description = "The maximum days between password changes (chage -M)."},
    ArgSpec{.name = "password_expire_min", .type = ArgType::integer, .description = "The minimum days between password changes (chage -m)."},
    ArgSpec{.name = "expires", .type = ArgType::number, .description = "The account's expiry as seconds since the epoch (the day counts); a negative number removes the expiry."},
    ArgSpec{.name = "create_home", .type = ArgType::boolean, .default_value = true, .aliases = {"createhome"}, .description = "Create the home directory for a new user, or when it is missing."},
    ArgSpec{.name = "move_home", .type = ArgType::boolean, .default_value = false, .description = "With a new home for an existing user, move the old home's content there (usermod -m)."},
    ArgSpec{.name = "skeleton", .description = "The skeleton directory a new home is copied from (useradd -k)."},
    ArgSpec{.name = "system", .type = ArgType::boolean, .default_value = false, .description = "Create a system account (useradd -r); has no effect on an existing user."},
    ArgSpec{.name = "umask", .description = "The umask for the new home directory (useradd -K UMASK=...)."},
    ArgSpec{.name = "seuser", .description = "The SELinux user (useradd -Z)."},
    ArgSpec{.name = "force", .type = ArgType::boolean, .default_value = false, .description = "With state=absent, remove the user even when logged in (userdel -f); with generate_ssh_key, overwrite an existing key."},
    ArgSpec{.name = "remove", .type = ArgType::boolean, .default_value = false, .description = "With state=absent, remove the home directory and mail spool too (userdel -r)."},
    ArgSpec{.name = "generate_ssh_key", .type = ArgType::boolean, .description = "Generate an SSH key pair for the user unless one exists (ssh-keygen)."},
    ArgSpec{.name = "ssh_key_bits", .type = ArgType::integer, .default_value = 0, .description = "The key size; 0 leaves ssh-keygen's default for the type."},
    ArgSpec{.name = "ssh_key_type", .default_value = "rsa", .description = "The key type (rsa, ed25519, ecdsa...)."},
    ArgSpec{.name = "ssh_key_file", .type = ArgType::path, .description = "The private key file; relative names are under the home directory. Default .ssh/id_<type>."},
    ArgSpec{.name = "ssh_key_comment", .description = "The key's comment; default \"ansible-generated on <hostname>\"."},
    ArgSpec{.name = "ssh_key_passphrase", .no_log = true, .description = "The passphrase for the private key."},
    ArgSpec{.name = "local", .type = ArgType::boolean, .description = "Use libuser's luseradd family; drover supports only false (the shadow tools)."},
    ArgSpec{.name = "hidden", .type = ArgType::boolean, .description = "macOS only; ignored on Linux."},
    ArgSpec{.name = "login_class", .description = "BSD only; ignored on Linux."},
    ArgSpec{.name = "profile", .description = "Solaris/illumos only; ignored on Linux."},
    ArgSpec{.name = "authorization", .description = "Solaris/illumos only; ignored on Linux."},
    ArgSpec{.name = "role", .description = "Solaris/illumos only; ignored on Linux."},
};

struct CommandOutput {
  std::optional<int> rc;  // nothing: no command was needed
  std::string out;
  std::string err;
};

struct UserRequest {
  json args;
  std::string name;
  std::optional<std::string> groups;  // joined with commas, as Ansible's self.groups
  std::optional<std::tm> expires;     // UTC
  double expires_seconds = 0;
  bool check = false;
};

bool has(const UserRequest& r, const char* key) { return is_set(r.args, key); }
std::string str(const UserRequest& r, const char* key) { return arg_string(r.args, key); }

// Ansible's execute_command: check mode pretends success without running.
CommandOutput execute(const UserRequest& r, std::vector<std::string> argv, bool obey_check = true,
                      std::optional<std::string> stdin_data = std::nullopt) {
  if (r.check && obey_check) return {0, "", ""};
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.stdin_data = std::move(stdin_data);
  ProcessResult process = run_process(spec);
  if (process.start_failure != StartFailure::none) return {process.rc, "", process.error};
  return {process.rc, process.stdout_text, process.stderr_text};
}

bool group_exists(const std::string& group) {
  if (!group.empty() && group.find_first_not_of("0123456789") == std::string::npos &&
      find_group(static_cast<gid_t>(std::stoul(group))))
    return true;
  return find_group(group).has_value();
}

std::optional<GroupEntry> group_info(const std::string& group) {
  if (!group.empty() && group.find_first_not_of("0123456789") == std::string::npos)
    if (auto entry = find_group(static_cast<gid_t>(std::stoul(group)))) return entry;
  return find_group(group);
}

// The password field: /etc/passwd's, or /etc/shadow's when passwd holds only "x" (or nothing).
std::string password_field(const std::string& name) {
  std::optional<ShadowEntry> shadow = find_shadow(name);
  return shadow ? shadow->password : "";
}

std::set<std::string> wanted_groups(const UserRequest& r, const std::optional<UserEntry>& info, bool remove_primary) {
  std::set<std::string> groups;
  if (!r.groups) return groups;
  std::size_t start = 0;
  while (start <= r.groups->size()) {
    std::size_t comma = r.groups->find(',', start);
    if (comma == std::string::npos) comma = r.groups->size();
    std::string part = trim(r.groups->substr(start, comma - start));
    start = comma + 1;
    if (part.empty()) continue;
    if (!group_exists(part)) throw ModuleFailure("Group " + part + " does not exist");
    if (info && remove_primary && group_info(part)->gid == info->gid) continue;
    groups.insert(part);
  }
  return groups;
}

std::vector<std::string> membership(const std::string& name) {
  std::vector<std::string> groups;
  for (const auto& group : all_groups())
    for (const auto& member : group.members)
      if (member == name) groups.push_back(group.name);
  return groups;
}

std::string join(const std::set<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::string format_day(const std::tm& day) {
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &day);
  return text;
}

// Ansible's create_homedir: the skeleton copied (symlinks kept), else an empty directory; mode
// from login.defs' UMASK.
void create_homedir(const UserRequest& r, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(path, ec)) return;
  std::string skeleton = has(r, "skeleton") ? str(r, "skeleton") : "/etc/skel";
  if (fs::exists(skeleton, ec)) {
    fs::create_directories(fs::path(path).parent_path(), ec);
    fs::copy(skeleton, path, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  } else {
    fs::create_directories(path, ec);
  }
  if (ec) throw ModuleFailure(ec.message() + ": '" + path + "'");
  std::optional<std::string> defs = read_file("/etc/login.defs");
  if (!defs) return;
  for (const auto& item : split_lines(*defs)) {
    // ^UMASK\s+(\d+)$
    std::string line = item.get<std::string>();
    if (!line.starts_with("UMASK")) continue;
    std::size_t digits = line.find_first_not_of(" \t\n\r\f\v", 5);
    if (digits == 5 || digits == std::string::npos) continue;
    std::string value = line.substr(digits);
    if (value.find_first_not_of("0123456789") != std::string::npos) continue;
    ::chmod(path.c_str(), 0777 & ~static_cast<unsigned>(std::stoul(value, nullptr, 8)));
  }
}

void chown_homedir(uid_t uid, gid_t gid, const std::string& path) {
  namespace fs = std::filesystem;
  if (::lchown(path.c_str(), uid, gid) != 0) throw ModuleFailure("chown failed: '" + path + "'");
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (::lchown(it->path().c_str(), uid, gid) != 0) throw ModuleFailure("chown failed: '" + it->path().string() + "'");
}

CommandOutput create_user(const UserRequest& r) {
  std::vector<std::string> cmd{require_executable("useradd")};
  if (has(r, "uid")) {
    cmd.insert(cmd.end(), {"-u", std::to_string(r.args["uid"].get<long long>())});
    if (arg_bool(r.args, "non_unique")) cmd.push_back("-o");
  }
  if (has(r, "seuser")) cmd.insert(cmd.end(), {"-Z", str(r, "seuser")});
  if (has(r, "group")) {
    if (!group_exists(str(r, "group"))) throw ModuleFailure("Group " + str(r, "group") + " does not exist");
    cmd.insert(cmd.end(), {"-g", str(r, "group")});
  } else if (group_exists(r.name)) {
    cmd.push_back("-N");
  }
  if (r.groups && !r.groups->empty()) cmd.insert(cmd.end(), {"-G", join(wanted_groups(r, std::nullopt, true))});
  if (has(r, "comment")) cmd.insert(cmd.end(), {"-c", str(r, "comment")});
  bool create_home = arg_bool(r.args, "create_home");
  if (has(r, "home")) {
    std::string home = str(r, "home");
    if (create_home && !std::filesystem::is_directory(std::filesystem::path(home).parent_path()))
      create_homedir(r, home);
    cmd.insert(cmd.end(), {"-d", home});
  }
  if (has(r, "shell")) cmd.insert(cmd.end(), {"-s", str(r, "shell")});
  if (r.expires) cmd.insert(cmd.end(), {"-e", r.expires_seconds < 0 ? "" : format_day(*r.expires)});
  if (has(r, "password")) {
    bool lock = has(r, "password_lock") && arg_bool(r.args, "password_lock");
    cmd.insert(cmd.end(), {"-p", (lock ? "!" : "") + str(r, "password")});
  }
  if (create_home) {
    cmd.push_back("-m");
    if (has(r, "skeleton")) cmd.insert(cmd.end(), {"-k", str(r, "skeleton")});
    if (has(r, "umask")) cmd.insert(cmd.end(), {"-K", "UMASK=" + str(r, "umask")});
  } else {
    cmd.push_back("-M");
  }
  if (arg_bool(r.args, "system")) cmd.push_back("-r");
  cmd.push_back(r.name);
  return execute(r, cmd);
}

// The usermod options for what differs, in Ansible's order.
std::vector<std::string> usermod_changes(const UserRequest& r, const UserEntry& info, const std::string& password) {
  std::vector<std::string> cmd;
  if (has(r, "uid") && static_cast<long long>(info.uid) != r.args["uid"].get<long long>()) {
    cmd.insert(cmd.end(), {"-u", std::to_string(r.args["uid"].get<long long>())});
    if (arg_bool(r.args, "non_unique")) cmd.push_back("-o");
  }
  if (has(r, "group")) {
    auto group = group_info(str(r, "group"));
    if (!group) throw ModuleFailure("Group " + str(r, "group") + " does not exist");
    if (info.gid != group->gid) cmd.insert(cmd.end(), {"-g", std::to_string(group->gid)});
  }
  if (r.groups) {
    std::vector<std::string> current = membership(r.name);
    std::set<std::string> current_set(current.begin(), current.end());
    bool append = arg_bool(r.args, "append");
    bool needed = false;
    std::set<std::string> groups;
    if (r.groups->empty()) {
      needed = !current.empty() && !append;
    } else {
      groups = wanted_groups(r, info, false);
      std::set<std::string> differ;
      for (const auto& g : groups)
        if (!current_set.count(g)) differ.insert(g);
      bool extra = false;
      for (const auto& g : current_set)
        if (!groups.count(g)) extra = true;
      if (append && !differ.empty()) {
        cmd.push_back("-a");
        needed = true;
      } else if (!append && (extra || !differ.empty())) {
        needed = true;
      }
    }
    if (needed) cmd.insert(cmd.end(), {"-G", join(groups)});
  }
  if (has(r, "comment") && info.gecos != str(r, "comment")) cmd.insert(cmd.end(), {"-c", str(r, "comment")});
  if (has(r, "home") && info.home != str(r, "home")) {
    cmd.insert(cmd.end(), {"-d", str(r, "home")});
    if (arg_bool(r.args, "move_home")) cmd.push_back("-m");
  }
  if (has(r, "shell") && info.shell != str(r, "shell")) cmd.insert(cmd.end(), {"-s", str(r, "shell")});
  if (r.expires) {
    std::optional<ShadowEntry> shadow = find_shadow(r.name);
    long current = shadow ? shadow->expire_day : -1;
    if (r.expires_seconds < 0) {
      if (current >= 0) cmd.insert(cmd.end(), {"-e", ""});
    } else {
      std::time_t current_time = static_cast<std::time_t>(current) * 86400;
      std::tm current_day{};
      ::gmtime_r(&current_time, &current_day);
      if (current < 0 || format_day(current_day) != format_day(*r.expires))
        cmd.insert(cmd.end(), {"-e", format_day(*r.expires)});
    }
  }
  bool lock_set = has(r, "password_lock");
  bool lock = lock_set && arg_bool(r.args, "password_lock");
  if (lock && !password.starts_with("!")) cmd.push_back("-L");
  else if (lock_set && !lock && password.starts_with("!")) cmd.push_back("-U");
  auto unbang = [](std::string text) { return text.erase(0, text.find_first_not_of('!') == std::string::npos ? text.size() : text.find_first_not_of('!')); };
  if (str(r, "update_password") == "always" && has(r, "password") && unbang(password) != unbang(str(r, "password"))) {
    std::erase_if(cmd, [](const std::string& c) { return c == "-L" || c == "-U"; });
    cmd.insert(cmd.end(), {"-p", (lock ? "!" : "") + str(r, "password")});
  }
  return cmd;
}

CommandOutput modify_user(const UserRequest& r, const UserEntry& info) {
  std::string usermod = require_executable("usermod");
  std::vector<std::string> changes = usermod_changes(r, info, password_field(r.name));
  if (changes.empty()) return {};
  std::vector<std::string> cmd{usermod};
  cmd.insert(cmd.end(), changes.begin(), changes.end());
  cmd.push_back(r.name);
  return execute(r, cmd);
}

CommandOutput set_password_expire(const UserRequest& r) {
  bool min_change = has(r, "password_expire_min");
  bool max_change = has(r, "password_expire_max");
  std::optional<ShadowEntry> shadow = find_shadow(r.name);
  if (!shadow) return {};
  min_change = min_change && r.args["password_expire_min"].get<long long>() != shadow->min_days;
  max_change = max_change && r.args["password_expire_max"].get<long long>() != shadow->max_days;
  if (!min_change && !max_change) return {};
  std::vector<std::string> cmd{require_executable("chage")};
  if (min_change) cmd.insert(cmd.end(), {"-m", std::to_string(r.args["password_expire_min"].get<long long>())});
  if (max_change) cmd.insert(cmd.end(), {"-M", std::to_string(r.args["password_expire_max"].get<long long>())});
  cmd.push_back(r.name);
  return execute(r, cmd);
}

std::string hostname() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

std::string ssh_key_path(const UserRequest& r, const UserEntry& info) {
  std::string file = has(r, "ssh_key_file") ? str(r, "ssh_key_file") : ".ssh/id_" + str(r, "ssh_key_type");
  if (file.starts_with("/")) return file;
  if (!std::filesystem::exists(info.home) && !r.check)
    throw ModuleFailure("User " + r.name + " home directory does not exist");
  return (std::filesystem::path(info.home) / file).string();
}

// Ansible's ssh_key_gen; warnings go to `warnings`.
CommandOutput ssh_key_gen(const UserRequest& r, const UserEntry& info, json& warnings) {
  std::string key;
  try {
    key = ssh_key_path(r, info);
  } catch (const ModuleFailure& failure) {
    return {1, "", failure.what()};
  }
  std::string pub = key + ".pub";
  std::string dir = std::filesystem::path(key).parent_path().string();
  bool force = arg_bool(r.args, "force");
  if (!std::filesystem::exists(dir)) {
    if (r.check) return {0, "", ""};
    if (::mkdir(dir.c_str(), 0700) != 0 || ::chown(dir.c_str(), info.uid, info.gid) != 0)
      return {1, "", "Failed to create " + dir};
  }
  std::optional<std::string> overwrite;
  if (std::filesystem::exists(key)) {
    if (!force) {
      warnings.push_back("Found existing ssh key private file \"" + key + "\", no force, so skipping ssh-keygen generation");
      return {std::nullopt, "Key already exists, use \"force: yes\" to overwrite", ""};
    }
    warnings.push_back("Overwriting existing ssh key private file \"" + key + "\"");
    overwrite = "y";
  }
  if (std::filesystem::exists(pub)) {
    if (!force) {
      warnings.push_back("Found existing ssh key public file \"" + pub + "\", no force, so skipping ssh-keygen generation");
      return {std::nullopt, "Public key already exists, use \"force: yes\" to overwrite", ""};
    }
    warnings.push_back("Overwriting existing ssh key public file \"" + pub + "\"");
    if (!r.check) ::unlink(pub.c_str());
  }
  std::vector<std::string> cmd{require_executable("ssh-keygen"), "-t", str(r, "ssh_key_type")};
  long long bits = r.args["ssh_key_bits"].get<long long>();
  if (bits > 0) cmd.insert(cmd.end(), {"-b", std::to_string(bits)});
  std::string comment = has(r, "ssh_key_comment") ? str(r, "ssh_key_comment") : "ansible-generated on " + hostname();
  cmd.insert(cmd.end(), {"-C", comment, "-f", key, "-N", str(r, "ssh_key_passphrase")});
  CommandOutput out = execute(r, cmd, true, overwrite);
  if (out.rc == 0 && !r.check) {
    if (::chown(key.c_str(), info.uid, info.gid) != 0 || ::chown(pub.c_str(), info.uid, info.gid) != 0)
      return {1, out.out, "chown of the new key failed"};
  }
  return out;
}

void add_ssh_key_results(const UserRequest& r, const UserEntry& info, json& result) {
  std::string key = ssh_key_path(r, info);
  if (!std::filesystem::exists(key)) {
    result["ssh_fingerprint"] = "";
  } else {
    CommandOutput fp = execute(r, {require_executable("ssh-keygen"), "-l", "-f", key}, false);
    result["ssh_fingerprint"] = trim(fp.rc == 0 ? fp.out : fp.err);
  }
  result["ssh_key_file"] = key;
  std::optional<std::string> pub = read_file(key + ".pub");
  result["ssh_public_key"] = pub ? json(trim(*pub)) : json(nullptr);
}

void fail_on(const UserRequest& r, const CommandOutput& out) {
  if (out.rc && *out.rc != 0) throw ModuleFailure(out.err, {{"name", r.name}, {"rc", *out.rc}});
}

// Ansible's check_password_encrypted: a warning when `password` does not look like a hash.
bool password_maybe_clear_text(const std::string& password) {
  if (password == "*" || password == "!" || password == "*************") return false;
  if (password.find_first_of(":*!") != std::string::npos) return true;
  if (password.find('$') == std::string::npos) return true;
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    std::size_t at = password.find('$', start);
    fields.push_back(password.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  if (fields.size() < 3) return true;
  const std::string& last = fields.back();
  if (last.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./=") != std::string::npos) return true;
  if (fields[1] == "1" && last.size() != 22) return true;
  if (fields[1] == "5" && last.size() != 43) return true;
  if (fields[1] == "6" && last.size() != 86) return true;
  return false;
}

json present(const UserRequest& r, json result, json& warnings) {
  std::optional<UserEntry> existing = find_user(r.name);
  CommandOutput out;
  if (!existing) {
    if (r.check) return {{"changed", true}};
    bool needs_parents = has(r, "home") && arg_bool(r.args, "create_home") &&
                         !std::filesystem::is_directory(std::filesystem::path(str(r, "home")).parent_path());
    out = create_user(r);
    if (needs_parents && out.rc == 0)
      if (auto info = find_user(r.name)) chown_homedir(info->uid, info->gid, str(r, "home"));
    result["system"] = arg_bool(r.args, "system");
    result["create_home"] = arg_bool(r.args, "create_home");
  } else {
    out = modify_user(r, *existing);
    result["append"] = arg_bool(r.args, "append");
    result["move_home"] = arg_bool(r.args, "move_home");
  }
  fail_on(r, out);
  if (has(r, "password")) result["password"] = "NOT_LOGGING_PASSWORD";
  result["changed"] = out.rc.has_value();
  if (!out.out.empty()) result["stdout"] = out.out;
  if (!out.err.empty()) result["stderr"] = out.err;

  std::optional<UserEntry> info = find_user(r.name);
  if (!info) return result;  // check mode on a missing user ended above; this is a lookup failure
  result["uid"] = info->uid;
  result["group"] = info->gid;
  result["comment"] = info->gecos;
  result["home"] = info->home;
  result["shell"] = info->shell;
  if (r.groups) result["groups"] = *r.groups;
  std::string home = has(r, "home") ? str(r, "home") : info->home;
  if (!std::filesystem::exists(home) && arg_bool(r.args, "create_home")) {
    if (!r.check) {
      create_homedir(r, home);
      chown_homedir(info->uid, info->gid, home);
    }
    result["changed"] = true;
  }
  if (has(r, "generate_ssh_key") && arg_bool(r.args, "generate_ssh_key")) {
    CommandOutput key = ssh_key_gen(r, *info, warnings);
    fail_on(r, key);
    if (key.rc == 0) result["changed"] = true;
    add_ssh_key_results(r, *info, result);
  }
  CommandOutput expire = set_password_expire(r);
  fail_on(r, expire);
  if (expire.rc) result["changed"] = true;
  return result;
}

json absent(const UserRequest& r, json result) {
  if (!find_user(r.name)) {
    result["changed"] = false;
    return result;
  }
  if (r.check) return {{"changed", true}};
  std::vector<std::string> cmd{require_executable("userdel")};
  if (arg_bool(r.args, "force")) cmd.push_back("-f");
  if (arg_bool(r.args, "remove")) cmd.push_back("-r");
  cmd.push_back(r.name);
  CommandOutput out = execute(r, cmd);
  if (out.rc != 0) throw ModuleFailure(out.err, {{"name", r.name}, {"rc", out.rc.value_or(1)}});
  result["force"] = arg_bool(r.args, "force");
  result["remove"] = arg_bool(r.args, "remove");
  result["changed"] = true;
  if (!out.out.empty()) result["stdout"] = out.out;
  if (!out.err.empty()) result["stderr"] = out.err;
  return result;
}

}  // namespace

json run_user(const json& raw_args, const ModuleContext& ctx) {
  UserRequest r;
  r.args = check_args(raw_args, k_spec, "user");
  r.name = arg_string(r.args, "name");
  r.check = ctx.checking();
  if (is_set(r.args, "local") && arg_bool(r.args, "local"))
    throw ModuleFailure("local: true (libuser's luseradd) is not supported by drover's user module; "
                        "leave local unset to use useradd/usermod/userdel");
  if (is_set(r.args, "umask") && is_set(r.args, "local")) throw ModuleFailure("'umask' can not be used with 'local'");
  json warnings = json::array();
  if (is_set(r.args, "groups")) {
    std::string joined;
    bool first = true;
    for (const auto& g : r.args["groups"]) {
      joined += (first ? "" : ",") + (g.is_string() ? g.get<std::string>() : g.dump());
      first = false;
    }
    r.groups = joined;
  }
  if (is_set(r.args, "expires")) {
    r.expires_seconds = r.args["expires"].get<double>();
    std::time_t seconds = static_cast<std::time_t>(std::floor(r.expires_seconds));
    std::tm day{};
    if (!::gmtime_r(&seconds, &day)) throw ModuleFailure("Invalid value for 'expires': " + r.args["expires"].dump());
    r.expires = day;
  }
  if (!r.groups && arg_bool(r.args, "append"))
    warnings.push_back("'append' is set, but no 'groups' are specified. Use 'groups' for appending new groups."
                       "This will change to an error in Ansible 2.14.");
  if (is_set(r.args, "password") && !str(r, "password").empty() && password_maybe_clear_text(str(r, "password")))
    warnings.push_back("The input password appears not to have been hashed. "
                       "The 'password' argument must be encrypted for this module to work properly.");
  json result = {{"name", r.name}, {"state", str(r, "state")}};
  result = str(r, "state") == "absent" ? absent(r, result) : present(r, result, warnings);
  if (!warnings.empty()) result["warnings"] = warnings;
  return result;
}

namespace {
const ReturnDoc k_user_returns[] = {
    ReturnDoc{"name", "str", "always", "The user's name."},
    ReturnDoc{"state", "str", "always", "The requested state."},
    ReturnDoc{"uid", "int", "when state=present", "The user's id."},
    ReturnDoc{"group", "int", "when state=present", "The primary group's id."},
    ReturnDoc{"groups", "str", "when groups is given and state=present", "The requested groups, comma-separated."},
    ReturnDoc{"comment", "str", "when state=present", "The GECOS field."},
    ReturnDoc{"home", "str", "when state=present", "The home directory."},
    ReturnDoc{"shell", "str", "when state=present", "The login shell."},
    ReturnDoc{"system", "bool", "when the user was created", "Whether it was created as a system account."},
    ReturnDoc{"create_home", "bool", "when the user was created", "The create_home argument."},
    ReturnDoc{"append", "bool", "when the user existed", "The append argument."},
    ReturnDoc{"move_home", "bool", "when the user existed", "The move_home argument."},
    ReturnDoc{"password", "str", "when password is given", "Always NOT_LOGGING_PASSWORD."},
    ReturnDoc{"force", "bool", "when a user was removed", "The force argument."},
    ReturnDoc{"remove", "bool", "when a user was removed", "The remove argument."},
    ReturnDoc{"ssh_fingerprint", "str", "with generate_ssh_key", "ssh-keygen -l's line for the key."},
    ReturnDoc{"ssh_key_file", "str", "with generate_ssh_key", "The private key's path."},
    ReturnDoc{"ssh_public_key", "str", "with generate_ssh_key", "The public key."},
    ReturnDoc{"stdout", "str", "when the command printed something", "The account tool's standard output."},
    ReturnDoc{"stderr", "str", "when the command printed something", "The account tool's standard error."},
};
}  // namespace

const ModuleDoc user_doc{
    .description = "Creates, changes or removes a user account with the target's useradd, usermod, userdel and chage, "
                   "as Ansible's user module on Linux: uid, primary and supplementary groups, home, shell, password "
                   "hash and lock, expiry, and an SSH key pair.",
    .options = k_spec,
    .returns = k_user_returns,
    .example = "- ansible.builtin.user:\n    name: deploy\n    groups: [adm, www-data]\n    append: true\n    shell: /bin/bash\n"
               "    generate_ssh_key: true\n",
    .notes = "Linux only (the shadow tools); local: true (libuser) is refused. A key passphrase is given to ssh-keygen with -N.",
};

}  // namespace drover::modules
