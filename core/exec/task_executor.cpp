#include "core/exec/task_executor.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "core/exec/keywords.hpp"
#include "core/secrets/redactor.hpp"
#include "core/value/json.hpp"
#include "core/vars/scope.hpp"

namespace drover::exec {

namespace {

using output::Status;

using action::failed_result;

// Ansible's wording when a template in a task fails, with the task's place in the playbook and
// its line with a caret. A syntax error is reported as it is; `what` prefixes any other error.
std::string task_error(const playbook::Task& task, const std::string& what, const tmpl::TemplateError& error) {
  std::string msg = dynamic_cast<const tmpl::TemplateSyntaxError*>(&error)
                        ? std::string(error.what())
                        : what + ". The error was: " + error.what();
  if (task.where.known()) {
    msg += "\n\nThe error appears to be in '" + task.where.file + "': line " +
           std::to_string(task.where.line) + ", column " + std::to_string(task.where.column) +
           ", but may\nbe elsewhere in the file depending on the exact syntax problem.";
    if (std::string excerpt = source_excerpt(task.where, ""); !excerpt.empty())
      msg += "\n\nThe offending line appears to be:\n\n" + excerpt + " here\n";
  }
  return msg;
}

// A task failure whose message is final: Ansible's wording and the task's place.
class TaskError : public std::runtime_error {
public:
  using runtime_error::runtime_error;
};

const char* const k_undefined_option = "The task includes an option with an undefined variable";

// Drops arguments that templated to `omit`, at any depth, as Ansible does.
Value remove_omitted(const Value& v) {
  const std::string& omit = tmpl::Templar::omit_token();
  if (v.is_map()) {
    Map out;
    for (const auto& [k, item] : v.as_map()) {
      if (item.is_string() && item.as_string() == omit) continue;
      out.set(k, remove_omitted(item));
    }
    return Value(std::move(out));
  }
  if (v.is_list()) {
    List out;
    for (const auto& item : v.as_list()) {
      if (item.is_string() && item.as_string() == omit) continue;
      out.push_back(remove_omitted(item));
    }
    return Value(std::move(out));
  }
  return v;
}

Value skipped_result() {
  Map m;
  m.set("changed", false);
  m.set("skip_reason", "Conditional result was False");
  m.set("skipped", true);
  return Value(std::move(m));
}

Value unreachable_result(const std::string& msg) {
  Map m;
  m.set("changed", false);
  m.set("msg", msg);
  m.set("unreachable", true);
  return Value(std::move(m));
}

// ansible_loop (loop_control.extended): the item's place in the loop.
Value loop_info(const List& items, std::size_t i) {
  Map m;
  auto n = static_cast<std::int64_t>(items.size());
  auto idx = static_cast<std::int64_t>(i);
  m.set("allitems", Value(items));
  m.set("index", idx + 1);
  m.set("index0", idx);
  m.set("revindex", n - idx);
  m.set("revindex0", n - idx - 1);
  m.set("first", i == 0);
  m.set("last", idx == n - 1);
  m.set("length", n);
  m.set("previtem", i > 0 ? items[i - 1] : Value());
  m.set("nextitem", idx + 1 < n ? items[i + 1] : Value());
  return Value(std::move(m));
}

// Loop results aggregated as Ansible does: changed if any item changed, failed if any failed,
// skipped if all were skipped.
struct LoopTotals {
  bool any_changed = false, any_failed = false, all_skipped = true;
  void add(Status st) {
    any_changed = any_changed || st == Status::changed;
    any_failed = any_failed || st == Status::failed;
    all_skipped = all_skipped && st == Status::skipped;
  }
  Value result(List results, Map facts, bool had_items) const {
    Map agg;
    agg.set("changed", any_changed);
    if (any_failed) {
      agg.set("failed", true);
      agg.set("msg", "One or more items failed");
    } else if (all_skipped && had_items) {
      agg.set("skipped", true);
      agg.set("msg", "All items skipped");
    } else {
      agg.set("msg", "All items completed");
    }
    if (!facts.empty()) agg.set("ansible_facts", Value(std::move(facts)));
    agg.set("results", Value(std::move(results)));
    return Value(std::move(agg));
  }
};

// One task on one host. Every step takes the scope it runs in: the task's, or one loop item's
// (derived from the task's, with the loop variables on top).
class Executor {
public:
  explicit Executor(const TaskRun& run)
      : m_task(*run.task), m_host(*run.host), m_play(*run.play), m_opts(*run.play->options),
        m_block_vars(run.block_vars), m_include_vars(run.include_vars),
        m_search_paths(task_search_paths(m_task, m_play)) {
    build_scope();
    m_diff = m_task.diff.is_bool() ? m_task.diff.as_bool() : m_opts.diff;
  }

