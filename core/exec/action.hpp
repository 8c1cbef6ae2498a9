// The action interface: what a task's module name does on the control node. The executor calls
// actions through a table it is given (RunContext::actions); the built-in table lives in
// plugins/action/ and tests pass their own. Most actions send the module to the target's runner;
// some run entirely here (debug, set_fact, assert, fail, meta) and some have a control half
// (template renders here, copy reads a local src here).
//
// An action returns an Ansible-style result map. Expected failures are results with
// `failed: true`; an unreachable host throws connection::Unreachable.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/playbook/task.hpp"
#include "core/template/templar.hpp"
#include "core/transport/target.hpp"
#include "core/value/value.hpp"

namespace drover::action {

// What `meta:` asks the executor to do after the task; an action sets it on its context.
enum class MetaAction {
  none, noop, flush_handlers, end_play, end_batch, end_host, clear_facts, clear_host_errors, refresh_inventory,
  reset_connection,
};

// The meta action `meta: NAME` names; nullopt for a name drover does not know.
std::optional<MetaAction> meta_action_named(std::string_view name);
// Whether Ansible's linear strategy runs this meta once per host (noop, end_host, flush_handlers,
// reset_connection) rather than once for the play (end_play, end_batch, clear_facts,
// clear_host_errors, refresh_inventory).
bool runs_per_host(MetaAction meta);
// Whether Ansible evaluates `when` for this meta (noop, refresh_inventory and reset_connection
// ignore it, with a warning).
bool meta_supports_when(MetaAction meta);

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
  // How to reach the task's own host — not its delegate — (synchronize connects to it itself).
  std::function<connection::ConnectionSpec()> host_connection;
  MetaAction meta = MetaAction::none;  // out: set by the meta action
};

using ActionFn = Value (*)(ActionContext&);

// Whether a task with `async` may use the action: Ansible's action plugins that run one module
// (the `normal` action, command/shell) support it; the others fail "async is not supported for
// this task.".
enum class Async { unsupported, supported };

// The documentation of an action that runs on the control node (`drover doc`). An action that
// sends a module of the runner documents nothing here: its documentation is the runner module's
// own (`drover-modules --doc`), written over the argument table the module checks.
struct OptionDoc {
  std::string_view name;
  std::string_view type = "str";        // Ansible's names: str, bool, int, list, dict, path, raw
  std::string_view description;
  std::string_view default_value = {};  // as YAML would write it; empty: no default
  std::string_view aliases = {};        // comma-separated
  std::string_view choices = {};        // comma-separated
  bool required = false;
};
struct ReturnFieldDoc {
  std::string_view name;
  std::string_view type;
  std::string_view returned;  // "always", "success", "changed"...
  std::string_view description;
};
struct ActionDoc {
  std::string_view description;  // paragraphs separated by "\n"
  std::span<const OptionDoc> options;
  std::span<const ReturnFieldDoc> returns;
  std::string_view example;
  // Whether the action refuses arguments its options do not name, as Ansible's _VALID_ARGS
  // (check_action_args). false: it takes free keys (set_fact's facts, add_host's host variables).
  bool closed_options = true;
};

struct ActionRow {
  std::string_view name;  // the short name (`copy`, `ini_file`)
  ActionFn fn;
  std::string_view summary;
  // The collection whose FQCN the action also answers to (`community.general.ini_file`). Every
  // action also answers to ansible.builtin.<name> and ansible.legacy.<name>, as Ansible's
  // routing redirects moved modules.
  std::string_view collection = "ansible.builtin";
  Async async = Async::unsupported;
  // Documentation of a control-side action; nullptr when the runner's module of the same name
  // documents it (the actions that send a module).
  const ActionDoc* doc = nullptr;
};

// A table of actions, alphabetized by name (the executor searches it by bisection).
using ActionTable = std::span<const ActionRow>;

// The row named `name` — its short name or an FQCN it answers to (see ActionRow::collection) —
// or nullptr.
const ActionRow* find_action(ActionTable table, std::string_view name);

// nullopt when every key of `args` is an option of `doc` (a name or an alias; `_raw_params` and
// `_ansible_*` keys pass); else the failed result Ansible's actions give for _VALID_ARGS:
// "Invalid options for NAME: a, b".
std::optional<Value> check_action_args(const Value& args, const ActionDoc& doc, std::string_view name);

// A failed result with Ansible's fields: {"failed": true, "msg": msg}.
Value failed_result(const std::string& msg);

}  // namespace drover::action
