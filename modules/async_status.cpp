// async_status: the state of a job started with `async` (modules/async_wrapper.cpp), as Ansible's
// async_status module reports it; `mode: cleanup` removes the job's file.
#include <array>
#include <cerrno>
#include <cstring>

#include <sys/stat.h>
#include <unistd.h>

#include "modules/async_wrapper.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/fs.hpp"
#include "modules/module_doc.hpp"

namespace drover::modules {

namespace {
const std::array k_spec{
    ArgSpec{.name = "jid", .type = ArgType::str, .required = Required::yes, .description = "The job id an async task returned (ansible_job_id)."},
    ArgSpec{.name = "mode", .type = ArgType::str, .default_value = "status", .choices = {"cleanup", "status"}, .description = "status reports on the job; cleanup removes its results file."},
    // given by the control side: ansible_async_dir, else ~/.ansible_async
    ArgSpec{.name = "_async_dir", .type = ArgType::path, .required = Required::yes, .description = "Internal: the directory holding the job results files."},
};
}  // namespace

json run_async_status(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "async_status");  // as Ansible: arguments fail even in check mode
  if (ctx.checking())
    return {{"changed", false}, {"skipped", true}, {"msg", "remote module (async_status) does not support check mode"}};
  const std::string jid = arg_string(args, "jid");
  const bool cleanup = arg_string(args, "mode") == "cleanup";
  const std::string path = async_job_path(arg_string(args, "_async_dir"), jid);
  // the path is in every answer: Ansible's action plugin puts it there before the module runs
  const char* path_key = cleanup ? "erased" : "results_file";
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0)
    throw ModuleFailure("could not find job", {{"ansible_job_id", jid}, {"started", 1}, {"finished", 1}, {path_key, path}});
  if (cleanup) {
    if (::unlink(path.c_str()) != 0)
      throw ModuleFailure("could not remove " + path + ": " + std::strerror(errno), {{"ansible_job_id", jid}, {path_key, path}});
    return {{"ansible_job_id", jid}, {"erased", path}};
  }
  std::optional<std::string> text = read_file(path);
  json data = text ? json::parse(*text, nullptr, false) : json();
  if (!text || data.is_discarded() || !data.is_object()) {
    if (!text || text->empty())  // not written yet: the job is running
      return {{"results_file", path}, {"ansible_job_id", jid}, {"started", 1}, {"finished", 0}};
    throw ModuleFailure("Could not parse job output: " + *text,
                        {{"ansible_job_id", jid}, {"results_file", path}, {"started", 1}, {"finished", 1}});
  }
  if (!data.contains("started")) {
    data["finished"] = 1;
    data["ansible_job_id"] = jid;
  } else if (!data.contains("finished")) {
    data["finished"] = 0;
  }
  data[path_key] = path;
  return data;
}

namespace {
const ReturnDoc k_async_status_returns[] = {
    ReturnDoc{"ansible_job_id", "str", "success", "The job id."},
    ReturnDoc{"finished", "int", "always", "1 when the job has finished, else 0."},
    ReturnDoc{"started", "int", "always", "1 when the job was started."},
    ReturnDoc{"results_file", "str", "success", "The file holding the job result."},
    ReturnDoc{"erased", "str", "mode=cleanup", "The results file removed."},
};
}  // namespace

const ModuleDoc async_status_doc{
    .description = "Reports whether a job started with async has finished, and its result when it has; mode=cleanup removes the job's results file. Usually run in a loop with until.",
    .options = k_spec,
    .returns = k_async_status_returns,
    .example = "- ansible.builtin.command: /usr/local/bin/long-job\n  async: 600\n  poll: 0\n  register: job\n- ansible.builtin.async_status:\n    jid: \"{{ job.ansible_job_id }}\"\n  register: status\n  until: status.finished\n  retries: 60\n  delay: 10\n",
};

}  // namespace drover::modules
