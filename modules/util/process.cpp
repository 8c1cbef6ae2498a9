#include "modules/util/process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "modules/module.hpp"
#include "modules/util/text.hpp"

extern char** environ;

namespace drover::modules {

namespace {

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read_end >= 0) ::close(read_end);
    read_end = -1;
  }
  void close_write() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
};

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> merged;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string text(*entry);
    auto eq = text.find('=');
    if (eq != std::string::npos) merged[text.substr(0, eq)] = text.substr(eq + 1);
  }
  for (const auto& [key, value] : extra) merged[key] = value;
  std::vector<std::string> env;
  for (const auto& [key, value] : merged) env.push_back(key + "=" + value);
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& text : strings) result.push_back(text.data());
  result.push_back(nullptr);
  return result;
}

// In the child: only async-signal-safe calls. Reports a failed chdir/exec through `status`.
[[noreturn]] void exec_child(Pipe& in, Pipe& out, Pipe& err, Pipe& status, const ProcessSpec& spec,
                             char** argv, char** envp) {
  ::dup2(in.read_end, 0);
  ::dup2(out.write_end, 1);
  ::dup2(err.write_end, 2);
  std::signal(SIGPIPE, SIG_DFL);
  int code[2] = {0, 0};
  if (!spec.chdir.empty() && ::chdir(spec.chdir.c_str()) != 0) {
    code[0] = 1;
    code[1] = errno;
  } else {
    ::execvpe(argv[0], argv, envp);
    code[0] = 2;
    code[1] = errno;
  }
  ssize_t ignored = ::write(status.write_end, code, sizeof code);
  (void)ignored;
  ::_exit(127);
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Feeds stdin and drains stdout/stderr until both outputs are closed.
void pump(Pipe& in, Pipe& out, Pipe& err, const std::string& input, ProcessResult& result) {
  size_t fed = 0;
  if (input.empty()) in.close_write();
  else set_nonblocking(in.write_end);
  while (out.read_end >= 0 || err.read_end >= 0) {
    pollfd fds[3];
    int count = 0;
    int in_slot = -1, out_slot = -1, err_slot = -1;
    if (in.write_end >= 0) fds[in_slot = count++] = {in.write_end, POLLOUT, 0};
    if (out.read_end >= 0) fds[out_slot = count++] = {out.read_end, POLLIN, 0};
    if (err.read_end >= 0) fds[err_slot = count++] = {err.read_end, POLLIN, 0};
    if (::poll(fds, static_cast<nfds_t>(count), -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    if (in_slot >= 0 && fds[in_slot].revents) {
      ssize_t n = ::write(in.write_end, input.data() + fed, input.size() - fed);
      if (n > 0) fed += static_cast<size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || fed == input.size()) in.close_write();
    }
    char buffer[65536];
    auto drain = [&](int slot, Pipe& pipe, std::string& sink) {
      if (slot < 0 || !fds[slot].revents) return;
      ssize_t n = ::read(pipe.read_end, buffer, sizeof buffer);
      if (n > 0) sink.append(buffer, static_cast<size_t>(n));
      else if (n == 0 || (errno != EINTR && errno != EAGAIN)) pipe.close_read();
    };
    drain(out_slot, out, result.stdout_text);
    drain(err_slot, err, result.stderr_text);
  }
  in.close_write();
}

}  // namespace

ProcessResult run_process(const ProcessSpec& spec) {
  ProcessResult result;
  if (spec.argv.empty()) throw std::runtime_error("run_process: empty argv");
  std::vector<std::string> argv_strings = spec.argv;
  std::vector<std::string> env_strings = merged_environment(spec.environment);
  std::vector<char*> argv = pointers(argv_strings);
  std::vector<char*> envp = pointers(env_strings);
  Pipe in, out, err, status;
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) exec_child(in, out, err, status, spec, argv.data(), envp.data());
  in.close_read();
  out.close_write();
  err.close_write();
  status.close_write();
  pump(in, out, err, spec.stdin_data.value_or(""), result);
  int code[2] = {0, 0};
  ssize_t got;
  do got = ::read(status.read_end, code, sizeof code);
  while (got < 0 && errno == EINTR);
  int wait_status = 0;
  while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {}
  if (got == static_cast<ssize_t>(sizeof code) && code[0] != 0) {
    result.start_failure = code[0] == 1 ? StartFailure::chdir : StartFailure::exec;
    result.start_errno = code[1];
    result.rc = code[1] == ENOENT ? 2 : 126;
    const std::string& what = code[0] == 1 ? spec.chdir : spec.argv[0];
    result.error = "[Errno " + std::to_string(code[1]) + "] " + std::strerror(code[1]) + ": b'" + what + "'";
    return result;
  }
  if (WIFEXITED(wait_status)) result.rc = WEXITSTATUS(wait_status);
  else if (WIFSIGNALED(wait_status)) result.rc = -WTERMSIG(wait_status);
  return result;
}

namespace {

std::vector<std::string> executable_search_path() {
  std::vector<std::string> dirs;
  const std::string text = environment_variable("PATH").value_or("");
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t colon = text.find(':', start);
    if (colon == std::string::npos) colon = text.size();
    if (colon > start) dirs.push_back(text.substr(start, colon - start));
    start = colon + 1;
  }
  for (const char* extra : {"/sbin", "/usr/sbin", "/usr/local/sbin"})
    if (std::find(dirs.begin(), dirs.end(), extra) == dirs.end()) dirs.emplace_back(extra);
  return dirs;
}

}  // namespace

std::string find_executable(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  for (const auto& dir : executable_search_path()) {
    std::string candidate = dir + "/" + name;
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && !S_ISDIR(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return "";
}

std::string require_executable(const std::string& name) {
  std::string found = find_executable(name);
  if (!found.empty()) return found;
  std::string paths;
  for (const auto& dir : executable_search_path()) paths += (paths.empty() ? "" : ":") + dir;
  throw ModuleFailure("Failed to find required executable \"" + name + "\" in paths: " + paths);
}

ProcessResult run_command_line(const std::string& line, const std::map<std::string, std::string>& environment) {
  ProcessSpec spec;
  spec.argv = shlex_split(line);
  spec.environment = environment;
  return run_process(spec);
}

}  // namespace drover::modules
