#include "core/exec/play_executor.hpp"

#include <algorithm>

#include "core/exec/keywords.hpp"
#include "core/playbook/block_inheritance.hpp"
#include "core/vars/scope.hpp"

namespace drover::exec {

using output::Status;

PlayExecutor::PlayExecutor(PlayContext& ctx, output::EventBus& bus, WorkerPool<TaskOutcome>& pool,
                           HostVars& hostvars, std::vector<HostState*> hosts)
    : m_ctx(ctx), m_bus(bus), m_pool(pool), m_hostvars(hostvars), m_hosts(std::move(hosts)) {
  m_setup_task.name = "Gathering Facts";
  m_setup_task.action = "setup";
  m_setup_task.where = ctx.play->where;
  m_handlers.assign(ctx.play->handlers.begin(), ctx.play->handlers.end());
  m_role_uses = ctx.play->role_uses;
  m_ctx.role_defaults = ctx.play->role_defaults;
  m_ctx.role_vars = ctx.play->role_vars;
}

void PlayExecutor::run() {
  const playbook::Play& play = *m_ctx.play;
  bool gather = m_ctx.options->gather_facts_default;
  try {
    gather = play_keyword_bool("gather_facts", play.gather_facts, gather);
  } catch (const tmpl::TemplateError& e) {
    throw SourceError(play.where, e.what(), "gather_facts takes a boolean", ExitCode::error);
  }
  if (gather) gather_facts();
  for (const auto* section : {&play.pre_tasks, &play.tasks, &play.post_tasks}) {
    if (m_end_play) break;
    run_section(*section);
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
  Frame play_frame;
  play_frame.tags = m_ctx.play->tags;  // a play's tags are every task's (and import_playbook's)
  run_list(tasks, play_frame);
  flush_handlers();
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
  const auto& only = m_ctx.options->tags;
  const auto& skip = m_ctx.options->skip_tags;
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
    if (m_end_play) return;
    if (active_hosts().empty()) return;
    if (task.is_block()) {
      run_block(task, frame);
      continue;
    }
    std::vector<std::string> tags = frame.tags;
    tags.insert(tags.end(), task.tags.begin(), task.tags.end());
    if (!tags_selected(tags)) continue;
    run_task(task, frame, false, active_hosts());
  }
}

void PlayExecutor::run_block(const playbook::Task& block, const Frame& frame) {
  Frame inner = frame;
  inner.vars.push_back(&block.vars);
  inner.tags.insert(inner.tags.end(), block.tags.begin(), block.tags.end());
  std::vector<HostState*> entered = active_hosts();
  if (playbook::passes_keywords_down(block)) {
    // A block's `when`, `become`... apply to each of its tasks; copying them down keeps one path.
    run_block(playbook::with_keywords_pushed_down(block), frame);
    return;
  }
  Frame block_frame = inner;
  block_frame.in_rescuable_block = !block.rescue.empty() || frame.in_rescuable_block;
  run_list(block.block, block_frame);
  std::vector<HostState*> failed_here;
  for (HostState* h : entered)
    if (h->failed && !h->unreachable) failed_here.push_back(h);
  if (!block.rescue.empty() && !failed_here.empty()) {
    for (HostState* h : failed_here) h->failed = false;
    Frame rescue_frame = inner;
    // only the hosts that failed in the block run the rescue tasks
    std::vector<HostState*> others;
    for (HostState* h : active_hosts())
      if (std::find(failed_here.begin(), failed_here.end(), h) == failed_here.end()) others.push_back(h);
    for (HostState* h : others) m_ended_hosts.insert(h->name);
    run_list(block.rescue, rescue_frame);
    for (HostState* h : others) m_ended_hosts.erase(h->name);
  }
  if (!block.always.empty()) {
    // always runs for every host that entered the block, failed or not
    std::vector<HostState*> was_failed;
    for (HostState* h : entered)
      if (h->failed && !h->unreachable) {
        was_failed.push_back(h);
        h->failed = false;
      }
    run_list(block.always, inner);
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
  const std::string what = task.args.get_string("_raw_params");
  const bool per_host = what == "noop" || what == "end_host" || what == "flush_handlers" ||
                        what == "reset_connection" || what == "role_complete";
  for (HostState* h : hosts) {
    m_bus.on_task_start(info);
    m_pool.submit([run = TaskRun{&task, frame.vars, h, &m_ctx, is_handler, frame.include_vars}] { return execute_task(run); });
    TaskOutcome o = m_pool.next_result();
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

// Shows one host's outcome: its loop items, warnings, then the result.
void PlayExecutor::report(const TaskOutcome& o, const output::TaskInfo& info, const Frame& frame) {
  output::TaskInfo host_info = info;
  host_info.diff = o.diff;
  for (auto item : o.items) {
    item.task = host_info;
    m_bus.on_item_result(item);
  }
  for (const auto& w : o.warnings) m_bus.on_warning(w);
  output::HostResult hr{o.host, host_info, o.status, o.result, o.status == Status::failed && o.ignored};
  hr.rescued = o.status == Status::failed && !o.ignored && frame.in_rescuable_block;
  hr.ignore_unreachable = o.status == Status::unreachable && o.ignored;
  hr.delegated = !o.delegate_host.empty();
  hr.delegate_host = o.delegate_host;
  m_bus.on_host_result(hr);
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
  if (changed) result.mutable_map().set("changed", true);
  return changed;
}

}  // namespace

// add_host / group_by: the inventory changes on the controller, between tasks; the hosts'
// inventory variables (group_names, group vars) and the `groups` variable follow.
void PlayExecutor::change_inventory(TaskOutcome& o) {
  if (o.status == Status::failed || o.status == Status::unreachable || o.status == Status::skipped) return;
  inventory::Inventory& inv = *m_ctx.inventory;
  bool changed = false;
  if (Value* results = o.result.mutable_map().find("results"); results && results->is_list()) {
    List& items = results->mutable_list();
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (!change_inventory_with(inv, o.host, items[i])) continue;
      changed = true;
      if (i < o.items.size()) {
        o.items[i].result = items[i];
        o.items[i].status = Status::changed;
      }
    }
    if (changed) o.result.mutable_map().set("changed", true);
  } else {
    changed = change_inventory_with(inv, o.host, o.result);
  }
  if (!changed) return;
  o.status = Status::changed;
  m_ctx.magic.mutable_map().set("groups", inv.groups_var());
  for (HostState* h : m_hosts)
    if (h->host) h->inventory_vars = inv.host_vars(*h->host);
}

void PlayExecutor::run_task(const playbook::Task& task, const Frame& frame, bool is_handler,
                            const std::vector<HostState*>& hosts) {
  if (hosts.empty()) return;
  if (task.action == "meta") return run_meta_task(task, frame, is_handler, hosts);
  if (is_dynamic_include(task.action)) return run_include(task, frame, hosts);
  output::TaskInfo info = task_info(task, is_handler);
  m_bus.on_task_start(info);
  // run_once is read with the play's variables (Ansible templates it with the first host's)
  bool once = false;
  try {
    once = play_keyword_bool("run_once", task.run_once, false);
  } catch (const tmpl::TemplateError& e) {
    throw SourceError(task.where, e.what(), "run_once takes a boolean", ExitCode::error);
  }
  // add_host runs on the first host only, as Ansible's BYPASS_HOST_LOOP actions do (unlike
  // run_once, its result is not given to the other hosts)
  const bool bypass_host_loop = task.action == "add_host";
  std::vector<HostState*> targets = hosts;
  if (once || bypass_host_loop) targets.resize(1);
  for (HostState* h : targets) {
    TaskRun run{&task, frame.vars, h, &m_ctx, is_handler, frame.include_vars};
    m_pool.submit([run] { return execute_task(run); });
  }
  // Results are shown as they arrive, except for tasks that change the inventory: their
  // `changed` is known only once the inventory is changed, after every host has answered (the
  // workers read the inventory while they run).
  const bool changes_inventory = task.action == "add_host" || task.action == "group_by";
  std::vector<TaskOutcome> outcomes;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    outcomes.push_back(m_pool.next_result());
    if (!changes_inventory) report(outcomes.back(), info, frame);
  }
  if (changes_inventory) {
    for (auto& o : outcomes) change_inventory(o);
    for (const auto& o : outcomes) report(o, info, frame);
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
  if (m_flush_requested) flush_handlers();
  // hosts that failed inside a block with a rescue section are not gone: the rescue runs next
  if (!hosts_remaining() && !m_end_play && !frame.in_rescuable_block) m_bus.on_no_hosts_remaining();
}

void PlayExecutor::apply(const TaskOutcome& o, const playbook::Task& task, bool, const Frame& frame) {
  HostState* h = m_ctx.hosts->find(o.host);
  if (!h) return;
  if (o.status == Status::unreachable) {
    h->unreachable = !o.ignored;
    return;
  }
  if (o.new_facts.is_map()) {
    for (const auto& [k, v] : o.new_facts.as_map()) {
      std::string bare = k.rfind("ansible_", 0) == 0 ? k.substr(8) : k;
      h->facts.mutable_map().set(bare, v);
      h->injected_facts.mutable_map().set(k.rfind("ansible_", 0) == 0 ? k : "ansible_" + k, v);
    }
  }
  if (o.new_vars.is_map())
    for (const auto& [k, v] : o.new_vars.as_map()) h->runtime_vars.mutable_map().set(k, v);
  if (o.status == Status::failed && !o.ignored) {
    h->failed = true;
    // what the rescue section sees, as Ansible sets it (its "non-persistent facts": they stay
    // for the rest of the play)
    if (frame.in_rescuable_block) {
      Map failed_task{{"name", task.name}, {"action", task.action}, {"args", task.args}};
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
    case MetaAction::end_play: m_end_play = true; break;
    case MetaAction::end_host: m_ended_hosts.insert(h.name); break;
    case MetaAction::clear_facts:
      h.facts = Value::map();
      h.injected_facts = Value::map();
      break;
    case MetaAction::none:
    case MetaAction::noop:
    case MetaAction::refresh_inventory: break;
  }
}

void PlayExecutor::gather_facts() {
  auto hosts = active_hosts();
  if (hosts.empty()) return;
  run_task(m_setup_task, Frame{}, false, hosts);
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

void PlayExecutor::flush_handlers() {
  m_flush_requested = false;
  const bool was_flushing = m_flushing;
  m_flushing = true;
  // by index: a handler that runs include_role adds handlers to m_handlers
  for (std::size_t i = 0; i < m_handlers.size(); ++i) {
    const playbook::Task& handler = m_handlers[i];
    std::vector<HostState*> hosts;
    for (HostState* h : active_hosts())
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
