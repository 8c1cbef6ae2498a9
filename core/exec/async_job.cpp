#include "core/exec/async_job.hpp"

#include <chrono>
#include <random>
#include <thread>

#include "core/exec/action.hpp"
#include "core/exec/playbook_executor.hpp"
#include "core/transport/connection.hpp"

namespace drover::exec {

namespace {

std::int64_t int_field(const Value& result, std::string_view key) {
  const Value* v = result.find(key);
  if (!v) return 0;
  if (v->is_int()) return v->as_int();
  if (v->is_bool()) return v->as_bool() ? 1 : 0;
  if (v->is_string()) {
    try {
      return std::stoll(v->as_string());
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

}  // namespace

std::string async_dir(const tmpl::Variables& vars, tmpl::Templar& templar) {
  if (const Value* dir = vars.find("ansible_async_dir")) {
    Value t = templar.template_value(*dir);
    if (t.is_string() && !t.as_string().empty()) return t.as_string();
  }
  return "~/.ansible_async";
}

std::string async_jid_prefix() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  std::uniform_int_distribution<std::int64_t> digits(0, 999999999999);
  return "j" + std::to_string(digits(engine));
}

Value async_status_args(const std::string& jid, const std::string& mode, const std::string& dir) {
  return Value(Map{{"jid", jid}, {"mode", mode}, {"_async_dir", dir}});
}

Value async_status_result(const std::string& jid, const std::string& mode, const Value& answer) {
  Map m;
  m.set("started", 0);
  m.set("finished", 0);
  m.set("stdout", "");
  m.set("stderr", "");
  m.set("stdout_lines", Value(List{}));
  m.set("stderr_lines", Value(List{}));
  m.set("ansible_job_id", jid);
  if (mode != "cleanup") m.set("started", 1);
  Value result(std::move(m));
  return answer.is_map() ? merge_recursive(result, answer) : result;
}

Value poll_async_job(const Value& started, std::int64_t async_seconds, std::int64_t poll,
                     const std::function<Value(const std::string& mode)>& status, std::vector<Value>& polls) {
  if (!started.find("ansible_job_id")) return action::failed_result("No job id was returned by the async task");
  Value answer = Value::map();
  for (std::int64_t time_left = async_seconds; time_left > 0 && !g_interrupted;) {
    sleep_unless_interrupted(static_cast<double>(poll));
    try {
      answer = status("status");
    } catch (const connection::Unreachable&) {
      // a poll that cannot reach the host is retried (a reboot, a network bounce) until time is up
      time_left -= poll;
      if (time_left <= 0) throw;
      continue;
    }
    if (int_field(answer, "finished") == 1 || answer.find("failed") || answer.find("skipped")) break;
    time_left -= poll;
    polls.push_back(answer);
  }
  if (int_field(answer, "finished") != 1) {
    Value failed = action::failed_result("async task did not complete within the requested time - " +
                                         std::to_string(async_seconds) + "s");
    // Ansible shows the module's answer as it came: with its invocation, without `changed`
    answer.mutable_map().erase("changed");
    const std::string jid = started.get_string("ansible_job_id");
    std::string dir = answer.get_string("results_file");
    if (dir.size() > jid.size() + 1) dir.resize(dir.size() - jid.size() - 1);
    answer.mutable_map().set("invocation", Value(Map{{"module_args", async_status_args(jid, "status", dir)}}));
    failed.mutable_map().set("async_result", answer);
    return failed;
  }
  status("cleanup");
  return answer;
}

}  // namespace drover::exec
