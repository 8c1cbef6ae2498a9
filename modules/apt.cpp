// apt: installs, upgrades and removes Debian packages with the target's apt-get and dpkg, as
// Ansible's apt module does. Ansible asks python-apt for each package's state; the runner has no
// Python, so it reads the same facts from dpkg-query (installed version, leftover files) and
// `apt-cache policy` (candidate and the versions on offer, pins and default_release applied),
// then builds the very apt-get command lines Ansible builds, so results and messages match.
#include <array>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <optional>
#include <thread>

#include <fnmatch.h>
#include <sys/stat.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

constexpr const char* k_default_dpkg_options = "force-confdef,force-confold";
constexpr const char* k_apt_get_zero = "\n0 upgraded, 0 newly installed";
constexpr const char* k_aptitude_zero = "\n0 packages upgraded, 0 newly installed";
constexpr const char* k_lists_path = "/var/lib/apt/lists";
constexpr const char* k_update_stamp_path = "/var/lib/apt/periodic/update-success-stamp";

const std::array k_spec{
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "build-dep", "fixed", "latest", "present"},
            .description = "present installs (any version), latest upgrades to the candidate, absent removes, build-dep installs build dependencies, fixed repairs broken dependencies."},
    ArgSpec{.name = "update_cache", .type = ArgType::boolean, .aliases = {"update-cache"}, .description = "Run apt-get update first (alone, or before the other work)."},
    ArgSpec{.name = "update_cache_retries", .type = ArgType::integer, .default_value = 5, .description = "Attempts at updating the cache."},
    ArgSpec{.name = "update_cache_retry_max_delay", .type = ArgType::integer, .default_value = 12, .description = "Most seconds between attempts (the delay doubles from 1)."},
    ArgSpec{.name = "cache_valid_time", .type = ArgType::integer, .default_value = 0, .description = "Update the cache only when it is older than this many seconds (implies update_cache)."},
    ArgSpec{.name = "purge", .type = ArgType::boolean, .default_value = false, .description = "With state=absent, also remove configuration files (--purge)."},
    ArgSpec{.name = "package", .type = ArgType::list, .aliases = {"pkg", "name"}, .description = "Package names, with an optional version (foo=1.0, foo=1.*, foo>=1.0) or fnmatch pattern; '*' with state=latest upgrades everything."},
    ArgSpec{.name = "deb", .type = ArgType::path, .description = "A .deb file on the target to install (comma-separated for several); its missing dependencies come through apt."},
    ArgSpec{.name = "default_release", .aliases = {"default-release"}, .description = "The release to prefer (apt-get -t)."},
    ArgSpec{.name = "install_recommends", .type = ArgType::boolean, .aliases = {"install-recommends"}, .description = "Install recommended packages too (yes), not (no), or as apt is configured (unset)."},
    ArgSpec{.name = "force", .type = ArgType::boolean, .default_value = false, .description = "Pass --force-yes to apt-get (and --force-all to dpkg for deb): dangerous."},
    ArgSpec{.name = "upgrade", .default_value = "no", .choices = {"dist", "full", "no", "safe", "yes"},
            .description = "Upgrade all packages: yes/safe (aptitude safe-upgrade, or apt-get upgrade --with-new-pkgs without aptitude), full (aptitude full-upgrade), dist (apt-get dist-upgrade)."},
    ArgSpec{.name = "dpkg_options", .default_value = k_default_dpkg_options, .description = "Comma-separated dpkg options, each passed as -o Dpkg::Options::=--OPTION."},
    ArgSpec{.name = "autoremove", .type = ArgType::boolean, .default_value = false, .description = "Remove dependencies nothing needs any more (apt-get autoremove, or --auto-remove with packages)."},
    ArgSpec{.name = "autoclean", .type = ArgType::boolean, .default_value = false, .description = "Remove downloaded package files that can no longer be downloaded."},
    ArgSpec{.name = "fail_on_autoremove", .type = ArgType::boolean, .default_value = false, .description = "Fail rather than remove packages (--no-remove)."},
    ArgSpec{.name = "policy_rc_d", .type = ArgType::integer, .description = "While apt runs, /usr/sbin/policy-rc.d exits with this code (101: services are not started)."},
    ArgSpec{.name = "only_upgrade", .type = ArgType::boolean, .default_value = false, .description = "Only upgrade packages already installed; never install new ones."},
    ArgSpec{.name = "force_apt_get", .type = ArgType::boolean, .default_value = false, .description = "Use apt-get even where aptitude is installed."},
    ArgSpec{.name = "clean", .type = ArgType::boolean, .default_value = false, .description = "Run apt-get clean (the local repository of downloaded files) first."},
    ArgSpec{.name = "allow_unauthenticated", .type = ArgType::boolean, .default_value = false, .aliases = {"allow-unauthenticated"}, .description = "Install packages that cannot be authenticated."},
    ArgSpec{.name = "allow_downgrade", .type = ArgType::boolean, .default_value = false, .aliases = {"allow-downgrade", "allow_downgrades", "allow-downgrades"}, .description = "Allow installing a lower version than the installed one."},
    ArgSpec{.name = "allow_change_held_packages", .type = ArgType::boolean, .default_value = false, .description = "Allow changing packages on hold."},
    ArgSpec{.name = "lock_timeout", .type = ArgType::integer, .default_value = 60, .description = "Seconds to wait for the dpkg lock held by another apt or dpkg."},
};

