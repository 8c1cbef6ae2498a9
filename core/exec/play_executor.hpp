// The strategies that run one play (one `serial` batch of it) on its hosts. PlayExecutor is the
// linear strategy — every host finishes task N before any host starts N+1 — and holds what every
// strategy shares: applying outcomes to host state, handlers, tags, metas, the failure limits.
// FreeStrategy (free_strategy.hpp) derives from it. Runs on the controller thread: it alone
// changes host state and emits events; the tasks themselves run on the worker pool.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <vector>

#include <functional>

#include "core/exec/play_context.hpp"
#include "core/exec/task_executor.hpp"
#include "core/exec/worker_pool.hpp"
#include "core/output/event_bus.hpp"
#include "core/vars/scope.hpp"

namespace drover::exec {

// How a play's batch ended: it ran to its end (or `meta: end_batch` ended it); `meta: end_play`
// ended the play (no later batch; the next play runs); or any_errors_fatal or
// max_fail_percentage broke it off (Ansible's RUN_FAILED_BREAK_PLAY: no later batch or play runs,
// and the run exits 2).
enum class PlayEnd { completed, ended, broken };

// Which part of a block a task is in (any_errors_fatal spares hosts in rescue and always).
enum class BlockSection { tasks, rescue, always };

// Where handlers are flushed: at the end of pre_tasks/tasks/post_tasks (where force_handlers
// also runs them for the hosts that failed in that section), or by `meta: flush_handlers`.
enum class FlushPoint { section_end, requested };

// Whether a task with these tags (its own and its blocks') runs under --tags `only` (empty: all)
// and --skip-tags `skip`, with Ansible's special tags always, never, tagged, untagged, all.
bool tags_selected(const std::vector<std::string>& tags, const std::vector<std::string>& only,
                   const std::vector<std::string>& skip);

class PlayExecutor {
public:
  PlayExecutor(PlayContext& ctx, output::EventBus& bus, WorkerPool<TaskOutcome>& pool,
               HostVars& hostvars, std::vector<HostState*> hosts);
  virtual ~PlayExecutor() = default;
  virtual void run();
  PlayEnd end() const { return m_end; }

protected:
  struct Frame {  // what enclosing blocks contribute to a task
    std::vector<const Value*> vars;
    std::vector<std::string> tags;
    bool in_rescuable_block = false;
    Value any_errors_fatal;  // the innermost block's that sets it; null: the play's
    Value throttle;          // likewise
    BlockSection section = BlockSection::tasks;
    // The innermost block has an `always` (force_handlers gives every section one, as Ansible
    // compiles it); any enclosing block has one. Ansible's failure limits look at where a failed
    // host goes next: into an always, it is not (yet) failed for any_errors_fatal, nor counted by
    // max_fail_percentage.
    bool block_has_always = false;
    bool in_always_block = false;
    std::vector<const Value*> include_vars;  // of the include_tasks/include_role it came from
  };

  // include_tasks / include_role (core/exec/includes.cpp): runs the include task on `hosts`,
  // groups its results by file and variables as Ansible's IncludedFile does, announces each
  // included file, then runs each group's tasks on the group's hosts, in order.
  // One included file (or role) and the hosts that include it with the same arguments and loop
  // variables, in the order Ansible's IncludedFile.process_include_results builds them.
  struct Inclusion {
    std::string target;  // include_tasks: the file, absolute; include_role: the role's name
    Value args;          // the include task's templated arguments
    Value vars;          // its `vars:` and the loop variables: the include params of its tasks
    Value special;       // the loop variables alone (the callback's item label)
    std::vector<std::string> hosts;
    bool loaded = false;
    playbook::Task block;  // what runs: the file's tasks or the role's, as one block
  };
  void run_include(const playbook::Task& task, const Frame& frame, const std::vector<HostState*>& hosts);
  // Shows one host's include result: nothing when it is ok (the file's announcement counts it),
  // its skipped or failed items and result otherwise.
  void show_include_outcome(TaskOutcome& outcome, const output::TaskInfo& info, const Frame& frame);
  // Loads each inclusion's file or role and announces it (include_tasks); a missing file fails
  // its hosts (shown, in Ansible's words), a missing role takes them out of the play.
  void load_inclusions(const playbook::Task& task, std::vector<Inclusion>& inclusions, const Frame& frame,
                       const output::TaskInfo& info);
  std::vector<Inclusion> group_inclusions(const playbook::Task& task, const std::vector<TaskOutcome>& outcomes);
  void run_inclusion(Inclusion& inclusion, const Frame& frame);
  void run_on_hosts_only(const std::vector<std::string>& hosts, const std::function<void()>& body);
  // Marks the handler `name` (or listened-to topic) notified for `host`: the last handler loaded
  // with that name (or "role : name"), as Ansible resolves it when the notification is made.
  void notify(HostState& host, const std::string& name);
  std::string banner_name(const playbook::Task& task) const;
  // Whether any host of the play can still run tasks (those outside the current inclusion too).
  bool hosts_remaining() const;

