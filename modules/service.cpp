// service, as Ansible 2.14's service action plus its Linux module: `use` (default auto: the
// running service manager) picks systemd, which runs the systemd module with Ansible's warnings
// for the arguments systemd ignores; otherwise Ansible's LinuxService logic: the `service` tool or
// the /etc/init.d script for status and control (status from the exit code and output, or a ps
// `pattern`), update-rc.d for enabling on Debian-style sysvinit, rc-service and rc-update on
// OpenRC. Control commands run with their output in temp files, so a daemon that keeps the
// script's stdout open cannot hang the task (Ansible daemonizes them for the same reason).
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <glob.h>
#include <unistd.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "name", .required = Required::yes, .description = "The service's name."},
    ArgSpec{.name = "state", .choices = {"started", "stopped", "reloaded", "restarted"}, .description = "started and stopped act only when needed; restarted always restarts; reloaded reloads (starts a stopped service)."},
    ArgSpec{.name = "sleep", .type = ArgType::integer, .description = "Seconds between stop and start when restarting (not with systemd)."},
    ArgSpec{.name = "pattern", .description = "Tell whether the service runs by looking for this text in ps auxww's output (not with systemd)."},
    ArgSpec{.name = "enabled", .type = ArgType::boolean, .description = "Whether the service starts at boot."},
    ArgSpec{.name = "runlevel", .default_value = "default", .description = "The OpenRC runlevel for enabled."},
    ArgSpec{.name = "arguments", .default_value = "", .aliases = {"args"}, .description = "More arguments for the service command (not with systemd)."},
    ArgSpec{.name = "use", .default_value = "auto", .description = "The service manager: auto (the one running), systemd, sysvinit, openrc or service."},
};

struct Out {
  int rc = 0;
  std::string out, err;
};

const std::map<std::string, std::string> k_c_locale{{"LANG", "C"}, {"LC_ALL", "C"}, {"LC_MESSAGES", "C"}};

Out execute(const std::vector<std::string>& argv) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.environment = k_c_locale;
  ProcessResult p = run_process(spec);
  if (p.start_failure != StartFailure::none) return {p.rc, "", p.error};
  return {p.rc, p.stdout_text, p.stderr_text};
}

// A control command whose output goes to temp files: returns when the command exits, even when a
// daemon it started still holds the files open.
Out execute_detached(const std::vector<std::string>& argv) {
  const char* dir = std::getenv("TMPDIR");
  std::string base = std::string(dir && *dir ? dir : "/tmp") + "/drover-service.XXXXXX";
  int fd = ::mkstemp(base.data());
  if (fd < 0) throw ModuleFailure("Failed to create a temporary file for the service command's output");
  ::close(fd);
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", "exec \"$@\" >\"$0\" 2>\"$0.err\" </dev/null", base};
  spec.argv.insert(spec.argv.end(), argv.begin(), argv.end());
  spec.environment = k_c_locale;
  ProcessResult p = run_process(spec);
  Out out{p.rc, read_file(base).value_or(""), read_file(base + ".err").value_or("")};
  ::unlink(base.c_str());
  ::unlink((base + ".err").c_str());
  return out;
}

bool any_glob(const std::string& pattern) {
  glob_t found{};
  bool any = ::glob(pattern.c_str(), 0, nullptr, &found) == 0 && found.gl_pathc > 0;
  ::globfree(&found);
  return any;
}

bool systemd_is_running() {
  if (find_executable("systemctl").empty()) return false;
  for (const char* canary : {"/run/systemd/system/", "/dev/.run/systemd/", "/dev/.systemd/"})
    if (std::filesystem::exists(canary)) return true;
  return read_file("/proc/1/comm").value_or("").find("systemd") != std::string::npos;
}

struct LinuxService {
  std::string name;
  json args;
  bool check = false;
  std::string svc_cmd;     // `service` or rc-service; empty: the init script itself
  std::string initscript;  // /etc/init.d/NAME when it exists
  std::string enable_cmd;  // update-rc.d, rc-update (or insserv/chkconfig, refused)
  std::optional<bool> running;
  bool crashed = false;
  bool changed = false;

  std::vector<std::string> arguments() const { return shlex_split(arg_string(args, "arguments")); }

  void find_tools() {
    if (std::filesystem::is_regular_file("/etc/init.d/" + name)) initscript = "/etc/init.d/" + name;
    std::string rc_service = find_executable("rc-service");
    if (!rc_service.empty()) {
      svc_cmd = rc_service;
      enable_cmd = find_executable("rc-update");
      return;
    }
    if (!initscript.empty())
      for (const char* tool : {"update-rc.d", "insserv", "chkconfig"})
        if (enable_cmd.empty()) enable_cmd = find_executable(tool);
    if (enable_cmd.empty()) throw ModuleFailure("Could not find the requested service " + name + ": host");
    svc_cmd = find_executable("service");
    if (svc_cmd.empty() && initscript.empty())
      throw ModuleFailure("cannot find 'service' binary or init script for service,  possible typo in service name?, aborting");
  }

