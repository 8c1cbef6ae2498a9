// The free strategy (and host_pinned): every host walks the play's task list on its own, taking
// its next task as soon as its last one is done, as Ansible's free strategy does. Blocks
// (rescue/always), handlers (each host flushes its own at the end of each section or on
// `meta: flush_handlers`), tags, `when`, --start-at-task and force_handlers behave as in the
// linear strategy; the shared parts are PlayExecutor's.
//
// include_tasks and include_role load when a host has run them (grouped with the other hosts
// whose include results came in the same round, as Ansible does): the included tasks are that
// host's next ones.
//
// What Ansible does not support with free, drover does not either, with Ansible's warnings:
// any_errors_fatal and max_fail_percentage are ignored, run_once runs on every host.
// host_pinned: at most `forks` hosts are under way at once, and a host keeps its place until
// it has finished the play (Ansible pins each host to a worker).
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/exec/play_executor.hpp"

namespace drover::exec {

enum class Pinning { none, hosts_to_workers };

class FreeStrategy final : public PlayExecutor {
public:
  FreeStrategy(PlayContext& ctx, output::EventBus& bus, WorkerPool<TaskOutcome>& pool, HostVars& hostvars,
               std::vector<HostState*> hosts, Pinning pinning);
  void run() override;

private:
  enum class TaskKind { task, handler };
  struct Step {  // one task for one host, with what its blocks give it
    const playbook::Task* task = nullptr;
    Frame frame;
    TaskKind kind = TaskKind::task;
  };
  // One level of a host's walk: a section's task list, or one part of a block.
  struct Level {
    const std::vector<playbook::Task>* list = nullptr;
    std::size_t next = 0;
    const playbook::Task* block = nullptr;  // null: a section's top level
    Frame inner;  // what the block gives its tasks (vars, tags, ...), before its own part
    Frame frame;  // what the tasks of the current part get
    std::vector<std::string> when;  // the enclosing blocks' conditions, outermost first
    bool failed_in_block = false;   // the host failed in this block (its always still runs)
    bool outer_in_always_block = false;  // the enclosing blocks have an always
  };
  struct Cursor {  // where one host is in the play
    HostState* host = nullptr;
    std::size_t section = 0;  // index into m_sections
    std::vector<Level> levels;
    std::optional<std::size_t> next_handler;  // set while flushing this host's handlers
    std::optional<Step> ready;  // the next step, taken but not yet submitted
    bool skipping_to_start = false;  // --start-at-task: this host has not reached the task yet
    bool step_answered = false;      // --step said yes to `ready`
    bool done_after_flush = false;   // failed with force_handlers: flushes, then leaves the play
    bool done = false;
  };
  enum class Section { gather_facts, tasks, flush };

  bool next_step(Cursor& c);  // fills c.ready; false when the host has nothing left
  bool next_handler(Cursor& c);
  void leave_block(Cursor& c);
  void fail_host(Cursor& c);
  void enter_part(Level& level, BlockSection part);
  bool submit(Cursor& c);  // false: throttle says not now
  void process(TaskOutcome outcome);
  struct PendingInclude {  // an include result waiting for the end of the round
    std::size_t cursor = 0;
    TaskOutcome outcome;
    Frame frame;
    const playbook::Task* task = nullptr;
    output::TaskInfo info;
  };
  output::TaskInfo step_info(const Step& step);
  void enter_pending_inclusions();
  void enter_inclusions(std::size_t cursor, const std::vector<const Inclusion*>& inclusions, const Frame& frame);
  const playbook::Task* with_block_when(const playbook::Task& task, const std::vector<std::string>& when);
  void finish(std::size_t cursor);  // the host is out of the play

  Pinning m_pinning;
  std::size_t m_last_host = 0;  // where each round's search for a ready host starts
  std::size_t m_unreachable = 0;  // hosts of the batch that are unreachable (all: NO MORE HOSTS LEFT)
  std::set<std::size_t> m_idle;      // cursors waiting for their next task
  std::deque<std::size_t> m_waiting;  // host_pinned: hosts not let in yet (at most `forks` are in)
  std::vector<Section> m_sections;
  std::vector<const std::vector<playbook::Task>*> m_section_lists;  // parallel to m_sections
  std::vector<Cursor> m_cursors;
  std::map<std::string, std::size_t> m_cursor_of;            // host name -> index in m_cursors
  std::vector<Step> m_running_step;                           // by cursor index
  std::map<const playbook::Task*, std::size_t> m_in_flight;   // throttle: running hosts per task
  std::map<const playbook::Task*, std::unique_ptr<playbook::Task>> m_when_copies;
  std::vector<std::unique_ptr<Inclusion>> m_inclusions;  // what hosts included: their tasks run from here
  std::vector<PendingInclude> m_pending_includes;
};

}  // namespace drover::exec
