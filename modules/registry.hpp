// The one table of built-in modules. Adding a module is one new file plus one row in registry.cpp.
#pragma once

#include <span>
#include <string_view>

#include "modules/module.hpp"

namespace drover::modules {

struct ModuleDoc;  // modules/module_doc.hpp

struct ModuleEntry {
  std::string_view name;
  ModuleFunction run;
  std::string_view short_doc;
  // The module's documentation, defined beside its code (modules/<name>.cpp) over the argument
  // table the module checks its arguments with. nullptr: undocumented (a module test fails).
  const ModuleDoc* doc = nullptr;
};

// All built-in modules, sorted by name.
std::span<const ModuleEntry> module_table();

// The entry named `name`, or nullptr when there is none.
const ModuleEntry* find_module(std::string_view name);

// Runs one module call and always returns a result map: a ModuleFailure or any other exception
// becomes {"failed": true, "msg": ...}; an unknown module name too.
json run_cron(const json& args, const ModuleContext& ctx);
json run_git(const json& args, const ModuleContext& ctx);
json run_group(const json& args, const ModuleContext& ctx);
json run_module(std::string_view name, const json& args, const ModuleContext& ctx);

// The module functions, one per file in modules/.
json run_alternatives(const json& args, const ModuleContext& ctx);
json run_archive(const json& args, const ModuleContext& ctx);
json run_apk(const json& args, const ModuleContext& ctx);
json run_apt_key(const json& args, const ModuleContext& ctx);
json run_apt_repository(const json& args, const ModuleContext& ctx);
json run_dnf(const json& args, const ModuleContext& ctx);
json run_dpkg_selections(const json& args, const ModuleContext& ctx);

json run_apt(const json& args, const ModuleContext& ctx);
json run_assemble(const json& args, const ModuleContext& ctx);
json run_async_status(const json& args, const ModuleContext& ctx);
json run_authorized_key(const json& args, const ModuleContext& ctx);
json run_blockinfile(const json& args, const ModuleContext& ctx);
json run_command(const json& args, const ModuleContext& ctx);
json run_copy(const json& args, const ModuleContext& ctx);
json run_file(const json& args, const ModuleContext& ctx);
json run_find(const json& args, const ModuleContext& ctx);
json run_get_url(const json& args, const ModuleContext& ctx);
json run_hostname(const json& args, const ModuleContext& ctx);
json run_ini_file(const json& args, const ModuleContext& ctx);
json run_known_hosts(const json& args, const ModuleContext& ctx);
json run_lineinfile(const json& args, const ModuleContext& ctx);
json run_locale_gen(const json& args, const ModuleContext& ctx);
json run_modprobe(const json& args, const ModuleContext& ctx);
json run_mount(const json& args, const ModuleContext& ctx);
json run_package(const json& args, const ModuleContext& ctx);
json run_package_facts(const json& args, const ModuleContext& ctx);
json run_ping(const json& args, const ModuleContext& ctx);
json run_pip(const json& args, const ModuleContext& ctx);
json run_replace(const json& args, const ModuleContext& ctx);
json run_service(const json& args, const ModuleContext& ctx);
json run_service_facts(const json& args, const ModuleContext& ctx);
json run_setup(const json& args, const ModuleContext& ctx);
json run_shell(const json& args, const ModuleContext& ctx);
json run_slurp(const json& args, const ModuleContext& ctx);
json run_stat(const json& args, const ModuleContext& ctx);
json run_sysctl(const json& args, const ModuleContext& ctx);
json run_systemd(const json& args, const ModuleContext& ctx);
json run_tempfile(const json& args, const ModuleContext& ctx);
json run_timezone(const json& args, const ModuleContext& ctx);
json run_unarchive(const json& args, const ModuleContext& ctx);
json run_uri(const json& args, const ModuleContext& ctx);
json run_user(const json& args, const ModuleContext& ctx);
json run_wait_for(const json& args, const ModuleContext& ctx);
json run_yum(const json& args, const ModuleContext& ctx);

// Their documentation (modules/module_doc.hpp), defined beside each module.
extern const ModuleDoc archive_doc;
extern const ModuleDoc alternatives_doc;
extern const ModuleDoc apk_doc;
extern const ModuleDoc apt_doc;
extern const ModuleDoc apt_key_doc;
extern const ModuleDoc apt_repository_doc;
extern const ModuleDoc assemble_doc;
extern const ModuleDoc async_status_doc;
extern const ModuleDoc authorized_key_doc;
extern const ModuleDoc blockinfile_doc;
extern const ModuleDoc command_doc;
extern const ModuleDoc copy_doc;
extern const ModuleDoc cron_doc;
extern const ModuleDoc dnf_doc;
extern const ModuleDoc dpkg_selections_doc;
extern const ModuleDoc file_doc;
extern const ModuleDoc find_doc;
extern const ModuleDoc get_url_doc;
extern const ModuleDoc git_doc;
extern const ModuleDoc group_doc;
extern const ModuleDoc hostname_doc;
extern const ModuleDoc ini_file_doc;
extern const ModuleDoc known_hosts_doc;
extern const ModuleDoc lineinfile_doc;
extern const ModuleDoc locale_gen_doc;
extern const ModuleDoc modprobe_doc;
extern const ModuleDoc mount_doc;
extern const ModuleDoc package_facts_doc;
extern const ModuleDoc package_doc;
extern const ModuleDoc ping_doc;
extern const ModuleDoc pip_doc;
extern const ModuleDoc replace_doc;
extern const ModuleDoc service_doc;
extern const ModuleDoc service_facts_doc;
extern const ModuleDoc setup_doc;
extern const ModuleDoc shell_doc;
extern const ModuleDoc slurp_doc;
extern const ModuleDoc stat_doc;
extern const ModuleDoc systemd_doc;
extern const ModuleDoc tempfile_doc;
extern const ModuleDoc unarchive_doc;
extern const ModuleDoc sysctl_doc;
extern const ModuleDoc timezone_doc;
extern const ModuleDoc uri_doc;
extern const ModuleDoc user_doc;
extern const ModuleDoc wait_for_doc;
extern const ModuleDoc yum_doc;

}  // namespace drover::modules