  std::vector<std::string> control_argv(const std::string& action) const {
    std::vector<std::string> argv;
    if (!svc_cmd.empty()) argv = {svc_cmd, name, action};
    else argv = {initscript, action};
    for (auto& word : arguments()) argv.push_back(word);
    return argv;
  }

  Out control(const std::string& action) {
    if (svc_cmd.ends_with("rc-service") && action == "start" && crashed) execute_detached(control_argv("zap"));
    if (action != "restart" || svc_cmd.ends_with("rc-service")) return execute_detached(control_argv(action));
    Out stop = execute_detached(control_argv("stop"));
    if (is_set(args, "sleep")) ::sleep(static_cast<unsigned>(args["sleep"].get<long long>()));
    Out start = execute_detached(control_argv("start"));
    if (stop.rc != 0 && start.rc == 0) return start;
    return {stop.rc + start.rc, stop.out + start.out, stop.err + start.err};
  }

  void status() {
    Out out = control("status");
    if (svc_cmd.ends_with("rc-service") && !running) {
      Out openrc = execute({svc_cmd, name, "status"});
      running = openrc.out.find("started") != std::string::npos;
      crashed = openrc.err.find("crashed") != std::string::npos;
    }
    for (int rc : {1, 2, 3, 4, 69})
      if (!running && out.rc == rc) running = false;
    if (!running && std::count(out.out.begin(), out.out.end(), '\n') <= 1) {
      std::string clean = out.out;
      for (auto& c : clean) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string lower_name = name;
      for (auto& c : lower_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (std::size_t at; !lower_name.empty() && (at = clean.find(lower_name)) != std::string::npos;) clean.erase(at, lower_name.size());
      auto has = [&](const char* word) { return clean.find(word) != std::string::npos; };
      if (has("stop")) running = false;
      else if (has("run")) running = !has("not ");
      else if (has("start") && !has("not ")) running = true;
      else if (has("could not access pid file") || has("is dead and pid file exists") || has("dead but subsys locked") ||
               has("dead but pid file exists"))
        running = false;
    }
    if (!running && out.rc == 0) running = true;
  }

  void check_ps() {
    Out ps = execute({require_executable("ps"), "auxww"});
    if (ps.rc != 0) return;
    running = false;
    std::string pattern = arg_string(args, "pattern");
    std::size_t start = 0;
    while (start <= ps.out.size()) {
      std::size_t end = ps.out.find('\n', start);
      if (end == std::string::npos) end = ps.out.size();
      std::string line = ps.out.substr(start, end - start);
      start = end + 1;
      if (line.find(pattern) != std::string::npos && line.find("pattern=") == std::string::npos) {
        running = true;
        return;
      }
    }
  }

  // Ansible's service_enable; returns a finished result when check mode ends the module early.
  std::optional<json> enable(bool want) {
    changed = true;
    if (enable_cmd.ends_with("update-rc.d")) {
      bool enabled = any_glob("/etc/rc?.d/S??" + name);
      if (want == enabled) {
        changed = false;
        return std::nullopt;
      }
      if (want && !any_glob("/etc/rc?.d/K??" + name) && !check) {
        Out out = execute({enable_cmd, name, "defaults"});
        if (out.rc != 0) throw ModuleFailure(out.err.empty() ? out.out : out.err);
      }
      if (!check) {
        Out out = execute({enable_cmd, name, want ? "enable" : "disable"});
        if (out.rc != 0) throw ModuleFailure(out.err.empty() ? out.out : out.err);
      }
      return std::nullopt;
    }
    if (enable_cmd.ends_with("rc-update")) {
      std::string runlevel = arg_string(args, "runlevel");
      Out show = execute({enable_cmd, "show"});
      bool listed = false;
      for (const auto& item : split_lines(show.out)) {
        std::string line = item.get<std::string>();
        std::size_t bar = line.find('|');
        if (bar == std::string::npos || trim(line.substr(0, bar)) != name) continue;
        listed = true;
        std::vector<std::string> levels = split_words(line.substr(bar + 1));
        bool in = std::find(levels.begin(), levels.end(), runlevel) != levels.end();
        if (want == in) changed = false;
        break;
      }
      if (!listed && !want) changed = false;
      if (!changed) return std::nullopt;
      if (check) return json{{"changed", true}};
      Out out = execute({enable_cmd, want ? "add" : "delete", name, runlevel});
      if (out.rc != 0)
        throw ModuleFailure(out.err.empty() ? "Failure for " + std::string(want ? "add" : "delete") + " " + name + ": rc=" + std::to_string(out.rc) + " " + out.out
                                            : "Error when trying to " + std::string(want ? "add" : "delete") + " " + name + ": rc=" + std::to_string(out.rc) + " " + out.err);
      return std::nullopt;
    }
    throw ModuleFailure("drover's service module enables sysvinit services with update-rc.d or OpenRC's rc-update; this target has " +
                        (enable_cmd.empty() ? std::string("neither") : enable_cmd));
  }
};

json run_linux_service(const json& args, const ModuleContext& ctx) {
  LinuxService svc;
  svc.name = arg_string(args, "name");
  svc.args = args;
  svc.check = ctx.checking();
  json result = {{"name", svc.name}};
  svc.find_tools();
  if (is_set(args, "enabled")) {
    if (auto done = svc.enable(arg_bool(args, "enabled"))) return *done;
    result["enabled"] = arg_bool(args, "enabled");
  }
  if (!is_set(args, "state")) {
    result["changed"] = svc.changed;
    return result;
  }
  std::string state = arg_string(args, "state");
  result["state"] = state;
  if (is_set(args, "pattern")) svc.check_ps();
  else svc.status();
  if (!svc.running) throw ModuleFailure("failed determining service state, possible typo of service name?");
  bool running = *svc.running;
  bool change = (!running && (state == "reloaded" || state == "started")) || (running && (state == "reloaded" || state == "stopped")) ||
                state == "restarted";
  if (ctx.checking() && change) return {{"changed", true}, {"msg", "service state changed"}};
  if (change) {
    std::string action = state == "started" ? "start" : (!running && state == "reloaded") ? "start" : state == "stopped" ? "stop"
                                                        : state == "reloaded" ? "reload" : "restart";
    Out out = svc.control(action);
    if (out.rc != 0 && out.err.find("Job is already running") == std::string::npos)
      throw ModuleFailure(out.err.empty() ? out.out : out.err);
  }
  result["changed"] = svc.changed || change;
  result["state"] = state == "stopped" ? "stopped" : "started";
  return result;
}

}  // namespace

