// sysctl (ansible.posix.sysctl): a key's line in a sysctl file and, with sysctl_set, its value in
// the running kernel, through the target's `sysctl` command as Ansible's module does; the file
// is rewritten atomically and reloaded with `sysctl -p FILE` when something changed.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/diff.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "name", .required = Required::yes, .aliases = {"key"}, .description = "The dot-separated sysctl key (vm.swappiness)."},
    ArgSpec{.name = "value", .type = ArgType::raw, .aliases = {"val"}, .description = "The value the key should have; booleans (yes/no/true/false) become 1/0. Required when state=present."},
    ArgSpec{.name = "state", .default_value = "present", .choices = {"present", "absent"}, .description = "Whether the key's line should be in the sysctl file."},
    ArgSpec{.name = "ignoreerrors", .type = ArgType::boolean, .default_value = false, .description = "Ignore errors about unknown keys (sysctl -e)."},
    ArgSpec{.name = "reload", .type = ArgType::boolean, .default_value = true, .description = "Run sysctl -p on the file when something changed."},
    ArgSpec{.name = "sysctl_file", .type = ArgType::path, .default_value = "/etc/sysctl.conf", .description = "The sysctl file to edit."},
    ArgSpec{.name = "sysctl_set", .type = ArgType::boolean, .default_value = false, .description = "Also check the running value with sysctl and set it with sysctl -w when it differs."},
    ArgSpec{.name = "mode", .type = ArgType::raw, .description = "The permissions the sysctl file gets (octal string or symbolic)."},
    ArgSpec{.name = "owner", .description = "The user that should own the sysctl file."},
    ArgSpec{.name = "group", .description = "The group that should own the sysctl file."},
    ArgSpec{.name = "unsafe_writes", .type = ArgType::boolean, .description = "Accepted for Ansible compatibility; drover always writes atomically."},
};

const std::map<std::string, std::string> k_lang_c = {{"LANG", "C"}, {"LC_ALL", "C"}, {"LC_MESSAGES", "C"}};

// Ansible's _parse_value: booleans in any of Ansible's spellings become "1"/"0", text is stripped.
std::string parse_value(const json& value) {
  if (value.is_null()) return "";
  if (value.is_boolean()) return value.get<bool>() ? "1" : "0";
  if (!value.is_string()) return value.dump();
  std::string text = value.get<std::string>();
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* t : {"y", "yes", "on", "1", "true", "t"})
    if (lower == t) return "1";
  for (const char* f : {"n", "no", "off", "0", "false", "f"})
    if (lower == f) return "0";
  return trim(text);
}

bool values_equal(const std::optional<std::string>& a, const std::string& b) {
  return a && split_words(*a) == split_words(b);
}

ProcessResult sysctl(const std::vector<std::string>& args) {
  ProcessSpec spec;
  spec.argv = {"sysctl"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.environment = k_lang_c;
  ProcessResult process = run_process(spec);
  if (process.start_failure == StartFailure::exec) {
    const char* path = std::getenv("PATH");
    throw ModuleFailure(std::string("Failed to find required executable \"sysctl\" in paths: ") + (path ? path : ""));
  }
  return process;
}

// sysctl can exit 0 and still not have set the key: these messages on stderr are failures.
bool stderr_failed(const std::string& err) {
  std::istringstream lines(err);
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with("sysctl: setting key \"") &&
        (line.ends_with("\": Invalid argument") || line.ends_with("\": Read-only file system")))
      return true;
  return false;
}

struct SysctlFile {
  std::vector<std::string> lines;              // stripped, as Ansible reads them
  std::map<std::string, std::string> values;   // key -> value, the last line of a key wins
};

bool is_setting(const std::string& line) {
  return !line.empty() && line[0] != '#' && line[0] != ';' && line.find('=') != std::string::npos;
}

