// modprobe (community.general.modprobe): a kernel module loaded or unloaded with the target's
// modprobe, and with `persistent` its /etc/modules-load.d and /etc/modprobe.d files, as
// community.general's module does.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <sys/utsname.h>

#include "core/value/regex.hpp"
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
    ArgSpec{.name = "name", .required = Required::yes, .description = "The kernel module."},
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "present"}, .description = "Whether the module should be loaded."},
    ArgSpec{.name = "params", .default_value = "", .description = "Module parameters (\"numdummies=2\")."},
    ArgSpec{.name = "persistent", .default_value = "disabled", .choices = {"disabled", "absent", "present"}, .description = "present: load it at boot (/etc/modules-load.d/NAME.conf, parameters in /etc/modprobe.d/NAME.conf); absent: comment those lines out; disabled: leave the files alone."},
};

const std::string k_modules_load = "/etc/modules-load.d";
const std::string k_modprobe_d = "/etc/modprobe.d";

std::string regex_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') out += '\\';
    out += c;
  }
  return out;
}

struct Modprobe {
  std::string name, params, state, persistent;
  bool checking = false;
  bool changed = false;
  json warnings = json::array();
  Regex find_module, find_params, params_and_values;

  Modprobe(const json& args, bool check)
      : name(arg_string(args, "name")), params(arg_string(args, "params")), state(arg_string(args, "state")),
        persistent(arg_string(args, "persistent")), checking(check),
        // community.general puts the name in its patterns unescaped; drover escapes it
        find_module("^ *" + regex_escape(name) + R"( *(?:[#;].*)?\n?\Z)"),
        find_params("^options " + regex_escape(name) + R"( \w+=\S+ *(?:[#;].*)?\n?\Z)"),
        params_and_values("^options " + regex_escape(name) + R"( (\w+=\S+) *(?:[#;].*)?\n?\Z)") {}

  json result() const { return {{"changed", changed}, {"name", name}, {"params", params}, {"state", state}}; }

  [[noreturn]] void fail(const std::string& msg, const ProcessResult& p) const {
    json fields = result();
    fields["rc"] = p.rc;
    fields["stdout"] = p.stdout_text;
    fields["stderr"] = p.stderr_text;
    throw ModuleFailure(msg, fields);
  }

  ProcessResult modprobe(std::vector<std::string> args) const {
    ProcessSpec spec;
    spec.argv = {"modprobe"};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    ProcessResult p = run_process(spec);
    if (p.start_failure == StartFailure::exec) {
      const char* path = std::getenv("PATH");
      throw ModuleFailure(std::string("Failed to find required executable \"modprobe\" in paths: ") + (path ? path : ""));
    }
    return p;
  }

  std::vector<std::string> param_words() const { return shlex_split(params); }

  bool loaded() const {
    std::string wanted = name;
    std::replace(wanted.begin(), wanted.end(), '-', '_');
    std::istringstream modules(read_file("/proc/modules").value_or(""));
    for (std::string line; std::getline(modules, line);)
      if (line.starts_with(wanted + " ")) return true;
    struct utsname names{};
    ::uname(&names);
    const std::string builtin_path = std::string("/lib/modules/") + names.release + "/modules.builtin";
    auto builtin = read_file(builtin_path);
    if (!builtin) throw ModuleFailure("[Errno 2] No such file or directory: '" + builtin_path + "'", result());
    std::istringstream lines(*builtin);
    for (std::string line; std::getline(lines, line);)
      if (trim(line).ends_with("/" + name + ".ko")) return true;
    return false;
  }

  void load() {
    std::vector<std::string> args;
    if (checking) args.push_back("-n");
    args.push_back(name);
    for (auto& p : param_words()) args.push_back(p);
    ProcessResult p = modprobe(args);
    if (p.rc != 0) fail(p.stderr_text, p);
    if (checking || loaded()) {
      changed = true;
      return;
    }
    std::vector<std::string> probe = {"-n", "--first-time", name};
    for (auto& w : param_words()) probe.push_back(w);
    ProcessResult again = modprobe(probe);
    if (again.rc != 0) warnings.push_back(again.stderr_text);
  }

