#include "core/exec/task_executor.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "core/exec/async_job.hpp"
#include "core/exec/keywords.hpp"
#include "core/interrupt.hpp"
#include "core/secrets/redactor.hpp"
#include "core/transport/runner_client.hpp"
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

// A loop with nothing to loop over: skipped, its `when` never evaluated (Ansible's wording).
Value no_items_result() {
  Map m;
  m.set("changed", false);
  m.set("skipped", true);
  m.set("skipped_reason", "No items in the list");
  m.set("results", List{});
  return Value(std::move(m));
}

Value unreachable_result(const std::string& msg) {
  Map m;
  m.set("changed", false);
  m.set("msg", msg);
  m.set("unreachable", true);
  return Value(std::move(m));
}

// ansible_loop (loop_control.extended): the item's place in the loop, in Ansible's key order;
// previtem and nextitem only where there is one, allitems unless extended_allitems is off.
Value loop_info(const List& items, std::size_t i, bool allitems) {
  Map m;
  auto n = static_cast<std::int64_t>(items.size());
  auto idx = static_cast<std::int64_t>(i);
  m.set("index", idx + 1);
  m.set("index0", idx);
  m.set("first", i == 0);
  m.set("last", idx == n - 1);
  m.set("length", n);
  m.set("revindex", n - idx);
  m.set("revindex0", n - idx - 1);
  if (allitems) m.set("allitems", Value(items));
  if (idx + 1 < n) m.set("nextitem", items[i + 1]);
  if (i > 0) m.set("previtem", items[i - 1]);
  return Value(std::move(m));
}

// Loop results aggregated as Ansible does: changed if any item changed, failed if any failed,
// skipped if all were skipped.
struct LoopTotals {
  bool any_changed = false, any_failed = false, all_skipped = true;
  // `changed` counts whatever the item says, failed or not, as Ansible's _execute aggregates
  void add(Status st, bool changed) {
    any_changed = any_changed || changed;
    any_failed = any_failed || st == Status::failed;
    all_skipped = all_skipped && st == Status::skipped;
  }
  Value result(List results, Map facts) const {
    Map agg;
    agg.set("changed", any_changed);
    if (any_failed) {
      agg.set("failed", true);
      agg.set("msg", "One or more items failed");
    } else if (all_skipped) {
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
    } catch (const transport::RunnerTimeout&) {
      return finish(out, timeout_result());
    } catch (const connection::Unreachable& e) {
      return finish(out, unreachable_result(e.what()));
    } catch (const tmpl::TemplateError& e) {
      return finish(out, failed_result(task_error(m_task, k_undefined_option, e)));
    }
  }

