#include "modules/registry.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <string>

namespace drover::modules {

namespace {

constexpr std::array k_modules{
    ModuleEntry{"alternatives", run_alternatives, "Manage alternatives with update-alternatives", &alternatives_doc},
    ModuleEntry{"apk", run_apk, "Manage Alpine packages with apk", &apk_doc},
    ModuleEntry{"apt", run_apt, "Manage Debian packages with apt-get and dpkg", &apt_doc},
    ModuleEntry{"apt_key", run_apt_key, "Add or remove an apt key", &apt_key_doc},
    ModuleEntry{"apt_repository", run_apt_repository, "Add or remove an apt source line", &apt_repository_doc},
    ModuleEntry{"archive", run_archive, "Create a compressed archive of files or trees", &archive_doc},
    ModuleEntry{"assemble", run_assemble, "Assemble a file from the fragments in a directory", &assemble_doc},
    ModuleEntry{"async_status", run_async_status, "Report (or clean up) a job started with async", &async_status_doc},
    ModuleEntry{"authorized_key", run_authorized_key, "Add or remove SSH authorized keys", &authorized_key_doc},
    ModuleEntry{"blockinfile", run_blockinfile, "Insert, update or remove a block of lines between markers", &blockinfile_doc},
    ModuleEntry{"command", run_command, "Execute a command without a shell", &command_doc},
    ModuleEntry{"copy", run_copy, "Write content to a file on the target", &copy_doc},
    ModuleEntry{"cron", run_cron, "Manage cron jobs and crontab variables", &cron_doc},
    ModuleEntry{"dnf", run_dnf, "Manage RPM packages with dnf", &dnf_doc},
    ModuleEntry{"dpkg_selections", run_dpkg_selections, "Set a package's dpkg selection", &dpkg_selections_doc},
    ModuleEntry{"file", run_file, "Manage files, directories, links and their attributes", &file_doc},
    ModuleEntry{"find", run_find, "Find files by name, age, size, type or content", &find_doc},
    ModuleEntry{"get_url", run_get_url, "Download a file over HTTP or HTTPS", &get_url_doc},
    ModuleEntry{"git", run_git, "Clone or update a git checkout", &git_doc},
    ModuleEntry{"group", run_group, "Add, change or remove a group", &group_doc},
    ModuleEntry{"hostname", run_hostname, "Set the system's host name", &hostname_doc},
    ModuleEntry{"ini_file", run_ini_file, "Set or remove options and sections in INI files", &ini_file_doc},
    ModuleEntry{"known_hosts", run_known_hosts, "Add or remove a host key in a known_hosts file", &known_hosts_doc},
    ModuleEntry{"lineinfile", run_lineinfile, "Make sure a line is in a file, or is not", &lineinfile_doc},
    ModuleEntry{"locale_gen", run_locale_gen, "Generate or remove locales", &locale_gen_doc},
    ModuleEntry{"modprobe", run_modprobe, "Load or unload kernel modules", &modprobe_doc},
    ModuleEntry{"mount", run_mount, "Manage fstab entries and mounted file systems", &mount_doc},
    ModuleEntry{"package", run_package, "Manage packages with the target's package manager", &package_doc},
    ModuleEntry{"package_facts", run_package_facts, "Gather the installed packages as facts", &package_facts_doc},
    ModuleEntry{"ping", run_ping, "Check that the runner answers", &ping_doc},
    ModuleEntry{"pip", run_pip, "Manage Python packages with pip", &pip_doc},
    ModuleEntry{"replace", run_replace, "Replace every match of a regular expression in a file", &replace_doc},
    ModuleEntry{"service", run_service, "Manage services (systemd, sysvinit, OpenRC)", &service_doc},
    ModuleEntry{"service_facts", run_service_facts, "Return the services and their states as facts", &service_facts_doc},
    ModuleEntry{"setup", run_setup, "Gather facts about the target", &setup_doc},
    ModuleEntry{"shell", run_shell, "Execute a command through /bin/sh", &shell_doc},
    ModuleEntry{"slurp", run_slurp, "Read a file, base64-encoded", &slurp_doc},
    ModuleEntry{"stat", run_stat, "Retrieve file or file system status", &stat_doc},
    ModuleEntry{"sysctl", run_sysctl, "Manage keys in sysctl files and the running kernel", &sysctl_doc},
    ModuleEntry{"systemd", run_systemd, "Manage systemd units", &systemd_doc},
    ModuleEntry{"systemd_service", run_systemd, "Manage systemd units", &systemd_doc},
    ModuleEntry{"tempfile", run_tempfile, "Create a temporary file or directory", &tempfile_doc},
    ModuleEntry{"timezone", run_timezone, "Set the system time zone and the hardware clock mode", &timezone_doc},
    ModuleEntry{"unarchive", run_unarchive, "Unpack a zip or tar archive", &unarchive_doc},
    ModuleEntry{"uri", run_uri, "Interact with web services", &uri_doc},
    ModuleEntry{"user", run_user, "Add, change or remove a user account", &user_doc},
    ModuleEntry{"wait_for", run_wait_for, "Wait for a port, a file or some time", &wait_for_doc},
    ModuleEntry{"yum", run_yum, "Manage RPM packages with yum", &yum_doc},
};

}  // namespace

std::span<const ModuleEntry> module_table() { return k_modules; }

const ModuleEntry* find_module(std::string_view name) {
  auto it = std::find_if(k_modules.begin(), k_modules.end(),
                         [&](const ModuleEntry& entry) { return entry.name == name; });
  return it == k_modules.end() ? nullptr : &*it;
}

static std::string known_module_names() {
  std::string names;
  for (const auto& entry : k_modules) {
    if (!names.empty()) names += ", ";
    names += entry.name;
  }
  return names;
}

json run_module(std::string_view name, const json& args, const ModuleContext& ctx) {
  const ModuleEntry* entry = find_module(name);
  if (!entry) {
    return {{"failed", true},
            {"msg", "The module " + std::string(name) +
                        " was not found in drover-modules. Built-in modules: " +
                        known_module_names()}};
  }
  try {
    if (!args.is_object()) throw ModuleFailure("module arguments must be a JSON object");
    json result = entry->run(args, ctx);
    if (!result.contains("changed")) result["changed"] = false;
    return result;
  } catch (const ModuleFailure& failure) {
    json result = failure.fields();
    result["failed"] = true;
    result["msg"] = failure.what();
    if (!result.contains("changed")) result["changed"] = false;
    return result;
  } catch (const std::exception& error) {
    return {{"failed", true},
            {"changed", false},
            {"msg", "module " + std::string(name) + " crashed: " + error.what()}};
  }
}

}  // namespace drover::modules