  TaskOutcome execute() {
    TaskOutcome out;
    out.host = m_host.name;
    tmpl::Templar templar(m_scope, template_options());
    try {
      if (m_task.has_loop) return run_loop(templar, out);
      if (!conditions_hold(templar)) return finish(out, skipped_result());
      return finish(out, run_with_retries(m_scope, templar));
    } catch (const TaskError& e) {
      return finish(out, failed_result(e.what()));
    } catch (const connection::Unreachable& e) {
      return finish(out, unreachable_result(e.what()));
    } catch (const tmpl::TemplateError& e) {
      return finish(out, failed_result(task_error(m_task, k_undefined_option, e)));
    }
  }

private:
  const playbook::Task& m_task;
  HostState& m_host;
  const PlayContext& m_play;
  const RunOptions& m_opts;
  const std::vector<const Value*>& m_block_vars;
  const std::vector<const Value*>& m_include_vars;
  std::vector<std::string> m_search_paths;
  vars::Scope m_scope;
  bool m_diff = false;                      // the task's diff keyword, templated when it runs
  std::string m_delegate_host;              // set when the task ran on another host
  action::MetaAction m_meta = action::MetaAction::none;
  std::vector<std::string> m_warnings;      // to show once, with the result

  tmpl::TemplateOptions template_options() const {
    tmpl::TemplateOptions o;
    o.search_paths = m_search_paths;
    o.result_types = m_opts.result_types;
    o.lookups = m_play.lookups;
    const inventory::Inventory* inv = m_play.inventory;
    o.inventory_hostnames = [inv](const std::string& pattern) {
      std::vector<std::string> names;
      for (const auto* h : inv->select(pattern)) names.push_back(h->name);
      return names;
    };
    return o;
  }

  // Precedence, lowest first (Ansible's order, vars/manager.py, for the levels drover has so
  // far): role defaults < inventory < facts < play vars < role vars < block/task vars <
  // set_fact/register < role params < include vars < magic < extra vars.
  void build_scope() {
    const playbook::Role* role = m_task.role.get();
    m_scope.push(m_play.role_defaults.is_null() ? m_play.play->role_defaults : m_play.role_defaults);
    if (role) m_scope.push(role->defaults_layer);
    m_scope.push(m_host.inventory_vars);
    m_scope.push(m_host.injected_facts);
    Map facts_layer;
    facts_layer.set("ansible_facts", m_host.facts);
    m_scope.push_owned(Value(std::move(facts_layer)));
    m_scope.push(m_play.play_vars);
    m_scope.push(m_play.role_vars.is_null() ? m_play.play->role_vars : m_play.role_vars);
    if (role) m_scope.push(role->vars_layer);
    for (const Value* v : m_block_vars) m_scope.push(*v);
    m_scope.push(m_task.vars);
    m_scope.push(m_host.runtime_vars);
    if (role) m_scope.push(role->params_layer);
    for (const Value* v : m_include_vars) m_scope.push(*v);
    m_scope.push(m_play.magic);
    if (role) m_scope.push(role->magic);
    m_scope.push(m_opts.extra_vars);
  }

  // The task's `when`, all of which must hold. Throws TaskError naming the condition that could
  // not be evaluated.
  bool conditions_hold(tmpl::Templar& templar) const {
    for (const auto& cond : m_task.when) {
      bool ok;
      try {
        ok = templar.condition(cond);
      } catch (const tmpl::TemplateError& e) {
        throw TaskError(task_error(m_task, "The conditional check '" + cond + "' failed", e));
      }
      if (!ok) return false;
    }
    return true;
  }

