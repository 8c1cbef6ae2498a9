// Actions: what a task's module name does on the control node. Most actions just send the module
// to the target's runner; some run entirely here (debug, set_fact, assert, fail) and some have a
// control half (template renders here, copy reads a local src here).
//
// An action returns an Ansible-style result map. Expected failures are results with
// `failed: true`; an unreachable host throws connection::Unreachable.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/playbook/task.hpp"
#include "core/template/templar.hpp"
#include "core/value/value.hpp"
#include "core/transport/connection.hpp"

namespace drover::action {

struct ActionContext {
  const playbook::Task& task;
  Value args;  // templated, with omitted values removed
  tmpl::Templar& templar;
  const tmpl::Variables& vars;
  bool check_mode = false;
  bool diff_mode = false;
  std::vector<std::string> search_paths;  // where src files and templates are looked for
  // Runs a module through the target's runner; its args are sent as given.
  std::function<Value(const std::string& module, const Value& args)> run_module;
  // Runs a command on the target without the runner (the `raw` module).
  std::function<connection::ExecResult(const std::string& command)> run_raw;
  tmpl::ResultTypes result_types = tmpl::ResultTypes::ansible;  // for Templars an action makes
};

using ActionFn = Value (*)(ActionContext&);

struct ActionRow {
  std::string_view name;
  ActionFn fn;
  std::string_view summary;
};

// The table of every action and module drover knows, alphabetized.
std::span<const ActionRow> actions();
const ActionRow* find_action(std::string_view name);
bool is_known_action(std::string_view name);

// Actions, one per file in plugins/action/.
Value run_assert(ActionContext&);
Value run_copy(ActionContext&);
Value run_debug(ActionContext&);
Value run_fail(ActionContext&);
Value run_include_vars(ActionContext&);
Value run_meta(ActionContext&);
Value run_module(ActionContext&);  // the default: the module of the task's name, on the target
Value run_raw(ActionContext&);
Value run_set_fact(ActionContext&);
Value run_template(ActionContext&);

// A failed result with Ansible's fields: {"failed": true, "msg": msg}.
Value failed_result(const std::string& msg);

// A boolean argument read as Ansible's boolean() reads it: a bool, or a string such as
// "yes"/"no"/"true"/"False"/"1" (templated and k=v arguments are strings). `fallback` when absent.
bool bool_arg(const Value& args, std::string_view key, bool fallback = false);

// Finds a file the way Ansible's actions do: absolute as is; else <dir>/<subdir>/<name>, then
// <dir>/<name>, for each search path. Returns "" when not found.
std::string find_file(const std::vector<std::string>& search_paths, const std::string& subdir,
                      const std::string& name);

}  // namespace drover::action