json run_service(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "service");
  if (!is_set(args, "state") && !is_set(args, "enabled")) throw ModuleFailure("one of the following is required: state, enabled");
  std::string use = arg_string(args, "use");
  for (auto& c : use) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (use == "auto") use = systemd_is_running() ? "systemd" : "service";
  if (use != "systemd") return run_linux_service(args, ctx);

  json warnings = json::array();
  json systemd_args = json::object();
  for (const char* key : {"name", "state", "enabled"})
    if (is_set(args, key)) systemd_args[key] = args[key];
  // Ansible's service action drops what systemd does not take, with a warning for each given one
  for (const char* unused : {"pattern", "runlevel", "sleep", "arguments"})
    if (raw_args.contains(unused) || (std::string(unused) == "arguments" && raw_args.contains("args")))
      warnings.push_back(std::string("Ignoring \"") + (raw_args.contains(unused) ? unused : "args") + "\" as it is not used in \"systemd\"");
  json result = run_systemd(systemd_args, ctx);
  if (!warnings.empty()) {
    json all = result.value("warnings", json::array());
    for (auto& w : warnings) all.push_back(w);
    result["warnings"] = all;
  }
  return result;
}

namespace {
const ReturnDoc k_service_returns[] = {
    ReturnDoc{"name", "str", "always", "The service's name."},
    ReturnDoc{"state", "str", "with state", "started or stopped: the state the service is in now."},
    ReturnDoc{"enabled", "bool", "with enabled", "The enabled argument."},
    ReturnDoc{"status", "dict", "under systemd", "The unit's systemctl show properties (see systemd)."},
};
}  // namespace

const ModuleDoc service_doc{
    .description = "Starts, stops, restarts or reloads a service and enables it at boot, with whatever service manager the "
                   "target runs: systemd (through the systemd module), sysvinit (the service tool or the init script, "
                   "update-rc.d) or OpenRC (rc-service, rc-update).",
    .options = k_spec,
    .returns = k_service_returns,
    .example = "- ansible.builtin.service:\n    name: ssh\n    state: started\n    enabled: true\n",
    .notes = "use: auto asks the target (systemd when it runs as the service manager), where Ansible reads the "
             "service_mgr fact. On sysvinit drover runs Ansible's service module logic rather than its sysvinit module; "
             "enabling needs update-rc.d or rc-update (chkconfig and insserv are refused).",
};

}  // namespace drover::modules
