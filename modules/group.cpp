// group, as Ansible 2.14's Linux Group class: reads /etc/group and changes groups only through
// the target's groupadd, groupmod and groupdel (lgroupadd... with local: true).
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/process.hpp"
#include "modules/util/users.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "name", .required = Required::yes, .description = "The group's name."},
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "present"}, .description = "Whether the group must exist."},
    ArgSpec{.name = "gid", .type = ArgType::integer, .description = "The group's id; an existing group with another gid gets it (groupmod -g)."},
    ArgSpec{.name = "system", .type = ArgType::boolean, .default_value = false, .description = "Create a system group (groupadd -r)."},
    ArgSpec{.name = "local", .type = ArgType::boolean, .default_value = false, .description = "Use libuser's lgroupadd, lgroupmod and lgroupdel instead of the shadow tools."},
    ArgSpec{.name = "non_unique", .type = ArgType::boolean, .default_value = false, .description = "Allow a gid another group has (-o); needs gid."},
};

struct Outcome {
  std::optional<int> rc;  // nothing: no command was needed
  std::string out, err;
};

Outcome run(std::vector<std::string> argv) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  ProcessResult process = run_process(spec);
  if (process.start_failure != StartFailure::none) return {process.rc, "", process.error};
  return {process.rc, process.stdout_text, process.stderr_text};
}

// With local: true Ansible refuses a gid that another group already has.
void check_local_gid(const json& args, const std::string& name) {
  if (!is_set(args, "gid") || args["gid"].get<long long>() == 0) return;
  for (const auto& group : all_groups())
    if (static_cast<long long>(group.gid) == args["gid"].get<long long>() && group.name != name)
      throw ModuleFailure("GID '" + std::to_string(group.gid) + "' already exists with group '" + group.name + "'");
}

Outcome add(const json& args, const std::string& name, bool local) {
  if (local) check_local_gid(args, name);
  std::vector<std::string> cmd{require_executable(local ? "lgroupadd" : "groupadd")};
  if (is_set(args, "gid")) {
    cmd.insert(cmd.end(), {"-g", std::to_string(args["gid"].get<long long>())});
    if (arg_bool(args, "non_unique")) cmd.push_back("-o");
  }
  if (arg_bool(args, "system")) cmd.push_back("-r");
  cmd.push_back(name);
  return run(cmd);
}

Outcome modify(const json& args, const GroupEntry& info, bool local, bool check) {
  if (local) check_local_gid(args, info.name);
  std::vector<std::string> cmd{require_executable(local ? "lgroupmod" : "groupmod")};
  if (is_set(args, "gid") && static_cast<long long>(info.gid) != args["gid"].get<long long>()) {
    cmd.insert(cmd.end(), {"-g", std::to_string(args["gid"].get<long long>())});
    if (arg_bool(args, "non_unique")) cmd.push_back("-o");
  }
  if (cmd.size() == 1) return {};
  if (check) return {0, "", ""};
  cmd.push_back(info.name);
  return run(cmd);
}

}  // namespace

json run_group(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "group");
  std::string name = arg_string(args, "name");
  bool local = arg_bool(args, "local");
  if (arg_bool(args, "non_unique") && !is_set(args, "gid"))
    throw ModuleFailure("non_unique is True but all of the following are missing: gid");
  json result = {{"name", name}, {"state", arg_string(args, "state")}};
  std::optional<GroupEntry> existing = find_group(name);
  Outcome outcome;
  if (arg_string(args, "state") == "absent") {
    if (existing) {
      if (ctx.checking()) return {{"changed", true}};
      outcome = run({require_executable(local ? "lgroupdel" : "groupdel"), name});
    }
  } else if (!existing) {
    if (ctx.checking()) return {{"changed", true}};
    outcome = add(args, name, local);
  } else {
    outcome = modify(args, *existing, local, ctx.checking());
  }
  if (outcome.rc && *outcome.rc != 0) throw ModuleFailure(outcome.err, {{"name", name}});
  result["changed"] = outcome.rc.has_value();
  if (!outcome.out.empty()) result["stdout"] = outcome.out;
  if (!outcome.err.empty()) result["stderr"] = outcome.err;
  if (std::optional<GroupEntry> now = find_group(name)) {
    result["system"] = arg_bool(args, "system");
    result["gid"] = now->gid;
  }
  return result;
}

namespace {
const ReturnDoc k_group_returns[] = {
    ReturnDoc{"name", "str", "always", "The group's name."},
    ReturnDoc{"state", "str", "always", "The requested state."},
    ReturnDoc{"gid", "int", "when the group exists", "The group's id."},
    ReturnDoc{"system", "bool", "when the group exists", "The system argument."},
    ReturnDoc{"stdout", "str", "when the command printed something", "The tool's standard output."},
    ReturnDoc{"stderr", "str", "when the command printed something", "The tool's standard error."},
};
}  // namespace

const ModuleDoc group_doc{
    .description = "Creates, changes (gid) or removes a group with the target's groupadd, groupmod and groupdel, "
                   "as Ansible's group module on Linux.",
    .options = k_spec,
    .returns = k_group_returns,
    .example = "- ansible.builtin.group:\n    name: deploy\n    gid: 2001\n",
};

}  // namespace drover::modules
