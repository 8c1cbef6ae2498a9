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

namespace drover::modules {

namespace {
const std::array k_spec{
    ArgSpec{.name = "jid", .type = ArgType::str, .required = Required::yes},
    ArgSpec{.name = "mode", .type = ArgType::str, .default_value = "status", .choices = {"cleanup", "status"}},
    // given by the control side: ansible_async_dir, else ~/.ansible_async
    ArgSpec{.name = "_async_dir", .type = ArgType::path, .required = Required::yes},
};
}  // namespace

json run_async_status(const json& raw_args, const ModuleContext& ctx) {
  if (ctx.checking())
    return {{"changed", false}, {"skipped", true}, {"msg", "remote module (async_status) does not support check mode"}};
  json args = check_args(raw_args, k_spec, "async_status");
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

}  // namespace drover::modules
