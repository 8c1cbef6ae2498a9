// async_status: the state of a job started with `async` (Ansible's async_status action plugin):
// the runner's async_status module reads the job file; this half names the job folder and puts
// the action's fields around the module's answer.
#include "core/exec/async_job.hpp"
#include "core/value/python_repr.hpp"
#include "plugins/action/action.hpp"

namespace drover::action {

Value run_async_status(ActionContext& ctx) {
  for (const auto& [key, value] : ctx.args.as_map())
    if (key != "jid" && key != "mode")
      return failed_result("Unsupported parameters for (async_status) module: " + key +
                           ". Supported parameters include: jid, mode.");
  const Value* jid = ctx.args.find("jid");
  if (!jid || jid->is_null()) return failed_result("missing required arguments: jid");
  const std::string mode = ctx.args.get_string("mode", "status");
  if (mode != "status" && mode != "cleanup")
    return failed_result("value of mode must be one of: status, cleanup, got: " + mode);
  const std::string id = python_str(*jid);
  const std::string dir = exec::async_dir(ctx.vars, ctx.templar);
  return exec::async_status_result(id, mode, ctx.run_module("async_status", exec::async_status_args(id, mode, dir)));
}

}  // namespace drover::action
