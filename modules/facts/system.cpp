#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <sstream>

#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "modules/facts/collectors.hpp"
#include "modules/util/process.hpp"
#include "modules/util/users.hpp"

extern char** environ;

namespace drover::modules::facts {

namespace {

std::string format_time(const char* format, const std::tm& when) {
  char buffer[128];
  size_t n = std::strftime(buffer, sizeof buffer, format, &when);
  return std::string(buffer, n);
}

bool exists(const char* path) { return ::access(path, F_OK) == 0; }

std::string package_manager() {
  struct Manager {
    const char* path;
    const char* name;
  };
  // Ansible's order of preference among the managers found on the host.
  constexpr Manager k_managers[] = {
      {"/usr/bin/apt-get", "apt"}, {"/usr/bin/dnf", "dnf"},     {"/usr/bin/yum", "yum"},
      {"/usr/bin/zypper", "zypper"}, {"/usr/bin/pacman", "pacman"}, {"/sbin/apk", "apk"},
      {"/usr/bin/emerge", "portage"}, {"/usr/sbin/pkg", "pkgng"},
  };
  for (const auto& manager : k_managers)
    if (exists(manager.path)) return manager.name;
  return "unknown";
}

std::string service_manager() {
  if (exists("/run/systemd/system")) return "systemd";
  std::string init = trim(read_file("/proc/1/comm").value_or(""));
  if (!init.empty() && init != "init" && !init.ends_with("sh")) return init;
  if (exists("/sbin/openrc")) return "openrc";
  if (exists("/etc/init.d")) return "sysvinit";
  return "service";
}

json resolv_conf() {
  json dns = json::object();
  auto text = read_file("/etc/resolv.conf");
  if (!text) return dns;
  std::istringstream stream(*text);
  std::string line;
  while (std::getline(stream, line)) {
    std::istringstream fields(line);
    std::string key, value;
    fields >> key;
    if (key == "nameserver" && fields >> value) dns["nameservers"].push_back(value);
    else if (key == "domain" && fields >> value) dns["domain"] = value;
    else if (key == "search") while (fields >> value) dns["search"].push_back(value);
    else if (key == "options") {
      while (fields >> value) {
        auto colon = value.find(':');
        if (colon == std::string::npos) dns["options"][value] = true;
        else dns["options"][value.substr(0, colon)] = value.substr(colon + 1);
      }
    }
  }
  return dns;
}

// /proc/cmdline as a map; with Repeated::as_list a key given twice keeps all its values in a list
// (Ansible's proc_cmdline), otherwise the last one (its cmdline).
enum class Repeated { last_wins, as_list };
json kernel_cmdline(Repeated repeated) {
  json cmdline = json::object();
  std::istringstream stream(read_file("/proc/cmdline").value_or(""));
  std::string word;
  while (stream >> word) {
    auto eq = word.find('=');
    if (eq == std::string::npos) {
      cmdline[word] = true;
      continue;
    }
    std::string key = word.substr(0, eq), value = word.substr(eq + 1);
    if (repeated == Repeated::last_wins || !cmdline.contains(key) || cmdline[key].is_boolean()) cmdline[key] = value;
    else if (cmdline[key].is_array()) cmdline[key].push_back(value);
    else cmdline[key] = json::array({cmdline[key], value});
  }
  return cmdline;
}

// Ansible's is_chroot: / is not the root of process 1; when that cannot be read, whether / is the
// root inode of its file system (2; 256 on btrfs, 128 on xfs).
bool is_chroot() {
  if (std::getenv("debian_chroot")) return true;
  struct stat root{}, init_root{};
  if (::stat("/", &root) != 0) return false;
  if (::stat("/proc/1/root/.", &init_root) == 0) return root.st_ino != init_root.st_ino || root.st_dev != init_root.st_dev;
  struct statfs fs{};
  ino_t root_inode = 2;
  if (::statfs("/", &fs) == 0) {
    if (fs.f_type == 0x9123683E) root_inode = 256;       // BTRFS_SUPER_MAGIC
    else if (fs.f_type == 0x58465342) root_inode = 128;  // XFS_SUPER_MAGIC
  }
  return root.st_ino != root_inode;
}

// Ansible's caps collector: the "Current:" line of `capsh --print` (the one fact drover gathers
// with a child process, and only where capsh is installed, as Ansible).
void capabilities(json& facts) {
  facts["system_capabilities_enforced"] = "N/A";
  facts["system_capabilities"] = "N/A";
  ProcessSpec spec;
  spec.argv = {"capsh", "--print"};
  ProcessResult capsh = run_process(spec);
  if (capsh.start_failure != StartFailure::none || capsh.rc != 0) return;
  std::string enforced = "NA";
  json caps = json::array();
  std::istringstream lines(capsh.stdout_text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("Current:")) continue;
    if (trim(line.substr(line.find(':') + 1)) == "=ep") {
      enforced = "False";
      continue;
    }
    enforced = "True";
    caps = json::array();
    std::string list = line.substr(line.find('=') == std::string::npos ? line.size() : line.find('=') + 1);
    std::size_t start = 0;
    while (true) {
      auto comma = list.find(',', start);
      caps.push_back(trim(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start)));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  facts["system_capabilities_enforced"] = enforced;
  facts["system_capabilities"] = caps;
}

void ssh_host_keys(json& facts) {
  for (const char* type : {"dsa", "rsa", "ecdsa", "ed25519"}) {
    auto text = read_file(std::string("/etc/ssh/ssh_host_") + type + "_key.pub");
    if (!text) continue;
    std::istringstream fields(*text);
    std::string keytype, key;
    if (!(fields >> keytype >> key)) continue;
    facts[std::string("ssh_host_key_") + type + "_public"] = key;
    facts[std::string("ssh_host_key_") + type + "_public_keytype"] = keytype;
  }
}

}  // namespace

void collect_date_time(json& facts) {
  auto now = std::chrono::system_clock::now();
  long long micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, "%06lld", micros % 1000000);
  std::tm local{}, utc{};
  ::localtime_r(&seconds, &local);
  ::gmtime_r(&seconds, &utc);
  ::tzset();
  json dt = {
      {"year", format_time("%Y", local)},     {"month", format_time("%m", local)},
      {"weekday", format_time("%A", local)},  {"weekday_number", format_time("%w", local)},
      {"weeknumber", format_time("%W", local)}, {"day", format_time("%d", local)},
      {"hour", format_time("%H", local)},     {"minute", format_time("%M", local)},
      {"second", format_time("%S", local)},   {"epoch", std::to_string(seconds)},
      {"epoch_int", std::to_string(seconds)}, {"date", format_time("%Y-%m-%d", local)},
      {"time", format_time("%H:%M:%S", local)},
      {"iso8601_micro", format_time("%Y-%m-%dT%H:%M:%S.", utc) + fraction + "Z"},
      {"iso8601", format_time("%Y-%m-%dT%H:%M:%SZ", utc)},
      {"iso8601_basic", format_time("%Y%m%dT%H%M%S", local) + fraction},
      {"iso8601_basic_short", format_time("%Y%m%dT%H%M%S", local)},
      {"tz", format_time("%Z", local)},       {"tz_dst", tzname[1] ? tzname[1] : ""},
      {"tz_offset", format_time("%z", local)},
  };
  facts["date_time"] = dt;
}

