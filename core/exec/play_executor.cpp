#include "core/exec/play_executor.hpp"

#include <fnmatch.h>

#include <algorithm>

#include "core/exec/keywords.hpp"
#include "core/playbook/block_inheritance.hpp"
#include "core/playbook/serial.hpp"
#include "core/vars/scope.hpp"

namespace drover::exec {

using output::Status;

PlayExecutor::PlayExecutor(PlayContext& ctx, output::EventBus& bus, WorkerPool<TaskOutcome>& pool,
                           HostVars& hostvars, std::vector<HostState*> hosts)
    : m_ctx(ctx), m_bus(bus), m_pool(pool), m_hostvars(hostvars), m_hosts(std::move(hosts)) {
  m_setup_task.name = "Gathering Facts";
  m_setup_task.action = "setup";
  m_setup_task.where = ctx.play->where;
  // the play's gather_subset, gather_timeout and fact_path, else the configuration's
  Map setup_args;
  if (!ctx.play->gather_subset.is_null()) setup_args.set("gather_subset", ctx.play->gather_subset);
  else if (!ctx.options->gather_subset.empty())
    setup_args.set("gather_subset", Value(List(ctx.options->gather_subset.begin(), ctx.options->gather_subset.end())));
  setup_args.set("gather_timeout", ctx.play->gather_timeout.is_null() ? Value(ctx.options->gather_timeout)
                                                                       : ctx.play->gather_timeout);
  if (!ctx.play->fact_path.is_null()) setup_args.set("fact_path", ctx.play->fact_path);
  m_setup_task.args = Value(std::move(setup_args));
  m_handlers.assign(ctx.play->handlers.begin(), ctx.play->handlers.end());
  m_role_uses = ctx.play->role_uses;
  m_ctx.role_defaults = ctx.play->role_defaults;
  m_ctx.role_vars = ctx.play->role_vars;
}

void PlayExecutor::run() {
  const playbook::Play& play = *m_ctx.play;
  m_force_handlers = force_handlers();
  refresh_play_hosts();
  // --start-at-task: Ansible walks every host past a play that lacks the task (nothing runs, not
  // even fact gathering); the play that has it gathers facts and starts there.
  if (m_ctx.start_at && m_ctx.start_at->pending() && !play_has_start_at_task()) return;
  if (gathers_facts()) gather_facts();
  for (const auto* section : {&play.pre_tasks, &play.tasks, &play.post_tasks}) {
    if (m_end_play) break;
    run_section(*section);
  }
}

// Ansible's gathering setting: implicit gathers unless the play says `gather_facts: false`,
// explicit only when it says true; smart as implicit, per host (needs_facts).
bool PlayExecutor::gathers_facts() const {
  const playbook::Play& play = *m_ctx.play;
  try {
    return play_keyword_bool("gather_facts", play.gather_facts, m_ctx.options->gathering != "explicit");
  } catch (const tmpl::TemplateError& e) {
    throw SourceError(play.where, e.what(), "gather_facts takes a boolean", ExitCode::error);
  }
}

bool PlayExecutor::play_keyword_bool(std::string_view name, const Value& value, bool fallback) const {
  if (value.is_null()) return fallback;
  vars::Scope scope = play_scope();
  tmpl::Templar t(scope, tmpl::TemplateOptions{.result_types = m_ctx.options->result_types});
  return bool_keyword(t, name, value, fallback);
}

vars::Scope PlayExecutor::role_scope(const playbook::Role& role) const {
  vars::Scope scope;
  scope.push(m_ctx.role_defaults);
  scope.push(role.defaults_layer);
  scope.push(m_ctx.play_vars);
  scope.push(m_ctx.role_vars);
  scope.push(role.vars_layer);
  scope.push(role.params_layer);
  scope.push(m_ctx.magic);
  scope.push(role.magic);
  scope.push(m_ctx.options->extra_vars);
  return scope;
}

vars::Scope PlayExecutor::play_scope() const {
  vars::Scope scope;
  scope.push(m_ctx.play_vars);
  scope.push(m_ctx.magic);
  scope.push(m_ctx.options->extra_vars);
  return scope;
}

void PlayExecutor::run_section(const std::vector<playbook::Task>& tasks) {
  if (tasks.empty()) return;
  m_failed_in_section.clear();
  run_list(tasks, section_frame());
  flush_handlers(FlushPoint::section_end);
}

std::vector<HostState*> PlayExecutor::active_hosts() const {
  std::vector<HostState*> out;
  for (HostState* h : m_hosts)
    if (!h->failed && !h->unreachable && !m_ended_hosts.count(h->name) && !m_outside_inclusion.count(h->name))
      out.push_back(h);
  return out;
}

bool PlayExecutor::hosts_remaining() const {
  return std::any_of(m_hosts.begin(), m_hosts.end(), [&](const HostState* h) {
    return !h->failed && !h->unreachable && !m_ended_hosts.count(h->name);
  });
}

bool PlayExecutor::tags_selected(const std::vector<std::string>& tags) const {
  return exec::tags_selected(tags, m_ctx.options->tags, m_ctx.options->skip_tags);
}

bool tags_selected(const std::vector<std::string>& tags, const std::vector<std::string>& only,
                   const std::vector<std::string>& skip) {
  auto has = [&](const std::vector<std::string>& list, const std::string& t) {
    return std::find(list.begin(), list.end(), t) != list.end();
  };
  for (const auto& t : tags)
    if (has(skip, t) || (has(skip, "tagged") && !tags.empty())) return false;
  if (has(skip, "untagged") && tags.empty()) return false;
  bool never = has(tags, "never");
  if (only.empty() || has(only, "all")) {
    if (!never) return true;
  }
  if (has(tags, "always") && !has(skip, "always")) return true;
  if (has(only, "tagged") && !tags.empty() && !never) return true;
  if (has(only, "untagged") && tags.empty()) return true;
  for (const auto& t : tags)
    if (has(only, t)) return true;
  return false;
}

void PlayExecutor::run_list(const std::vector<playbook::Task>& tasks, const Frame& frame) {
  for (const auto& task : tasks) {
    if (g_interrupted) throw RunInterrupted{};
    if (m_end_play) return;
    if (active_hosts().empty()) return;
    if (task.is_block()) {
      run_block(task, frame);
      continue;
    }
    std::vector<std::string> tags = frame.tags;
    tags.insert(tags.end(), task.tags.begin(), task.tags.end());
    if (!tags_selected(tags)) continue;
    if (skipped_by_start_at(task)) continue;
    run_task(task, frame, false, active_hosts());
  }
}

void PlayExecutor::run_block(const playbook::Task& block, const Frame& frame) {
  Frame inner = frame;
  inner.vars.push_back(&block.vars);
  inner.tags.insert(inner.tags.end(), block.tags.begin(), block.tags.end());
  if (!block.any_errors_fatal.is_null()) inner.any_errors_fatal = block.any_errors_fatal;
  if (!block.throttle.is_null()) inner.throttle = block.throttle;
  std::vector<HostState*> entered = active_hosts();
  if (playbook::passes_keywords_down(block)) {
    // A block's `when`, `become`... apply to each of its tasks; copying them down keeps one path.
    run_block(playbook::with_keywords_pushed_down(block), frame);
    return;
  }
  inner.block_has_always = !block.always.empty();
  inner.in_always_block = frame.in_always_block || inner.block_has_always;
  Frame block_frame = inner;
  block_frame.in_rescuable_block = !block.rescue.empty() || frame.in_rescuable_block;
  run_list(block.block, block_frame);
  if (m_end_play) return;  // end_play, any_errors_fatal, max_fail_percentage: no rescue, no always
  std::vector<HostState*> failed_here;
  for (HostState* h : entered)
    if (h->failed && !h->unreachable) failed_here.push_back(h);
  if (!block.rescue.empty() && !failed_here.empty()) {
    for (HostState* h : failed_here) h->failed = false;
    refresh_play_hosts();  // rescued hosts are play hosts again
    Frame rescue_frame = inner;
    rescue_frame.section = BlockSection::rescue;
    // only the hosts that failed in the block run the rescue tasks
    std::vector<HostState*> others;
    for (HostState* h : active_hosts())
      if (std::find(failed_here.begin(), failed_here.end(), h) == failed_here.end()) others.push_back(h);
    for (HostState* h : others) m_ended_hosts.insert(h->name);
    run_list(block.rescue, rescue_frame);
    for (HostState* h : others) m_ended_hosts.erase(h->name);
    if (m_end_play) return;
  }
  if (!block.always.empty()) {
    // always runs for every host that entered the block, failed or not
    std::vector<HostState*> was_failed;
    for (HostState* h : entered)
      if (h->failed && !h->unreachable) {
        was_failed.push_back(h);
        h->failed = false;
      }
    Frame always_frame = inner;
    always_frame.section = BlockSection::always;
    // a failure in always leaves the block failed: only enclosing blocks' always sections follow
    always_frame.block_has_always = false;
    always_frame.in_always_block = frame.in_always_block;
    run_list(block.always, always_frame);
    for (HostState* h : was_failed) h->failed = true;
  }
}

std::string PlayExecutor::templated_name(const playbook::Task& task) const {
  std::string name = task.display_name();
  if (name.find("{{") == std::string::npos) return name;
  vars::Scope scope = task.role ? role_scope(*task.role) : play_scope();
  for (const Value* layer : m_include_layers) scope.push(*layer);
  try {
    tmpl::Templar t(scope, tmpl::TemplateOptions{.result_types = m_ctx.options->result_types, .lookups = m_ctx.lookups});
    Value v = t.template_value(Value(name));
    return v.is_string() ? v.as_string() : name;
  } catch (const tmpl::TemplateError&) {
    return name;  // names may use host variables; Ansible then shows them as written
  }
}

std::string PlayExecutor::banner_name(const playbook::Task& task) const {
  // IncludeRole.get_name: its name, else "include_role : <role>", never with the role prefix
  if (task.action == "include_role" || task.action == "import_role")
    return task.name.empty() ? task.action + " : " + task.args.get_string("name", task.args.get_string("role"))
                             : templated_name(task);
  return task.banner_name(templated_name(task));
}

output::TaskInfo PlayExecutor::task_info(const playbook::Task& task, bool is_handler) const {
  output::TaskInfo info;
  info.name = banner_name(task);
  info.action = task.action;
  info.identity = &task;
  info.path = task.where.known() ? task.where.file + ":" + std::to_string(task.where.line) : "";
  info.is_handler = is_handler || m_flushing;
  info.args = task.args;
  info.loop = task.has_loop;
  return info;
}

// Ansible runs `meta` in the strategy, host by host: a banner for each host it runs for, no
// result shown unless its `when` was false (then "skipping", not counted in the recap), and only
// the first host for the metas that act on the whole play (end_play, clear_facts, ...).
void PlayExecutor::run_meta_task(const playbook::Task& task, const Frame& frame, bool is_handler,
                                 const std::vector<HostState*>& hosts) {
  const output::TaskInfo info = task_info(task, is_handler);
  const std::optional<action::MetaAction> meta = action::meta_action_named(task.args.get_string("_raw_params"));
  const bool per_host = meta && action::runs_per_host(*meta);
  const playbook::Task* run_task = &task;
  playbook::Task unconditional;
  const bool ignores_when = meta && !action::meta_supports_when(*meta) && !task.when.empty();
  if (ignores_when) {  // Ansible warns (after the banner) and runs them anyway
    unconditional = task;
    unconditional.when.clear();
    run_task = &unconditional;
  }
  for (HostState* h : hosts) {
    m_bus.on_task_start(info);
    if (ignores_when) warn_once(task.args.get_string("_raw_params") + " task does not support when conditional");
    m_pool.submit([run = TaskRun{run_task, frame.vars, h, &m_ctx, is_handler, frame.include_vars}] { return execute_task(run); });
    TaskOutcome o = next_outcome(m_pool);
    if (o.status != Status::ok && o.status != Status::changed) {
      output::HostResult hr{o.host, info, o.status, o.result};
      hr.counted = o.status != Status::skipped;
      m_bus.on_host_result(hr);
    }
    apply(o, task, is_handler, frame);
    if (!per_host) break;
  }
  m_hostvars.invalidate();
  if (m_flush_requested) flush_handlers();
}

namespace {

std::vector<std::string> strings_of(const Value& list) {
  std::vector<std::string> out;
  if (list.is_list())
    for (const Value& v : list.as_list())
      if (v.is_string()) out.push_back(v.as_string());
  return out;
}

// Applies one add_host / group_by result to the inventory; marks it changed when it changed it.
bool change_inventory_with(inventory::Inventory& inv, const std::string& host, Value& result) {
  bool changed = false;
  if (const Value* add = result.find("add_host"); add && add->is_map())
    changed = inv.add_dynamic_host(add->get_string("host_name"), strings_of(add->get("groups")), add->get("host_vars"));
  else if (const Value* group = result.find("add_group"); group && group->is_string())
    changed = inv.add_dynamic_group(host, group->as_string(), strings_of(result.get("parent_groups")));
  else
    return false;
  result.mutable_map().set("changed", changed);  // as Ansible's add_dynamic_host/_group set it
  return changed;
}

}  // namespace

// add_host / group_by: the inventory changes on the controller, between tasks; the hosts'
// inventory variables (group_names, group vars) and the `groups` variable follow.
void PlayExecutor::change_inventory(TaskOutcome& o, const TaskRun& run) {
  if (o.status == Status::failed || o.status == Status::unreachable || o.status == Status::skipped) return;
  inventory::Inventory& inv = *m_ctx.inventory;
  const playbook::Task& task = *run.task;
  const bool rewhen = !task.changed_when.empty() || !task.failed_when.empty();
  bool changed = false;
  if (Value* results = o.result.mutable_map().find("results"); results && results->is_list()) {
    List& items = results->mutable_list();
    for (std::size_t i = 0; i < items.size(); ++i) {
      const bool item_changed = change_inventory_with(inv, o.host, items[i]);
      changed = changed || item_changed;
      if (!item_changed && !rewhen) continue;
      // Ansible's post_process_whens: changed_when/failed_when again, now that `changed` is known
      if (rewhen) items[i] = reevaluate_when(run, std::move(items[i]));
      if (i < o.items.size()) {
        o.items[i].result = items[i];
        o.items[i].status = status_of(items[i]);
      }
    }
    for (const Value& item : items) {
      if (item.get_truthy("changed")) o.result.mutable_map().set("changed", true);
      if (item.get_truthy("failed")) o.result.mutable_map().set("failed", true);
    }
  } else {
    changed = change_inventory_with(inv, o.host, o.result);
    if (rewhen) o.result = reevaluate_when(run, std::move(o.result));
  }
  o.status = status_of(o.result);
  // the registered result says `changed` too, as Ansible registers it after the change
  if (!task.register_var.empty() && o.new_vars.is_map() && o.new_vars.find(task.register_var))
    o.new_vars.mutable_map().set(task.register_var, o.result);
  if (!changed) return;
  m_ctx.magic.mutable_map().set("groups", inv.groups_var());
  for (HostState* h : m_hosts)
    if (h->host) h->inventory_vars = inv.host_vars(*h->host);
}

void PlayExecutor::run_task(const playbook::Task& task, const Frame& frame, bool is_handler,
                            const std::vector<HostState*>& hosts) {
  if (hosts.empty()) return;
  if (g_interrupted) throw RunInterrupted{};
  if (task.action == "meta") return run_meta_task(task, frame, is_handler, hosts);
  if (is_dynamic_include(task.action)) return run_include(task, frame, hosts);
  if (!step_allows(task, is_handler)) return;
  output::TaskInfo info = task_info(task, is_handler);
  m_bus.on_task_start(info);
  // run_once is read with the play's variables (Ansible templates it with the first host's)
  bool once = false;
  try {
    once = play_keyword_bool("run_once", task.run_once, false);
  } catch (const tmpl::TemplateError& e) {
    throw SourceError(task.where, e.what(), "run_once takes a boolean", ExitCode::error);
  }
  // add_host and pause run on the first host only, as Ansible's BYPASS_HOST_LOOP actions do
  // (unlike run_once, their result is not given to the other hosts)
  const bool bypass_host_loop = task.action == "add_host" || task.action == "pause";
  std::vector<HostState*> targets = hosts;
  if (once || bypass_host_loop) targets.resize(1);
  // throttle: at most `limit` of this task's hosts run at once; each result lets the next one in
  const std::size_t limit = throttle_for(task, frame);
  std::size_t submitted = 0;
  auto submit_next = [&] {
    TaskRun run{&task, frame.vars, targets[submitted++], &m_ctx, is_handler, frame.include_vars};
    m_pool.submit([run] { return execute_task(run); });
  };
  while (submitted < targets.size() && (limit == 0 || submitted < limit)) submit_next();
  // Results are shown as they arrive, except for tasks that change the inventory: their
  // `changed` is known only once the inventory is changed, after every host has answered (the
  // workers read the inventory while they run).
  const bool changes_inventory = task.action == "add_host" || task.action == "group_by";
  std::vector<TaskOutcome> outcomes;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    TaskOutcome o = next_outcome(m_pool);
    if (submitted < targets.size()) submit_next();
    if (!changes_inventory) emit_outcome(o, info, frame);
    outcomes.push_back(std::move(o));
  }
  if (changes_inventory) {
    for (auto& o : outcomes) {
      HostState* h = m_ctx.hosts->find(o.host);
      change_inventory(o, TaskRun{&task, frame.vars, h, &m_ctx, is_handler, frame.include_vars});
    }
    for (auto& o : outcomes) emit_outcome(o, info, frame);
  }
  if (once) {
    // run_once: the one result stands for every host of the batch
    for (std::size_t i = 1; i < hosts.size(); ++i) {
      TaskOutcome copy = outcomes.front();
      copy.host = hosts[i]->name;
      outcomes.push_back(std::move(copy));
    }
  }
  for (const auto& o : outcomes) apply(o, task, is_handler, frame);
  m_hostvars.invalidate();
  refresh_play_hosts();
  check_any_errors_fatal(task, frame, once, outcomes);
  if (!m_end_play) check_max_fail_percentage();
  if (m_flush_requested) flush_handlers();
  // Ansible 2.14's linear strategy says "NO MORE HOSTS LEFT" only when a failure limit ends the
  // play (check_any_errors_fatal, check_max_fail_percentage), not when every host has failed.
}

