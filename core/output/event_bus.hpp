// The one place run events go. The controller thread calls the bus; the bus
//   - counts RunStats from the host results it sees, exactly as Ansible's strategy counts them,
//   - registers every secret-marked string of a result with the Redactor before anyone prints,
//   - cleans each result the way Ansible's TaskResult.clean_copy() does (no_log censoring,
//     `failed`/`skipped`/internal keys removed) and forwards every event to the one stdout
//     callback, then to each notification callback, in the order they were added.
// A callback that throws is reported on the error stream (naming the callback and the event)
// and disabled for the rest of the run; the other callbacks go on.
#pragma once

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/output/callback.hpp"

namespace drover::output {

class EventBus final : public Callback {
public:
  explicit EventBus(std::ostream* errors = &std::cerr) : m_errors(errors) {}

  // Replaces the stdout callback (there is exactly one; nullptr means none, for tests).
  void set_stdout_callback(std::unique_ptr<Callback> callback);
  void add_notification_callback(std::unique_ptr<Callback> callback);

  std::string name() const override { return "event_bus"; }
  void on_playbook_start(const std::string& file) override;
  void on_play_start(const PlayInfo& play) override;
  void on_no_hosts_matched() override;
  void on_no_hosts_remaining() override;
  void on_task_start(const TaskInfo& task) override;
  void on_host_result(const HostResult& result) override;
  void on_item_result(const ItemResult& result) override;
  // Counts ok for each host, as Ansible's strategy does when it loads an included file.
  void on_include(const IncludeInfo& include) override;
  void on_async(const AsyncResult& async) override;
  void on_retry(const RetryResult& retry) override;
  void on_warning(const std::string& message) override;
  // Forwards the given stats; emit_stats() forwards the bus's own.
  void on_stats(const RunStats& stats) override;
  void on_playbook_end() override;

  void emit_stats() { on_stats(m_stats); }
  const RunStats& stats() const { return m_stats; }
  // Names of the callbacks disabled because they threw.
  const std::vector<std::string>& failed_callbacks() const { return m_failed; }

private:
  struct Slot {
    std::unique_ptr<Callback> callback;
    bool enabled = true;
  };
  template <class Fn>
  void forward(const char* event, Fn&& fn);
  void count(const HostResult& result);

  std::ostream* m_errors;
  Slot m_stdout;
  std::vector<Slot> m_notification;
  RunStats m_stats;
  std::vector<std::string> m_failed;
};

// How a run ended: every play ran, or the user interrupted it (Ctrl-C).
enum class RunEnd { completed, interrupted };

// Ansible's exit code for a run: 99 when it was interrupted, else 4 when a host was unreachable,
// else 2 when a host failed (ignored and rescued failures do not count), else 0. The one place
// that decides it.
ExitCode exit_code_for(const RunStats& stats, RunEnd end = RunEnd::completed);

}  // namespace drover::output