  // changed_when/failed_when on a finished result, with its loop variables (those a loop item
  // result carries) over the task's variables.
  Value reevaluate_when(Value result) {
    vars::Scope scope = m_scope.derive();
    Map item_vars;
    const std::string loop_var = result.get_string("ansible_loop_var");
    if (!loop_var.empty())
      if (const Value* v = result.find(loop_var)) item_vars.set(loop_var, *v);
    const std::string index_var = result.get_string("ansible_index_var");
    if (!index_var.empty())
      if (const Value* v = result.find(index_var)) item_vars.set(index_var, *v);
    if (const Value* v = result.find("ansible_loop")) item_vars.set("ansible_loop", *v);
    if (!item_vars.empty()) scope.push_owned(Value(std::move(item_vars)));
    try {
      return apply_overrides(scope, std::move(result));
    } catch (const tmpl::TemplateError& e) {
      return failed_result(task_error(m_task, k_undefined_option, e));
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
  std::int64_t m_timeout = 0;               // the task's `timeout` (seconds), once templated
  std::vector<output::AsyncResult> m_async_events;
  std::string m_facts_host;                 // delegate_facts: where the facts go
  std::vector<TaskOutcome::Retry> m_retries;  // until's failed attempts, for the callbacks
  std::size_t m_item_index = 0;             // the loop item running now (0 without a loop)

  // Ansible's result, and words, when a task ran past its `timeout`.
  Value timeout_result() const {
    Value r = failed_result("The " + m_task.action + " action failed to execute in the expected time frame (" +
                            std::to_string(m_timeout) + ") and was terminated");
    r.mutable_map().set("changed", false);
    return r;
  }
  std::string m_loop_var, m_index_var;      // loop_control's, templated when the loop starts

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
  // include_vars < set_fact/register < role params < include params < magic < extra vars.
  void build_scope() {
    const playbook::Role* role = m_task.role.get();
    // the connection's address as a variable when nothing sets it (Ansible's PlayContext
    // update_vars): `{{ ansible_host }}` is the inventory name then
    Map connection_layer;
    connection_layer.set("ansible_host", m_host.name);
    m_scope.push_owned(Value(std::move(connection_layer)));
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
    m_scope.push(m_host.included_vars);
    m_scope.push(m_host.runtime_vars);
    if (role) m_scope.push(role->params_layer);
    for (const Value* v : m_include_vars) m_scope.push(*v);
    m_scope.push(m_play.magic);
    if (role) m_scope.push(role->magic);
    m_scope.push(m_opts.extra_vars);
    // the task's search path, which Ansible sets in the task's variables over everything
    Map search_layer;
    search_layer.set("ansible_search_path", Value(List(m_search_paths.begin(), m_search_paths.end())));
    m_scope.push_owned(Value(std::move(search_layer)));
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

  // `until` as Ansible's TaskExecutor runs it: `retries` + 1 attempts (one when retries is 0 or
  // less, and then `until` is not evaluated); an exhausted loop fails with `attempts` = retries.
  Value run_with_retries(const vars::Scope& scope, tmpl::Templar& templar) {
    if (m_task.until.empty()) return apply_overrides(scope, run_action(scope, templar));
    const std::int64_t retries = int_keyword(templar, "retries", m_task.retries, 3);
    const std::int64_t allowed = retries <= 0 ? 1 : retries + 1;
    double delay = float_keyword(templar, "delay", m_task.delay, 5);
    if (delay < 0) delay = 1;
    Value result;
    for (std::int64_t attempt = 1; attempt <= allowed; ++attempt) {
      result = run_action(scope, templar);
      // attempts is there before changed_when/failed_when, which may read it (as in Ansible)
      if (result.is_map()) result.mutable_map().set("attempts", attempt);
      result = apply_overrides(scope, std::move(result));
      if (status_of(result) == Status::unreachable || allowed == 1) return result;
      if (until_holds(scope, result)) return result;
      if (attempt < allowed) {
        record_retry(templar, result, allowed);
        if (!sleep_unless_interrupted(delay)) throw Interrupted();
      }
    }
    result.mutable_map().set("attempts", allowed - 1);
    result.mutable_map().set("failed", true);
    return result;
  }

  // A failed attempt with more to come, for the callbacks' "FAILED - RETRYING" line.
  void record_retry(tmpl::Templar& templar, const Value& result, std::int64_t allowed) {
    Value shown = result;
    shown.mutable_map().set("retries", allowed);
    shown.mutable_map().set("_ansible_retry", true);
    if (no_log()) shown.mutable_map().set("_ansible_no_log", true);
    add_delegated_vars(shown);
    m_retries.push_back({m_item_index, {m_host.name, retry_task_name(templar), std::move(shown), m_delegate_host}});
  }

  // TaskResult.task_name: the templated name as written (no role prefix), else get_name().
  std::string retry_task_name(tmpl::Templar& templar) const {
    if (m_task.name.empty()) return m_task.banner_name(m_task.action);
    try {
      Value v = templar.template_value(Value(m_task.name));
      if (v.is_string()) return v.as_string();
    } catch (const tmpl::TemplateError&) {
    }
    return m_task.name;
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
      m.set(m_task.register_var, tmpl::Templar::wrap_unsafe(result));
      out.push_owned(Value(std::move(m)));
    }
    return out;
  }

  // What Ansible's AnsibleActionFail becomes: its message, and the empty traceback 2.14 reports
  // with it ("The error was: NoneType: None").
  static Value action_failure(const std::string& msg) {
    Value r = failed_result(msg);
    r.mutable_map().set("changed", false);
    r.mutable_map().set("exception", "NoneType: None\n");
    return r;
  }

  // One attempt: template the arguments and run the action.
  Value run_action(const vars::Scope& scope, tmpl::Templar& templar) {
    if (is_dynamic_include(m_task.action)) return include_result(templar);
    const action::ActionRow* row = action::find_action(m_play.actions, m_task.action);
    if (!row) return failed_result("couldn't resolve module/action '" + m_task.action + "'");
    Value args = remove_omitted(templar.template_value(m_task.args));
    // a target may echo a tainted argument back (or print it): mask it before anything runs
    secrets::Redactor::global().add_marked(args);
    if (!args.is_map()) return failed_result("the arguments of '" + m_task.action + "' must be a mapping");
    const bool check = bool_keyword(templar, "check_mode", m_task.check_mode, m_opts.check);
    m_diff = bool_keyword(templar, "diff", m_task.diff, m_opts.diff);
    const std::int64_t async_seconds = int_keyword(templar, "async", m_task.async_val, 0);
    if (async_seconds > 0) {  // Ansible's ActionBase.run checks, in this order
      if (row->async != action::Async::supported) return action_failure("async is not supported for this task.");
      if (check) return action_failure("check mode and async cannot be used on same task.");
    }
    m_timeout = int_keyword(templar, "timeout", m_task.timeout.is_null() ? m_play.play->timeout : m_task.timeout, 0);
    transport::ModuleCall base;
    base.check = check;
    base.diff = m_diff;
    base.become = become(scope, templar);
    base.environment = environment(templar);
    HostState& exec_host = execution_host(templar);
    transport::Target& target = target_of(exec_host, scope, templar);
    const std::string job_dir = async_seconds > 0 ? async_dir(scope, templar) : "";

    // `timeout` covers the whole action: each module call gets what is left of it
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(m_timeout);
    auto limit = [&](transport::ModuleCall& call) {
      if (m_timeout <= 0) return;
      const std::chrono::duration<double> left = deadline - std::chrono::steady_clock::now();
      if (left.count() <= 0) throw transport::RunnerTimeout("no time left");
      call.timeout_s = left.count();
    };
    bool async_started = false;
    action::ActionContext ctx{m_task, args, templar, scope, check, m_diff, m_search_paths, {}, {}};
    ctx.result_types = m_opts.result_types;
    ctx.run_module = [&](const std::string& module, const Value& module_args) {
      transport::ModuleCall call = base;
      call.module = module;
      call.args = module_args;
      if (async_seconds > 0) {
        call.async_job = Value(Map{{"jid", async_jid_prefix()}, {"time_limit", async_seconds}, {"dir", job_dir}});
        async_started = true;
      }
      limit(call);
      return target.run(call);
    };
    ctx.run_raw = [&](const std::string& command) { return target.raw(command, base.become); };
    ctx.host_connection = [&] { return connection_spec(m_host, scope, templar); };
    Value result = row->fn(ctx);
    m_meta = ctx.meta;
    if (!result.is_map()) result = failed_result("the action returned no result");
    if (async_started) {
      result.mutable_map().set("changed", true);  // as Ansible marks every job it starts
      const std::int64_t poll = int_keyword(templar, "poll", m_task.poll, 15);
      if (poll > 0 && !result.get_truthy("skipped") && !result.get_truthy("failed"))
        result = poll_job(target, base, result, async_seconds, poll, job_dir, limit);
    }
    if (!result.find("changed")) result.mutable_map().set("changed", false);
    return result;
  }

  // async with poll > 0: waits for the job (Ansible's _poll_async_result), recording the events
  // the callbacks show before the result (ASYNC POLL ..., ASYNC OK / ASYNC FAILED).
  Value poll_job(transport::Target& target, const transport::ModuleCall& base, const Value& started,
                 std::int64_t async_seconds, std::int64_t poll, const std::string& dir,
                 const std::function<void(transport::ModuleCall&)>& limit) {
    const std::string jid = started.get_string("ansible_job_id");
    auto status = [&](const std::string& mode) {
      transport::ModuleCall call = base;
      call.module = "async_status";
      call.check = false;
      call.args = async_status_args(jid, mode, dir);
      limit(call);
      return async_status_result(jid, mode, target.run(call));
    };
    std::vector<Value> polls;
    Value result = poll_async_job(started, async_seconds, poll, status, polls);
    for (auto& p : polls) m_async_events.push_back({output::AsyncEvent::poll, m_host.name, std::move(p)});
    const auto end = result.get_truthy("failed") ? output::AsyncEvent::failed : output::AsyncEvent::ok;
    m_async_events.push_back({end, m_host.name, result});
    return result;
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

  // Ansible's finishing of a result: `failed` set when missing (a non-zero rc fails), then
  // changed_when / failed_when evaluated with the result registered (not for a skipped one). A
  // condition that cannot be evaluated fails the task and keeps the result, its error under
  // changed_when_result / failed_when_result.
  Value apply_overrides(const vars::Scope& scope, Value result) const {
    if (status_of(result) == Status::unreachable) return result;
    Map& m = result.mutable_map();
    if (!m.find("failed")) {
      const Value* rc = m.find("rc");
      m.set("failed", rc && !(rc->is_int() && rc->as_int() == 0) && !(rc->is_string() && rc->as_string() == "0"));
    }
    if (m.find("skipped") || (m_task.changed_when.empty() && m_task.failed_when.empty())) return result;
    vars::Scope with_result = result_scope(scope, result);
    tmpl::Templar t(with_result, template_options());
    auto evaluate = [&](const std::vector<std::string>& conditions, const char* name) {
      for (const auto& c : conditions) {
        try {
          if (!t.condition(c)) return false;
        } catch (const tmpl::TemplateError& e) {
          throw ConditionError(name, c, e.what());
        }
      }
      return true;
    };
    try {
      if (!m_task.changed_when.empty()) m.set("changed", evaluate(m_task.changed_when, "changed"));
      if (!m_task.failed_when.empty()) {
        bool failed = evaluate(m_task.failed_when, "failed");
        m.set("failed_when_result", failed);
        m.set("failed", failed);
      }
    } catch (const ConditionError& e) {
      m.set("failed", true);
      m.set(e.keyword + "_when_result", e.message);
    }
    return result;
  }

  struct ConditionError {
    ConditionError(std::string keyword, const std::string& condition, const std::string& error)
        : keyword(std::move(keyword)),
          message("The conditional check '" + condition + "' failed. The error was: " + error) {}
    std::string keyword, message;
  };

  // become, become_user, become_method, become_flags: command line < play < task < the
  // ansible_become* variables, which outrank the keywords as in Ansible (PlayContext's variable
  // overrides); the password comes from ansible_become_password (or _pass), else -K.
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
    b.exe = first_string(templar, {var("ansible_become_exe"), m_task.become_exe, play.become_exe})
                .value_or(m_opts.become_exe);
    b.password = m_opts.become_password;  // -K, --become-password-file; the variables outrank it
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
    if (bool_keyword(templar, "delegate_facts", m_task.delegate_facts, false)) m_facts_host = name;
    return m_play.hosts->get(name);
  }

  // The host's Target, made on first use from its connection variables. A task (or block) that
  // sets connection, remote_user or port gets the Target for what they make of the spec (the
  // host's own when they change nothing).
  transport::Target& target_of(HostState& host, const vars::Scope& scope, tmpl::Templar& templar) {
    const bool keywords = !m_task.connection.is_null() || !m_task.remote_user.is_null() || !m_task.port.is_null();
    if (!keywords) {
      if (transport::Target* existing = host.target()) return *existing;
      return host.attach_target(m_play.make_target(connection_spec(host, scope, templar)));
    }
    connection::ConnectionSpec spec = connection_spec(host, scope, templar);
    const std::string key = spec_key(spec);
    if (transport::Target* own = host.target(); own && spec_key(own->spec()) == key) return *own;
    if (transport::Target* existing = host.target(key)) return *existing;
    return host.attach_target(m_play.make_target(spec), key);
  }

  static std::string spec_key(const connection::ConnectionSpec& spec) {
    return spec.connection + "\n" + spec.user + "\n" + spec.address + "\n" + std::to_string(spec.port);
  }

  // How to reach `host`: its connection variables (this task's scope for the task's own host,
  // the inventory for a delegate), then the task's (and its blocks') keywords, the play's, then
  // the command line — Ansible's order: connection variables outrank the keywords.
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
    const playbook::Play& play = *m_play.play;
    auto keyword = [&](const Value& task_value, const std::string& play_value) {
      return string_keyword(templar, task_value).value_or(play_value);
    };
    Map& vars = conn_vars.mutable_map();
    std::string connection = keyword(m_task.connection, play.connection);
    if (connection.empty()) connection = m_opts.connection;
    // the implicit localhost keeps its local connection, as its ansible_connection does in Ansible
    if (!connection.empty() && !vars.find("ansible_connection") && !host.implicit_localhost)
      vars.set("ansible_connection", connection);
    const std::string user = keyword(m_task.remote_user, play.remote_user);
    if (!user.empty() && !vars.find("ansible_user") && !vars.find("ansible_ssh_user")) vars.set("ansible_user", user);
    const Value& port = m_task.port.is_null() ? play.port : m_task.port;
    if (!port.is_null() && !vars.find("ansible_port") && !vars.find("ansible_ssh_port"))
      vars.set("ansible_port", int_keyword(templar, "port", port, 22));
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
    // what the callbacks' host label reads (not part of the registered result, nor of an
    // unreachable one, as in Ansible)
    if (out.status != Status::unreachable) add_delegated_vars(result);
    secrets::Redactor::global().add_marked(result);
    out.result = std::move(result);
    out.warnings = m_warnings;
    out.meta = m_meta;
    out.diff = m_diff;
    out.delegate_host = m_delegate_host;
    out.facts_host = m_facts_host;
    out.async_events = std::move(m_async_events);
    out.retries = std::move(m_retries);
    return out;
  }

  void add_delegated_vars(Value& result) const {
    if (m_delegate_host.empty() || !result.is_map()) return;
    Map delegated;
    delegated.set("ansible_delegated_host", m_delegate_host);
    if (const HostState* d = m_play.hosts->find(m_delegate_host))
      if (const Value* ahost = d->inventory_vars.find("ansible_host")) delegated.set("ansible_host", *ahost);
    result.mutable_map().set("_ansible_delegated_vars", Value(std::move(delegated)));
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

  static bool cacheable(const Value& result) {
    if (result.get_truthy("_ansible_facts_cacheable")) return true;
    const Value* results = result.find("results");
    if (!results || !results->is_list()) return false;
    return std::any_of(results->as_list().begin(), results->as_list().end(),
                       [](const Value& r) { return r.get_truthy("_ansible_facts_cacheable"); });
  }

  void collect_updates(TaskOutcome& out, const Value& finished) const {
    if (out.status == Status::unreachable) return;
    // What a module returned is data, never templated again when read (Ansible's wrap_var);
    // set_fact and include_vars set variables, which are.
    const bool clean = m_task.action == "set_fact" || m_task.action == "include_vars";
    const Value result = clean ? finished : tmpl::Templar::wrap_unsafe(finished);
    Map vars;
    if (const Value* facts = result.find("ansible_facts"); facts && facts->is_map()) {
      // Every module's ansible_facts are host facts (package_facts, service_facts, ...), as
      // Ansible's strategy stores them; set_fact and include_vars set variables instead.
      if (!clean) {
        out.new_facts = *facts;
      } else {
        for (const auto& [k, v] : facts->as_map()) vars.set(k, v);
        // set_fact's cacheable: true puts them in the fact cache too (Ansible's set_host_facts)
        if (cacheable(result)) out.new_facts = *facts;
      }
    }
    if (m_task.action == "include_vars" && !vars.empty()) {  // Ansible's vars cache, not set_fact's layer
      out.new_included_vars = Value(std::move(vars));
      vars = Map{};
    }
    if (!m_task.register_var.empty()) vars.set(m_task.register_var, result);
    if (!vars.empty()) out.new_vars = Value(std::move(vars));
  }

  // A looped task: one result per item under `results`, as Ansible aggregates them.
  TaskOutcome run_loop(tmpl::Templar& templar, TaskOutcome& out) {
    List items;
    try {
      items = loop_items(templar);
    } catch (const tmpl::UndefinedError& e) {
      // As Ansible does: an undefined loop is an error only once `when` holds (a false `when`
      // skips the task); when the condition cannot be evaluated either, the loop's error wins.
      bool skip = false;
      try {
        skip = !conditions_hold(templar);
      } catch (const TaskError&) {
      }
      if (skip) return finish(out, skipped_result());
      return finish(out, failed_result(task_error(m_task, "Error while resolving the loop", e)));
    } catch (const tmpl::TemplateError& e) {
      // a lookup's own error (with_together: [] ...) is the task's message, as in Ansible
      return finish(out, failed_result(e.what()));
    }
    if (items.empty()) return finish(out, no_items_result());
    const bool hide = no_log();
    const double pause = float_keyword(templar, "pause", m_task.loop_control.get("pause"), 0);
    // loop_var and index_var may be templates, read once with the task's variables
    m_loop_var = string_keyword(templar, m_task.loop_control.get("loop_var")).value_or("item");
    m_index_var = string_keyword(templar, m_task.loop_control.get("index_var")).value_or("");
    List results;
    LoopTotals totals;
    Map facts_from_items;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (g_interrupted || (i > 0 && pause > 0 && !sleep_unless_interrupted(pause))) throw Interrupted();
      m_item_index = i;
      Value r = run_item(items, i, facts_from_items, hide);
      Status st = status_of(r);
      if (st == Status::unreachable) return finish(out, r);
      totals.add(st, r.get_truthy("changed"));
      if (const Value* f = r.find("ansible_facts"); f && f->is_map())
        for (const auto& [k, v] : f->as_map()) facts_from_items.set(k, v);
      secrets::Redactor::global().add_marked(r);
      out.items.push_back({m_host.name, {}, st, r});
      results.push_back(std::move(r));
    }
    return finish(out, totals.result(std::move(results), std::move(facts_from_items)));
  }

  // One loop item: its own scope (the loop variables over the task's), `when` per item.
  Value run_item(const List& items, std::size_t i, const Map& facts_so_far, bool hide) {
    const std::string& loop_var = m_loop_var;
    const std::string& index_var = m_index_var;
    vars::Scope scope = m_scope.derive();
    // facts set by the earlier items are variables for the later ones, as Ansible updates the
    // task's variables after each item (`names: "{{ names | default([]) + [item] }}"`)
    if (!facts_so_far.empty()) scope.push_owned(Value(facts_so_far));
    Map loop_layer;
    loop_layer.set(loop_var, items[i]);
    loop_layer.set("ansible_loop_var", loop_var);
    if (!index_var.empty()) loop_layer.set(index_var, static_cast<std::int64_t>(i));
    Value extended;
    if (m_task.loop_control.get_truthy("extended")) {
      extended = loop_info(items, i, m_task.loop_control.get_truthy("extended_allitems", true));
      loop_layer.set("ansible_loop", extended);
    }
    scope.push_owned(Value(std::move(loop_layer)));
    tmpl::Templar templar(scope, template_options());
    Value r;
    try {
      r = conditions_hold(templar) ? run_with_retries(scope, templar) : skipped_result();
    } catch (const TaskError& e) {
      r = failed_result(e.what());
    } catch (const transport::RunnerTimeout&) {
      r = timeout_result();
    } catch (const tmpl::TemplateError& e) {
      r = failed_result(task_error(m_task, k_undefined_option, e));
    }
    Map& m = r.mutable_map();
    m.set(loop_var, items[i]);
    m.set("ansible_loop_var", loop_var);
    if (!index_var.empty()) m.set("ansible_index_var", index_var), m.set(index_var, static_cast<std::int64_t>(i));
    if (!extended.is_null()) m.set("ansible_loop", extended);
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
    return templar.query(m_task.loop_lookup, terms);
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

bool is_dynamic_include(std::string_view action) { return is_include_tasks(action) || action == "include_role"; }

bool is_include_tasks(std::string_view action) { return action == "include_tasks" || action == "include"; }

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

Value reevaluate_when(const TaskRun& run, Value result) {
  Executor e(run);
  return e.reevaluate_when(std::move(result));
}

// A task that starts after Ctrl-C runs nothing; one that was running when it came (its runner
// stopped: Interrupted) or that finished after it is not reported: Ansible shows neither.
TaskOutcome execute_task(const TaskRun& run) {
  TaskOutcome o;
  o.host = run.host->name;
  o.interrupted = true;
  if (g_interrupted) return o;
  try {
    Executor e(run);
    o = e.execute();
  } catch (const Interrupted&) {
    o.interrupted = true;
  }
  if (g_interrupted) o.interrupted = true;
  return o;
}

}  // namespace drover::exec
