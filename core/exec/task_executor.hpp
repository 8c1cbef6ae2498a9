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
  bool ignored = false;                   // failed, but ignore_errors said go on
  Value new_facts;                        // facts to merge (setup), or null
  Value new_vars;                         // host vars to merge (set_fact, include_vars, register)
  std::string meta;                       // a meta action to apply (flush_handlers, end_play, ...)
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
