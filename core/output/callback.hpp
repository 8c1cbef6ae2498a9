// The typed event interface every callback plugin implements. Events are emitted only by the
// controller thread, in order; a callback never sees two events at once.
//
// Result maps use Ansible's field names (changed, failed, msg, rc, stdout, stderr, stdout_lines,
// skipped, skip_reason, unreachable, results, item, ansible_loop_var, _ansible_no_log, ...).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/value/value.hpp"

namespace drover::output {

struct PlayInfo {
  std::string name;        // may be empty: the banner then shows the hosts pattern
  std::string hosts;       // the play's `hosts:` pattern
  bool check_mode = false;
  std::string strategy = "linear";  // free and host_pinned print a task's banner with its results
};

struct TaskInfo {
  std::string name;        // the task's name, or the module name when it has none
  std::string action;      // module/action name
  std::string path;        // file:line of the task, for -v output
  bool is_handler = false;
  Value args;              // templated args when known (for ad hoc and -vvv)
  bool loop = false;       // the task has loop/with_*: its results come as items + `results`
  bool diff = false;       // the task's `diff` keyword for this host, as the module got it
  // Which task object this is (Ansible's task uuid): the free strategy gives each host's
  // included tasks their own, so their banners repeat per host as Ansible's do. Null: unknown.
  const void* identity = nullptr;
};

enum class Status { ok, changed, failed, skipped, unreachable };

struct HostResult {
  std::string host;
  TaskInfo task;
  Status status = Status::ok;
  Value result;              // the module/action result map (for loops: with `results`)
  bool ignore_errors = false;  // failed, but the task said ignore_errors: prints "...ignoring"
  bool ignore_unreachable = false;  // unreachable, but the task said ignore_unreachable
  bool rescued = false;  // failed inside a block whose rescue runs next: counted as rescued
  bool counted = true;   // false: shown but not in the recap (a skipped meta task, as in Ansible)
  bool delegated = false;    // the task ran on delegate_host (delegate_to), not on `host`
  std::string delegate_host;
};

// One loop item's result, sent before the aggregated HostResult of a looped task.
struct ItemResult {
  std::string host;
  TaskInfo task;
  Status status = Status::ok;
  Value result;  // has `item` (and `ansible_loop_var`)
};

// include_tasks loaded a file for some hosts (Ansible's v2_playbook_on_include): one event per
// file and set of variables, after the include task's results and before the included tasks run.
struct IncludeInfo {
  std::string file;                // the included file, absolute
  std::vector<std::string> hosts;  // the hosts that include it, in result order
  Value vars = Value::map();       // the loop variables of this inclusion (item label), or {}
  TaskInfo task;                   // the include task (free strategy: its banner goes first)
};

// How a task run with `async` and `poll` is getting on (Ansible's v2_runner_on_async_poll,
// _async_ok and _async_failed): each poll that found the job still running, then whether it
// ended well; all before the task's own result.
enum class AsyncEvent { poll, ok, failed };
struct AsyncResult {
  AsyncEvent event = AsyncEvent::poll;
  std::string host;
  Value result;  // poll: the async_status answer (ansible_job_id, started, finished); else the task's result
};

// An `until` attempt that did not succeed, with attempts left (Ansible's v2_runner_retry): sent
// before the result of the task, or of the loop item, it belongs to.
struct RetryResult {
  std::string host;
  std::string task_name;  // the templated name, no role prefix; unnamed: "role : action" or the action
  Value result;           // the attempt's result, with `attempts` and `retries` (the attempts allowed)
  std::string delegate_host;  // the task ran on this host (delegate_to); empty: on `host`
};

struct HostStats {
  int ok = 0, changed = 0, unreachable = 0, failures = 0, skipped = 0, rescued = 0, ignored = 0;
};

struct RunStats {
  std::map<std::string, HostStats> hosts;  // sorted by host name, as Ansible's recap is
};

class Callback {
public:
  virtual ~Callback() = default;
  virtual std::string name() const = 0;

  virtual void on_playbook_start(const std::string& /*file*/) {}
  virtual void on_play_start(const PlayInfo&) {}
  virtual void on_no_hosts_matched() {}
  virtual void on_no_hosts_remaining() {}
  virtual void on_task_start(const TaskInfo&) {}
  virtual void on_host_result(const HostResult&) {}
  virtual void on_item_result(const ItemResult&) {}
  virtual void on_include(const IncludeInfo&) {}
  virtual void on_async(const AsyncResult&) {}
  virtual void on_retry(const RetryResult&) {}
  virtual void on_warning(const std::string& /*message*/) {}
  virtual void on_stats(const RunStats&) {}
  virtual void on_playbook_end() {}
};

}  // namespace drover::output
