// Talking to one target host: its connection, the bootstrap of the `drover-modules` runner,
// and the runner processes (one per become user) that run modules one request at a time.
//
// The bootstrap, on first use (see docs/connections.md):
//   1. ONE probe command: `uname -m`, `id -u`, `$HOME`, and whether
//      ~/.cache/drover/<sha256>/drover-modules is already there with the runner's size;
//   2. upload of the runner only when it is absent or of another size (temp name, size and
//      sha256 checked on the target, chmod 0700, rename: a half-written runner never has the
//      final name);
//   3. `<runner> --serve` started once (per become user, through the become method: sudo, su)
//      and kept for the run.
// Over the local connection the runner is started from its path on the control node: no probe,
// no upload.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/transport/become.hpp"
#include "core/transport/connection.hpp"
#include "core/value/value.hpp"

namespace drover::transport {

class Runner;

struct RunnerBinary {
  std::string path;    // drover-modules on the control node
  std::string sha256;  // hex digest of its content: its version, and its folder on targets
  std::string arch;    // the machine it runs on (uname -m of the control node)
  std::size_t size = 0;  // bytes: the probe's cheap check of a cached copy
  // `drover-modules` beside the running executable (/proc/self/exe), else $DROVER_MODULES_BIN.
  // Computed once per process (later calls return the same value). Throws std::runtime_error
  // saying where it looked when there is none.
  static RunnerBinary find();
  // The binary at `path`, hashed now.
  static RunnerBinary at(const std::string& path);
  // The file's content (read on each call: only needed for an upload).
  std::string read_content() const;
};

struct ModuleCall {
  std::string module;
  Value args;
  bool check = false, diff = false;
  Become become;
  Value environment;  // a map of extra environment variables, or null
  // `async`: {"jid": "j<digits>", "time_limit": seconds, "dir": job folder} starts the module as a
  // background job and answers at once (docs/protocol.md); null: run it now.
  Value async_job;
  double timeout_s = 0;  // > 0: the runner kills the module after this long (RunnerTimeout)
};

class Target {
public:
  // `connection` is the caller's (from the plugin set's connection factory, or a fake in tests),
  // not yet connected: the Target connects it on first use. `become_methods` are the methods a
  // call's Become can name (the plugin set's table; must outlive the Target).
  Target(connection::ConnectionSpec spec, std::unique_ptr<connection::Connection> connection,
         const RunnerBinary& runner, become::BecomeMethods become_methods);
  ~Target();
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  // Runs a module through the runner, bootstrapping on first use, and returns its result map
  // (Ansible's fields). Throws connection::Unreachable when the host cannot be reached (first
  // contact or a lost connection); the next call then starts over with a new connection.
  // A runner that dies, a failed bootstrap or a refused become are failed results with the
  // reason (and the runner's stderr tail in `module_stderr`), as is a become method that is not
  // in the table ("Invalid become method specified, ...").
  // A call with a timeout the module exceeded throws RunnerTimeout (the runner killed it).
  Value run(const ModuleCall& call);
  // The `raw` module: the command through the login shell (through the become method with
  // become, its password on stdin), no runner. An unknown become method is rc 1 with the reason.
  connection::ExecResult raw(const std::string& command, const Become& become = {});
  // Asks every runner to exit, then closes the connection. Never throws.
  void close();

  const connection::ConnectionSpec& spec() const { return m_spec; }
  // How many times this Target uploaded the runner (0 or 1; for tests and -vvv output).
  int uploads() const { return m_uploads; }

private:
  struct Probe {
    std::string arch, uid, home;
    bool runner_present = false;
  };
  void ensure_connected();
  void bootstrap();
  Probe probe();
  const become::BecomeMethod& method_for(const Become& become) const;
  std::string runner_command(const Become& become) const;
  Runner& runner_for(const Become& become);
  void reset();

  connection::ConnectionSpec m_spec;
  std::unique_ptr<connection::Connection> m_connection;
  RunnerBinary m_binary;
  become::BecomeMethods m_become_methods;
  std::mutex m_mutex;  // a Target is used by one worker at a time; this makes that a guarantee
  bool m_bootstrapped = false;
  std::string m_runner_path;  // where the runner is on the target
  std::map<std::string, std::unique_ptr<Runner>> m_runners;  // by become user ("" = none)
  int m_uploads = 0;
};

}  // namespace drover::transport
