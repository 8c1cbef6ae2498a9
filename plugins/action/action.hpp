// The built-in actions: the table the drover executable gives the executor, and the helpers the
// actions share. The interface itself (ActionContext, ActionRow) is core's: core/exec/action.hpp.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/exec/action.hpp"

namespace drover::action {

// The table of every action and module drover knows, alphabetized.
ActionTable actions();
bool is_known_action(std::string_view name);

// Actions, one per file in plugins/action/.
Value run_add_host(ActionContext&);
Value run_assemble(ActionContext&);
Value run_assert(ActionContext&);
Value run_async_status(ActionContext&);
Value run_copy(ActionContext&);
Value run_debug(ActionContext&);
Value run_fail(ActionContext&);
Value run_fetch(ActionContext&);
Value run_group_by(ActionContext&);
Value run_include_vars(ActionContext&);
Value run_meta(ActionContext&);
Value run_pause(ActionContext&);
Value run_module(ActionContext&);  // the default: the module of the task's name, on the target
Value run_raw(ActionContext&);
Value run_script(ActionContext&);
Value run_set_fact(ActionContext&);
Value run_synchronize(ActionContext&);
Value run_template(ActionContext&);
Value run_unarchive(ActionContext&);
Value run_uri(ActionContext&);
Value run_validate_argument_spec(ActionContext&);
Value run_wait_for_connection(ActionContext&);

// The documentation of the control-side actions (`drover doc`), defined beside each. The actions
// that send a runner module are documented by the module (`drover-modules --doc`).
extern const ActionDoc add_host_doc;
extern const ActionDoc assert_doc;
extern const ActionDoc debug_doc;
extern const ActionDoc fail_doc;
extern const ActionDoc fetch_doc;
extern const ActionDoc group_by_doc;
extern const ActionDoc include_vars_doc;
extern const ActionDoc meta_doc;
extern const ActionDoc pause_doc;
extern const ActionDoc raw_doc;
extern const ActionDoc script_doc;
extern const ActionDoc set_fact_doc;
extern const ActionDoc synchronize_doc;
extern const ActionDoc template_doc;
extern const ActionDoc validate_argument_spec_doc;
extern const ActionDoc wait_for_connection_doc;

// A boolean argument read as Ansible's boolean() reads it: a bool, or a string such as
// "yes"/"no"/"true"/"False"/"1" (templated and k=v arguments are strings). `fallback` when absent.
bool bool_arg(const Value& args, std::string_view key, bool fallback = false);

// Finds a file the way Ansible's actions do: absolute as is; else <dir>/<subdir>/<name>, then
// <dir>/<name>, for each search path. Returns "" when not found.
std::string find_file(const std::vector<std::string>& search_paths, const std::string& subdir,
                      const std::string& name);

// A control-node file's content, decrypted when it is Ansible Vault text and `decrypt` is on;
// nullopt with `error` set (Ansible's words) when it cannot be read or decrypted.
std::optional<std::string> local_content(const std::string& path, bool decrypt, std::string& error);

}  // namespace drover::action
