// timezone (community.general.timezone): the system time zone and the hardware clock's mode, with
// timedatectl where systemd runs, else as community.general does without systemd: Debian's
// /etc/timezone (or /etc/sysconfig/clock), the /etc/localtime link, dpkg-reconfigure tzdata, and
// `hwclock --systohc`.
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

namespace fs = std::filesystem;

const std::array k_spec{
    ArgSpec{.name = "name", .description = "The time zone, as named under /usr/share/zoneinfo (Europe/Paris, UTC)."},
    ArgSpec{.name = "hwclock", .aliases = {"rtc"}, .choices = {"local", "UTC"}, .description = "Whether the hardware clock keeps local time or UTC."},
};

const std::string k_zoneinfo = "/usr/share/zoneinfo/";

struct Timezone {
  std::vector<std::string> msg;  // what was done, for the result's msg

  [[noreturn]] void abort(const std::string& text) const {
    std::string out = "Error message:\n" + text;
    if (!msg.empty()) {
      out += "\nOther message(s):";
      for (const auto& m : msg) out += "\n" + m;
    }
    throw ModuleFailure(out);
  }

  // Runs a command (words), aborting when it fails; `log` records it in msg.
  std::string execute(const std::vector<std::string>& argv, bool log = false) {
    ProcessSpec spec;
    spec.argv = argv;
    ProcessResult p = run_process(spec);
    std::string command;
    for (const auto& word : argv) command += (command.empty() ? "" : " ") + word;
    if (p.start_failure == StartFailure::exec) abort("Failed to find required executable \"" + argv[0] + "\"");
    if (p.rc != 0) abort("executed `" + command + "` failed with the message: " + p.stderr_text);
    if (log) msg.push_back("executed `" + command + "`");
    return p.stdout_text;
  }
};

bool have_command(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
  return false;
}

// The first match of the line pattern's value in `text` ("KEY = value" style), or nothing.
std::optional<std::string> search_line(const std::string& text, const std::function<std::optional<std::string>(const std::string&)>& match) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (auto value = match(line)) return value;
  return std::nullopt;
}

std::optional<std::string> after_label(const std::string& line, const std::string& label) {
  std::string t = trim(line);
  if (!t.starts_with(label)) return std::nullopt;
  std::string rest = trim(t.substr(label.size()));
  if (!rest.starts_with(":")) return std::nullopt;
  std::vector<std::string> words = split_words(rest.substr(1));
  return words.empty() ? std::nullopt : std::optional<std::string>(words[0]);
}

// systemd: `timedatectl status` answers, `timedatectl set-timezone / set-local-rtc` change.
std::string systemd_get(Timezone& tz, const std::string& key) {
  std::string status = tz.execute({"timedatectl", "status"});
  auto value = search_line(status, [&](const std::string& line) {
    return key == "name" ? (after_label(line, "Time zone") ? after_label(line, "Time zone") : after_label(line, "Timezone"))
                         : after_label(line, "RTC in local TZ");
  });
  if (!value) tz.abort("could not read " + key + " from timedatectl status");
  if (key == "hwclock") return *value == "yes" ? "local" : "UTC";
  return *value;
}

void systemd_set(Timezone& tz, const std::string& key, const std::string& value) {
  if (key == "name") tz.execute({"timedatectl", "set-timezone", value}, true);
  else tz.execute({"timedatectl", "set-local-rtc", value == "local" ? "yes" : "no"}, true);
}

// Without systemd: the configuration files of the distribution.
struct Files {
  std::string name_file, hwclock_file;
  bool debian = false;
  bool suse = false;
};

Files config_files() {
  Files f;
  if (have_command("dpkg-reconfigure")) {
    f.debian = true;
    f.name_file = "/etc/timezone";
    f.hwclock_file = "/etc/default/rcS";
  } else {
    f.name_file = f.hwclock_file = "/etc/sysconfig/clock";
    f.suse = read_file(f.name_file).value_or("").find("\nTIMEZONE") != std::string::npos ||
             read_file(f.name_file).value_or("").starts_with("TIMEZONE");
  }
  return f;
}

