#include "modules/async_wrapper.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/interrupt.hpp"

namespace drover::modules {

namespace {

using Clock = std::chrono::steady_clock;

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

// The job file, written whole (temp file beside it, rename), as Ansible's jwrite does.
void write_job(const std::string& path, const json& content) {
  try {
    atomic_write(path, dump(content));
  } catch (const std::exception&) {
    // nothing to tell: the job's stdio is /dev/null; async_status then reports the older content
  }
}

void stdio_to_dev_null(bool keep_stderr) {
  int null = ::open("/dev/null", O_RDWR);
  if (null < 0) return;
  ::dup2(null, 0);
  ::dup2(null, 1);
  if (!keep_stderr) ::dup2(null, 2);
  if (null > 2) ::close(null);
}

// When Ansible's watcher kills a job: it looks first after 5 seconds, then every 5 seconds,
// taking 5 off the limit each time, and kills once nothing is left.
std::chrono::seconds kill_after(long time_limit) {
  long rounds = time_limit <= 0 ? 1 : (time_limit + 4) / 5;
  return std::chrono::seconds(5 + 5 * rounds);
}

// The first child of start_async_job: leaves the runner's session, forks the watcher (which
// forks the module) and exits. Never returns.
[[noreturn]] void run_job(std::string_view module, const json& args, const ModuleContext& ctx, const AsyncJob& job,
                          const std::string& path, const std::string& jid, int notify_fd) {
  ::setsid();
  ::umask(022);
  pid_t watcher = ::fork();
  if (watcher != 0) ::_exit(watcher < 0 ? 1 : 0);
  stdio_to_dev_null(false);
  write_job(path, {{"started", 1}, {"finished", 0}, {"ansible_job_id", jid}});
  write_all(notify_fd, "1");
  ::close(notify_fd);
  pid_t worker = ::fork();
  if (worker == 0) {
    ::setpgid(0, 0);
    write_job(path, run_module(module, args, ctx));
    ::_exit(0);
  }
  if (worker < 0) {
    write_job(path, {{"failed", 1}, {"msg", std::string("fork failed: ") + std::strerror(errno)}, {"ansible_job_id", jid}});
    ::_exit(1);
  }
  ::setpgid(worker, worker);
  const auto deadline = Clock::now() + kill_after(job.time_limit);
  for (;;) {
    int status = 0;
    if (::waitpid(worker, &status, WNOHANG) != 0) ::_exit(0);
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  write_job(path, {{"msg", "Timeout exceeded"}, {"failed", true}, {"child_pid", worker}});
  ::killpg(worker, SIGKILL);
  ::waitpid(worker, nullptr, 0);
  ::_exit(0);
}

json child_died(std::string_view module, int status) {
  std::string how = WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status))
                                        : "exited with status " + std::to_string(WEXITSTATUS(status));
  return {{"failed", true}, {"changed", false}, {"msg", "module " + std::string(module) + " " + how + " without a result"}};
}

}  // namespace

std::string async_job_path(const std::string& dir, const std::string& jid) {
  std::string expanded = expand_user(dir);
  if (!expanded.empty() && expanded.back() != '/') expanded += '/';
  return expanded + jid;
}

json start_async_job(std::string_view module, const json& args, const ModuleContext& ctx, const AsyncJob& job) {
  const std::string dir = expand_user(job.dir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return {{"failed", 1}, {"msg", "could not create directory: " + dir + " - " + ec.message()}};
  int notify[2];
  if (::pipe2(notify, O_CLOEXEC) != 0) throw ModuleFailure(std::string("pipe: ") + std::strerror(errno));
  pid_t first = ::fork();
  if (first < 0) {
    int error = errno;
    ::close(notify[0]);
    ::close(notify[1]);
    return {{"failed", true},
            {"msg", "fork #1 failed: " + std::to_string(error) + " (" + std::strerror(error) + ")"}};
  }
  const std::string jid = job.jid_prefix + "." + std::to_string(first == 0 ? ::getpid() : first);
  const std::string path = async_job_path(dir, jid);
  if (first == 0) {
    ::close(notify[0]);
    run_job(module, args, ctx, job, path, jid, notify[1]);
  }
  ::close(notify[1]);
  ::waitpid(first, nullptr, 0);
  // the job file exists once the watcher says so (Ansible's wrapper waits up to 2.5 s for it)
  pollfd ready{notify[0], POLLIN, 0};
  ::poll(&ready, 1, 2500);
  ::close(notify[0]);
  return {{"failed", 0}, {"started", 1}, {"finished", 0}, {"ansible_job_id", jid}, {"results_file", path}};
}

TimedResult run_with_timeout(std::string_view module, const json& args, const ModuleContext& ctx, double seconds) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw ModuleFailure(std::string("pipe: ") + std::strerror(errno));
  pid_t child = ::fork();
  if (child < 0) {
    int error = errno;
    ::close(out[0]);
    ::close(out[1]);
    throw ModuleFailure(std::string("fork: ") + std::strerror(error));
  }
  if (child == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a runner that goes away takes the module with it
    ::close(out[0]);
    stdio_to_dev_null(true);  // the protocol's pipes are the runner's alone
    write_all(out[1], dump(run_module(module, args, ctx)));
    ::_exit(0);
  }
  ::setpgid(child, child);  // also here: the kill below must find the group whichever runs first
  track_child_group(child);  // a stopped runner ends it (modules/util/interrupt.hpp)
  ::close(out[1]);
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::string data;
  bool done = false;
  while (!done) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd readable{out[0], POLLIN, 0};
    int n = ::poll(&readable, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    char chunk[65536];
    ssize_t got = ::read(out[0], chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) done = true;
    else data.append(chunk, static_cast<std::size_t>(got));
  }
  ::close(out[0]);
  track_child_group(0);
  if (!done) {
    ::killpg(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    return {json(), true};
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  json result = json::parse(data, nullptr, false);
  if (result.is_discarded() || !result.is_object()) return {child_died(module, status), false};
  return {std::move(result), false};
}

}  // namespace drover::modules