  Value run_with_retries(const vars::Scope& scope, tmpl::Templar& templar) {
    if (m_task.until.empty()) return run_action(scope, templar);
    const auto retries = int_keyword(templar, "retries", m_task.retries, 3);
    const auto delay = int_keyword(templar, "delay", m_task.delay, 5);
    Value result;
    for (std::int64_t attempt = 1;; ++attempt) {
      result = run_action(scope, templar);
      result.mutable_map().set("attempts", attempt);
      if (status_of(result) == Status::unreachable) return result;
      if (until_holds(scope, result)) return result;
      if (attempt > retries) {
        result.mutable_map().set("failed", true);
        return result;
      }
      std::this_thread::sleep_for(std::chrono::seconds(delay));
    }
  }

  bool until_holds(const vars::Scope& scope, const Value& result) const {
    vars::Scope with_result = result_scope(scope, result);
    tmpl::Templar t(with_result, template_options());
    for (const auto& cond : m_task.until)
      if (!t.condition(cond)) return false;
    return true;
  }

  // `scope` plus the result under its register name (for until/changed_when/failed_when).
  vars::Scope result_scope(const vars::Scope& scope, const Value& result) const {
    vars::Scope out = scope.derive();
    if (!m_task.register_var.empty()) {
      Map m;
      m.set(m_task.register_var, result);
      out.push_owned(Value(std::move(m)));
    }
    return out;
  }

  // One attempt: template the arguments and run the action.
  Value run_action(const vars::Scope& scope, tmpl::Templar& templar) {
    if (is_dynamic_include(m_task.action)) return include_result(templar);
    const action::ActionRow* row = action::find_action(m_play.actions, m_task.action);
    if (!row) return failed_result("couldn't resolve module/action '" + m_task.action + "'");
    Value args = remove_omitted(templar.template_value(m_task.args));
    if (!args.is_map()) return failed_result("the arguments of '" + m_task.action + "' must be a mapping");
    const bool check = bool_keyword(templar, "check_mode", m_task.check_mode, m_opts.check);
    m_diff = bool_keyword(templar, "diff", m_task.diff, m_opts.diff);
    transport::ModuleCall base;
    base.check = check;
    base.diff = m_diff;
    base.become = become(scope, templar);
    base.environment = environment(templar);
    HostState& exec_host = execution_host(templar);
    transport::Target& target = target_of(exec_host, scope, templar);

    action::ActionContext ctx{m_task, args, templar, scope, check, m_diff, m_search_paths, {}, {}};
    ctx.result_types = m_opts.result_types;
    ctx.run_module = [&](const std::string& module, const Value& module_args) {
      transport::ModuleCall call = base;
      call.module = module;
      call.args = module_args;
      return target.run(call);
    };
    ctx.run_raw = [&](const std::string& command) { return target.raw(command, base.become); };
    ctx.host_connection = [&] { return connection_spec(m_host, scope, templar); };
    Value result = row->fn(ctx);
    m_meta = ctx.meta;
    if (!result.is_map()) result = failed_result("the action returned no result");
    if (!result.find("changed")) result.mutable_map().set("changed", false);
    return apply_overrides(scope, std::move(result));
  }

  // What include_tasks/include_role ask the strategy to load (Ansible's include action result).
  Value include_result(tmpl::Templar& templar) const {
    Value args = remove_omitted(templar.template_value(m_task.args));
    Map m;
    std::string target = args.get_string("_raw_params");
    if (target.empty()) target = args.get_string("file");
    if (m_task.action == "include_role") target = args.get_string("name", args.get_string("role"));
    m.set("include", target);
    m.set("include_args", args);
    m.set("changed", false);
    return Value(std::move(m));
  }

  // changed_when / failed_when, evaluated with the result registered.
  Value apply_overrides(const vars::Scope& scope, Value result) const {
    if (m_task.changed_when.empty() && m_task.failed_when.empty()) return result;
    if (status_of(result) == Status::unreachable) return result;
    vars::Scope with_result = result_scope(scope, result);
    tmpl::Templar t(with_result, template_options());
    try {
      if (!m_task.changed_when.empty()) {
        bool changed = true;
        for (const auto& c : m_task.changed_when) changed = changed && t.condition(c);
        result.mutable_map().set("changed", changed);
      }
      if (!m_task.failed_when.empty()) {
        bool failed = true;
        for (const auto& c : m_task.failed_when) failed = failed && t.condition(c);
        result.mutable_map().set("failed_when_result", failed);
        result.mutable_map().set("failed", failed);
      }
    } catch (const tmpl::TemplateError& e) {
      return failed_result(task_error(m_task, "The conditional check failed", e));
    }
    return result;
  }