std::optional<std::string> name_in(const Files& f, const std::string& line) {
  if (f.debian) {
    auto words = split_words(line);
    return line.empty() || words.empty() || std::isspace(static_cast<unsigned char>(line[0])) ? std::nullopt
                                                                                             : std::optional<std::string>(words[0]);
  }
  const std::string key = f.suse ? "TIMEZONE" : "ZONE";
  if (!line.starts_with(key)) return std::nullopt;
  std::string rest = trim(line.substr(key.size()));
  if (!rest.starts_with("=")) return std::nullopt;
  rest = trim(rest.substr(1));
  if (rest.starts_with("\"")) rest.erase(0, 1);
  auto end = rest.find_first_of("\" \t");
  rest = rest.substr(0, end);
  return rest.empty() ? std::nullopt : std::optional<std::string>(rest);
}

std::string files_get_name(const Files& f, const std::string& planned) {
  auto text = read_file(f.name_file);
  if (!text) return "n/a";
  auto value = search_line(*text, [&](const std::string& line) { return name_in(f, line); });
  std::string current = value.value_or("n/a");
  if (current != planned) return current;
  // the file says so: /etc/localtime must agree
  std::error_code error;
  if (fs::is_symlink("/etc/localtime", error)) {
    if (!fs::exists("/etc/localtime", error)) return "n/a";
    std::string target = fs::read_symlink("/etc/localtime", error).string();
    auto at = target.find(k_zoneinfo);
    if (at == std::string::npos) return "n/a";
    return target.substr(at + k_zoneinfo.size());
  }
  auto localtime = read_file("/etc/localtime");
  auto zone = read_file(k_zoneinfo + planned);
  return localtime && zone && *localtime == *zone ? current : "n/a";
}

std::string files_get_hwclock(const Files& f, const std::string& planned) {
  auto text = read_file(f.hwclock_file);
  std::string value = "n/a";
  if (text) {
    auto utc = search_line(*text, [](const std::string& line) -> std::optional<std::string> {
      if (!line.starts_with("UTC")) return std::nullopt;
      std::string rest = trim(line.substr(3));
      if (!rest.starts_with("=")) return std::nullopt;
      auto words = split_words(rest.substr(1));
      return words.empty() ? std::nullopt : std::optional<std::string>(words[0]);
    });
    if (utc) value = to_boolean(*utc, "UTC") ? "UTC" : "local";
  }
  if (value != planned) return value;
  std::string adjtime = read_file("/etc/adjtime").value_or("");
  std::istringstream lines(adjtime);
  for (std::string line; std::getline(lines, line);)
    if (line == "LOCAL") return "local";
  return "UTC";
}

// Ansible's _edit_file: the first matching line replaced by `line`, the other matches removed.
void edit_file(Timezone& tz, const std::string& path, const std::function<bool(const std::string&)>& matches, const std::string& line) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(path).value_or(""));
  for (std::string l; std::getline(in, l);) lines.push_back(l + "\n");
  std::vector<std::size_t> matched;
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (matches(lines[i].substr(0, lines[i].size() - 1))) matched.push_back(i);
  std::size_t insert_at = matched.empty() ? 0 : matched.front();
  for (auto it = matched.rbegin(); it != matched.rend(); ++it) lines.erase(lines.begin() + static_cast<long>(*it));
  lines.insert(lines.begin() + static_cast<long>(insert_at), line);
  std::string out;
  for (const auto& l : lines) out += l;
  atomic_write(path, out);
  tz.msg.push_back("Added 1 line and deleted " + std::to_string(matched.size()) + " line(s) on " + path);
}

