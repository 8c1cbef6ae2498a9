#include <algorithm>
#include <array>

#include "plugins/action/action.hpp"

namespace drover::action {

namespace {

// One row per action; modules that run on the target without a control half use run_module.
// Keep alphabetized; the names of target modules must match `drover-modules --list`.
constexpr std::array k_actions = {
    ActionRow{"add_host", run_add_host, "add a host (and groups) to the inventory of this run", "ansible.builtin", Async::unsupported, &add_host_doc},
    ActionRow{"alternatives", run_module, "manage alternatives of a generic command name", "community.general", Async::supported},
    ActionRow{"apk", run_module, "manage Alpine packages with apk", "community.general", Async::supported},
    ActionRow{"apt", run_module, "manage Debian packages with apt-get and dpkg", "ansible.builtin", Async::supported},
    ActionRow{"apt_key", run_module, "add or remove an apt key", "ansible.builtin", Async::supported},
    ActionRow{"apt_repository", run_module, "add or remove an apt source line", "ansible.builtin", Async::supported},
    ActionRow{"archive", run_module, "create a compressed archive of files or trees on the target", "community.general", Async::supported},
    ActionRow{"assemble", run_assemble, "assemble a file from fragments in a directory (target or control node)"},
    ActionRow{"assert", run_assert, "fail unless the given expressions are true", "ansible.builtin", Async::unsupported, &assert_doc},
    ActionRow{"async_status", run_async_status, "report on (or clean up) a job started with async"},
    ActionRow{"authorized_key", run_module, "add or remove SSH authorized keys", "ansible.posix", Async::supported},
    ActionRow{"blockinfile", run_module, "insert, update or remove a block of lines between markers", "ansible.builtin", Async::supported},
    ActionRow{"command", run_module, "run a command on the target", "ansible.builtin", Async::supported},
    ActionRow{"copy", run_copy, "copy content or a local file to the target"},
    ActionRow{"cron", run_module, "manage cron jobs and crontab variables", "ansible.builtin", Async::supported},
    ActionRow{"debug", run_debug, "print a message or a variable", "ansible.builtin", Async::unsupported, &debug_doc},
    ActionRow{"dnf", run_module, "manage RPM packages with dnf", "ansible.builtin", Async::supported},
    ActionRow{"dpkg_selections", run_module, "set a package's dpkg selection (install, hold, deinstall, purge)", "ansible.builtin", Async::supported},
    ActionRow{"fail", run_fail, "fail with a message", "ansible.builtin", Async::unsupported, &fail_doc},
    ActionRow{"fetch", run_fetch, "copy a file from the target to the control node", "ansible.builtin", Async::unsupported, &fetch_doc},
    ActionRow{"file", run_module, "manage files, directories, links and their attributes", "ansible.builtin", Async::supported},
    ActionRow{"find", run_module, "find files by name, age, size, type or content", "ansible.builtin", Async::supported},
    ActionRow{"get_url", run_module, "download a file over HTTP or HTTPS on the target", "ansible.builtin", Async::supported},
    ActionRow{"git", run_module, "clone or update a git checkout", "ansible.builtin", Async::supported},
    ActionRow{"group", run_module, "add, change or remove a group", "ansible.builtin", Async::supported},
    ActionRow{"group_by", run_group_by, "put each host in a group named after a key", "ansible.builtin", Async::unsupported, &group_by_doc},
    ActionRow{"hostname", run_module, "set the system's host name", "ansible.builtin", Async::supported},
    ActionRow{"include_vars", run_include_vars, "load variables from a file", "ansible.builtin", Async::unsupported, &include_vars_doc},
    ActionRow{"ini_file", run_module, "set or remove options and sections in INI files", "community.general", Async::supported},
    ActionRow{"known_hosts", run_module, "add or remove a host key in a known_hosts file", "ansible.builtin", Async::supported},
    ActionRow{"lineinfile", run_module, "make sure a line is in a file, or is not", "ansible.builtin", Async::supported},
    ActionRow{"locale_gen", run_module, "generate or remove locales", "community.general", Async::supported},
    ActionRow{"meta", run_meta, "control the run (noop, flush_handlers, end_play, end_batch, end_host)", "ansible.builtin", Async::unsupported, &meta_doc},
    ActionRow{"modprobe", run_module, "load or unload kernel modules", "community.general", Async::supported},
    ActionRow{"mount", run_module, "manage fstab entries and mounted file systems", "ansible.posix", Async::supported},
    ActionRow{"package", run_module, "manage packages with the target's package manager", "ansible.builtin", Async::supported},
    ActionRow{"package_facts", run_module, "gather the installed packages as facts", "ansible.builtin", Async::supported},
    ActionRow{"pause", run_pause, "wait some time, or for the user to press Enter", "ansible.builtin", Async::unsupported, &pause_doc},
    ActionRow{"ping", run_module, "check that the target can run modules", "ansible.builtin", Async::supported},
    ActionRow{"pip", run_module, "manage Python packages with pip", "ansible.builtin", Async::supported},
    ActionRow{"raw", run_raw, "run a command over the connection without the runner", "ansible.builtin", Async::unsupported, &raw_doc},
    ActionRow{"replace", run_module, "replace every match of a regular expression in a file", "ansible.builtin", Async::supported},
    ActionRow{"script", run_script, "upload a local script to the target and run it", "ansible.builtin", Async::unsupported, &script_doc},
    ActionRow{"service", run_module, "manage services (systemd, sysvinit, OpenRC)", "ansible.builtin", Async::supported},
    ActionRow{"service_facts", run_module, "return the services and their states as facts", "ansible.builtin", Async::supported},
    ActionRow{"set_fact", run_set_fact, "set host variables", "ansible.builtin", Async::unsupported, &set_fact_doc},
    ActionRow{"setup", run_module, "gather facts about the target", "ansible.builtin", Async::supported},
    ActionRow{"shell", run_module, "run a command through the shell on the target", "ansible.builtin", Async::supported},
    ActionRow{"slurp", run_module, "read a file from the target", "ansible.builtin", Async::supported},
    ActionRow{"stat", run_module, "report a file's status", "ansible.builtin", Async::supported},
    ActionRow{"synchronize", run_synchronize, "copy a tree between the control node and the host with rsync", "ansible.posix", Async::unsupported, &synchronize_doc},
    ActionRow{"sysctl", run_module, "set kernel parameters in a sysctl file and the running kernel", "ansible.posix", Async::supported},
    ActionRow{"systemd", run_module, "manage systemd units", "ansible.builtin", Async::supported},
    ActionRow{"systemd_service", run_module, "manage systemd units", "ansible.builtin", Async::supported},
    ActionRow{"tempfile", run_module, "create a temporary file or directory on the target", "ansible.builtin", Async::supported},
    ActionRow{"template", run_template, "render a Jinja2 template to a file on the target", "ansible.builtin", Async::unsupported, &template_doc},
    ActionRow{"timezone", run_module, "set the system time zone", "community.general", Async::supported},
    ActionRow{"unarchive", run_unarchive, "unpack a zip or tar archive (from the control node or the target)"},
    ActionRow{"uri", run_uri, "send an HTTP(S) request from the target", "ansible.builtin", Async::supported},
    ActionRow{"user", run_module, "add, change or remove a user account", "ansible.builtin", Async::supported},
    ActionRow{"validate_argument_spec", run_validate_argument_spec, "check arguments against an argument spec", "ansible.builtin", Async::unsupported, &validate_argument_spec_doc},
    ActionRow{"wait_for", run_module, "wait for a port, a file or some time on the target", "ansible.builtin", Async::supported},
    ActionRow{"wait_for_connection", run_wait_for_connection, "wait until the target answers again", "ansible.builtin", Async::unsupported, &wait_for_connection_doc},
    ActionRow{"yum", run_module, "manage RPM packages with yum", "ansible.builtin", Async::supported},
};

}  // namespace

ActionTable actions() { return k_actions; }

bool is_known_action(std::string_view name) { return find_action(k_actions, name) != nullptr; }

}  // namespace drover::action