  // become, become_user, become_method, become_flags: command line < play < task < the
  // ansible_become* variables, which outrank the keywords as in Ansible (PlayContext's variable
  // overrides); the password only comes from ansible_become_password (or _pass).
  transport::Become become(const vars::Scope& scope, tmpl::Templar& templar) const {
    transport::Become b;
    const playbook::Play& play = *m_play.play;
    auto var = [&](std::string_view name) -> Value {
      const Value* v = scope.find(name);
      return v ? *v : Value();
    };
    b.enabled = bool_keyword(templar, "become", play.become, m_opts.become);
    b.enabled = bool_keyword(templar, "become", m_task.become, b.enabled);
    b.enabled = bool_keyword(templar, "ansible_become", var("ansible_become"), b.enabled);
    b.user = first_string(templar, {var("ansible_become_user"), m_task.become_user, play.become_user})
                 .value_or(m_opts.become_user);
    b.method = first_string(templar, {var("ansible_become_method"), m_task.become_method, play.become_method})
                   .value_or(m_opts.become_method);
    b.flags = first_string(templar, {var("ansible_become_flags"), m_task.become_flags, play.become_flags})
                  .value_or("");
    for (const char* name : {"ansible_become_password", "ansible_become_pass"}) {
      Value t = templar.template_value(var(name));
      if (t.is_string()) {
        b.password = t.as_string();
        break;
      }
    }
    return b;
  }

  // The first of `candidates` that is set, templated (string_keyword), else nullopt.
  static std::optional<std::string> first_string(tmpl::Templar& templar, std::initializer_list<Value> candidates) {
    for (const Value& v : candidates)
      if (auto s = string_keyword(templar, v)) return s;
    return std::nullopt;
  }

  Value environment(tmpl::Templar& templar) const {
    Value env = Value::map();
    for (const Value* v : {&m_play.play->environment, &m_task.environment}) {
      if (v->is_null()) continue;
      Value t = templar.template_value(*v);
      if (t.is_map())
        for (const auto& [k, item] : t.as_map())
          env.mutable_map().set(k, item.is_string() ? item : Value(dump_json(item)));
    }
    return env;
  }

  // The host the task runs on: the delegate_to host, else this one.
  HostState& execution_host(tmpl::Templar& templar) {
    if (m_task.delegate_to.empty()) return m_host;
    std::string name = string_keyword(templar, Value(m_task.delegate_to)).value_or(m_task.delegate_to);
    if (name == m_host.name) return m_host;
    m_delegate_host = name;
    return m_play.hosts->get(name);
  }

  // The host's Target, made on first use from its connection variables.
  transport::Target& target_of(HostState& host, const vars::Scope& scope, tmpl::Templar& templar) {
    if (transport::Target* existing = host.target()) return *existing;
    return host.attach_target(m_play.make_target(connection_spec(host, scope, templar)));
  }

  // How to reach `host`: its connection variables (this task's scope for the task's own host,
  // the inventory for a delegate), then the play keywords, then the command line.
  connection::ConnectionSpec connection_spec(const HostState& host, const vars::Scope& scope, tmpl::Templar& templar) {
    static const char* const k_keys[] = {
        "ansible_connection", "ansible_host", "ansible_port", "ansible_user",
        "ansible_ssh_host", "ansible_ssh_port", "ansible_ssh_user", "ansible_ssh_private_key_file",
        "ansible_private_key_file", "ansible_ssh_common_args", "ansible_ssh_extra_args",
        "ansible_password", "ansible_ssh_pass", "ansible_host_key_checking",
        "ansible_ssh_host_key_checking", "ansible_timeout"};
    const bool own = &host == &m_host;
    Value conn_vars = Value::map();
    for (const char* key : k_keys) {
      const Value* v = own ? scope.find(key) : host.inventory_vars.find(key);
      if (v) conn_vars.mutable_map().set(key, templar.template_value(*v));
    }
    // precedence: host variable > play keyword > -c
    const std::string& fallback = m_play.play->connection.empty() ? m_opts.connection : m_play.play->connection;
    if (!fallback.empty() && !conn_vars.find("ansible_connection"))
      conn_vars.mutable_map().set("ansible_connection", fallback);
    if (!m_play.play->remote_user.empty() && !conn_vars.find("ansible_user") && !conn_vars.find("ansible_ssh_user"))
      conn_vars.mutable_map().set("ansible_user", m_play.play->remote_user);
    auto spec = connection::spec_from_vars(host.name, conn_vars, m_play.connection_defaults, host.implicit_localhost);
    for (const auto& w : spec.warnings) m_warnings.push_back(w);
    return spec;
  }