// The environment Ansible's apt module runs apt-get in: no prompts, output in the C locale.
const std::map<std::string, std::string>& apt_environment() {
  static const std::map<std::string, std::string> k_env{
      {"DEBIAN_FRONTEND", "noninteractive"}, {"DEBIAN_PRIORITY", "critical"}, {"LANG", "C"},
      {"LC_ALL", "C"}, {"LC_MESSAGES", "C"}, {"LC_CTYPE", "C"}};
  return k_env;
}

struct Apt {
  json args;
  const ModuleContext* ctx = nullptr;
  std::string apt_get;   // full path, as Ansible's get_bin_path gives it
  std::string aptitude;  // empty: not installed
  std::string dpkg_options;  // expanded: -o "Dpkg::Options::=--X" ...
  long long lock_deadline = 0;
  json warnings = json::array();

  bool checking() const { return ctx->checking(); }
  bool flag(const char* name) const { return arg_bool(args, name); }
  std::string str(const char* name) const { return arg_string(args, name); }
};

ProcessResult run(const Apt& apt, const std::string& line) {
  ProcessResult result = run_command_line(line, apt_environment());
  // Another apt or dpkg holds the lock: wait for it, up to lock_timeout, as Ansible retries.
  while (result.rc != 0 && result.stderr_text.find("Could not get lock") != std::string::npos &&
         std::time(nullptr) < apt.lock_deadline) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    result = run_command_line(line, apt_environment());
  }
  return result;
}

std::string expand_dpkg_options(const std::string& compressed) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t comma = compressed.find(',', start);
    out += " -o \"Dpkg::Options::=--" + compressed.substr(start, comma == std::string::npos ? std::string::npos : comma - start) + "\"";
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return trim(out);
}

// Ansible's `" ".join(...)` of optional words that may be empty: format strings keep the spaces.
std::string words(std::initializer_list<std::string> parts) {
  std::string out;
  bool first = true;
  for (const auto& part : parts) {
    if (!first) out += ' ';
    out += part;
    first = false;
  }
  return out;
}

json parse_diff(const std::string& output) {
  json lines = split_lines(output);
  long start = -1;
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i] == "Resolving dependencies...") { start = static_cast<long>(i); break; }
  if (start < 0)
    for (size_t i = 0; i < lines.size(); ++i)
      if (lines[i] == "Reading state information...") { start = static_cast<long>(i); break; }
  long end = static_cast<long>(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i].get_ref<const std::string&>();
    size_t digits = 0;
    while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
    std::string_view rest = std::string_view(line).substr(digits);
    if (digits > 0 && (rest.starts_with(" upgraded") || rest.starts_with(" packages upgraded"))) { end = static_cast<long>(i); break; }
  }
  std::string prepared;
  for (long i = start + 1; i < std::min<long>(end + 1, static_cast<long>(lines.size())); ++i) {
    if (i > start + 1) prepared += '\n';
    prepared += lines[static_cast<size_t>(i)].get<std::string>();
  }
  return {{"prepared", prepared}};
}

json diff_of(const Apt& apt, const std::string& output) {
  return apt.ctx->diffing() ? parse_diff(output) : json::object();
}

// --- what dpkg and apt know about a package ------------------------------------------------

struct Spec {
  std::string name;
  std::string cmp;      // "", "=" or ">="
  std::string version;
};

// re.split(r'(>?=)', spec, 1)
Spec split_spec(const std::string& spec) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos) return {spec, "", ""};
  if (eq > 0 && spec[eq - 1] == '>') return {spec.substr(0, eq - 1), ">=", spec.substr(eq + 1)};
  return {spec.substr(0, eq), "=", spec.substr(eq + 1)};
}

int compare_versions(const std::string& a, const std::string& b) {
  auto test = [&](const char* op) {
    return run_command_line("dpkg --compare-versions " + shlex_quote(a) + " " + op + " " + shlex_quote(b)).rc == 0;
  };
  if (test("lt")) return -1;
  return test("eq") ? 0 : 1;
}

