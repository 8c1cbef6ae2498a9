// YAML → Playbook. Every error is a SourceError (file:line:col, the line, a caret and a hint),
// raised before anything runs: unknown keywords, a task with two actions, an unknown module.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/playbook/task.hpp"

namespace drover::playbook {

// Answers whether an action exists, named as the task names it: short or FQCN (action::find_action).
using ActionCatalog = std::function<bool(std::string_view action)>;

struct ParseOptions {
  std::vector<std::string> roles_path;  // the roles_path setting, searched after <playbook>/roles
  Value extra_vars = Value::map();      // -e, for templated role names (`roles: ["{{ r }}"]`)
};

// Reads and parses a playbook file (import_playbook entries are followed, relative to it).
// Roles (`roles:`, import_role, meta dependencies) and import_tasks are resolved here, so a
// missing role or tasks file is a SourceError before anything runs.
Playbook parse_playbook(const std::string& path, const ActionCatalog& known_action,
                        const ParseOptions& options = {});

// What include_tasks/include_role load at run time. Errors are SourceErrors (a file that does not
// parse, an unknown module) or Fatal (a file that is not there), for the strategy to report.
struct RuntimeLoader {
  const Playbook* playbook = nullptr;
  ActionCatalog known_action;
  std::set<std::string>* role_uses = nullptr;  // the play's (Play::role_uses), updated by include_role
};

// The tasks of an included tasks file, each with `role` set (the including task's role).
std::vector<Task> load_included_tasks(const RuntimeLoader& loader, const std::string& path,
                                      const std::shared_ptr<const Role>& role);

// A role include_role asked for: `args` are its templated arguments (name, tasks_from, ...);
// `vars` its `vars:`; `parent` the role of the include_role task (or null).
struct IncludedRole {
  std::shared_ptr<const Role> role;
  Task block;                  // the role's dependencies and tasks; empty block when none
  std::vector<Task> handlers;  // to add to the play's handlers
  Value defaults, exports;     // what a public include shows the rest of the play (defaults, vars/)
};
IncludedRole load_included_role(const RuntimeLoader& loader, const Value& args, const Value& vars,
                                const std::shared_ptr<const Role>& parent, const SourceLocation& where);

// Parses a task list (a tasks file, or the `tasks:` of a play). `file` names the source.
std::vector<Task> parse_task_list(const YAML::Node& node, const std::string& file,
                                  const ActionCatalog& known_action);

// Parses one task mapping.
Task parse_task(const YAML::Node& node, const std::string& file, const ActionCatalog& known_action);

// Gives each task under `tasks` (at any depth) the inheritable keywords of `from` it does not set
// itself (become*, become_flags, ignore_errors, ignore_unreachable, no_log, check_mode, diff, environment,
// run_once, delegate_to): Ansible's parent attribute inheritance, for imports, roles and `apply`.
void inherit_keywords(std::vector<Task>& tasks, const Task& from);

// The short name of an action named by its FQCN (`ansible.builtin.copy`, `community.general.ini_file`
// -> `copy`, `ini_file`); a short name as is. Whether the collection is right is the catalog's
// question (action::find_action).
std::string short_action_name(std::string_view name);

}  // namespace drover::playbook
