// alternatives (community.general.alternatives): an alternative of a generic name installed,
// selected, set back to auto or removed, through the target's update-alternatives, reading
// its --display output as community.general does.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/value/regex.hpp"
#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "name", .required = Required::yes, .description = "The generic name (editor, java)."},
    ArgSpec{.name = "path", .type = ArgType::path, .required = Required::yes, .description = "The alternative's target (/usr/bin/vim.basic)."},
    ArgSpec{.name = "link", .type = ArgType::path, .description = "The generic link (/usr/bin/editor); needed to install a new alternative unless the name already has one."},
    ArgSpec{.name = "priority", .type = ArgType::integer, .description = "The alternative's priority (50 when installing without one); an existing alternative of another priority is reinstalled."},
    ArgSpec{.name = "state", .default_value = "selected", .choices = {"present", "selected", "auto", "absent"}, .description = "present: installed; selected: installed and chosen (manual mode); auto: installed and the name in auto mode; absent: removed."},
    ArgSpec{.name = "subcommands", .type = ArgType::list, .aliases = {"slaves"}, .description = "Links that follow the alternative: a list of {name, path, link}."},
};

struct Subcommand {
  std::string name, path, link;
  bool operator==(const Subcommand&) const = default;
  json to_json() const { return {{"name", name}, {"path", path}, {"link", link.empty() ? json(nullptr) : json(link)}}; }
};

struct Installed {
  long long priority = 0;
  std::vector<Subcommand> subcommands;
};

struct Display {
  std::string mode, current_path, current_link;
  std::map<std::string, Installed> alternatives;
};

ProcessResult update_alternatives(const std::vector<std::string>& args) {
  ProcessSpec spec;
  spec.argv = {"update-alternatives"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.environment = {{"LC_ALL", "C"}};
  ProcessResult p = run_process(spec);
  if (p.start_failure == StartFailure::exec) {
    const char* path = std::getenv("PATH");
    throw ModuleFailure(std::string("Failed to find required executable \"update-alternatives\" in paths: ") + (path ? path : ""));
  }
  return p;
}

void run_checked(const std::vector<std::string>& args) {
  ProcessResult p = update_alternatives(args);
  if (p.rc != 0) {
    std::string cmd = "update-alternatives";
    for (const auto& a : args) cmd += " " + a;
    throw ModuleFailure(trim(p.stderr_text), {{"cmd", cmd}, {"rc", p.rc}, {"stdout", p.stdout_text}, {"stderr", p.stderr_text}});
  }
}

std::vector<Subcommand> subcommands_of(const json& list) {
  std::vector<Subcommand> out;
  for (const auto& item : list) {
    if (!item.is_object() || !item.contains("name") || !item.contains("path") || !item.contains("link"))
      throw ModuleFailure("subcommands: each element must be a dict with name, path and link");
    out.push_back({item["name"].get<std::string>(), item["path"].get<std::string>(), item["link"].get<std::string>()});
  }
  return out;
}

std::optional<Display> parse_display(const std::string& name, const std::vector<Subcommand>& asked) {
  ProcessResult p = update_alternatives({"--display", name});
  if (p.rc != 0) return std::nullopt;
  const std::string& out = p.stdout_text;
  static const Regex mode_re(R"(\s-\s(?:status\sis\s)?(\w*)(?:\smode|.)$)", RegexFlag::multiline);
  static const Regex path_re(R"(^\s*link currently points to (.*)$)", RegexFlag::multiline);
  static const Regex link_re(R"(^\s*link \w+ is (.*)$)", RegexFlag::multiline);
  static const Regex sub_link_re(R"(^\s*slave (\S+) is (.*)$)", RegexFlag::multiline);
  static const Regex alternative_re(R"(^(\/.*)\s-\s(?:family\s\S+\s)?priority\s(\d+)((?:\s+slave.*)*))", RegexFlag::multiline);
  static const Regex sub_re(R"(^\s+slave (.*): (.*)$)", RegexFlag::multiline);
  Display d;
  auto mode = mode_re.search(out);
  if (!mode) return d;
  d.mode = std::string(mode->group(1));
  if (auto m = path_re.search(out)) d.current_path = std::string(m->group(1));
  if (auto m = link_re.search(out)) d.current_link = std::string(m->group(1));
  std::map<std::string, std::string> sub_links;
  for (const auto& m : sub_link_re.find_all(out)) sub_links[std::string(m.group(1))] = std::string(m.group(2));
  if (sub_links.empty())
    for (const auto& s : asked) sub_links[s.name] = s.link;
  for (const auto& m : alternative_re.find_all(out)) {
    Installed alt;
    alt.priority = std::stoll(std::string(m.group(2)));
    std::string subs(m.group(3));
    for (const auto& s : sub_re.find_all(subs)) {
      std::string sub_name(s.group(1));
      alt.subcommands.push_back({sub_name, std::string(s.group(2)), sub_links.count(sub_name) ? sub_links[sub_name] : ""});
    }
    d.alternatives[std::string(m.group(1))] = alt;
  }
  return d;
}

bool same_set(const std::vector<Subcommand>& a, const std::vector<Subcommand>& b) {
  for (const auto& x : a)
    if (std::find(b.begin(), b.end(), x) == b.end()) return false;
  for (const auto& x : b)
    if (std::find(a.begin(), a.end(), x) == a.end()) return false;
  return true;
}

json subcommands_json(const std::vector<Subcommand>& subs) {
  json out = json::array();
  for (const auto& s : subs) out.push_back(s.to_json());
  return out;
}

}  // namespace

