// Running a module away from the serve loop: as a detached background job (Ansible's
// async_wrapper, for the task keywords `async`/`poll`), or in a child process that is killed when
// it takes too long (the task keyword `timeout`). See docs/protocol.md, "async" and "timeout".
//
// Both fork: the module runs in a child of the runner (in its own process group, so killing the
// group ends the commands it started too) and the serve loop stays single-threaded.
#pragma once

#include <string>
#include <string_view>

#include "modules/module.hpp"

namespace drover::modules {

struct AsyncJob {
  std::string jid_prefix;  // "j<random digits>" chosen by the control node
  long time_limit = 0;     // seconds the job may run before it is killed
  std::string dir = "~/.ansible_async";  // where job files live ("~" is the runner user's home)
};

// Starts `module` as a detached job and returns at once, as Ansible's async_wrapper answers:
// {"failed": 0, "started": 1, "finished": 0, "ansible_job_id": "<prefix>.<pid>",
//  "results_file": "<dir>/<jid>"}. The job survives the runner's exit (double fork, setsid, its
// stdio on /dev/null). Its file holds {"started": 1, "finished": 0, "ansible_job_id": ...} while
// it runs and the module's result once it is done (each written whole: temp file and rename); a
// job still running after `time_limit` (checked every 5 seconds, as Ansible's watcher does) is
// killed with its process group and its file says {"failed": true, "msg": "Timeout exceeded",
// "child_pid": ...}. A directory that cannot be made is a failed result naming it.
json start_async_job(std::string_view module, const json& args, const ModuleContext& ctx, const AsyncJob& job);

// What run_with_timeout answers.
struct TimedResult {
  json result;             // the module's result (when it finished in time)
  bool timed_out = false;  // it did not: the module's process group was killed
};

// Runs `module` in a child process and waits at most `seconds` for its result; on expiry kills the
// child's process group (SIGKILL) and reaps it. A child that dies without answering is a failed
// result naming the signal or exit status.
TimedResult run_with_timeout(std::string_view module, const json& args, const ModuleContext& ctx, double seconds);

// The job file of `jid` in `dir` (with "~" expanded for the runner's user).
std::string async_job_path(const std::string& dir, const std::string& jid);

}  // namespace drover::modules
