// systemd (also systemd_service), as Ansible 2.14's: every query and change goes through the
// target's systemctl (show, is-enabled, enable/disable, mask/unmask, start/stop/restart/reload,
// daemon-reload, daemon-reexec), with the same commands in the same order, so `status` is
// `systemctl show`'s properties and check mode runs only the queries.
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "name", .aliases = {"service", "unit"}, .description = "The unit (\"nginx\" or \"nginx.service\"); required with state, enabled or masked."},
    ArgSpec{.name = "state", .choices = {"reloaded", "restarted", "started", "stopped"}, .description = "started and stopped act only when needed; restarted always restarts; reloaded reloads (starts a stopped unit)."},
    ArgSpec{.name = "enabled", .type = ArgType::boolean, .description = "Whether the unit starts at boot."},
    ArgSpec{.name = "force", .type = ArgType::boolean, .description = "Pass --force (overwrite conflicting symlinks)."},
    ArgSpec{.name = "masked", .type = ArgType::boolean, .description = "Whether the unit is masked (cannot be started)."},
    ArgSpec{.name = "daemon_reload", .type = ArgType::boolean, .default_value = false, .aliases = {"daemon-reload"}, .description = "Run daemon-reload first (not in check mode)."},
    ArgSpec{.name = "daemon_reexec", .type = ArgType::boolean, .default_value = false, .aliases = {"daemon-reexec"}, .description = "Run daemon-reexec first (not in check mode)."},
    ArgSpec{.name = "scope", .default_value = "system", .choices = {"system", "user", "global"}, .description = "The manager: the system's, the calling user's (--user), or all users' (--global)."},
    ArgSpec{.name = "no_block", .type = ArgType::boolean, .default_value = false, .description = "Do not wait for the start or stop job (--no-block)."},
};

struct Systemctl {
  std::vector<std::string> base;  // systemctl plus scope/no-block/force options
  std::map<std::string, std::string> env;
};

struct Out {
  int rc = 0;
  std::string out, err;
};

Out systemctl(const Systemctl& s, std::vector<std::string> args) {
  ProcessSpec spec;
  spec.argv = s.base;
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.environment = s.env;
  ProcessResult p = run_process(spec);
  if (p.start_failure != StartFailure::none) return {p.rc, "", p.error};
  return {p.rc, p.stdout_text, p.stderr_text};
}

std::string rstrip(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

// systemctl show's KEY=VALUE lines as a map; Exec* values in braces may span lines.
json parse_systemctl_show(const std::string& text) {
  json parsed = json::object();
  std::vector<std::string> multival;
  std::string key;
  bool in_value = false;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (!in_value) {
      std::size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      key = line.substr(0, eq);
      std::string value = line.substr(eq + 1);
      if (key.starts_with("Exec") && trim(value).starts_with("{") && !rstrip(value).ends_with("}")) {
        multival.push_back(value);
        in_value = true;
        continue;
      }
      parsed[key] = trim(value);
    } else {
      multival.push_back(line);
      if (rstrip(line).ends_with("}")) {
        std::string joined;
        for (std::size_t i = 0; i < multival.size(); ++i) joined += (i ? "\n" : "") + multival[i];
        parsed[key] = trim(joined);
        multival.clear();
        in_value = false;
      }
    }
  }
  return parsed;
}

bool request_was_ignored(const std::string& out) {
  return out.find('=') == std::string::npos &&
         (out.find("ignoring request") != std::string::npos || out.find("ignoring command") != std::string::npos);
}

bool contains(const std::string& text, const char* word) { return text.find(word) != std::string::npos; }

bool sysv_exists(const std::string& unit) { return ::access(("/etc/init.d/" + unit).c_str(), F_OK) == 0; }

bool sysv_is_enabled(const std::string& unit) {
  glob_t found{};
  bool any = ::glob(("/etc/rc?.d/S??" + unit).c_str(), 0, nullptr, &found) == 0 && found.gl_pathc > 0;
  ::globfree(&found);
  return any;
}

void fail_if_missing(bool found, const std::string& unit) {
  if (!found) throw ModuleFailure("Could not find the requested service " + unit + ": host");
}

bool is_chroot() {
  struct stat root {}, init_root {};
  if (::stat("/", &root) != 0 || ::stat("/proc/1/root/.", &init_root) != 0) return false;
  return root.st_ino != init_root.st_ino || root.st_dev != init_root.st_dev;
}