void collect_env(json& facts) {
  json env = json::object();
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string text(*entry);
    auto eq = text.find('=');
    if (eq != std::string::npos) env[text.substr(0, eq)] = text.substr(eq + 1);
  }
  facts["env"] = env;
}

void collect_user(json& facts) {
  uid_t uid = ::getuid();
  auto user = find_user(uid);
  facts["user_id"] = user ? user->name : std::to_string(uid);
  facts["user_uid"] = uid;
  facts["user_gid"] = user ? user->gid : ::getgid();
  facts["user_gecos"] = user ? user->gecos : "";
  facts["user_dir"] = user ? user->home : (getenv("HOME") ? getenv("HOME") : "");
  facts["user_shell"] = user ? user->shell : "";
  facts["real_user_id"] = uid;
  facts["effective_user_id"] = ::geteuid();
  facts["real_group_id"] = ::getgid();
  facts["effective_group_id"] = ::getegid();
}

void collect_system(json& facts) {
  facts["pkg_mgr"] = package_manager();
  facts["service_mgr"] = service_manager();
  facts["dns"] = resolv_conf();
  facts["cmdline"] = kernel_cmdline(Repeated::last_wins);
  facts["proc_cmdline"] = kernel_cmdline(Repeated::as_list);
  facts["is_chroot"] = is_chroot();
  capabilities(facts);
  collect_storage_ids(facts);
  facts["fips"] = trim(read_file("/proc/sys/crypto/fips_enabled").value_or("0")) == "1";
  facts["apparmor"] = {{"status", exists("/sys/kernel/security/apparmor") ? "enabled" : "disabled"}};
  facts["selinux"] = {{"status", exists("/sys/fs/selinux/enforce") ? "enabled" : "disabled"}};
  ssh_host_keys(facts);
}

}  // namespace drover::modules::facts