  void run_section(const std::vector<playbook::Task>& tasks);
  void run_list(const std::vector<playbook::Task>& tasks, const Frame& frame);
  void run_block(const playbook::Task& block, const Frame& frame);
  void run_task(const playbook::Task& task, const Frame& frame, bool is_handler,
                const std::vector<HostState*>& hosts);
  void run_meta_task(const playbook::Task& task, const Frame& frame, bool is_handler,
                     const std::vector<HostState*>& hosts);
  void gather_facts();
  void flush_handlers(FlushPoint point = FlushPoint::requested);
  bool tags_selected(const std::vector<std::string>& tags) const;
  std::vector<HostState*> active_hosts() const;
  // Sends a result's events (items, warnings, the host result) to the bus.
  void emit_outcome(TaskOutcome& outcome, const output::TaskInfo& info, const Frame& frame);
  void apply(const TaskOutcome& outcome, const playbook::Task& task, bool is_handler, const Frame& frame);
  output::TaskInfo task_info(const playbook::Task& task, bool is_handler) const;
  std::string templated_name(const playbook::Task& task) const;
  void apply_meta(action::MetaAction meta, HostState& host);
  void clear_host_errors();
  void refresh_inventory();
  void warn_once(const std::string& message);  // Ansible's Display shows each warning once
  void change_inventory(TaskOutcome& outcome, const TaskRun& run);
  // A bool play-level keyword (gather_facts, run_once), templated with the play's variables.
  bool play_keyword_bool(std::string_view name, const Value& value, bool fallback) const;
  vars::Scope play_scope() const;
  // The play's variables as a task of `role` sees them without a host (banner names).
  vars::Scope role_scope(const playbook::Role& role) const;
  // include_role with public: true shows the role's defaults, vars and name to the rest of the play.
  void publish_role(const std::string& name, const Value& defaults, const Value& exports);

  // Failure limits, checked once a task's results are applied (linear strategy).
  bool any_errors_fatal_for(const playbook::Task& task, const Frame& frame) const;
  void check_any_errors_fatal(const playbook::Task& task, const Frame& frame, bool once,
                              const std::vector<TaskOutcome>& outcomes);
  void check_max_fail_percentage();
  void break_play();  // any_errors_fatal/max_fail_percentage: the batch ends here, nothing more runs
  // At most this many hosts run the task at once (task, then block, then play `throttle`; 0: no limit).
  std::size_t throttle_for(const playbook::Task& task, const Frame& frame) const;
  bool force_handlers() const;
  // --step: asks whether to run the task; false: skip it on every host.
  // `host`: the free strategy asks per host ("... on HOST").
  bool step_allows(const playbook::Task& task, bool is_handler, const std::string& host = "");
  // ansible_play_hosts and ansible_play_batch without the hosts that failed or went unreachable.
  void refresh_play_hosts();
  // --start-at-task: true while tasks are skipped to reach the named one (which turns it off).
  bool skipped_by_start_at(const playbook::Task& task);
  bool play_has_start_at_task() const;
  // PlayIterator's test for --start-at-task: the task's name or shown name is NAME or matches it.
  static bool is_start_at_task(const playbook::Task& task, const std::string& pattern);
  bool gathers_facts() const;  // the play's gather_facts, else [defaults] gathering
  bool needs_facts(const HostState& host) const;  // false: smart gathering, facts gathered already
  void store_cached_facts(const HostState& host);  // into the fact cache, if the run has one
  Frame section_frame() const;  // what a section's top-level tasks get

  PlayContext& m_ctx;
  output::EventBus& m_bus;
  WorkerPool<TaskOutcome>& m_pool;
  HostVars& m_hostvars;
  std::vector<HostState*> m_hosts;
  bool m_end_play = false;
  bool m_flush_requested = false;  // meta: flush_handlers ran; handlers run once the task is done
  std::set<std::string> m_ended_hosts;
  std::set<HostState*> m_failed_in_section;  // for force_handlers: failed since the section began
  std::set<HostState*> m_failed_for_limit;   // failures max_fail_percentage counts (see Frame)
  bool m_force_handlers = false;             // the play's force_handlers, read when the run starts
  bool m_step_continued = false;             // --step was answered "continue" in this batch
  PlayEnd m_end = PlayEnd::completed;
  playbook::Task m_setup_task;
  std::deque<playbook::Task> m_handlers;  // the play's, then those include_role adds (stable addresses)
  std::map<std::string, std::set<const playbook::Task*>> m_notified;  // host → handlers to run
  std::set<std::string> m_role_uses;  // roles loaded so far (Play::role_uses, then include_role's)
  std::set<std::string> m_outside_inclusion;  // active hosts that did not include what runs now
  std::vector<const Value*> m_include_layers;  // vars of the inclusions running now, outermost first
  bool m_flushing = false;  // handlers are running: what they include runs as handlers too
  std::set<std::string> m_cleared_hosts;  // failed, then cleared by clear_host_errors: out of this play
  std::set<std::string> m_warned;
};

}  // namespace drover::exec