// Shows one host's outcome: its loop items, warnings, then the result.
void PlayExecutor::emit_outcome(TaskOutcome& o, const output::TaskInfo& info, const Frame& frame) {
  output::TaskInfo host_info = info;
  host_info.diff = o.diff;
  for (const auto& async : o.async_events) m_bus.on_async(async);
  auto retry = o.retries.begin();
  auto retries_before = [&](std::size_t item) {
    for (; retry != o.retries.end() && retry->before_item <= item; ++retry) m_bus.on_retry(retry->retry);
  };
  for (std::size_t i = 0; i < o.items.size(); ++i) {
    retries_before(i);
    o.items[i].task = host_info;
    m_bus.on_item_result(o.items[i]);
  }
  retries_before(o.items.size());
  for (const auto& w : o.warnings) m_bus.on_warning(w);
  output::HostResult hr{o.host, host_info, o.status, o.result, o.status == Status::failed && o.ignored};
  hr.rescued = o.status == Status::failed && !o.ignored && frame.in_rescuable_block;
  hr.ignore_unreachable = o.status == Status::unreachable && o.ignored;
  hr.delegated = !o.delegate_host.empty();
  hr.delegate_host = o.delegate_host;
  m_bus.on_host_result(hr);
}

void PlayExecutor::apply(const TaskOutcome& o, const playbook::Task& task, bool, const Frame& frame) {
  HostState* h = m_ctx.hosts->find(o.host);
  if (!h) return;
  if (o.status == Status::unreachable) {
    h->unreachable = !o.ignored;
    return;
  }
  // delegate_facts: the facts (gathered or set) belong to the delegated host; the registered
  // result stays with this one
  HostState* facts_to = o.facts_host.empty() ? h : &m_ctx.hosts->get(o.facts_host);
  if (o.new_facts.is_map()) {
    Value facts = o.new_facts;
    // Ansible's gather_facts action marks the facts as gathered (`gathering = smart` reads it)
    if (&task == &m_setup_task) facts.mutable_map().set("_ansible_facts_gathered", true);
    add_facts(*facts_to, facts);
    for (const auto& [k, v] : facts.as_map()) facts_to->cached_facts.mutable_map().set(k, v);
    store_cached_facts(*facts_to);
  }
  if (o.new_included_vars.is_map())
    for (const auto& [k, v] : o.new_included_vars.as_map()) facts_to->included_vars.mutable_map().set(k, v);
  if (o.new_vars.is_map())
    for (const auto& [k, v] : o.new_vars.as_map())
      (k == task.register_var ? h : facts_to)->runtime_vars.mutable_map().set(k, v);
  if (o.status == Status::failed && !o.ignored) {
    h->failed = true;
    m_failed_in_section.insert(h);
    if (!frame.in_rescuable_block && !frame.in_always_block) m_failed_for_limit.insert(h);
    // what the rescue section sees, as Ansible sets it (its "non-persistent facts": they stay
    // for the rest of the play)
    if (frame.in_rescuable_block) {
      // unsafe, as Ansible wraps it: its arguments are what the task said, never templated again
      Map failed_task{{"name", task.name}, {"action", task.action}, {"args", tmpl::Templar::wrap_unsafe(task.args)}};
      failed_task.set("tags", Value(List(task.tags.begin(), task.tags.end())));
      Map& vars = h->runtime_vars.mutable_map();
      vars.set("ansible_failed_task", Value(std::move(failed_task)));
      vars.set("ansible_failed_result", o.result);
    }
  }
  if (o.status == Status::changed || (o.status != Status::failed && o.result.get_truthy("changed")))
    for (const auto& n : task.notify) notify(*h, n);
  apply_meta(o.meta, *h);
}