json run_alternatives(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "alternatives");
  const std::string name = arg_string(args, "name"), path = arg_string(args, "path"), state = arg_string(args, "state");
  const bool have_subs = is_set(args, "subcommands");
  const std::vector<Subcommand> asked = have_subs ? subcommands_of(args["subcommands"]) : std::vector<Subcommand>{};
  Display d = parse_display(name, asked).value_or(Display{});
  auto installed = d.alternatives.find(path);
  const bool is_installed = installed != d.alternatives.end();
  std::vector<Subcommand> subs = have_subs ? asked : (is_installed ? installed->second.subcommands : std::vector<Subcommand>{});
  const std::string link = is_set(args, "link") ? arg_string(args, "link") : d.current_link;
  const long long priority = is_set(args, "priority") ? args["priority"].get<long long>() : 50;

  json before = json::object(), after = json::object();
  if (is_installed) {
    before = {{"state", "present"}, {"path", path}, {"priority", installed->second.priority}, {"link", d.current_link.empty() ? json(nullptr) : json(d.current_link)}};
    if (!installed->second.subcommands.empty()) before["subcommands"] = subcommands_json(installed->second.subcommands);
    if (d.mode == "manual" && d.current_path == path) before["state"] = "selected";
  } else {
    before = {{"state", "absent"}};
  }
  bool changed = false;
  std::vector<std::string> messages;
  if (state != "absent") {
    bool install = !is_installed || (is_set(args, "priority") && installed->second.priority != priority) ||
                   (have_subs && !same_set(installed->second.subcommands, asked));
    if (install) {
      std::error_code error;
      if (!std::filesystem::exists(path, error)) throw ModuleFailure("Specified path " + path + " does not exist");
      if (link.empty()) throw ModuleFailure("Needed to install the alternative, but unable to do so as we are missing the link");
      std::vector<std::string> cmd = {"--install", link, name, path, std::to_string(priority)};
      if (have_subs)
        for (const auto& s : subs) cmd.insert(cmd.end(), {"--slave", s.link, s.name, s.path});
      changed = true;
      messages.push_back("Install alternative '" + path + "' for '" + name + "'.");
      if (!ctx.checking()) run_checked(cmd);
      after = {{"state", "present"}, {"path", path}, {"priority", priority}, {"link", link}};
      if (!subs.empty()) after["subcommands"] = subcommands_json(subs);
    }
    if (state == "selected" && d.current_path != path) {
      changed = true;
      messages.push_back("Set alternative '" + path + "' for '" + name + "'.");
      if (!ctx.checking()) run_checked({"--set", name, path});
      after["state"] = "selected";
    }
    if (state == "auto" && d.mode == "manual") {
      changed = true;
      messages.push_back("Set alternative to auto for '" + name + "'.");
      if (!ctx.checking()) run_checked({"--auto", name});
      after["state"] = "present";
    }
  } else if (is_installed) {
    changed = true;
    messages.push_back("Remove alternative '" + path + "' from '" + name + "'.");
    if (!ctx.checking()) run_checked({"--remove", name, path});
    after = {{"state", "absent"}};
  }
  std::string msg;
  for (const auto& m : messages) msg += (msg.empty() ? "" : " ") + m;
  json result = {{"changed", changed}, {"msg", msg}};
  result["diff"] = ctx.diffing() ? json{{"before", before}, {"after", after}} : json{{"before", json::object()}, {"after", json::object()}};
  return result;
}

namespace {
const std::array<ReturnDoc, 2> k_returns{{
    ReturnDoc{"msg", "str", "always", "What was done (\"Install alternative '/usr/bin/vim.basic' for 'editor'. Set alternative ...\")."},
    ReturnDoc{"diff", "dict", "always", "With --diff, before and after as {state, path, priority, link, subcommands}; else empty."},
}};
}  // namespace

const ModuleDoc alternatives_doc{
    .description = "Manages the alternatives of a generic name with update-alternatives, as community.general.alternatives (also that name): installs an alternative (with its subcommands), selects it, sets the name back to auto, or removes it.",
    .options = k_spec,
    .returns = k_returns,
    .example = "- name: vim is the editor\n  community.general.alternatives:\n    name: editor\n    path: /usr/bin/vim.basic\n",
};

}  // namespace drover::modules