// Looks the unit up (systemctl show, with Ansible's fallbacks); fills result["status"] and
// returns whether systemd knows it.
bool query_unit(const Systemctl& s, const std::string& unit, json& result) {
  Out show = systemctl(s, {"show", unit});
  if (show.rc == 0 && !request_was_ignored(show.out) && !request_was_ignored(show.err)) {
    if (show.out.empty()) return false;
    result["status"] = parse_systemctl_show(show.out);
    const json& status = result["status"];
    std::string load = status.value("LoadState", "");
    bool known = status.contains("LoadState") && load != "not-found";
    if (known && load != "masked" && status.contains("LoadError"))
      throw ModuleFailure("Error loading unit file '" + unit + "': " + status["LoadError"].get<std::string>());
    return known;
  }
  if (!show.err.empty() && show.rc == 1 && contains(show.err, "Failed to parse bus message")) {
    result["status"] = parse_systemctl_show(show.out);
    std::string search = unit.substr(0, unit.find('@')) + (unit.find('@') == std::string::npos ? "" : "@");
    Out files = systemctl(s, {"list-unit-files", search + "*"});
    bool known = contains(files.out, search.c_str());
    Out active = systemctl(s, {"is-active", unit});
    std::string state = active.out;
    while (!state.empty() && state.back() == '\n') state.pop_back();
    result["status"]["ActiveState"] = state;
    return known;
  }
  static const std::array<const char*, 11> k_enabled_states{"enabled", "enabled-runtime", "linked", "linked-runtime", "masked",
                                                              "masked-runtime", "static", "indirect", "disabled", "generated", "transient"};
  Out enabled = systemctl(s, {"is-enabled", unit});
  std::string answer = trim(enabled.out);
  for (const char* state : k_enabled_states)
    if (answer == state) return true;
  if (systemctl(s, {"list-unit-files", unit}).rc == 0) return true;
  Out bare = systemctl(s, {});
  if (bare.rc != 0) throw ModuleFailure(rstrip(bare.err), {{"rc", bare.rc}, {"stdout", bare.out}, {"stderr", bare.err}});
  return false;
}

void apply_masked(const Systemctl& s, const std::string& unit, bool want, bool found, bool check, json& result) {
  Out state = systemctl(s, {"is-enabled", unit});
  bool masked = trim(state.out) == "masked";
  if (masked == want) return;
  result["changed"] = true;
  if (check) return;
  if (systemctl(s, {want ? "mask" : "unmask", unit}).rc != 0) fail_if_missing(found, unit);
}

void apply_enabled(const Systemctl& s, const std::string& unit, bool want, bool found, bool initd, bool system_scope, bool check,
                   json& result) {
  const char* action = want ? "enable" : "disable";
  fail_if_missing(found, unit);
  bool enabled = false;
  Out state = systemctl(s, {"is-enabled", unit, "-l"});
  if (state.rc == 0) {
    json lines = split_lines(state.out);
    enabled = !(lines == json::array({"indirect"}) || lines == json::array({"alias"}));
  } else if (state.rc == 1) {
    if (system_scope && initd && !rstrip(state.out).ends_with("disabled") && sysv_is_enabled(unit)) enabled = true;
  }
  result["enabled"] = enabled;
  if (enabled == want) return;
  result["changed"] = true;
  if (!check) {
    Out done = systemctl(s, {action, unit});
    if (done.rc != 0) throw ModuleFailure(std::string("Unable to ") + action + " service " + unit + ": " + done.out + done.err);
  }
  result["enabled"] = !enabled;
}

