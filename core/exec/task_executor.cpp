#include "core/exec/task_executor.hpp"

#include <chrono>
#include <thread>

#include "core/secrets/redactor.hpp"
#include "core/value/json.hpp"
#include "core/vars/scope.hpp"
#include "plugins/action/action.hpp"
#include "plugins/connection/registry.hpp"  // until the target factory is injected

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

bool truthy_setting(tmpl::Templar& templar, const Value& v, bool fallback) {
  if (v.is_null()) return fallback;
  Value t = templar.template_value(v);
  if (t.is_string()) {
    const std::string& s = t.as_string();
    return s == "yes" || s == "true" || s == "True" || s == "on" || s == "1" || s == "y";
  }
  return t.truthy();
}

class Executor {
public:
  explicit Executor(const TaskRun& run)
      : m_run(run), m_task(*run.task), m_host(*run.host), m_play(*run.play),
        m_opts(*run.play->options) {
    build_scope();
  }

  TaskOutcome execute() {
    TaskOutcome out;
    out.host = m_host.name;
    tmpl::Templar templar(m_scope, template_options());
    try {
      if (!m_task.has_loop) {
        if (!conditions_hold(templar)) return finish(out, skipped_result());
        Value result = run_with_retries(templar);
        return finish(out, std::move(result));
      }
      return run_loop(templar, out);
    } catch (const connection::Unreachable& e) {
      Map m;
      m.set("changed", false);
      m.set("msg", e.what());
      m.set("unreachable", true);
      return finish(out, Value(std::move(m)));
    } catch (const tmpl::TemplateError& e) {
      return finish(out, failed_result(task_error(m_task, "The task includes an option with an undefined variable", e)));
    }
  }

private:
  const TaskRun& m_run;
  const playbook::Task& m_task;
  HostState& m_host;
  const PlayContext& m_play;
  const RunOptions& m_opts;
  vars::Scope m_scope;