  TaskOutcome& finish(TaskOutcome& out, Value result) {
    out.status = status_of(result);
    if (no_log()) result.mutable_map().set("_ansible_no_log", true);
    collect_updates(out, result);
    if (out.status == Status::failed) out.ignored = ignored("ignore_errors", m_play.play->ignore_errors, m_task.ignore_errors);
    if (out.status == Status::unreachable)
      out.ignored = ignored("ignore_unreachable", m_play.play->ignore_unreachable, m_task.ignore_unreachable);
    if (!m_delegate_host.empty() && out.status != Status::unreachable) {
      // what the callbacks' host label reads (not part of the registered result, nor of an
      // unreachable one, as in Ansible)
      Map delegated;
      delegated.set("ansible_delegated_host", m_delegate_host);
      if (const HostState* d = m_play.hosts->find(m_delegate_host))
        if (const Value* ahost = d->inventory_vars.find("ansible_host")) delegated.set("ansible_host", *ahost);
      result.mutable_map().set("_ansible_delegated_vars", Value(std::move(delegated)));
    }
    secrets::Redactor::global().add_marked(result);
    out.result = std::move(result);
    out.warnings = m_warnings;
    out.meta = m_meta;
    out.diff = m_diff;
    out.delegate_host = m_delegate_host;
    return out;
  }

  // ignore_errors / ignore_unreachable of the task, else of the play; a bad value does not ignore.
  bool ignored(std::string_view keyword, const Value& play_value, const Value& task_value) const {
    vars::Scope scope = m_scope.derive();
    tmpl::Templar templar(scope, template_options());
    try {
      const bool play_ignores = bool_keyword(templar, keyword, play_value, false);
      return bool_keyword(templar, keyword, task_value, play_ignores);
    } catch (const tmpl::TemplateError&) {
      return false;
    }
  }

  bool no_log() const {
    vars::Scope scope = m_scope.derive();
    tmpl::Templar templar(scope, template_options());
    try {
      return bool_keyword(templar, "no_log", m_task.no_log, false);
    } catch (const tmpl::TemplateError&) {
      return true;  // a no_log that cannot be read hides the result rather than show a secret
    }
  }

  void collect_updates(TaskOutcome& out, const Value& result) const {
    if (out.status == Status::unreachable) return;
    Map vars;
    if (const Value* facts = result.find("ansible_facts"); facts && facts->is_map()) {
      if (m_task.action == "setup") out.new_facts = *facts;
      else
        for (const auto& [k, v] : facts->as_map()) vars.set(k, v);
    }
    if (!m_task.register_var.empty()) vars.set(m_task.register_var, result);
    if (!vars.empty()) out.new_vars = Value(std::move(vars));
  }

  // A looped task: one result per item under `results`, as Ansible aggregates them.
  TaskOutcome run_loop(tmpl::Templar& templar, TaskOutcome& out) {
    List items;
    try {
      items = loop_items(templar);
    } catch (const tmpl::TemplateError& e) {
      return finish(out, failed_result(task_error(m_task, "Error while resolving the loop", e)));
    }
    const bool hide = no_log();
    List results;
    LoopTotals totals;
    Map facts_from_items;
    for (std::size_t i = 0; i < items.size(); ++i) {
      Value r = run_item(items, i, facts_from_items, hide);
      Status st = status_of(r);
      if (st == Status::unreachable) return finish(out, r);
      totals.add(st);
      if (const Value* f = r.find("ansible_facts"); f && f->is_map())
        for (const auto& [k, v] : f->as_map()) facts_from_items.set(k, v);
      secrets::Redactor::global().add_marked(r);
      out.items.push_back({m_host.name, {}, st, r});
      results.push_back(std::move(r));
    }
    return finish(out, totals.result(std::move(results), std::move(facts_from_items), !items.empty()));
  }