void apply_state(const Systemctl& s, const std::string& unit, const std::string& state, bool found, bool check, json& result,
                 json& warnings) {
  fail_if_missing(found, unit);
  result["state"] = state;
  const json& status = result["status"];
  if (!status.contains("ActiveState")) {
    const char* offline = std::getenv("SYSTEMD_OFFLINE");
    if (is_chroot() || (offline && std::string(offline) == "1")) {
      warnings.push_back("Target is a chroot or systemd is offline. This can lead to false positives or prevent the init system tools from working.");
      return;
    }
    throw ModuleFailure("Service is in unknown state", {{"status", status}});
  }
  std::string active = status["ActiveState"].get<std::string>();
  bool running = active == "active" || active == "activating";
  std::string action;
  if (state == "started") {
    if (!running) action = "start";
  } else if (state == "stopped") {
    if (running || active == "deactivating") action = "stop";
  } else {
    action = running ? state.substr(0, state.size() - 2) : "start";
    result["state"] = "started";
  }
  if (action.empty()) return;
  result["changed"] = true;
  if (check) return;
  Out done = systemctl(s, {action, unit});
  if (done.rc != 0) throw ModuleFailure("Unable to " + action + " service " + unit + ": " + done.err);
}

}  // namespace

json run_systemd(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "systemd");
  if (!is_set(args, "state") && !is_set(args, "enabled") && !is_set(args, "masked") && !arg_bool(args, "daemon_reload") &&
      !arg_bool(args, "daemon_reexec"))
    throw ModuleFailure("one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec");
  for (const char* key : {"state", "enabled", "masked"})
    if (is_set(args, key) && !is_set(args, "name"))
      throw ModuleFailure(std::string("missing parameter(s) required by '") + key + "': name");
  std::string unit = arg_string(args, "name");
  for (const char* glob_char : {"*", "?", "["})
    if (unit.find(glob_char) != std::string::npos)
      throw ModuleFailure(std::string("This module does not currently support using glob patterns, found '") + glob_char +
                          "' in service name: " + unit);
  Systemctl s;
  s.base = {require_executable("systemctl")};
  if (!environment_variable("XDG_RUNTIME_DIR")) s.env["XDG_RUNTIME_DIR"] = "/run/user/" + std::to_string(::geteuid());
  std::string scope = arg_string(args, "scope");
  if (scope != "system") s.base.push_back("--" + scope);
  if (arg_bool(args, "no_block")) s.base.push_back("--no-block");
  if (arg_bool(args, "force")) s.base.push_back("--force");

  json result = {{"name", is_set(args, "name") ? json(unit) : json(nullptr)}, {"changed", false}, {"status", json::object()}};
  json warnings = json::array();
  for (auto [flag, command] : {std::pair{"daemon_reload", "daemon-reload"}, std::pair{"daemon_reexec", "daemon-reexec"}}) {
    if (!arg_bool(args, flag) || ctx.checking()) continue;
    Out done = systemctl(s, {command});
    if (done.rc != 0) throw ModuleFailure("failure " + std::to_string(done.rc) + " during " + command + ": " + done.err);
  }
  if (!unit.empty()) {
    bool initd = sysv_exists(unit);
    bool known = query_unit(s, unit, result);
    bool found = known || initd;
    if (initd && !known)
      warnings.push_back("The service (" + unit + ") is actually an init script but the system is managed by systemd");
    if (is_set(args, "masked")) apply_masked(s, unit, arg_bool(args, "masked"), found, ctx.checking(), result);
    if (is_set(args, "enabled"))
      apply_enabled(s, unit, arg_bool(args, "enabled"), found, initd, scope == "system", ctx.checking(), result);
    if (is_set(args, "state")) apply_state(s, unit, arg_string(args, "state"), found, ctx.checking(), result, warnings);
  }
  if (!warnings.empty()) result["warnings"] = warnings;
  return result;
}

namespace {
const ReturnDoc k_systemd_returns[] = {
    ReturnDoc{"name", "str", "always", "The unit's name."},
    ReturnDoc{"status", "dict", "with name", "The unit's properties, as systemctl show lists them (ActiveState, LoadState, UnitFileState, ...)."},
    ReturnDoc{"enabled", "bool", "with enabled", "Whether the unit is enabled now."},
    ReturnDoc{"state", "str", "with state", "The state asked for (started for restarted and reloaded)."},
};
}  // namespace

const ModuleDoc systemd_doc{
    .description = "Starts, stops, restarts or reloads a systemd unit, enables or masks it, and reloads or re-executes the "
                   "manager, with the target's systemctl, as Ansible's systemd (systemd_service) module.",
    .options = k_spec,
    .returns = k_systemd_returns,
    .example = "- ansible.builtin.systemd:\n    name: nginx\n    state: restarted\n    enabled: true\n    daemon_reload: true\n",
};

}  // namespace drover::modules