  tmpl::TemplateOptions template_options() {
    tmpl::TemplateOptions o;
    o.search_paths = m_play.search_paths;
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

  // Precedence, lowest first (Ansible's order, for the levels drover has so far).
  void build_scope() {
    m_scope.push(m_host.inventory_vars);
    m_scope.push(m_host.injected_facts);
    Map facts_layer;
    facts_layer.set("ansible_facts", m_host.facts);
    m_scope.push_owned(Value(std::move(facts_layer)));
    m_scope.push(m_play.play_vars);
    for (const Value* v : m_run.block_vars) m_scope.push(*v);
    m_scope.push(m_task.vars);
    m_scope.push(m_host.runtime_vars);
    m_scope.push(m_play.magic);
    m_scope.push(m_opts.extra_vars);
  }

  Value skipped_result() {
    Map m;
    m.set("changed", false);
    m.set("skip_reason", "Conditional result was False");
    m.set("skipped", true);
    return Value(std::move(m));
  }

  bool conditions_hold(tmpl::Templar& templar) {
    for (const auto& cond : m_task.when) {
      bool ok;
      try {
        ok = templar.condition(cond);
      } catch (const tmpl::TemplateError& e) {
        throw tmpl::TemplateError("The conditional check '" + cond + "' failed. The error was: " + e.what());
      }
      if (!ok) return false;
    }
    return true;
  }

  Value run_with_retries(tmpl::Templar& templar) {
    if (m_task.until.empty()) return run_once(templar);
    int retries = 3, delay = 5;
    if (!m_task.retries.is_null()) retries = static_cast<int>(as_int(templar, m_task.retries, 3));
    if (!m_task.delay.is_null()) delay = static_cast<int>(as_int(templar, m_task.delay, 5));
    Value result;
    for (int attempt = 1;; ++attempt) {
      result = run_once(templar);
      result.mutable_map().set("attempts", attempt);
      if (status_of(result) == Status::unreachable) return result;
      if (until_holds(result)) return result;
      if (attempt > retries) {
        result.mutable_map().set("failed", true);
        return result;
      }
      std::this_thread::sleep_for(std::chrono::seconds(delay));
    }
  }

  std::int64_t as_int(tmpl::Templar& templar, const Value& v, std::int64_t fallback) {
    Value t = templar.template_value(v);
    if (t.is_int()) return t.as_int();
    if (t.is_string()) {
      try {
        return std::stoll(t.as_string());
      } catch (const std::exception&) {
      }
    }
    return fallback;
  }

  bool until_holds(const Value& result) {
    vars::Scope scope = result_scope(result);
    tmpl::Templar t(scope, template_options());
    for (const auto& cond : m_task.until)
      if (!t.condition(cond)) return false;
    return true;
  }

  // The task's scope plus the result under its register name (for until/changed_when/failed_when).
  vars::Scope result_scope(const Value& result) {
    vars::Scope scope = m_scope.derive();
    if (!m_task.register_var.empty()) {
      Map m;
      m.set(m_task.register_var, result);
      scope.push_owned(Value(std::move(m)));
    }
    return scope;
  }

  Value run_once(tmpl::Templar& templar) {
    const action::ActionRow* row = action::find_action(m_task.action);
    if (!row) return failed_result("couldn't resolve module/action '" + m_task.action + "'");
    Value args = remove_omitted(templar.template_value(m_task.args));
    if (!args.is_map()) return failed_result("the arguments of '" + m_task.action + "' must be a mapping");
    bool check = truthy_setting(templar, m_task.check_mode, m_opts.check);
    bool diff = truthy_setting(templar, m_task.diff, m_opts.diff);
    transport::ModuleCall base;
    base.check = check;
    base.diff = diff;
    base.become = become(templar);
    base.environment = environment(templar);
    HostState& exec_host = execution_host(templar);

    action::ActionContext ctx{m_task, args, templar, m_scope, check, diff, m_play.search_paths, {}, {}};
    ctx.result_types = m_opts.result_types;
    ctx.run_module = [&](const std::string& module, const Value& module_args) {
      transport::ModuleCall call = base;
      call.module = module;
      call.args = module_args;
      std::lock_guard lock(exec_host.target_mutex);
      return target_of(exec_host, templar).run(call);
    };
    ctx.run_raw = [&](const std::string& command) {
      std::lock_guard lock(exec_host.target_mutex);
      return target_of(exec_host, templar).raw(command, base.become);
    };
    Value result = row->fn(ctx);
    if (!result.is_map()) result = failed_result("the action returned no result");
    if (!result.find("changed")) result.mutable_map().set("changed", false);
    return apply_overrides(std::move(result));
  }

  // changed_when / failed_when, evaluated with the result registered.
  Value apply_overrides(Value result) {
    if (m_task.changed_when.empty() && m_task.failed_when.empty()) return result;
    if (status_of(result) == Status::unreachable) return result;
    vars::Scope scope = result_scope(result);
    tmpl::Templar t(scope, template_options());
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

  transport::Become become(tmpl::Templar& templar) {
    transport::Become b;
    const playbook::Play& play = *m_play.play;
    b.enabled = m_opts.become;
    b.method = m_opts.become_method;
    b.user = m_opts.become_user;
    if (!play.become.is_null()) b.enabled = truthy_setting(templar, play.become, b.enabled);
    if (!m_task.become.is_null()) b.enabled = truthy_setting(templar, m_task.become, b.enabled);
    auto text_setting = [&](const Value& v, std::string& out) {
      if (v.is_null()) return;
      Value t = templar.template_value(v);
      if (t.is_string()) out = t.as_string();
    };
    text_setting(play.become_user, b.user);
    text_setting(m_task.become_user, b.user);
    text_setting(play.become_method, b.method);
    text_setting(m_task.become_method, b.method);
    if (const Value* pw = m_scope.find("ansible_become_password")) {
      Value t = templar.template_value(*pw);
      if (t.is_string()) b.password = t.as_string();
    }
    return b;
  }

  Value environment(tmpl::Templar& templar) {
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

  HostState& execution_host(tmpl::Templar& templar) {
    if (m_task.delegate_to.empty()) return m_host;
    Value d = templar.template_value(Value(m_task.delegate_to));
    std::string name = d.is_string() ? d.as_string() : m_task.delegate_to;
    if (name == m_host.name) return m_host;
    return m_play.hosts->get(name);
  }

  // The host's Target, created on first use from its connection variables.
  transport::Target& target_of(HostState& host, tmpl::Templar& templar) {
    if (host.target) return *host.target;
    Value conn_vars = Value::map();
    const Value& source = &host == &m_host ? Value::map() : host.inventory_vars;
    static const char* k_keys[] = {
        "ansible_connection", "ansible_host", "ansible_port", "ansible_user",
        "ansible_ssh_host", "ansible_ssh_port", "ansible_ssh_user", "ansible_ssh_private_key_file",
        "ansible_private_key_file", "ansible_ssh_common_args", "ansible_ssh_extra_args",
        "ansible_password", "ansible_ssh_pass", "ansible_host_key_checking",
        "ansible_ssh_host_key_checking", "ansible_timeout"};
    for (const char* key : k_keys) {
      const Value* v = &host == &m_host ? m_scope.find(key) : source.find(key);
      if (v) conn_vars.mutable_map().set(key, templar.template_value(*v));
    }
    bool implicit_localhost = host.implicit_localhost;
    // precedence: host variable > play keyword > -c
    const std::string& fallback = m_play.play->connection.empty() ? m_opts.connection : m_play.play->connection;
    if (!fallback.empty() && !conn_vars.find("ansible_connection"))
      conn_vars.mutable_map().set("ansible_connection", fallback);
    if (!m_play.play->remote_user.empty() && !conn_vars.find("ansible_user") && !conn_vars.find("ansible_ssh_user"))
      conn_vars.mutable_map().set("ansible_user", m_play.play->remote_user);
    auto spec = connection::spec_from_vars(host.name, conn_vars, m_play.connection_defaults, implicit_localhost);
    for (const auto& w : spec.warnings) m_warnings.push_back(w);
    host.target = std::make_unique<transport::Target>(spec, connection::make_connection(spec), m_play.runner);
    return *host.target;
  }

  std::vector<std::string> m_warnings;  // to show once, with the result
  TaskOutcome& finish(TaskOutcome& out, Value result) {
    out.status = status_of(result);
    if (m_task.no_log.truthy()) result.mutable_map().set("_ansible_no_log", true);
    collect_updates(out, result);
    if (out.status == Status::failed) {
      tmpl::Templar templar(m_scope, template_options());
      try {
        out.ignored = truthy_setting(templar, m_task.ignore_errors,
                                     truthy_setting(templar, m_play.play->ignore_errors, false));
      } catch (const tmpl::TemplateError&) {
        out.ignored = false;
      }
    }
    secrets::Redactor::global().add_marked(result);
    out.result = std::move(result);
    out.warnings = m_warnings;
    return out;
  }

  void collect_updates(TaskOutcome& out, const Value& result) {
    if (out.status == Status::unreachable) return;
    Map vars;
    if (const Value* facts = result.find("ansible_facts"); facts && facts->is_map()) {
      if (m_task.action == "setup") out.new_facts = *facts;
      else
        for (const auto& [k, v] : facts->as_map()) vars.set(k, v);
    }
    if (!m_task.register_var.empty()) vars.set(m_task.register_var, result);
    if (!vars.empty()) out.new_vars = Value(std::move(vars));
    out.meta = result.get_string("_drover_meta");
  }

  // A looped task: one result per item under `results`, as Ansible aggregates them.
  TaskOutcome run_loop(tmpl::Templar& templar, TaskOutcome& out) {
    List items;
    try {
      items = loop_items(templar);
    } catch (const tmpl::TemplateError& e) {
      return finish(out, failed_result(task_error(m_task, "Error while resolving the loop", e)));
    }
    std::string loop_var = m_task.loop_control.get_string("loop_var", "item");
    std::string index_var = m_task.loop_control.get_string("index_var");
    const Value* label = m_task.loop_control.find("label");
    List results;
    bool any_changed = false, any_failed = false, all_skipped = !items.empty();
    Map facts_from_items;
    for (std::size_t i = 0; i < items.size(); ++i) {
      vars::Scope scope = m_scope.derive();
      // facts set by the earlier items are variables for the later ones, as Ansible updates the
      // task's variables after each item (`names: "{{ names | default([]) + [item] }}"`)
      if (!facts_from_items.empty()) scope.push_owned(Value(facts_from_items));
      Map loop_layer;
      loop_layer.set(loop_var, items[i]);
      loop_layer.set("ansible_loop_var", loop_var);
      if (!index_var.empty()) loop_layer.set(index_var, static_cast<std::int64_t>(i));
      if (m_task.loop_control.get_truthy("extended")) loop_layer.set("ansible_loop", loop_info(items, i));
      scope.push_owned(Value(std::move(loop_layer)));
      // run_once() and the actions read m_scope: it holds the item's scope for this item
      ScopeSwap swap(m_scope, scope);
      tmpl::Templar item_templar(m_scope, template_options());
      Value r;
      bool run = true;
      for (const auto& cond : m_task.when) {
        try {
          run = item_templar.condition(cond);
        } catch (const tmpl::TemplateError& e) {
          r = failed_result("The conditional check '" + cond + "' failed. The error was: " + e.what());
          run = false;
        }
        if (!run) break;
      }
      if (run) {
        try {
          r = run_with_retries(item_templar);
        } catch (const tmpl::TemplateError& e) {
          r = failed_result(task_error(m_task, "The task includes an option with an undefined variable", e));
        }
      } else if (r.is_null()) {
        r = skipped_result();
      }
      Map& m = r.mutable_map();
      m.set(loop_var, items[i]);
      m.set("ansible_loop_var", loop_var);
      if (!index_var.empty()) m.set("ansible_index_var", index_var), m.set(index_var, static_cast<std::int64_t>(i));
      if (label) m.set("_ansible_item_label", item_templar.template_value(*label));
      if (m_task.no_log.truthy()) m.set("_ansible_no_log", true);
      Status st = status_of(r);
      if (st == Status::unreachable) return finish(out, r);
      if (!m.find("changed")) m.set("changed", false);
      any_changed = any_changed || st == Status::changed;
      any_failed = any_failed || st == Status::failed;
      all_skipped = all_skipped && st == Status::skipped;
      if (const Value* f = r.find("ansible_facts"); f && f->is_map())
        for (const auto& [k, v] : f->as_map()) facts_from_items.set(k, v);
      secrets::Redactor::global().add_marked(r);
      out.items.push_back({m_host.name, {}, st, r});
      results.push_back(std::move(r));
    }
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
    if (!facts_from_items.empty()) agg.set("ansible_facts", Value(std::move(facts_from_items)));
    agg.set("results", Value(std::move(results)));
    return finish(out, Value(std::move(agg)));
  }

  // Lets run_once() see the per-item scope through m_scope for the length of an item.
  struct ScopeSwap {
    ScopeSwap(vars::Scope& a, vars::Scope& b) : m_a(a), m_b(b) { std::swap(m_a, m_b); }
    ~ScopeSwap() { std::swap(m_a, m_b); }
    vars::Scope& m_a;
    vars::Scope& m_b;
  };

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
    List term_list = terms.is_list() ? terms.as_list() : List{terms};
    if (m_task.loop_lookup == "items") {
      List flat;
      for (const auto& t : term_list) {
        if (t.is_list())
          for (const auto& x : t.as_list()) flat.push_back(x);
        else
          flat.push_back(t);
      }
      return flat;
    }
    for (const auto& row : m_play.lookups) {
      if (row.name != m_task.loop_lookup) continue;
      tmpl::LookupContext ctx;
      ctx.search_paths = m_play.search_paths;
      ctx.render = [&templar](const std::string& src) { return templar.render(src); };
      ctx.variable = [this](std::string_view name) { return m_scope.find(name); };
      ctx.variable_names = [this] { return m_scope.names(); };
      const inventory::Inventory* inv = m_play.inventory;
      ctx.inventory_hostnames = [inv](const std::string& pattern) {
        std::vector<std::string> names;
        for (const auto* h : inv->select(pattern)) names.push_back(h->name);
        return names;
      };
      return row.fn(term_list, Map{}, ctx);
    }
    throw tmpl::TemplateError("lookup plugin (" + m_task.loop_lookup + ") not found");
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

TaskOutcome execute_task(const TaskRun& run) {
  Executor e(run);
  return e.execute();
}

}  // namespace drover::exec
