#include "core/exec/free_strategy.hpp"

#include <algorithm>

namespace drover::exec {

using output::Status;

FreeStrategy::FreeStrategy(PlayContext& ctx, output::EventBus& bus, WorkerPool<TaskOutcome>& pool,
                           HostVars& hostvars, std::vector<HostState*> hosts, Pinning pinning)
    : PlayExecutor(ctx, bus, pool, hostvars, std::move(hosts)), m_pinning(pinning) {}

// Ansible's free strategy, round by round: each round offers every idle host (starting where the
// last round's search stopped) its next task, then takes the results that are in, waiting for
// at least one. A throttled task stops the round at that host.
void FreeStrategy::run() {
  const playbook::Play& play = *m_ctx.play;
  m_force_handlers = force_handlers();
  refresh_play_hosts();
  const bool start_at = m_ctx.start_at && m_ctx.start_at->pending();
  if (start_at && !play_has_start_at_task()) return;
  if (gathers_facts()) {
    m_sections.push_back(Section::gather_facts);
    m_section_lists.push_back(nullptr);
  }
  for (const auto* list : {&play.pre_tasks, &play.tasks, &play.post_tasks}) {
    if (list->empty()) continue;
    m_sections.push_back(Section::tasks);
    m_section_lists.push_back(list);
    m_sections.push_back(Section::flush);
    m_section_lists.push_back(nullptr);
  }
  if (!play.max_fail_percentage.is_null())
    warn_once("Using max_fail_percentage with the free strategy is not supported, as tasks are executed "
              "independently on each host");
  for (HostState* h : m_hosts) {
    Cursor c;
    c.host = h;
    c.done = h->failed || h->unreachable;
    if (h->unreachable) ++m_unreachable;
    c.skipping_to_start = start_at;
    m_cursor_of[h->name] = m_cursors.size();
    if (!c.done) {
      const bool window_full = m_pinning == Pinning::hosts_to_workers && m_idle.size() >= static_cast<std::size_t>(m_ctx.options->forks);
      if (window_full) m_waiting.push_back(m_cursors.size());
      else m_idle.insert(m_cursors.size());
    }
    m_cursors.push_back(std::move(c));
  }
  m_running_step.resize(m_cursors.size());
  // Each round looks only at the hosts waiting for their next task, so a round costs what it
  // submits, not the size of the play.
  std::size_t in_flight = 0;
  for (;;) {
    if (g_interrupted) throw RunInterrupted{};
    if (in_flight == 0 && m_unreachable == m_hosts.size()) {
      m_bus.on_no_hosts_remaining();
      break;
    }
    std::vector<std::size_t> round(m_idle.lower_bound(m_last_host), m_idle.end());
    round.insert(round.end(), m_idle.begin(), m_idle.lower_bound(m_last_host));
    for (std::size_t i : round) {
      if (m_end_play) break;
      Cursor& c = m_cursors[i];
      if (!next_step(c)) {
        finish(i);
        continue;
      }
      const Step& step = *c.ready;
      if (!c.step_answered && step.task->action != "meta") {
        if (!step_allows(*step.task, step.kind == TaskKind::handler, c.host->name)) {
          c.ready.reset();  // --step said no: this host skips the task
          continue;
        }
        c.step_answered = true;  // a throttled task is not asked about twice
      }
      if (!submit(c)) {
        m_last_host = i;
        break;
      }
      m_idle.erase(i);
      ++in_flight;
    }
    if (in_flight == 0) {
      if (m_idle.empty() || m_end_play) break;
      continue;  // host_pinned let a waiting host in
    }
    process(next_outcome(m_pool));
    --in_flight;
    while (auto more = m_pool.try_next_result()) {
      if (more->interrupted) throw RunInterrupted{};
      process(std::move(*more));
      --in_flight;
    }
    enter_pending_inclusions();
  }
  if (m_ctx.start_at && start_at && std::none_of(m_cursors.begin(), m_cursors.end(), [](const Cursor& c) { return c.skipping_to_start; }))
    m_ctx.start_at->found = true;
}

// A host is out of the play: host_pinned lets the next waiting host in.
void FreeStrategy::finish(std::size_t i) {
  m_cursors[i].done = true;
  m_idle.erase(i);
  if (m_waiting.empty()) return;
  m_idle.insert(m_waiting.front());
  m_waiting.pop_front();
}

bool FreeStrategy::next_step(Cursor& c) {
  if (c.ready) return true;
  for (;;) {
    if (c.done || m_end_play || m_ended_hosts.count(c.host->name)) return false;
    if (c.next_handler) {
      if (next_handler(c)) return true;
      continue;
    }
    if (c.levels.empty()) {
      if (c.section >= m_sections.size()) return false;
      const std::size_t s = c.section;
      switch (m_sections[s]) {
        case Section::gather_facts:
          ++c.section;
          if (!needs_facts(*c.host)) continue;
          c.ready = Step{&m_setup_task, Frame{}, TaskKind::task};
          return true;
        case Section::tasks: {
          Level top;
          top.list = m_section_lists[s];
          top.frame = section_frame();
          c.levels.push_back(std::move(top));
          continue;
        }
        case Section::flush:
          ++c.section;
          c.next_handler = 0;
          continue;
      }
    }
    Level& top = c.levels.back();
    if (top.next >= top.list->size()) {
      leave_block(c);
      continue;
    }
    const playbook::Task& t = (*top.list)[top.next++];
    if (t.is_block()) {
      Level inner;
      inner.block = &t;
      inner.inner = top.frame;
      inner.inner.vars.push_back(&t.vars);
      inner.inner.tags.insert(inner.inner.tags.end(), t.tags.begin(), t.tags.end());
      if (!t.any_errors_fatal.is_null()) inner.inner.any_errors_fatal = t.any_errors_fatal;
      if (!t.throttle.is_null()) inner.inner.throttle = t.throttle;
      inner.inner.block_has_always = !t.always.empty();
      inner.inner.in_always_block = top.frame.in_always_block || inner.inner.block_has_always;
      inner.outer_in_always_block = top.frame.in_always_block;
      inner.when = top.when;
      inner.when.insert(inner.when.end(), t.when.begin(), t.when.end());
      enter_part(inner, BlockSection::tasks);
      c.levels.push_back(std::move(inner));
      continue;
    }
    std::vector<std::string> tags = top.frame.tags;
    tags.insert(tags.end(), t.tags.begin(), t.tags.end());
    if (!tags_selected(tags)) continue;
    if (c.skipping_to_start) {
      if (!is_start_at_task(t, m_ctx.start_at->pattern)) continue;
      c.skipping_to_start = false;
    }
    c.ready = Step{with_block_when(t, top.when), top.frame, TaskKind::task};
    return true;
  }
}

// A block level moves to one of its parts: the tasks get what the block gives plus "a failure
// here is rescued" when it has a rescue; rescue and always get what the block gives.
void FreeStrategy::enter_part(Level& level, BlockSection part) {
  const playbook::Task& b = *level.block;
  level.frame = level.inner;
  level.frame.section = part;
  level.next = 0;
  switch (part) {
    case BlockSection::tasks:
      level.list = &b.block;
      level.frame.in_rescuable_block = !b.rescue.empty() || level.inner.in_rescuable_block;
      break;
    case BlockSection::rescue: level.list = &b.rescue; break;
    case BlockSection::always:
      level.list = &b.always;
      level.frame.block_has_always = false;  // as the linear strategy's always frame
      level.frame.in_always_block = level.outer_in_always_block;
      break;
  }
}

// The current list of the innermost level is done.
void FreeStrategy::leave_block(Cursor& c) {
  Level& top = c.levels.back();
  if (!top.block) {  // the section's tasks are done; its flush comes next
    c.levels.pop_back();
    ++c.section;
    return;
  }
  const BlockSection part = top.frame.section;
  if (part != BlockSection::always && !top.block->always.empty()) {
    enter_part(top, BlockSection::always);
    return;
  }
  const bool failed = top.failed_in_block;
  c.levels.pop_back();
  if (failed) {
    // always ran for a host that failed in the block (without rescue): the failure goes on
    c.host->failed = true;
    fail_host(c);
  }
}

// The host failed (for good) at its current task: the innermost block with a rescue takes it, a
// block with an always runs it first; a host with neither is out of the play — after flushing
// this section's handlers when force_handlers is on.
void FreeStrategy::fail_host(Cursor& c) {
  if (c.next_handler) {  // a handler failed: no more handlers, no more tasks
    c.done = true;
    return;
  }
  while (!c.levels.empty() && c.levels.back().block) {
    Level& top = c.levels.back();
    const playbook::Task& b = *top.block;
    const BlockSection part = top.frame.section;
    if (part == BlockSection::tasks && !b.rescue.empty()) {
      c.host->failed = false;
      enter_part(top, BlockSection::rescue);
      return;
    }
    if (part != BlockSection::always && !b.always.empty()) {
      c.host->failed = false;  // as in the linear strategy: always runs; the failure comes back after
      top.failed_in_block = true;
      enter_part(top, BlockSection::always);
      return;
    }
    c.levels.pop_back();
  }
  c.host->failed = true;
  if (!c.levels.empty() && m_force_handlers) {
    c.levels.clear();
    ++c.section;  // to this section's flush
    c.done_after_flush = true;
    return;
  }
  c.done = true;
}

bool FreeStrategy::next_handler(Cursor& c) {
  // the handlers notify() resolved for this host ("role : name", listen topics)
  const std::set<const playbook::Task*>& notified = m_notified[c.host->name];
  while (*c.next_handler < m_handlers.size()) {
    const playbook::Task& h = m_handlers[(*c.next_handler)++];
    if (notified.count(&h)) {
      c.ready = Step{&h, Frame{}, TaskKind::handler};
      return true;
    }
  }
  c.next_handler.reset();
  c.host->notified.clear();
  m_notified.erase(c.host->name);
  if (c.done_after_flush) c.done = true;
  return false;
}

bool FreeStrategy::submit(Cursor& c) {
  Step& step = *c.ready;
  const playbook::Task& task = *step.task;
  const std::size_t limit = throttle_for(task, step.frame);
  if (limit > 0 && m_in_flight[step.task] >= limit) return false;
  const bool is_handler = step.kind == TaskKind::handler;
  if (is_dynamic_include(task.action) && is_handler)
    throw SourceError(task.where, task.action + " in a handler is not supported with the " + std::string(m_pinning == Pinning::none ? "free" : "host_pinned") + " strategy yet",
                      "use the linear strategy for this play, or import_tasks/import_role", ExitCode::error);
  if (task.action != "meta") {
    bool once = false;
    try {
      once = play_keyword_bool("run_once", task.run_once, false);
    } catch (const tmpl::TemplateError& e) {
      throw SourceError(task.where, e.what(), "run_once takes a boolean", ExitCode::error);
    }
    if (once)
      warn_once("Using run_once with the free strategy is not currently supported. This task will still be "
                "executed for every host in the inventory list.");
    if (any_errors_fatal_for(task, step.frame))
      warn_once("Using any_errors_fatal with the free strategy is not supported, as tasks are executed "
                "independently on each host");
    m_bus.on_task_start(step_info(step));
  }
  TaskRun run{step.task, step.frame.vars, c.host, &m_ctx, is_handler, step.frame.include_vars};
  m_pool.submit([run] { return execute_task(run); });
  ++m_in_flight[step.task];
  m_running_step[m_cursor_of.at(c.host->name)] = std::move(step);
  c.ready.reset();
  c.step_answered = false;
  return true;
}

void FreeStrategy::process(TaskOutcome o) {
  const std::size_t i = m_cursor_of.at(o.host);
  Cursor& c = m_cursors[i];
  const Step step = std::move(m_running_step[i]);
  --m_in_flight[step.task];
  const playbook::Task& task = *step.task;
  const bool is_handler = step.kind == TaskKind::handler;
  const output::TaskInfo info = step_info(step);
  const bool was_out = c.host->failed || c.host->unreachable;
  if (task.action == "add_host" || task.action == "group_by")  // before it is shown
    change_inventory(o, TaskRun{&task, step.frame.vars, c.host, &m_ctx, is_handler, step.frame.include_vars});
  if (is_dynamic_include(task.action)) {
    show_include_outcome(o, info, step.frame);
  } else if (task.action != "meta") {
    emit_outcome(o, info, step.frame);
  } else if (o.status == Status::skipped || o.status == Status::failed || o.status == Status::unreachable) {
    output::HostResult hr{o.host, info, o.status, o.result};
    hr.counted = o.status != Status::skipped;  // as the linear strategy shows metas
    m_bus.on_host_result(hr);
  }
  apply(o, task, is_handler, step.frame);
  m_hostvars.invalidate();
  if (o.status == Status::unreachable && !o.ignored) {
    c.done = true;
    ++m_unreachable;
  } else if (o.status == Status::failed && !o.ignored) {
    fail_host(c);
  } else if (is_dynamic_include(task.action) && !c.done) {
    m_pending_includes.push_back(PendingInclude{i, o, step.frame, &task, info});
  }
  // the play host lists change only when a host drops out (or a rescue takes it back)
  if (was_out != (c.host->failed || c.host->unreachable) || o.status == Status::failed) refresh_play_hosts();
  if (m_flush_requested) {  // meta: flush_handlers, for this host only
    m_flush_requested = false;
    if (!c.done) {
      c.next_handler = 0;
    }
  }
  if (c.done || m_ended_hosts.count(c.host->name)) finish(i);
  else m_idle.insert(i);
}

// The banner of an included task sees the include's loop variables, as in the linear strategy.
output::TaskInfo FreeStrategy::step_info(const Step& step) {
  m_include_layers = step.frame.include_vars;
  output::TaskInfo info = task_info(*step.task, step.kind == TaskKind::handler);
  m_include_layers.clear();
  return info;
}

// include_tasks/include_role: what the hosts whose include results came in this round include is
// loaded (and announced) now, grouped as Ansible's IncludedFile groups them, and becomes each
// host's next tasks, each inclusion a block of its own. A file that cannot be loaded fails the
// hosts that include it.
void FreeStrategy::enter_pending_inclusions() {
  while (!m_pending_includes.empty()) {
    const playbook::Task* task = m_pending_includes.front().task;
    std::vector<PendingInclude> same;
    std::vector<TaskOutcome> outcomes;
    for (auto it = m_pending_includes.begin(); it != m_pending_includes.end();) {
      if (it->task != task) {
        ++it;
        continue;
      }
      outcomes.push_back(it->outcome);
      same.push_back(std::move(*it));
      it = m_pending_includes.erase(it);
    }
    std::vector<Inclusion> found = group_inclusions(*task, outcomes);
    load_inclusions(*task, found, same.front().frame, same.front().info);
    std::vector<const Inclusion*> kept;
    for (Inclusion& inc : found) {
      if (!inc.loaded || !inc.block.is_block()) continue;
      m_inclusions.push_back(std::make_unique<Inclusion>(std::move(inc)));
      kept.push_back(m_inclusions.back().get());
    }
    for (const PendingInclude& p : same) enter_inclusions(p.cursor, kept, p.frame);
  }
}

void FreeStrategy::enter_inclusions(std::size_t cursor, const std::vector<const Inclusion*>& inclusions, const Frame& frame) {
  Cursor& c = m_cursors[cursor];
  if (c.host->failed) {
    fail_host(c);
    if (c.done) finish(cursor);
    return;
  }
  // pushed last first: the top level runs next
  for (auto it = inclusions.rbegin(); it != inclusions.rend(); ++it) {
    const Inclusion& inc = **it;
    if (std::find(inc.hosts.begin(), inc.hosts.end(), c.host->name) == inc.hosts.end()) continue;
    Level level;
    level.block = &inc.block;
    level.inner = frame;
    level.inner.include_vars.push_back(&inc.vars);
    level.inner.vars.push_back(&inc.block.vars);
    level.inner.tags.insert(level.inner.tags.end(), inc.block.tags.begin(), inc.block.tags.end());
    level.outer_in_always_block = frame.in_always_block;
    level.when = inc.block.when;  // apply's when; the include's own was checked when it ran
    enter_part(level, BlockSection::tasks);
    c.levels.push_back(std::move(level));
  }
}

// A task inside blocks with `when` gets their conditions before its own (the linear strategy
// copies the block for this); the copy is made once per task and kept for the play.
const playbook::Task* FreeStrategy::with_block_when(const playbook::Task& task, const std::vector<std::string>& when) {
  if (when.empty()) return &task;
  auto& copy = m_when_copies[&task];
  if (!copy) {
    copy = std::make_unique<playbook::Task>(task);
    copy->when.insert(copy->when.begin(), when.begin(), when.end());
  }
  return copy.get();
}

}  // namespace drover::exec