  // One loop item: its own scope (the loop variables over the task's), `when` per item.
  Value run_item(const List& items, std::size_t i, const Map& facts_so_far, bool hide) {
    const std::string loop_var = m_task.loop_control.get_string("loop_var", "item");
    const std::string index_var = m_task.loop_control.get_string("index_var");
    vars::Scope scope = m_scope.derive();
    // facts set by the earlier items are variables for the later ones, as Ansible updates the
    // task's variables after each item (`names: "{{ names | default([]) + [item] }}"`)
    if (!facts_so_far.empty()) scope.push_owned(Value(facts_so_far));
    Map loop_layer;
    loop_layer.set(loop_var, items[i]);
    loop_layer.set("ansible_loop_var", loop_var);
    if (!index_var.empty()) loop_layer.set(index_var, static_cast<std::int64_t>(i));
    if (m_task.loop_control.get_truthy("extended")) loop_layer.set("ansible_loop", loop_info(items, i));
    scope.push_owned(Value(std::move(loop_layer)));
    tmpl::Templar templar(scope, template_options());
    Value r;
    try {
      r = conditions_hold(templar) ? run_with_retries(scope, templar) : skipped_result();
    } catch (const TaskError& e) {
      r = failed_result(e.what());
    } catch (const tmpl::TemplateError& e) {
      r = failed_result(task_error(m_task, k_undefined_option, e));
    }
    Map& m = r.mutable_map();
    m.set(loop_var, items[i]);
    m.set("ansible_loop_var", loop_var);
    if (!index_var.empty()) m.set("ansible_index_var", index_var), m.set(index_var, static_cast<std::int64_t>(i));
    if (const Value* label = m_task.loop_control.find("label")) m.set("_ansible_item_label", templar.template_value(*label));
    if (hide) m.set("_ansible_no_log", true);
    if (!m.find("changed")) m.set("changed", false);
    return r;
  }

  List loop_items(tmpl::Templar& templar) {
    Value terms = templar.template_value(m_task.loop);
    if (m_task.loop_lookup.empty()) {
      if (!terms.is_list())
        throw tmpl::TemplateError("Invalid data passed to 'loop', it requires a list, got this instead: " +
                                  (terms.is_string() ? terms.as_string() : dump_json(terms)) +
                                  ". Hint: If you passed a list/dict of just one element, try adding "
                                  "wantlist=True to your lookup invocation or use q/query instead of lookup.");
      return terms.as_list();
    }
    return templar.query(m_task.loop_lookup, terms.is_list() ? terms.as_list() : List{terms});
  }
};

}  // namespace

output::Status status_of(const Value& result) {
  if (result.get_truthy("unreachable")) return Status::unreachable;
  if (result.get_truthy("failed")) return Status::failed;
  if (result.get_truthy("skipped")) return Status::skipped;
  if (result.get_truthy("changed")) return Status::changed;
  return Status::ok;
}

bool is_dynamic_include(std::string_view action) { return action == "include_tasks" || action == "include_role"; }

// Ansible's Task.get_search_path(): the roles of the dependency chain, then the folder of the file
// the task is written in (a role's tasks/, an included file's folder), then the play's.
std::vector<std::string> task_search_paths(const playbook::Task& task, const PlayContext& play) {
  std::vector<std::string> paths;
  auto add = [&paths](const std::string& dir) {
    if (!dir.empty() && std::find(paths.begin(), paths.end(), dir) == paths.end()) paths.push_back(dir);
  };
  for (const playbook::Role* r = task.role.get(); r; r = r->parent.get()) add(r->path);
  if (task.where.known()) add(std::filesystem::path(task.where.file).parent_path().string());
  for (const auto& dir : play.search_paths) add(dir);
  return paths;
}

TaskOutcome execute_task(const TaskRun& run) {
  Executor e(run);
  return e.execute();
}

}  // namespace drover::exec
