// hostname, as Ansible 2.14's: the current (kernel) and permanent host name through a strategy
// chosen by `use` or by the target (systemd running: hostnamectl; else by distribution: a file).
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>

#include <unistd.h>

#include "modules/facts/collectors.hpp"
#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "name", .required = Required::yes, .description = "The host name to set."},
    ArgSpec{.name = "use",
            .choices = {"alpine", "debian", "freebsd", "generic", "macos", "macosx", "darwin", "openbsd", "openrc", "redhat", "sles", "solaris", "systemd"},
            .description = "The strategy: systemd (and debian, as in Ansible 2.14) uses hostnamectl; alpine, sles and generic write /etc/hostname (/etc/HOSTNAME for sles); redhat edits HOSTNAME= in /etc/sysconfig/network; openrc hostname= in /etc/conf.d/hostname. Without it: systemd when systemd runs, else the distribution's."},
};

std::string run_checked(const std::vector<std::string>& argv) {
  ProcessSpec spec;
  spec.argv = argv;
  ProcessResult process = run_process(spec);
  if (process.start_failure == StartFailure::exec) {
    const char* path = std::getenv("PATH");
    throw ModuleFailure("Failed to find required executable \"" + argv[0] + "\" in paths: " + (path ? path : ""));
  }
  if (process.rc != 0)
    throw ModuleFailure("Command failed rc=" + std::to_string(process.rc) + ", out=" + process.stdout_text + ", err=" + process.stderr_text);
  return process.stdout_text;
}

// One way of reading and writing the two names. `current` empty: the current name is the
// permanent one and setting it does nothing (Ansible's file strategies, but alpine).
struct Strategy {
  std::function<std::string()> permanent;
  std::function<void(const std::string&)> set_permanent;
  std::function<std::string()> current;
  std::function<void(const std::string&)> set_current;
  bool permanent_first = false;  // systemd: the static name before the transient one
};

std::string kernel_hostname() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

void set_kernel_hostname(const std::string& name) {
  if (::sethostname(name.c_str(), name.size()) != 0)
    throw ModuleFailure("failed to set the host name: " + std::string(std::strerror(errno)));
}

Strategy file_strategy(const std::string& file) {
  Strategy s;
  s.permanent = [file] { return trim(read_file(file).value_or("")); };
  s.set_permanent = [file](const std::string& name) { atomic_write(file, name + "\n"); };
  return s;
}

Strategy systemd_strategy() {
  Strategy s;
  auto check_length = [](const std::string& name) {
    if (name.size() > 64) throw ModuleFailure("name cannot be longer than 64 characters on systemd servers, try a shorter name");
  };
  s.permanent = [] { return trim(run_checked({"hostnamectl", "--static", "status"})); };
  s.set_permanent = [check_length](const std::string& name) {
    check_length(name);
    run_checked({"hostnamectl", "--pretty", "--static", "set-hostname", name});
  };
  s.current = [] { return trim(run_checked({"hostnamectl", "--transient", "status"})); };
  s.set_current = [check_length](const std::string& name) {
    check_length(name);
    run_checked({"hostnamectl", "--transient", "set-hostname", name});
  };
  s.permanent_first = true;
  return s;
}