bool glob_match(const std::string& text, const std::string& pattern) {
  return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

struct Installed {
  bool installed = false;     // dpkg's status is "installed"
  bool has_files = false;     // anything left on disk: installed, or removed with its config files
  std::string version;
};

Installed dpkg_status(const std::string& name) {
  ProcessResult r = run_process({.argv = {"dpkg-query", "-W", "-f=${db:Status-Status}\t${Version}\n", name}, .environment = apt_environment()});
  Installed out;
  if (r.rc != 0) return out;
  // dpkg-query prints one line per matching architecture; the first one decides
  std::string line = r.stdout_text.substr(0, r.stdout_text.find('\n'));
  size_t tab = line.find('\t');
  std::string status = line.substr(0, tab);
  out.installed = status == "installed";
  out.has_files = !status.empty() && status != "not-installed";
  out.version = tab == std::string::npos ? "" : line.substr(tab + 1);
  return out;
}

struct Policy {
  bool known = false;                 // apt knows a real package of that name (it has versions)
  std::string candidate;              // empty: none
  std::vector<std::string> versions;  // the version table, highest first
};

Policy apt_policy(const Apt& apt, const std::string& name) {
  std::string line = "apt-cache";
  if (!apt.str("default_release").empty())
    line += " -o " + shlex_quote("APT::Default-Release=" + apt.str("default_release"));
  ProcessResult r = run_command_line(line + " policy " + shlex_quote(name), apt_environment());
  Policy policy;
  bool in_table = false;
  for (const auto& entry : split_lines(r.stdout_text)) {
    std::string text = entry.get<std::string>();
    std::string body = trim(text);
    if (body.starts_with("Candidate:")) {
      std::string value = trim(body.substr(10));
      if (value != "(none)") policy.candidate = value;
    } else if (body == "Version table:") {
      in_table = true;
    } else if (in_table) {
      // a version line is indented 5 ("     1.0 500") or marked (" *** 1.0 100"); origins deeper
      size_t indent = text.find_first_not_of(' ');
      bool marked = body.starts_with("*** ");
      if (!marked && indent != 5) continue;
      auto parts = split_words(marked ? body.substr(4) : body);
      if (!parts.empty()) policy.versions.push_back(parts[0]);
    }
  }
  policy.known = !policy.versions.empty();
  return policy;
}

// The packages that provide virtual package `name` (apt-cache showpkg's Reverse Provides).
std::vector<std::string> providers(const std::string& name) {
  ProcessResult r = run_command_line("apt-cache showpkg " + shlex_quote(name), apt_environment());
  std::vector<std::string> out;
  bool in_section = false;
  for (const auto& entry : split_lines(r.stdout_text)) {
    std::string text = entry.get<std::string>();
    if (text.starts_with("Reverse Provides:")) { in_section = true; continue; }
    if (!in_section || trim(text).empty()) continue;
    auto parts = split_words(text);
    if (!parts.empty() && std::find(out.begin(), out.end(), parts[0]) == out.end()) out.push_back(parts[0]);
  }
  return out;
}

enum class Purpose { install, remove };

struct Status {
  bool installed = false;
  bool version_installed = false;         // installed and matching the version asked for
  std::optional<std::string> installable; // the best version to install; "" means "let apt choose"
  bool has_files = false;
};

// The candidate Ansible's package_best_match finds: a version pin (=) beats every other pin, so
// the highest available version matching the pattern wins.
std::optional<std::string> best_match(const Policy& policy, const Spec& spec) {
  if (spec.cmp == "=") {
    for (const auto& version : policy.versions)
      if (glob_match(version, spec.version)) return version;
    return std::nullopt;
  }
  if (policy.candidate.empty()) return std::nullopt;
  return policy.candidate;
}

Status package_status(const Apt& apt, const Spec& spec, Purpose purpose) {
  Policy policy = apt_policy(apt, spec.name);
  Installed dpkg = dpkg_status(spec.name);
  Status status;
  if (!policy.known && !dpkg.has_files) {
    if (purpose == Purpose::remove) return status;
    auto provided_by = providers(spec.name);
    if (provided_by.empty()) throw ModuleFailure("No package matching '" + spec.name + "' is available");
    if (provided_by.size() == 1) {
      Status provider = package_status(apt, {provided_by[0], spec.cmp, spec.version}, purpose);
      if (provider.installed) return provider;
    }
    status.installable = "";
    return status;
  }
  status.has_files = dpkg.has_files;
  status.installed = dpkg.installed;
  auto best = best_match(policy, spec);
  if (!dpkg.installed) {
    status.installable = best;
    return status;
  }
  const std::string& current = dpkg.version;
  if (spec.cmp == "=") {
    status.version_installed = glob_match(current, spec.version);
    if (best && *best != current && glob_match(*best, spec.version)) status.installable = best;
  } else if (spec.cmp == ">=") {
    status.version_installed = compare_versions(current, spec.version) >= 0;
    if (best && *best != current && compare_versions(*best, spec.version) >= 0) status.installable = best;
  } else {
    status.version_installed = true;
    if (best && *best != current) status.installable = best;
  }
  return status;
}

// Names with fnmatch wildcards become the matching package names apt knows (native ones only,
// unless the pattern names an architecture).
std::vector<std::string> expand_patterns(const std::vector<std::string>& specs) {
  std::vector<std::string> out;
  std::optional<std::vector<std::string>> all_names;
  for (const auto& spec : specs) {
    std::string pattern = split_spec(spec).name;
    if (pattern.find_first_of("*?[]!") == std::string::npos) {
      out.push_back(spec);
      continue;
    }
    if (!all_names) all_names = split_words(run_command_line("apt-cache pkgnames", apt_environment()).stdout_text);
    bool any = false;
    for (const auto& name : *all_names) {
      if (pattern.find(':') == std::string::npos && name.find(':') != std::string::npos) continue;
      if (glob_match(name, pattern)) { out.push_back(name); any = true; }
    }
    if (!any) throw ModuleFailure("No package(s) matching '" + pattern + "' available");
  }
  return out;
}

// --- /usr/sbin/policy-rc.d while apt runs ------------------------------------------------------

class PolicyRcD {
public:
  explicit PolicyRcD(const Apt& apt) {
    if (!is_set(apt.args, "policy_rc_d")) return;
    m_active = true;
    struct stat st{};
    if (::stat(k_path, &st) == 0) {
      m_backup = std::string(k_path) + ".drover-backup";
      if (::rename(k_path, m_backup.c_str()) != 0) throw ModuleFailure("Fail to move /usr/sbin/policy-rc.d to " + m_backup);
    }
    std::string script = "#!/bin/sh\nexit " + std::to_string(apt.args["policy_rc_d"].get<long long>()) + "\n";
    FILE* file = std::fopen(k_path, "w");
    if (!file || std::fputs(script.c_str(), file) < 0 || std::fclose(file) != 0 || ::chmod(k_path, 0755) != 0)
      throw ModuleFailure("Failed to create or chmod /usr/sbin/policy-rc.d");
  }
  ~PolicyRcD() {
    if (!m_active) return;
    if (!m_backup.empty()) ::rename(m_backup.c_str(), k_path);
    else ::unlink(k_path);
  }
  PolicyRcD(const PolicyRcD&) = delete;
  PolicyRcD& operator=(const PolicyRcD&) = delete;

private:
  static constexpr const char* k_path = "/usr/sbin/policy-rc.d";
  bool m_active = false;
  std::string m_backup;
};

// --- the operations ------------------------------------------------------------------------

void mark_installed_manually(const Apt& apt, const std::vector<std::string>& names) {
  if (names.empty()) return;
  std::string apt_mark = find_executable("apt-mark");
  if (apt_mark.empty()) return;
  std::string line = apt_mark + " manual";
  for (const auto& name : names) line += " " + name;
  ProcessResult r = run(apt, line);
  if (r.rc != 0)
    throw ModuleFailure("'" + line + "' failed: " + r.stderr_text,
                        {{"stdout", r.stdout_text}, {"stderr", r.stderr_text}, {"rc", r.rc}});
}

// A failure Ansible's install() returns rather than raises: the caller adds the cache fields.
class InstallFailure : public ModuleFailure {
public:
  using ModuleFailure::ModuleFailure;
};

struct InstallOptions {
  bool upgrade = false;
  bool build_dep = false;
  bool fixed = false;
  bool autoremove = false;
  bool only_upgrade = false;
  std::string dpkg_options;
};

// Ansible's install(): the packages to hand to apt-get, then one apt-get call. Returns the result
// fields; a failure is thrown.
json install(Apt& apt, const std::vector<std::string>& requested, const InstallOptions& options) {
  std::vector<std::string> items;
  std::vector<std::string> names;
  for (const auto& package : expand_patterns(requested)) {
    if (options.build_dep) {
      items.push_back("'" + package + "'");
      continue;
    }
    Spec spec = split_spec(package);
    names.push_back(spec.name);
    Status status = package_status(apt, spec, Purpose::install);
    if (!status.installed && options.only_upgrade) continue;
    if (!status.version_installed && !status.installable)
      throw InstallFailure("no available installation candidate for " + package);
    bool wanted = (!status.installed && !options.only_upgrade) || options.upgrade || !status.version_installed;
    if (status.installable && wanted) {
      if (!status.installable->empty()) items.push_back("'" + spec.name + "=" + *status.installable + "'");
      else if (!spec.version.empty()) items.push_back("'" + spec.name + "=" + spec.version + "'");
      else items.push_back("'" + spec.name + "'");
    } else if (status.version_installed && status.installable && spec.cmp == "=") {
      items.push_back("'" + spec.name + "=" + spec.version + "'");
    }
  }
  json data = {{"changed", false}};
  if (!items.empty()) {
    std::string packages;
    for (const auto& item : items) packages += (packages.empty() ? "" : " ") + item;
    std::string force = apt.flag("force") ? "--force-yes" : "";
    std::string check = apt.checking() ? "--simulate" : "";
    std::string autoremove = options.autoremove ? "--auto-remove" : "";
    std::string no_remove = apt.flag("fail_on_autoremove") ? "--no-remove" : "";
    std::string only_upgrade = options.only_upgrade ? "--only-upgrade" : "";
    std::string fixed = options.fixed ? "--fix-broken" : "";
    std::string line =
        options.build_dep
            ? words({apt.apt_get, "-y", options.dpkg_options, only_upgrade, fixed, force, no_remove, check, "build-dep", packages})
            : words({apt.apt_get, "-y", options.dpkg_options, only_upgrade, fixed, force, autoremove, no_remove, check, "install", packages});
    if (!apt.str("default_release").empty()) line += " -t '" + apt.str("default_release") + "'";
    if (is_set(apt.args, "install_recommends"))
      line += apt.flag("install_recommends") ? " -o APT::Install-Recommends=yes" : " -o APT::Install-Recommends=no";
    if (apt.flag("allow_unauthenticated")) line += " --allow-unauthenticated";
    if (apt.flag("allow_downgrade")) line += " --allow-downgrades";
    if (apt.flag("allow_change_held_packages")) line += " --allow-change-held-packages";
    ProcessResult r;
    {
      PolicyRcD policy(apt);
      r = run(apt, line);
    }
    if (r.rc != 0)
      throw InstallFailure("'" + line + "' failed: " + r.stderr_text,
                           {{"stdout", r.stdout_text}, {"stderr", r.stderr_text}, {"rc", r.rc}});
    bool changed = !options.build_dep || r.stdout_text.find(k_apt_get_zero) == std::string::npos;
    data = {{"changed", changed}, {"stdout", r.stdout_text}, {"stderr", r.stderr_text}, {"diff", diff_of(apt, r.stdout_text)}};
  }
  if (!options.build_dep && !apt.checking()) mark_installed_manually(apt, names);
  return data;
}

json remove(Apt& apt, const std::vector<std::string>& requested) {
  std::string packages;
  for (const auto& package : expand_patterns(requested)) {
    Status status = package_status(apt, split_spec(package), Purpose::remove);
    if (status.version_installed || (status.has_files && apt.flag("purge")))
      packages += (packages.empty() ? "'" : " '") + package + "'";
  }
  if (packages.empty()) return {{"changed", false}};
  std::string line = words({apt.apt_get, "-q", "-y", apt.dpkg_options, apt.flag("purge") ? "--purge" : "",
                            apt.flag("force") ? "--force-yes" : "", apt.flag("autoremove") ? "--auto-remove" : "",
                            apt.checking() ? "--simulate" : "", "remove", packages});
  ProcessResult r;
  {
    PolicyRcD policy(apt);
    r = run(apt, line);
  }
  if (r.rc != 0)
    throw ModuleFailure("'apt-get remove " + packages + "' failed: " + r.stderr_text,
                        {{"stdout", r.stdout_text}, {"stderr", r.stderr_text}, {"rc", r.rc}});
  return {{"changed", true}, {"stdout", r.stdout_text}, {"stderr", r.stderr_text}, {"diff", diff_of(apt, r.stdout_text)}};
}

json cleanup(Apt& apt, const std::string& operation) {
  std::string line = words({apt.apt_get, "-y", apt.dpkg_options, apt.flag("purge") ? "--purge" : "",
                            apt.flag("force") ? "--force-yes" : "", operation, apt.checking() ? "--simulate" : ""});
  ProcessResult r;
  {
    PolicyRcD policy(apt);
    r = run(apt, line);
  }
  if (r.rc != 0)
    throw ModuleFailure("'apt-get " + operation + "' failed: " + r.stderr_text,
                        {{"stdout", r.stdout_text}, {"stderr", r.stderr_text}, {"rc", r.rc}});
  const char* marker = operation == "autoremove" ? "The following packages will be REMOVED" : "Del ";
  return {{"changed", r.stdout_text.find(marker) != std::string::npos},
          {"stdout", r.stdout_text}, {"stderr", r.stderr_text}, {"diff", diff_of(apt, r.stdout_text)}};
}

json upgrade(Apt& apt, const std::string& mode) {
  bool use_apt_get = apt.flag("force_apt_get") || apt.aptitude.empty();
  std::string autoremove = apt.flag("autoremove") ? "--auto-remove" : "";
  std::string tool, tool_path, command;
  if (mode == "dist" || (mode == "full" && use_apt_get)) {
    tool = "apt-get", tool_path = apt.apt_get, command = "dist-upgrade " + autoremove;
  } else if (mode == "full") {
    tool = "aptitude", tool_path = apt.aptitude, command = "full-upgrade";
  } else if (use_apt_get) {
    tool = "apt-get", tool_path = apt.apt_get, command = "upgrade --with-new-pkgs " + autoremove;
  } else {
    tool = "aptitude", tool_path = apt.aptitude, command = "safe-upgrade";
  }
  std::string force;
  if (apt.flag("force")) force = tool == "apt-get" ? "--force-yes" : "--assume-yes --allow-untrusted";
  std::string line = words({tool_path, "-y", apt.dpkg_options, force, apt.flag("fail_on_autoremove") ? "--no-remove" : "",
                            apt.flag("allow_unauthenticated") ? "--allow-unauthenticated" : "",
                            apt.flag("allow_downgrade") ? "--allow-downgrades" : "",
                            apt.checking() ? "--simulate" : "", command});
  if (!apt.str("default_release").empty()) line += " -t '" + apt.str("default_release") + "'";
  ProcessResult r;
  {
    PolicyRcD policy(apt);
    r = run(apt, line);
  }
  if (r.rc != 0)
    throw ModuleFailure("'" + tool + " " + command + "' failed: " + r.stderr_text, {{"stdout", r.stdout_text}, {"rc", r.rc}});
  const char* zero = tool == "apt-get" ? k_apt_get_zero : k_aptitude_zero;
  if (r.stdout_text.find(zero) != std::string::npos)
    return {{"changed", false}, {"msg", r.stdout_text}, {"stdout", r.stdout_text}, {"stderr", r.stderr_text}};
  return {{"changed", true}, {"msg", r.stdout_text}, {"stdout", r.stdout_text}, {"stderr", r.stderr_text},
          {"diff", diff_of(apt, r.stdout_text)}};
}

// --- deb files ------------------------------------------------------------------------------

std::string deb_field(const std::string& deb, const std::string& field) {
  std::string line = find_executable("dpkg") + " --field " + deb + " " + field;
  ProcessResult r = run_command_line(line, apt_environment());
  if (r.rc != 0) throw ModuleFailure(line + " failed", {{"stdout", r.stdout_text}, {"stderr", r.stderr_text}});
  std::string value = r.stdout_text;
  while (!value.empty() && value.back() == '\n') value.pop_back();
  return value;
}

// One dependency "name (op version)" of a Depends field, satisfied by what dpkg has installed?
bool dependency_satisfied(const std::string& dependency) {
  std::string text = trim(dependency);
  std::string name = text.substr(0, text.find_first_of(" (:"));
  Installed installed = dpkg_status(name);
  if (!installed.installed) {
    // a virtual package some installed package provides
    ProcessResult r = run_process({.argv = {"dpkg-query", "-W", "-f=${Provides}\t${db:Status-Status}\n"}, .environment = apt_environment()});
    for (const auto& line : split_lines(r.stdout_text)) {
      std::string entry = line.get<std::string>();
      if (!entry.ends_with("\tinstalled")) continue;
      for (auto& provided : split_words(std::string(entry.begin(), entry.end() - 10))) {
        std::string clean = provided;
        while (!clean.empty() && (clean.back() == ',')) clean.pop_back();
        if (clean == name) return true;
      }
    }
    return false;
  }
  size_t open = text.find('(');
  if (open == std::string::npos) return true;
  std::string relation = text.substr(open + 1, text.find(')') - open - 1);
  auto parts = split_words(relation);
  if (parts.size() != 2) return true;
  const std::string& op = parts[0];
  int cmp = compare_versions(installed.version, parts[1]);
  if (op == ">=") return cmp >= 0;
  if (op == "<=") return cmp <= 0;
  if (op == ">>") return cmp > 0;
  if (op == "<<") return cmp < 0;
  return cmp == 0;
}

// The dependencies of a .deb that dpkg does not have, as package names apt can install: python-apt
// DebPackage's missing_deps. Throws "Dependency is not satisfiable" when apt cannot either.
std::vector<std::string> missing_dependencies(const Apt& apt, const std::string& deb) {
  std::vector<std::string> missing;
  for (const char* field : {"Pre-Depends", "Depends"}) {
    std::string value = deb_field(deb, field);
    size_t start = 0;
    while (start < value.size()) {
      size_t comma = value.find(',', start);
      std::string group = trim(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      start = comma == std::string::npos ? value.size() : comma + 1;
      if (group.empty()) continue;
      std::vector<std::string> alternatives;
      for (size_t at = 0; at <= group.size();) {
        size_t bar = group.find('|', at);
        alternatives.push_back(trim(group.substr(at, bar == std::string::npos ? std::string::npos : bar - at)));
        if (bar == std::string::npos) break;
        at = bar + 1;
      }
      if (std::any_of(alternatives.begin(), alternatives.end(), dependency_satisfied)) continue;
      bool found = false;
      for (const auto& alternative : alternatives) {
        std::string name = alternative.substr(0, alternative.find_first_of(" (:"));
        Policy policy = apt_policy(apt, name);
        if (!policy.candidate.empty() || !providers(name).empty()) {
          missing.push_back(name);
          found = true;
          break;
        }
      }
      if (!found) throw ModuleFailure("Dependency is not satisfiable: " + group);
    }
  }
  return missing;
}

json install_debs(Apt& apt) {
  std::vector<std::string> deps;
  std::vector<std::string> debs;
  bool multiarch = !trim(run_command_line("dpkg --print-foreign-architectures").stdout_text).empty();
  std::string all = apt.str("deb");
  for (size_t start = 0; start <= all.size();) {
    size_t comma = all.find(',', start);
    std::string deb = all.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? all.size() + 1 : comma + 1;
    struct stat st{};
    if (::stat(deb.c_str(), &st) != 0) throw ModuleFailure("Unable to install package: E:Could not open file " + deb + " - open (2: No such file or directory)");
    std::string name = deb_field(deb, "Package");
    std::string version = deb_field(deb, "Version");
    std::string key = multiarch ? name + ":" + deb_field(deb, "Architecture") : name;
    Installed installed = dpkg_status(key);
    if (installed.installed && compare_versions(version, installed.version) == 0) continue;
    if (installed.installed && compare_versions(version, installed.version) < 0 && !apt.flag("force") && !apt.flag("allow_downgrade"))
      throw ModuleFailure("A later version is already installed");
    auto missing = missing_dependencies(apt, deb);
    deps.insert(deps.end(), missing.begin(), missing.end());
    debs.push_back(deb);
  }
  json retvals = json::object();
  bool changed = false;
  if (!deps.empty()) {
    InstallOptions options;
    options.dpkg_options = expand_dpkg_options(apt.str("dpkg_options"));
    retvals = install(apt, deps, options);
    changed = retvals.value("changed", false);
  }
  if (debs.empty())
    return {{"changed", changed}, {"stdout", retvals.value("stdout", "")}, {"stderr", retvals.value("stderr", "")},
            {"diff", retvals.value("diff", json(""))}};
  std::string options;
  std::string compressed = apt.str("dpkg_options");
  for (size_t start = 0; start <= compressed.size();) {
    size_t comma = compressed.find(',', start);
    options += (options.empty() ? "--" : " --") + compressed.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? compressed.size() + 1 : comma + 1;
  }
  if (apt.checking()) options += " --simulate";
  if (apt.flag("force")) options += " --force-all";
  std::string line = "dpkg " + options + " -i";
  for (const auto& deb : debs) line += " " + deb;
  ProcessResult r;
  {
    PolicyRcD policy(apt);
    r = run(apt, line);
  }
  std::string stdout_text = retvals.value("stdout", "") + r.stdout_text;
  std::string stderr_text = retvals.value("stderr", "") + r.stderr_text;
  json diff;
  if (retvals.contains("diff")) {
    diff = retvals["diff"];
    if (diff.contains("prepared")) diff["prepared"] = diff["prepared"].get<std::string>() + "\n\n" + r.stdout_text;
  } else {
    diff = parse_diff(r.stdout_text);
  }
  if (r.rc != 0) throw ModuleFailure(line + " failed", {{"stdout", stdout_text}, {"stderr", stderr_text}});
  return {{"changed", true}, {"stdout", stdout_text}, {"stderr", stderr_text}, {"diff", diff}};
}

// --- the cache ------------------------------------------------------------------------------

double cache_mtime() {
  struct stat st{};
  if (::stat(k_update_stamp_path, &st) == 0 || ::stat(k_lists_path, &st) == 0)
    return static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) / 1e9;
  return 0;
}

// Runs apt-get update when asked and the cache is older than cache_valid_time. Returns whether it
// changed the cache, and sets `update_time` to the cache's time stamp (seconds).
bool update_cache(Apt& apt, long long& update_time) {
  double mtime = cache_mtime();
  update_time = static_cast<long long>(std::floor(mtime));
  if (!apt.flag("update_cache") && apt.args["cache_valid_time"].get<long long>() == 0) return false;
  double now = static_cast<double>(std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count()) / 1e6;
  if (mtime + static_cast<double>(apt.args["cache_valid_time"].get<long long>()) >= now) return false;
  long long retries = apt.args["update_cache_retries"].get<long long>();
  long long max_delay = apt.args["update_cache_retry_max_delay"].get<long long>();
  std::string error;
  bool updated = false;
  for (long long attempt = 0; attempt < retries; ++attempt) {
    if (apt.checking()) { updated = true; break; }
    ProcessResult r = run(apt, apt.apt_get + " update -q");
    bool fetch_failed = r.stderr_text.find("W: Failed to fetch") != std::string::npos ||
                        r.stderr_text.find("W: Some index files failed") != std::string::npos;
    if (r.rc == 0 && !fetch_failed) { updated = true; break; }
    error = trim(r.stderr_text);
    if (attempt + 1 < retries)
      std::this_thread::sleep_for(std::chrono::seconds(std::min<long long>(1LL << std::min<long long>(attempt, 20), max_delay)));
  }
  if (!updated) throw ModuleFailure("Failed to update apt cache: " + (error.empty() ? std::string("unknown reason") : error));
  long long after = static_cast<long long>(std::floor(cache_mtime()));
  bool changed = apt.checking() || after != update_time;
  update_time = after;
  return changed;
}

std::vector<std::string> package_list(const json& args) {
  std::vector<std::string> out;
  if (!is_set(args, "package")) return out;
  for (const auto& item : args["package"]) {
    if (!item.is_string() && !item.is_number()) throw ModuleFailure("Invalid type for package name, expected string but got " + std::string(item.type_name()));
    out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  }
  return out;
}

json with_cache_fields(json result, bool updated, long long time) {
  result["cache_updated"] = updated;
  result["cache_update_time"] = time;
  return result;
}

json run_apt_checked(Apt& apt) {
  const json& args = apt.args;
  std::string upgrade_mode = apt.str("upgrade");
  if (upgrade_mode == "no") upgrade_mode.clear();
  std::vector<std::string> requested = package_list(args);
  if (apt.flag("clean")) {
    ProcessResult r = run(apt, "apt-get clean");
    if (r.rc != 0) throw ModuleFailure("apt-get clean failed", {{"stdout", r.stdout_text}, {"rc", r.rc}});
    if (!r.stderr_text.empty()) throw ModuleFailure("apt-get clean failed: " + r.stderr_text, {{"stdout", r.stdout_text}, {"rc", r.rc}});
    if (requested.empty() && upgrade_mode.empty() && !is_set(args, "deb"))
      return {{"changed", true}, {"msg", r.stdout_text}, {"stdout", r.stdout_text}, {"stderr", r.stderr_text}};
  }
  long long update_time = 0;
  bool updated = update_cache(apt, update_time);
  if ((apt.flag("update_cache") || args["cache_valid_time"].get<long long>() != 0) && requested.empty() &&
      upgrade_mode.empty() && !is_set(args, "deb"))
    return {{"changed", updated}, {"cache_updated", updated}, {"cache_update_time", update_time}};
  if (!upgrade_mode.empty()) return upgrade(apt, upgrade_mode);
  if (is_set(args, "deb")) {
    if (apt.str("state") != "present") throw ModuleFailure("deb only supports state=present");
    if (apt.str("deb").find("://") != std::string::npos)
      throw ModuleFailure("deb: drover's apt installs .deb files already on the target; download it first (get_url) and name the file");
    return install_debs(apt);
  }
  std::vector<std::string> packages;
  bool all_installed = false;
  for (const auto& package : requested) {
    if (package == "*") all_installed = true;
    else packages.push_back(trim(package));
  }
  std::string state = apt.str("state");
  if (state == "latest" && all_installed) {
    if (!packages.empty()) throw ModuleFailure("unable to install additional packages when upgrading all installed packages");
    return upgrade(apt, "yes");
  }
  for (const auto& package : packages)
    if (std::count(package.begin(), package.end(), '=') > 1) throw ModuleFailure("invalid package spec: " + package);
  if (packages.empty()) {
    if (apt.flag("autoclean")) return cleanup(apt, "autoclean");
    if (apt.flag("autoremove")) return cleanup(apt, "autoremove");
  }
  if (state == "absent") return remove(apt, packages);
  InstallOptions options;
  options.upgrade = state == "latest";
  options.build_dep = state == "build-dep";
  options.fixed = state == "fixed";
  options.autoremove = apt.flag("autoremove");
  options.only_upgrade = apt.flag("only_upgrade");
  options.dpkg_options = apt.dpkg_options;
  try {
    return with_cache_fields(install(apt, packages, options), updated, update_time);
  } catch (const InstallFailure& failure) {
    throw ModuleFailure(failure.what(), with_cache_fields(failure.fields(), updated, update_time));
  }
}

}  // namespace