void PlayExecutor::apply_meta(action::MetaAction meta, HostState& h) {
  using action::MetaAction;
  switch (meta) {
    case MetaAction::flush_handlers: m_flush_requested = true; break;
    case MetaAction::end_play:
      m_end_play = true;
      if (m_end == PlayEnd::completed) m_end = PlayEnd::ended;
      break;
    case MetaAction::end_batch: m_end_play = true; break;  // this batch only; the next one runs
    case MetaAction::end_host: m_ended_hosts.insert(h.name); break;
    case MetaAction::clear_facts:
      h.facts = Value::map();
      h.injected_facts = Value::map();
      h.cached_facts = Value::map();
      if (m_ctx.fact_cache) m_ctx.fact_cache->remove(h.name);
      break;
    case MetaAction::clear_host_errors: clear_host_errors(); break;
    case MetaAction::reset_connection:
      for (const auto& spec : h.close_targets())
        if (spec.connection == "local") warn_once("Reset is not implemented for this connection");  // as Ansible's local plugin
      break;
    case MetaAction::refresh_inventory: refresh_inventory(); break;
    case MetaAction::none:
    case MetaAction::noop: break;
  }
}

// Ansible's clear_host_errors: every host of the play is no longer failed or unreachable. A
// host that failed stays out of this play (its iterator is done) and of ansible_play_hosts, but
// runs the later plays, and the run's exit code no longer counts it; an unreachable one goes on
// with the next task.
void PlayExecutor::clear_host_errors() {
  for (HostState* h : m_ctx.play_hosts_all) {
    if (h->failed) {
      h->failed = false;
      m_ended_hosts.insert(h->name);
      m_cleared_hosts.insert(h->name);
    }
    h->unreachable = false;
    h->errors_cleared = true;
  }
  refresh_play_hosts();
}

