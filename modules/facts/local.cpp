// Local facts (ansible_local): each *.fact file in fact_path, run when executable, read otherwise,
// parsed as JSON or else as INI, under its name without ".fact", as Ansible's local collector.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <vector>

#include <sys/stat.h>

#include "modules/facts/collectors.hpp"
#include "modules/util/process.hpp"

namespace drover::modules::facts {

namespace {

// configparser's reading of an INI text: sections of lowercased options; nothing when the text is
// not INI (a line outside any section, a line that is neither option nor section).
std::optional<json> parse_ini(const std::string& text) {
  json out = json::object();
  std::string section;
  std::string last_option;
  std::istringstream lines(text);
  for (std::string raw; std::getline(lines, raw);) {
    std::string line = trim(raw);
    if (line.empty() || line.starts_with("#") || line.starts_with(";")) continue;
    bool continuation = !raw.empty() && (raw[0] == ' ' || raw[0] == '\t') && !last_option.empty();
    if (continuation) {
      std::string& value = out[section][last_option].get_ref<std::string&>();
      value += (value.empty() ? "" : "\n") + line;
      continue;
    }
    if (line.starts_with("[") && line.ends_with("]")) {
      section = line.substr(1, line.size() - 2);
      if (!out.contains(section)) out[section] = json::object();
      last_option.clear();
      continue;
    }
    if (section.empty()) return std::nullopt;  // configparser's MissingSectionHeaderError
    auto sep = line.find_first_of("=:");
    std::string option = trim(line.substr(0, sep));
    std::transform(option.begin(), option.end(), option.begin(), [](unsigned char c) { return std::tolower(c); });
    out[section][option] = sep == std::string::npos ? "" : trim(line.substr(sep + 1));
    last_option = option;
  }
  return out;
}

json fact_of(const std::string& path, json& warnings) {
  struct stat info{};
  if (::stat(path.c_str(), &info) != 0) {
    std::string failed = "Could not stat fact (" + path + "): " + std::strerror(errno);
    warnings.push_back(failed);
    return failed;
  }
  std::string out;
  if (info.st_mode & S_IXUSR) {
    ProcessSpec spec;
    spec.argv = {path};
    ProcessResult run = run_process(spec);
    if (run.start_failure != StartFailure::none) return "Could not execute fact script (" + path + "): " + run.error;
    if (run.rc != 0)
      return "Failure executing fact script (" + path + "), rc: " + std::to_string(run.rc) + ", err: " + run.stderr_text;
    out = run.stdout_text;
  } else {
    out = read_file(path).value_or("");
  }
  json parsed = json::parse(out, nullptr, false);
  if (!parsed.is_discarded()) return parsed;
  if (auto ini = parse_ini(out)) return *ini;
  std::string failed = "error loading facts as JSON or ini - please check content: " + path;
  warnings.push_back(failed);
  return failed;
}

}  // namespace

json local_facts(const std::string& fact_path, json& warnings) {
  json local = json::object();
  std::error_code error;
  if (fact_path.empty() || !std::filesystem::exists(fact_path, error)) return local;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(fact_path, error)) {
    std::string name = entry.path().filename().string();
    if (name.size() > 5 && !name.starts_with(".") && name.ends_with(".fact")) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::string base = std::filesystem::path(path).filename().string();
    base.erase(base.size() - 5);
    local[base] = fact_of(path, warnings);
  }
  return local;
}

}  // namespace drover::modules::facts