// A KEY=value line in a file: RedHat's HOSTNAME= in /etc/sysconfig/network, OpenRC's hostname="".
Strategy key_line_strategy(const std::string& file, const std::string& key, bool quoted) {
  Strategy s;
  s.permanent = [=] {
    auto text = read_file(file);
    if (!text) {
      if (quoted) return std::string();
      throw ModuleFailure("failed to read hostname: [Errno 2] No such file or directory: '" + file + "'");
    }
    std::istringstream lines(*text);
    for (std::string line; std::getline(lines, line);) {
      line = trim(line);
      if (!line.starts_with(key)) continue;
      std::string value = trim(line.substr(line.find('=') + 1));
      if (quoted && value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      return value;
    }
    if (quoted) return std::string();
    throw ModuleFailure("Unable to locate HOSTNAME entry in " + file);
  };
  s.set_permanent = [=](const std::string& name) {
    std::string out;
    bool found = false;
    std::istringstream lines(read_file(file).value_or(""));
    for (std::string line; std::getline(lines, line);) {
      if (!found && trim(line).starts_with(key)) {
        out += key + (quoted ? "\"" + name + "\"" : name) + "\n";
        found = true;
      } else {
        out += line + "\n";
      }
    }
    if (!found) out += key + (quoted ? "\"" + name + "\"" : name) + "\n";
    atomic_write(file, out);
  };
  return s;
}

Strategy strategy_named(const std::string& use) {
  if (use == "systemd" || use == "debian") return systemd_strategy();
  if (use == "sles") return file_strategy("/etc/HOSTNAME");
  if (use == "redhat") return key_line_strategy("/etc/sysconfig/network", "HOSTNAME=", false);
  if (use == "openrc") return key_line_strategy("/etc/conf.d/hostname", "hostname=", true);
  if (use == "alpine" || use == "generic") {
    // alpine: Ansible runs `hostname -F /etc/hostname`; generic: drover's (Ansible has none)
    Strategy s = file_strategy("/etc/hostname");
    s.current = kernel_hostname;
    s.set_current = set_kernel_hostname;
    return s;
  }
  throw ModuleFailure("hostname module cannot be used on platform " + use + " (drover's runner is for Linux)");
}

// Ansible's choice without `use`: systemd when it runs, else the distribution's strategy.
Strategy default_strategy() {
  if (::access("/run/systemd/system", F_OK) == 0) return systemd_strategy();
  json facts = json::object();
  facts::collect_distribution(facts);
  std::string distribution = facts.value("distribution", ""), family = facts.value("os_family", "");
  if (distribution == "Alpine") return strategy_named("alpine");
  if (distribution == "Gentoo") return strategy_named("openrc");
  if (family == "Suse") return strategy_named("sles");
  if (family == "RedHat") return strategy_named("redhat");
  if (family == "Debian" || family == "Archlinux") return file_strategy("/etc/hostname");
  throw ModuleFailure("hostname module cannot be used on platform Linux (" + distribution + ")");
}

}  // namespace

json run_hostname(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "hostname");
  const std::string name = arg_string(args, "name");
  Strategy strategy = is_set(args, "use") ? strategy_named(arg_string(args, "use")) : default_strategy();
  auto current_of = [&] { return strategy.current ? strategy.current() : strategy.permanent(); };
  const std::string current = current_of();
  const std::string permanent = strategy.permanent();
  bool changed = false;
  auto update_permanent = [&] {
    if (strategy.permanent() == name) return;
    if (!ctx.checking()) strategy.set_permanent(name);
    changed = true;
  };
  auto update_current = [&] {
    if (current_of() == name) return;
    if (!ctx.checking() && strategy.set_current) strategy.set_current(name);
    changed = true;
  };
  if (strategy.permanent_first) {
    update_permanent();
    update_current();
  } else {
    update_current();
    update_permanent();
  }
  const std::string before = name != current ? current : permanent;
  const std::string fqdn = facts::fqdn_from_hosts(kernel_hostname());
  auto dot = fqdn.find('.');
  json result = {{"changed", changed},
                 {"name", name},
                 {"ansible_facts",
                  {{"ansible_hostname", name.substr(0, name.find('.'))},
                   {"ansible_nodename", name},
                   {"ansible_fqdn", fqdn},
                   {"ansible_domain", dot == std::string::npos ? "" : fqdn.substr(dot + 1)}}}};
  if (changed) result["diff"] = {{"after", "hostname = " + name + "\n"}, {"before", "hostname = " + before + "\n"}};
  return result;
}

namespace {
const std::array<ReturnDoc, 3> k_returns{{
    ReturnDoc{"name", "str", "always", "The host name asked for."},
    ReturnDoc{"ansible_facts", "dict", "always", "ansible_hostname, ansible_nodename, ansible_fqdn and ansible_domain after the change."},
    ReturnDoc{"diff", "dict", "changed", "before and after as \"hostname = NAME\" lines."},
}};
}  // namespace

const ModuleDoc hostname_doc{
    .description = "Sets the system's host name: the current one and the one kept across reboots, as Ansible 2.14's hostname module (hostnamectl where systemd runs, else the distribution's file).",
    .options = k_spec,
    .returns = k_returns,
    .example = "- name: Name the host\n  ansible.builtin.hostname:\n    name: web01.example.com\n",
    .notes = "Files are written atomically. use=generic writes /etc/hostname and sets the kernel's name (Ansible's generic strategy implements nothing); freebsd, openbsd, solaris and macos fail (the runner is for Linux).",
};

}  // namespace drover::modules
