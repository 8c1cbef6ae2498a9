// Plays, blocks and tasks as plain data, parsed once, each keeping its file:line:col.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/playbook/role.hpp"
#include "core/value/value.hpp"

namespace drover::playbook {

// A task, or a block (when `block` is non-empty; then `action` is empty).
struct Task {
  std::string name;    // as written (may hold a template); empty when unnamed
  std::string action;  // module or action name without its collection prefix ("copy")
  Value args = Value::map();  // module arguments; free-form text is in `_raw_params`
  SourceLocation where;

  std::vector<std::string> when;           // conditions, all must hold
  std::vector<std::string> changed_when;   // empty: the module decides
  std::vector<std::string> failed_when;    // empty: the module decides
  Value ignore_errors;                     // null (false), bool or a template string
  Value ignore_unreachable;                // null (false), bool or a template string
  std::string register_var;

  bool has_loop = false;
  Value loop;                 // `loop:` value or the terms of `with_<lookup>:`
  std::string loop_lookup;    // "items", "dict", ... for with_<lookup>; empty for `loop:`
  Value loop_control = Value::map();

  Value vars = Value::map();
  Value environment;          // null or a map (or a template string)
  Value no_log;               // null, bool or template
  std::vector<std::string> tags;
  std::vector<std::string> notify;
  std::vector<std::string> listen;  // handlers only
  Value become, become_user, become_method, become_flags, become_exe;
  std::string delegate_to;
  Value run_once;
  Value check_mode;  // null: follow --check
  Value diff;        // null: follow --diff
  std::vector<std::string> until;
  Value retries, delay;
  Value any_errors_fatal;  // null: inherit from the enclosing block, then the play
  Value throttle;          // null: inherit; else at most this many hosts run the task at once
  Value async_val;         // `async`: seconds the task may run as a background job; null/0: not async
  Value poll;              // seconds between checks on an async job (null: 15); 0: fire and forget
  Value timeout;           // null: inherit (block, play); else seconds before the module is killed
  Value delegate_facts;    // with delegate_to: facts go to the delegated host
  Value connection, remote_user, port;  // null: inherit (block, play); host variables still win

  std::vector<Task> block, rescue, always;
  std::shared_ptr<const Role> role;  // the role that contributed the task; null for play tasks
  bool is_block() const { return !block.empty() || !rescue.empty() || !always.empty(); }

  // The name shown in TASK [..] banners: the name, else the action.
  std::string display_name() const { return name.empty() ? action : name; }
  // `display` (the templated display_name) as Ansible's banner prints it: "role : name" for a
  // role's task; an unnamed include_role/import_role reads "include_role : web".
  std::string banner_name(const std::string& display) const {
    return role ? role->name + " : " + display : display;
  }
};

struct Play {
  std::string name;
  std::string hosts;  // the pattern; a YAML list is joined with ','
  SourceLocation where;
  Value vars = Value::map();
  std::vector<Value> vars_files;  // each a string (or a list: first found)
  Value gather_facts;             // null = default (true)
  Value gather_subset, gather_timeout, fact_path;  // the implicit setup's arguments; null = config's
  List vars_prompt;  // each a map: name, prompt, default, private, confirm, encrypt, salt_size, salt, unsafe
  std::vector<Task> pre_tasks, tasks, post_tasks, handlers;
  std::vector<std::string> tags;
  Value become, become_user, become_method, become_flags, become_exe;
  Value environment;
  std::string connection;
  std::string remote_user;
  Value port;     // null: the host's ansible_port, else ssh's default
  Value timeout;  // null: no task timeout (tasks and blocks may set their own)
  Value ignore_errors, ignore_unreachable;
  Value serial;               // null, an int, "N%", or a list of those (validated by the parser)
  std::string strategy;       // empty: the configured default (linear)
  std::string order;          // empty: inventory order
  Value any_errors_fatal;
  Value max_fail_percentage;  // null, or a percentage (int, float or "N%")
  Value force_handlers;       // null: --force-handlers / the configured default
  Value throttle;             // null, or the default throttle of every task
  Value check_mode, diff;
  std::vector<std::string> role_names;  // the roles of `roles:` and import_role, in order (role_names)
  std::vector<std::string> all_role_names;  // and their dependencies (ansible_role_names)
  std::vector<std::string> dependency_role_names;  // the dependencies alone (ansible_dependent_role_names)
  Value role_defaults = Value::map();  // every role's defaults and vars: Ansible makes them visible
  Value role_vars = Value::map();      // to the whole play (DEFAULT_PRIVATE_ROLE_VARS is false)
  std::set<std::string> role_uses;     // each role use loaded (path, from-files, params): a role
                                       // runs once per play unless these differ or it allows duplicates
};

struct Playbook {
  std::string path;  // as given
  std::string dir;   // directory of the playbook (playbook_dir)
  std::vector<std::string> roles_path;  // where include_role looks, after <dir>/roles
  std::vector<Play> plays;
  std::vector<std::string> deprecations;  // Ansible's deprecation warnings for what it uses (`include`), each once
};

}  // namespace drover::playbook
