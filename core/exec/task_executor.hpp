// One task on one host, run on a worker thread: when → loop → template args → action →
// until/retries → changed_when/failed_when. It reads host and play state and returns what should
// change; the controller applies it (workers never write shared state).
#pragma once

#include <string>
#include <vector>

#include "core/exec/play_context.hpp"
#include "core/output/callback.hpp"

namespace drover::exec {

struct TaskOutcome {
  std::string host;
  output::Status status = output::Status::ok;
  Value result = Value::map();
  std::vector<output::ItemResult> items;  // loop items, in order
  bool ignored = false;                   // failed (or unreachable), but ignore_errors (or
                                          // ignore_unreachable) said go on
  Value new_facts;                        // facts to merge (setup), or null
  Value new_vars;                         // host vars to merge (set_fact, include_vars, register)
  action::MetaAction meta = action::MetaAction::none;  // what `meta:` asked for
  bool diff = false;                      // the task's `diff` for this host (module and callback)
  std::string delegate_host;              // the templated delegate_to, when not the host itself
  std::vector<std::string> warnings;      // e.g. ssh options the connection cannot honour
};

struct TaskRun {
  const playbook::Task* task = nullptr;
  std::vector<const Value*> block_vars;  // vars of the enclosing blocks, outermost first
  HostState* host = nullptr;
  const PlayContext* play = nullptr;
  bool is_handler = false;
};

TaskOutcome execute_task(const TaskRun& run);

// The status a result map stands for (unreachable, failed, skipped, changed, ok).
output::Status status_of(const Value& result);

}  // namespace drover::exec
