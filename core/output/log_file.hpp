// Ansible's log file (log_path, ANSIBLE_LOG_PATH, DROVER_LOG_PATH): every message the Display
// shows, without colour, one record per message in the format of Ansible's display.py logger:
//   2026-12-03 15:39:24,123 p=4242 u=alice n=ansible | TASK [ping] ****
// Messages arrive masked (Display masks secrets before it prints or logs). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace drover::output {

class LogFile {
public:
  // Opens `path` (a leading ~ is the home folder) for appending, for the rest of the process.
  // Returns an empty string, or the warning to show when it cannot be written (Ansible's words;
  // the run goes on without a log).
  static std::string open(const std::string& path);
  // Appends one record when a log file is open; leading newlines of `message` are dropped, as
  // Ansible's logger does. Never throws.
  static void write(std::string_view message);
  // The record line for `message` at the given time (for tests): "<time> p=<pid> u=<user> n=ansible | <message>".
  static std::string record(std::string_view message, const std::string& asctime, long pid, const std::string& user);
  // Closes the file (for tests).
  static void close();
};

}  // namespace drover::output