SysctlFile read_sysctl_file(const std::string& path) {
  SysctlFile file;
  std::istringstream stream(read_file(path).value_or(""));
  for (std::string line; std::getline(stream, line);) {
    line = trim(line);
    file.lines.push_back(line);
    if (!is_setting(line)) continue;
    auto eq = line.find('=');
    file.values[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  return file;
}

// Ansible's fix_lines: each key once (its first line), the managed key set or dropped, a new key
// appended; every line written stripped.
std::string fixed_content(const SysctlFile& file, const std::string& name, const std::string& value, bool present) {
  std::vector<std::string> seen;
  std::string out;
  for (const auto& line : file.lines) {
    if (!is_setting(line)) {
      out += line + "\n";
      continue;
    }
    auto eq = line.find('=');
    std::string key = trim(line.substr(0, eq));
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    if (key != name) out += key + "=" + trim(line.substr(eq + 1)) + "\n";
    else if (present) out += key + "=" + value + "\n";
  }
  if (present && std::find(seen.begin(), seen.end(), name) == seen.end()) out += name + "=" + value + "\n";
  return out;
}

}  // namespace

json run_sysctl(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "sysctl");
  const std::string name = trim(arg_string(args, "name"));
  const bool present = arg_string(args, "state") == "present";
  if (present && args["value"].is_null()) throw ModuleFailure("state is present but all of the following are missing: value");
  const std::string value = parse_value(args["value"]);
  if (name.empty()) throw ModuleFailure("name cannot be blank");
  if (present && value.empty()) throw ModuleFailure("value cannot be blank");
  const std::string path = arg_string(args, "sysctl_file");
  const bool ignore = arg_bool(args, "ignoreerrors"), reload = arg_bool(args, "reload");

  ProcessResult current = sysctl({"-e", "-n", name});
  std::optional<std::string> proc_value;
  if (current.rc == 0) proc_value = current.stdout_text;

  SysctlFile file = read_sysctl_file(path);
  auto in_file = file.values.find(name);
  bool changed = false, write_file = false, set_proc = false;
  if (in_file == file.values.end()) {
    changed = write_file = present;
  } else if (!present) {
    changed = write_file = true;
  } else if (in_file->second != value) {
    changed = write_file = true;
  } else if (reload && !values_equal(proc_value, value)) {
    changed = true;
  }
  if (arg_bool(args, "sysctl_set") && present && !values_equal(proc_value, value)) {
    changed = true;
    set_proc = proc_value.has_value();
  }

  const std::string before = read_file(path).value_or("");
  const std::string after = write_file ? fixed_content(file, name, value, present) : before;
  json result = {{"changed", changed}};
  if (ctx.diffing() && before != after) result["diff"] = content_diff(before, after, path, path);
  if (ctx.checking()) {
    json no_diff = nullptr;
    result["changed"] = apply_file_attributes(path, args, ctx, no_diff) || changed;
    return result;
  }
  if (set_proc) {
    std::vector<std::string> set_args = {"-w", name + "=" + value};
    if (ignore) set_args.insert(set_args.begin(), "-e");
    ProcessResult set = sysctl(set_args);
    if (set.rc != 0 || stderr_failed(set.stderr_text))
      throw ModuleFailure("setting " + name + " failed: " + set.stdout_text + set.stderr_text);
  }
  if (write_file) atomic_write(path, after);
  json no_diff = nullptr;
  result["changed"] = apply_file_attributes(path, args, ctx, no_diff) || changed;
  if (result["changed"] == true && reload) {
    std::vector<std::string> reload_args = {"-p", path};
    if (ignore) reload_args.insert(reload_args.begin(), "-e");
    ProcessResult loaded = sysctl(reload_args);
    if (loaded.rc != 0 || stderr_failed(loaded.stderr_text))
      throw ModuleFailure("Failed to reload sysctl: " + loaded.stdout_text + loaded.stderr_text);
  }
  return result;
}

namespace {
const std::array<ReturnDoc, 1> k_returns{{
    ReturnDoc{"changed", "bool", "always", "Whether the file, the running value or the file's attributes changed (the only field Ansible's module returns)."},
}};
}  // namespace

const ModuleDoc sysctl_doc{
    .description = "Manages a key in a sysctl file (/etc/sysctl.conf) and reloads it with sysctl -p when it changed; with sysctl_set also sets the running value with sysctl -w. Also ansible.posix.sysctl.",
    .options = k_spec,
    .returns = k_returns,
    .example = "- name: Less swapping\n  ansible.posix.sysctl:\n    name: vm.swappiness\n    value: '10'\n    sysctl_set: true\n",
    .notes = "Needs the sysctl command on the target. With --diff the file's change is shown (Ansible's module shows none).",
};

}  // namespace drover::modules
