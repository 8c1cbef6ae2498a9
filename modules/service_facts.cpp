// service_facts, as Ansible 2.14's for Linux: ansible_facts.services from `service --status-all`
// (sysv), OpenRC's rc-status and rc-update, and systemctl list-units / list-unit-files when
// systemd is the running init.
#include <array>
#include <map>
#include <string>
#include <vector>

#include "core/value/regex.hpp"
#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

const std::array<ArgSpec, 0> k_spec{};

struct Out {
  int rc = 0;
  std::string out, err;
};

Out execute(std::vector<std::string> argv) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.environment = {{"LANG", "C"}, {"LC_ALL", "C"}};
  ProcessResult p = run_process(spec);
  if (p.start_failure != StartFailure::none) return {p.rc, "", p.error};
  return {p.rc, p.stdout_text, p.stderr_text};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

void list_sysvinit(const std::string& service, json& services, json& warnings) {
  Out out = execute({service, "--status-all"});
  if (out.rc == 4 && !std::filesystem::exists("/etc/init.d")) return;
  if (out.rc != 0) warnings.push_back("Unable to query 'service' tool (" + std::to_string(out.rc) + "): " + out.err);
  static const Regex k_line(R"(^\s*\[ (?P<state>\+|\-) \]\s+(?P<name>.+)$)", RegexFlag::multiline);
  for (const auto& match : k_line.find_all(out.out)) {
    std::string name(match.group("name"));
    services[name] = {{"name", name}, {"state", match.group("state") == "+" ? "running" : "stopped"}, {"source", "sysv"}};
  }
}

void list_openrc(const std::string& rc_status, const std::string& rc_update, json& services) {
  Out status = execute({rc_status, "-a", "-s", "-m"});
  Out update = execute({rc_update, "show", "-v"});
  std::map<std::string, json> runlevels;
  for (const auto& line : lines_of(update.out + update.err)) {
    std::size_t bar = line.find('|');
    if (bar == std::string::npos) continue;
    std::vector<std::string> levels = split_words(line.substr(bar + 1));
    runlevels[trim(line.substr(0, bar))] = levels.empty() ? json(nullptr) : json(levels);
  }
  for (auto line : lines_of(status.out + status.err)) {
    if (!line.starts_with(" ")) continue;
    std::erase_if(line, [](char c) { return c == '[' || c == ']'; });
    std::vector<std::string> words = split_words(line);
    if (words.size() < 2) continue;
    services[words[0]] = {{"name", words[0]}, {"runlevels", runlevels.count(words[0]) ? runlevels[words[0]] : json(nullptr)},
                          {"state", words[1]}, {"source", "openrc"}};
  }
}

bool is_bad_state(const std::string& word) { return word == "not-found" || word == "masked" || word == "failed"; }

void list_systemd(const std::string& systemctl, json& services, json& warnings) {
  Out units = execute({systemctl, "list-units", "--no-pager", "--type", "service", "--all"});
  if (units.rc != 0) {
    warnings.push_back("Could not list units from systemd: " + units.err);
  } else {
    for (const auto& line : lines_of(units.out)) {
      if (line.find(".service") == std::string::npos) continue;
      std::vector<std::string> fields = split_words(line);
      std::string status = "unknown";
      bool bad = false;
      for (const char* state : {"not-found", "masked", "failed"}) {
        if (std::find(fields.begin(), fields.end(), state) != fields.end()) {
          status = state;
          fields.erase(fields.begin());
          bad = true;
          break;
        }
      }
      if (fields.size() < 4) continue;
      if (!bad) status = fields[2];
      services[fields[0]] = {{"name", fields[0]}, {"state", fields[3] == "running" ? "running" : "stopped"}, {"status", status}, {"source", "systemd"}};
    }
  }
  Out files = execute({systemctl, "list-unit-files", "--no-pager", "--type", "service", "--all"});
  if (files.rc != 0) {
    warnings.push_back("Could not get unit files data from systemd: " + files.err);
    return;
  }
  for (const auto& line : lines_of(files.out)) {
    if (line.find(".service") == std::string::npos) continue;
    std::vector<std::string> fields = split_words(line);
    if (fields.size() < 2) throw ModuleFailure("Malformed output discovered from systemd list-unit-files: " + line);
    const std::string& name = fields[0];
    if (!services.contains(name)) {
      Out show = execute({systemctl, "show", name, "--property=ActiveState"});
      std::string state = "unknown";
      if (show.rc == 0 && !show.out.empty()) {
        state = show.out;
        if (auto at = state.find("ActiveState="); at != std::string::npos) state.erase(at, 12);
        while (!state.empty() && std::isspace(static_cast<unsigned char>(state.back()))) state.pop_back();
      }
      services[name] = {{"name", name}, {"state", state}, {"status", fields[1]}, {"source", "systemd"}};
    } else if (!is_bad_state(services[name]["status"].get<std::string>())) {
      services[name]["status"] = fields[1];
    }
  }
}

}  // namespace

json run_service_facts(const json& raw_args, const ModuleContext&) {
  check_args(raw_args, k_spec, "service_facts");
  json services = json::object();
  json warnings = json::array();
  std::string service = find_executable("service");
  std::string chkconfig = find_executable("chkconfig");
  std::string rc_status = find_executable("rc-status");
  std::string rc_update = find_executable("rc-update");
  if (!service.empty() && chkconfig.empty() && rc_status.empty()) list_sysvinit(service, services, warnings);
  if (chkconfig.empty() && !rc_status.empty() && !rc_update.empty()) list_openrc(rc_status, rc_update, services);
  if (read_file("/proc/1/comm").value_or("").find("systemd") != std::string::npos) {
    std::string systemctl = find_executable("systemctl");
    if (!systemctl.empty()) list_systemd(systemctl, services, warnings);
  }
  json result;
  if (services.empty())
    result = {{"skipped", true}, {"msg", "Failed to find any services. This can be due to privileges or some other configuration issue."}};
  else
    result = {{"ansible_facts", {{"services", services}}}};
  if (!warnings.empty()) result["warnings"] = warnings;
  return result;
}

namespace {
const ReturnDoc k_service_facts_returns[] = {
    ReturnDoc{"ansible_facts.services", "dict", "when services were found",
              "Each service by name: name, state (running, stopped...), source (systemd, sysv, openrc), and status "
              "(enabled, disabled, static...) under systemd or runlevels under OpenRC."},
};
}  // namespace

const ModuleDoc service_facts_doc{
    .description = "Returns the target's services and their states as the fact `services`, from systemd, the sysv "
                   "service tool or OpenRC.",
    .options = k_spec,
    .returns = k_service_facts_returns,
    .example = "- ansible.builtin.service_facts:\n- ansible.builtin.debug:\n    var: ansible_facts.services['ssh.service']\n",
    .notes = "Linux service managers only (upstart and chkconfig-based Red Hat listings are not read).",
};

}  // namespace drover::modules