// Ansible's refresh_inventory: the sources are read again; hosts and groups that add_host and
// group_by made stay. The hosts' inventory variables and `groups` follow.
void PlayExecutor::refresh_inventory() {
  if (!m_ctx.refresh_inventory) return;
  m_ctx.refresh_inventory();
  m_ctx.magic.mutable_map().set("groups", m_ctx.inventory->groups_var());
}

void PlayExecutor::warn_once(const std::string& message) {
  if (m_warned.insert(message).second) m_bus.on_warning(message);
}

void PlayExecutor::gather_facts() {
  std::vector<HostState*> hosts;
  for (HostState* h : active_hosts())
    if (needs_facts(*h)) hosts.push_back(h);
  if (hosts.empty()) return;
  run_task(m_setup_task, Frame{}, false, hosts);
}

// `gathering = smart` gathers only for hosts whose (cached) facts were not gathered yet.
bool PlayExecutor::needs_facts(const HostState& host) const {
  return m_ctx.options->gathering != "smart" || !host.cached_facts.get_truthy("_ansible_facts_gathered");
}

void PlayExecutor::store_cached_facts(const HostState& host) {
  if (!m_ctx.fact_cache) return;
  for (const auto& w : m_ctx.fact_cache->store(host.name, host.cached_facts)) m_bus.on_warning(w);
}

