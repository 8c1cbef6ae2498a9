// Running a child process with pipes: stdin fed from a string, stdout and stderr collected.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace drover::modules {

struct ProcessSpec {
  std::vector<std::string> argv;                  // argv[0] is looked up on PATH
  std::optional<std::string> stdin_data;          // nothing: the child's stdin is at end of file
  std::map<std::string, std::string> environment; // added to (and overriding) the runner's env
  std::string chdir;                              // empty: the runner's working directory
};

enum class StartFailure { none, chdir, exec };

struct ProcessResult {
  int rc = 0;              // exit status, or -N when killed by signal N (as Python reports it)
  std::string stdout_text;
  std::string stderr_text;
  StartFailure start_failure = StartFailure::none;
  int start_errno = 0;     // errno of the failed chdir/exec (rc is then 2 for ENOENT, else 126)
  std::string error;       // Python's OSError text then: "[Errno 2] No such file or directory: b'x'"
};

// Runs the process to completion, polling both output pipes while feeding stdin, so a child that
// writes a lot never blocks. Never throws for a failing child; throws std::runtime_error only when
// pipes or fork fail.
ProcessResult run_process(const ProcessSpec& spec);

// Ansible's get_bin_path: `name` looked up on PATH and then in /sbin, /usr/sbin and
// /usr/local/sbin; its full path, or "" when it is nowhere.
std::string find_executable(const std::string& name);

// find_executable, or a ModuleFailure with Ansible's message: `Failed to find required
// executable "NAME" in paths: ...`.
std::string require_executable(const std::string& name);

// Ansible's run_command for a command given as one string: the words of shlex.split(line) run
// without a shell, with `environment` added. Never throws for a failing child.
ProcessResult run_command_line(const std::string& line, const std::map<std::string, std::string>& environment = {});

}  // namespace drover::modules