  void unload() {
    std::vector<std::string> args = {"-r", name};
    if (checking) args.push_back("-n");
    ProcessResult p = modprobe(args);
    if (p.rc != 0) fail(p.stderr_text, p);
    changed = true;
  }

  static std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(dir, error))
      if (entry.is_regular_file()) out.push_back(entry.path().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  // Lines with their newline, as Python's readlines.
  static std::vector<std::string> lines_of(const std::string& path) {
    std::vector<std::string> out;
    std::string text = read_file(path).value_or("");
    std::size_t start = 0;
    while (start < text.size()) {
      auto nl = text.find('\n', start);
      out.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl + 1 - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    return out;
  }

  bool loaded_persistently() const {
    for (const auto& file : files_in(k_modules_load))
      for (const auto& line : lines_of(file))
        if (find_module.search(line)) return true;
    return false;
  }

  std::set<std::string> permanent_params() const {
    std::set<std::string> out;
    for (const auto& file : files_in(k_modprobe_d))
      for (const auto& line : lines_of(file))
        if (auto m = params_and_values.search(line)) out.insert(std::string(m->group(1)));
    return out;
  }

  bool params_set() const {
    auto words = split_words(params);
    return std::set<std::string>(words.begin(), words.end()) == permanent_params();
  }

  // Comments out the matching lines of each file (community.general rejoins the lines with "\n").
  void comment_out(const std::string& dir, const Regex& pattern) const {
    for (const auto& file : files_in(dir)) {
      std::vector<std::string> lines = lines_of(file);
      bool edited = false;
      for (auto& line : lines)
        if (pattern.search(line)) {
          line = "#" + line;
          edited = true;
        }
      if (!edited || checking) continue;
      std::string out;
      for (std::size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
      atomic_write(file, out);
    }
  }

  void write_conf(const std::string& dir, const std::string& content) const {
    if (checking) return;
    fs::create_directories(dir);
    atomic_write(dir + "/" + name + ".conf", content);
  }

  void load_permanently() {
    if (!loaded_persistently()) {
      write_conf(k_modules_load, name + "\n");
      changed = true;
    }
    if (!params_set()) {
      comment_out(k_modprobe_d, find_params);
      std::string content;
      for (const auto& p : split_words(params)) content += (content.empty() ? "" : "\n") + ("options " + name + " " + p);
      write_conf(k_modprobe_d, content + "\n");
      changed = true;
    }
  }

  void unload_permanently() {
    if (loaded_persistently()) {
      comment_out(k_modules_load, find_module);
      changed = true;
    }
    if (!permanent_params().empty()) {
      comment_out(k_modprobe_d, find_params);
      changed = true;
    }
  }
};

}  // namespace

json run_modprobe(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "modprobe");
  Modprobe m(args, ctx.checking());
  if (m.state == "present" && !m.loaded()) m.load();
  else if (m.state == "absent" && m.loaded()) m.unload();
  if (m.persistent == "present" && !(m.loaded_persistently() && m.params_set())) m.load_permanently();
  else if (m.persistent == "absent" && (m.loaded_persistently() || !m.permanent_params().empty())) m.unload_permanently();
  json result = m.result();
  if (!m.warnings.empty()) result["warnings"] = m.warnings;
  return result;
}

namespace {
const std::array<ReturnDoc, 3> k_returns{{
    ReturnDoc{"name", "str", "always", "The kernel module."},
    ReturnDoc{"params", "str", "always", "The parameters asked for."},
    ReturnDoc{"state", "str", "always", "The state asked for."},
}};
}  // namespace

const ModuleDoc modprobe_doc{
    .description = "Loads or unloads a kernel module with modprobe, and with persistent makes it load at boot (or not), as community.general.modprobe (also that name).",
    .options = k_spec,
    .returns = k_returns,
    .example = "- name: The dummy network module, two devices\n  community.general.modprobe:\n    name: dummy\n    params: numdummies=2\n    persistent: present\n",
    .notes = "Needs modprobe and /lib/modules/$(uname -r)/modules.builtin on the target, as community.general's module. Files are written atomically; the module name is matched literally in them (community.general uses it as a regular expression).",
};

}  // namespace drover::modules