void files_set_name(Timezone& tz, const Files& f, const std::string& value) {
  std::string line = f.debian ? value + "\n" : (f.suse ? "TIMEZONE=\"" : "ZONE=\"") + value + "\"\n";
  edit_file(tz, f.name_file, [&](const std::string& l) { return name_in(f, l).has_value(); }, line);
  const std::string zonefile = k_zoneinfo + value;
  if (f.debian) {
    tz.execute({"ln", "-sf", zonefile, "/etc/localtime"});
    tz.execute({"dpkg-reconfigure", "--frontend", "noninteractive", "tzdata"});
  } else {
    tz.execute({"cp", "--remove-destination", zonefile, "/etc/localtime"});
  }
}

void files_set_hwclock(Timezone& tz, const Files& f, const std::string& value) {
  edit_file(tz, f.hwclock_file, [](const std::string& l) { return l.starts_with("UTC") && trim(l.substr(3)).starts_with("="); },
            std::string("UTC=") + (value == "local" ? "no" : "yes") + "\n");
  tz.execute({"hwclock", "--systohc", value == "local" ? "--localtime" : "--utc"}, true);
}

}  // namespace

json run_timezone(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "timezone");
  if (!is_set(args, "name") && !is_set(args, "hwclock")) throw ModuleFailure("one of the following is required: hwclock, name");
  Timezone tz;
  std::map<std::string, std::string> planned;
  if (is_set(args, "hwclock")) planned["hwclock"] = arg_string(args, "hwclock");
  if (is_set(args, "name")) {
    planned["name"] = arg_string(args, "name");
    std::error_code error;
    if (!fs::is_regular_file(k_zoneinfo + planned["name"], error)) tz.abort("given timezone \"" + planned["name"] + "\" is not available");
  }
  const bool systemd = have_command("timedatectl") && ::access("/run/systemd/system", F_OK) == 0;
  const Files files = systemd ? Files{} : config_files();
  auto get = [&](const std::string& key) {
    if (systemd) return systemd_get(tz, key);
    return key == "name" ? files_get_name(files, planned[key]) : files_get_hwclock(files, planned[key]);
  };
  json before = json::object(), after = json::object();
  for (const auto& [key, value] : planned) before[key] = get(key);
  if (ctx.checking()) {
    for (const auto& [key, value] : planned) after[key] = value;
  } else {
    for (const auto& [key, value] : planned) {
      if (before[key] == value) continue;
      if (systemd) systemd_set(tz, key, value);
      else if (key == "name") files_set_name(tz, files, value);
      else files_set_hwclock(tz, files, value);
    }
    for (const auto& [key, value] : planned) after[key] = get(key);
    for (const auto& [key, value] : planned)
      if (after[key] != value) tz.abort("still not desired state, though changes have made - planned: " + json(planned).dump() + ", after: " + after.dump());
  }
  json result = {{"changed", before != after}, {"diff", {{"before", before}, {"after", after}}}};
  if (!tz.msg.empty()) {
    std::string text;
    for (const auto& m : tz.msg) text += (text.empty() ? "" : "\n") + m;
    result["msg"] = text;
  }
  return result;
}

namespace {
const std::array<ReturnDoc, 2> k_returns{{
    ReturnDoc{"diff", "dict", "always", "before and after: {name, hwclock} as far as they were asked for."},
    ReturnDoc{"msg", "str", "when something was done", "The files edited and commands run, one a line."},
}};
}  // namespace

const ModuleDoc timezone_doc{
    .description = "Sets the system time zone and the hardware clock's mode, as community.general.timezone on Linux (also that name): timedatectl where systemd runs; otherwise /etc/timezone, /etc/localtime and dpkg-reconfigure tzdata on Debian and Ubuntu, /etc/sysconfig/clock elsewhere, and hwclock --systohc.",
    .options = k_spec,
    .returns = k_returns,
    .example = "- name: Paris time\n  community.general.timezone:\n    name: Europe/Paris\n",
    .notes = "Linux only (community.general also covers BSD, Solaris, macOS, AIX and SmartOS). Files are written atomically.",
};

}  // namespace drover::modules