void PlayExecutor::notify(HostState& host, const std::string& name) {
  host.notified.insert(name);
  std::set<const playbook::Task*>& mine = m_notified[host.name];
  for (auto it = m_handlers.rbegin(); it != m_handlers.rend(); ++it) {
    const bool named = it->name == name || (it->role && it->role->name + " : " + it->name == name);
    if (named && !it->name.empty()) {
      mine.insert(&*it);
      break;
    }
  }
  for (const auto& handler : m_handlers)
    if (std::find(handler.listen.begin(), handler.listen.end(), name) != handler.listen.end()) mine.insert(&handler);
}

void PlayExecutor::flush_handlers(FlushPoint point) {
  m_flush_requested = false;
  if (m_end_play) return;  // Ansible's end_play and failure limits leave notified handlers unrun
  // force_handlers: the hosts that failed in this section run their handlers too (Ansible wraps
  // each section in a block whose `always` flushes); one that fails in a handler runs no more.
  std::vector<HostState*> forced;
  if (point == FlushPoint::section_end && m_force_handlers)
    for (HostState* h : m_hosts)
      if (h->failed && !h->unreachable && m_failed_in_section.count(h)) forced.push_back(h);
  m_failed_in_section.clear();
  const bool was_flushing = m_flushing;
  m_flushing = true;
  // by index: a handler that runs include_role adds handlers to m_handlers
  for (std::size_t i = 0; i < m_handlers.size(); ++i) {
    const playbook::Task& handler = m_handlers[i];
    std::vector<HostState*> hosts;
    std::vector<HostState*> candidates = active_hosts();
    for (HostState* h : forced)
      if (!m_failed_in_section.count(h)) candidates.push_back(h);
    if (!forced.empty()) std::stable_sort(candidates.begin(), candidates.end(), [this](HostState* a, HostState* b) {
      return std::find(m_hosts.begin(), m_hosts.end(), a) < std::find(m_hosts.begin(), m_hosts.end(), b);
    });
    for (HostState* h : candidates)
      if (m_notified[h->name].count(&handler)) hosts.push_back(h);
    if (hosts.empty()) continue;
    run_task(handler, Frame{}, true, hosts);
  }
  m_flushing = was_flushing;
  for (HostState* h : m_hosts) {
    h->notified.clear();
    m_notified.erase(h->name);
  }
}

}  // namespace drover::exec

