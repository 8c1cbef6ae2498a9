// Tasks with `async` (Ansible's async_wrapper, TaskExecutor._poll_async_result and the
// async_status action): the control side of a background job on a target. The job itself runs
// in the target's runner (docs/protocol.md, "async"); async_status reads its file.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/output/callback.hpp"
#include "core/template/templar.hpp"
#include "core/value/value.hpp"

namespace drover::exec {

// Where jobs are kept on the target: the `ansible_async_dir` variable (templated), else
// "~/.ansible_async" ("~" is the target user's home).
std::string async_dir(const tmpl::Variables& vars, tmpl::Templar& templar);

// A fresh job id prefix, "j" and up to 12 random digits, as Ansible's; the runner appends ".<pid>".
std::string async_jid_prefix();

// The runner's async_status arguments for job `jid` in `dir` (mode "status" or "cleanup").
Value async_status_args(const std::string& jid, const std::string& mode, const std::string& dir);

// Ansible's async_status action result: started and finished 0, empty stdout/stderr (and their
// _lines), ansible_job_id (status mode: started 1), with the module's `answer` merged over them.
Value async_status_result(const std::string& jid, const std::string& mode, const Value& answer);

// Ansible's _poll_async_result: waits `poll` seconds, asks `status` (the async_status action for
// the job, "status" or "cleanup" mode) until the job is finished (or failed, or skipped) or
// `async_seconds` are used up; each poll that finds it running is added to `polls`. A finished
// job's file is cleaned up and its result returned; otherwise a failure "async task did not
// complete within the requested time - Ns" with the last answer as `async_result`. An
// Unreachable during a poll is retried until the time is up, then thrown.
Value poll_async_job(const Value& started, std::int64_t async_seconds, std::int64_t poll,
                     const std::function<Value(const std::string& mode)>& status, std::vector<Value>& polls);

}  // namespace drover::exec