json run_apt(const json& raw_args, const ModuleContext& ctx) {
  Apt apt;
  apt.args = check_args(raw_args, k_spec, "apt");
  apt.ctx = &ctx;
  // Ansible checks mutual exclusion on the arguments given, before defaults (upgrade: no counts)
  int given = 0;
  for (const auto& names : {std::vector<const char*>{"deb"}, {"package", "pkg", "name"}, {"upgrade"}})
    if (std::any_of(names.begin(), names.end(), [&](const char* n) { return raw_args.contains(n) && !raw_args[n].is_null(); })) ++given;
  if (given > 1) throw ModuleFailure("parameters are mutually exclusive: deb|package|upgrade");
  apt.apt_get = find_executable("apt-get");
  if (apt.apt_get.empty())
    throw ModuleFailure("apt-get was not found on the target: the apt module manages Debian-family systems (use package, dnf, yum or apk elsewhere)");
  apt.aptitude = find_executable("aptitude");
  apt.dpkg_options = expand_dpkg_options(apt.str("dpkg_options"));
  apt.lock_deadline = std::time(nullptr) + apt.args["lock_timeout"].get<long long>();
  return run_apt_checked(apt);
}

namespace {
const std::array<ReturnDoc, 5> k_apt_returns{{
    ReturnDoc{"cache_updated", "bool", "success, in some cases", "Whether the cache was updated."},
    ReturnDoc{"cache_update_time", "int", "success, in some cases", "The cache's last update time (seconds since the epoch)."},
    ReturnDoc{"stdout", "str", "success, when needed", "apt-get's (or dpkg's) output."},
    ReturnDoc{"stderr", "str", "success, when needed", "Their error output."},
    ReturnDoc{"diff", "dict", "success, when needed", "With --diff, {\"prepared\": ...}: what apt said it would do."},
}};
}  // namespace

const ModuleDoc apt_doc{
    .description =
        "Manages packages with apt-get, dpkg and apt-cache on Debian and Ubuntu targets, as Ansible's apt module.\n"
        "Each package's state comes from dpkg-query (installed version, files left) and apt-cache policy (candidate, "
        "available versions, pins and default_release applied); the install, remove and upgrade commands are the "
        "apt-get command lines Ansible runs, so `stdout`, `stderr` and failure messages read the same. Check mode runs "
        "apt-get with --simulate.",
    .options = k_spec,
    .returns = k_apt_returns,
    .example =
        "- ansible.builtin.apt:\n    name: [nginx, 'curl=7.*']\n    update_cache: true\n    cache_valid_time: 3600\n"
        "- ansible.builtin.apt:\n    deb: /tmp/tool_1.0_amd64.deb\n"
        "- ansible.builtin.apt:\n    name: old-tool\n    state: absent\n    purge: true\n",
    .notes = "Needs no Python on the target (Ansible's needs python3-apt). A deb given as a URL is refused: download it "
             "with get_url first. A .deb's Conflicts/Breaks are left to dpkg to refuse; its missing Depends are installed "
             "through apt first, as Ansible does.",
};

}  // namespace drover::modules