namespace drover::exec {

bool PlayExecutor::any_errors_fatal_for(const playbook::Task& task, const Frame& frame) const {
  const Value& v = !task.any_errors_fatal.is_null()    ? task.any_errors_fatal
                   : !frame.any_errors_fatal.is_null() ? frame.any_errors_fatal
                                                       : m_ctx.play->any_errors_fatal;
  try {
    return play_keyword_bool("any_errors_fatal", v, false);
  } catch (const tmpl::TemplateError& e) {
    throw SourceError(task.where, e.what(), "any_errors_fatal takes a boolean", ExitCode::error);
  }
}

// Ansible's linear strategy: a task with any_errors_fatal (or run_once) on which a host failed
// for good or went unreachable fails every host of the batch; since no host is left, it says
// "NO MORE HOSTS LEFT" and the play ends at once — no always, no handlers — and so does the
// playbook. The other hosts' recap lines count nothing for it. "For good": the failure does not
// lead into a rescue (of any enclosing block) or into the always of the innermost block, which
// is what PlayIterator.is_failed() answers right after the task. (Ansible also spares hosts that
// are in a rescue or always section at that moment; in drover's lockstep those hosts are the ones
// running the task.)
void PlayExecutor::check_any_errors_fatal(const playbook::Task& task, const Frame& frame, bool once,
                                          const std::vector<TaskOutcome>& outcomes) {
  if (!once && !any_errors_fatal_for(task, frame)) return;
  const bool hit = std::any_of(outcomes.begin(), outcomes.end(), [&](const TaskOutcome& o) {
    if (o.ignored) return false;
    return o.status == Status::unreachable ||
           (o.status == Status::failed && !frame.in_rescuable_block && !frame.block_has_always);
  });
  if (!hit) return;
  m_bus.on_no_hosts_remaining();
  break_play();
}

// Ansible compares the hosts that failed in this batch (unreachable ones are not counted) with
// the batch's size: more than max_fail_percentage (strictly) fails the rest of the batch. Its
// linear strategy then announces "NO MORE HOSTS LEFT" twice (once for the percentage, once
// because every host is now failed) and the play and the playbook end.
void PlayExecutor::check_max_fail_percentage() {
  const Value& v = m_ctx.play->max_fail_percentage;
  if (v.is_null() || m_hosts.empty()) return;
  Value templated = v;
  try {
    vars::Scope scope = play_scope();
    tmpl::Templar t(scope, tmpl::TemplateOptions{.result_types = m_ctx.options->result_types, .lookups = m_ctx.lookups});
    templated = t.template_value(v);
  } catch (const tmpl::TemplateError& e) {
    throw SourceError(m_ctx.play->where, e.what(), "max_fail_percentage takes a percentage", ExitCode::error);
  }
  auto pct = playbook::percentage_value(templated);
  if (!pct)
    throw SourceError(m_ctx.play->where, "invalid max_fail_percentage value: it must be a percentage",
                      "write a number from 0 to 100, e.g. `max_fail_percentage: 30`", ExitCode::error);
  std::size_t failed = 0;
  for (const HostState* h : m_failed_for_limit)
    if (h->failed && !h->unreachable) ++failed;
  if (static_cast<double>(failed) / static_cast<double>(m_hosts.size()) <= *pct / 100.0) return;
  m_bus.on_no_hosts_remaining();
  m_bus.on_no_hosts_remaining();
  break_play();
}

PlayExecutor::Frame PlayExecutor::section_frame() const {
  Frame frame;
  frame.tags = m_ctx.play->tags;  // a play's tags are every task's (and import_playbook's)
  frame.block_has_always = frame.in_always_block = m_force_handlers;
  return frame;
}

// Ansible's _take_step: asked with the task's name as written, before its banner.
bool PlayExecutor::step_allows(const playbook::Task& task, bool is_handler, const std::string& host) {
  if (!m_ctx.step || !*m_ctx.step || m_step_continued) return true;
  std::string question = std::string(is_handler ? "HANDLER: " : "TASK: ") + task.display_name();
  if (!host.empty()) question += " on " + host;
  switch ((*m_ctx.step)(question)) {
    case StepAnswer::skip: return false;
    case StepAnswer::run: return true;
    case StepAnswer::run_all:
      m_step_continued = true;  // continue: no more questions in this play (its batch), as in Ansible
      return true;
  }
  return true;
}

void PlayExecutor::break_play() {
  m_end_play = true;
  m_end = PlayEnd::broken;
}

std::size_t PlayExecutor::throttle_for(const playbook::Task& task, const Frame& frame) const {
  const Value& v = !task.throttle.is_null()    ? task.throttle
                   : !frame.throttle.is_null() ? frame.throttle
                                               : m_ctx.play->throttle;
  if (v.is_null()) return 0;
  try {
    vars::Scope scope = play_scope();
    tmpl::Templar t(scope, tmpl::TemplateOptions{.result_types = m_ctx.options->result_types, .lookups = m_ctx.lookups});
    std::int64_t n = int_keyword(t, "throttle", v, 0);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  } catch (const tmpl::TemplateError& e) {
    throw SourceError(task.where, std::string("Failed to convert the throttle value to an integer. ") + e.what(),
                      "throttle takes a number of hosts, e.g. `throttle: 2`", ExitCode::error);
  }
}

bool PlayExecutor::force_handlers() const {
  try {
    return play_keyword_bool("force_handlers", m_ctx.play->force_handlers, m_ctx.options->force_handlers);
  } catch (const tmpl::TemplateError& e) {
    throw SourceError(m_ctx.play->where, e.what(), "force_handlers takes a boolean", ExitCode::error);
  }
}

// As Ansible's VariableManager computes them: ansible_play_hosts_all is every host the play
// matched (inventory order); ansible_play_hosts drops those that failed or went unreachable (in
// this play or an earlier one); ansible_play_batch (and play_hosts) is the current serial batch,
// without those either.
void PlayExecutor::refresh_play_hosts() {
  auto removed = [this](const HostState* h) { return h->failed || h->unreachable || m_cleared_hosts.count(h->name); };
  List all, remaining, batch;
  for (const HostState* h : m_ctx.play_hosts_all) {
    all.push_back(Value(h->name));
    if (!removed(h)) remaining.push_back(Value(h->name));
  }
  for (const HostState* h : m_hosts)
    if (!removed(h)) batch.push_back(Value(h->name));
  Map& m = m_ctx.magic.mutable_map();
  m.set("ansible_play_hosts_all", Value(std::move(all)));
  m.set("ansible_play_hosts", Value(std::move(remaining)));
  m.set("play_hosts", Value(batch));
  m.set("ansible_play_batch", Value(std::move(batch)));
}

// Python's fnmatch is case-sensitive on POSIX, as fnmatch(3) without flags is.
bool PlayExecutor::is_start_at_task(const playbook::Task& task, const std::string& pattern) {
  for (const std::string& name : {task.name, task.display_name()})
    if (name == pattern || (!name.empty() && ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0)) return true;
  return false;
}

bool PlayExecutor::skipped_by_start_at(const playbook::Task& task) {
  StartAt* start = m_ctx.start_at;
  if (!start || !start->pending()) return false;
  if (!is_start_at_task(task, start->pattern)) return true;
  start->found = true;
  return false;
}

bool PlayExecutor::play_has_start_at_task() const {
  const std::string& pattern = m_ctx.start_at->pattern;
  auto search = [&](const std::vector<playbook::Task>& tasks, std::vector<std::string> tags, auto&& self) -> bool {
    for (const auto& t : tasks) {
      std::vector<std::string> all = tags;
      all.insert(all.end(), t.tags.begin(), t.tags.end());
      if (t.is_block()) {
        if (self(t.block, all, self) || self(t.rescue, all, self) || self(t.always, all, self)) return true;
      } else if (tags_selected(all) && is_start_at_task(t, pattern)) {
        return true;
      }
    }
    return false;
  };
  const playbook::Play& play = *m_ctx.play;
  return search(play.pre_tasks, {}, search) || search(play.tasks, {}, search) || search(play.post_tasks, {}, search);
}

}  // namespace drover::exec
