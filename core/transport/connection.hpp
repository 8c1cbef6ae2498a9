// How the control node reaches one target host: the Connection interface that connection
// plugins (plugins/connection/: ssh, local) implement, and the spec that says how to reach a host
// (resolved from its vars). The interface lives in core because core calls it (the transport
// bootstraps and drives the runner through it); the plugins implement it, and core receives a
// connection factory from the plugin set (core/plugin_set.hpp) rather than naming a plugin.
//
// Contracts shared by every connection:
//   - one Connection per host for the whole run; it is used by one thread at a time (not always
//     the same thread), so implementations need no locking but keep no thread-local state;
//   - failing to reach the host (first contact or a lost connection) throws Unreachable, whose
//     message reads like Ansible's ("Failed to connect to the host via ssh: ...");
//   - a command that runs and fails is not an error: it is an ExecResult with its rc.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/value/value.hpp"

namespace drover::connection {

class Unreachable : public std::runtime_error {
public:
  using runtime_error::runtime_error;
};

struct ExecResult {
  int rc = -1;  // exit status; -1 when the command was killed by a signal or gave none
  std::string out, err;
};

// Everything needed to reach one host, resolved from its vars (see spec_from_vars).
struct ConnectionSpec {
  std::string inventory_name, connection = "ssh";  // "ssh" | "local"
  std::string address, user;  // address: what to connect to (ansible_host, else the name)
  int port = 22;
  std::vector<std::string> identity_files;
  bool identities_only = false;
  bool host_key_checking = true;
  // StrictHostKeyChecking=accept-new (with checking on): an unknown host's key is accepted and
  // appended to the known_hosts file; a changed key is still refused.
  bool accept_new_host_keys = false;
  std::string known_hosts_file;  // empty = ~/.ssh/known_hosts
  int timeout_s = 10;            // connect timeout
  // Keepalive for a peer that stops answering (OpenSSH's ServerAliveInterval/CountMax, from the
  // ssh args): after `server_alive_interval_s` seconds without a byte from the host a keepalive
  // asks for an answer; `server_alive_count_max` of them unanswered make the host unreachable.
  // 0 turns it off. drover's default is on (OpenSSH's is off): a silent host never hangs a run.
  int server_alive_interval_s = 15;
  int server_alive_count_max = 3;
  std::string proxy_jump;        // [user@]host[:port][,more hops], as OpenSSH's -J
  std::string password;          // ansible_ssh_pass / ansible_password; empty = keys only
  std::string ssh_config_file;   // empty = ~/.ssh/config; "none" = read no user config
  std::vector<std::string> warnings;  // e.g. ignored -o options (the caller prints them once)
};

// Connection settings from the configuration file and the command line.
struct ConnectionDefaults {
  std::string remote_user, private_key_file;
  bool host_key_checking = true;
  int timeout_s = 10;
  std::string ssh_common_args, ssh_extra_args;
  std::string connection;  // -c / ansible.cfg transport; empty = per-host default
  std::string ssh_config_file;  // empty = ~/.ssh/config; "none" = read no user config
};

// Builds a spec from a host's merged vars: ansible_host, ansible_port, ansible_user,
// ansible_connection, ansible_ssh_private_key_file (also ansible_private_key_file),
// ansible_ssh_common_args, ansible_ssh_extra_args, ansible_ssh_pass/ansible_password,
// ansible_host_key_checking (also ansible_ssh_host_key_checking), ansible_timeout; then
// ~/.ssh/config (Port and User when the vars give none) and the defaults.
// `-o Key=Value` options libssh honours: UserKnownHostsFile, StrictHostKeyChecking (yes, ask,
// accept-new, no), IdentityFile, IdentitiesOnly, ProxyJump, ConnectTimeout, Port, User,
// ServerAliveInterval, ServerAliveCountMax (also `-J`, `-p`, `-i`,
// `-l`); anything else adds a one-line warning to spec.warnings.
// A localhost name (localhost, 127.0.0.1, ::1) with no ansible_connection becomes "local" only
// when `implicit_localhost` is set (the implicit localhost, as Ansible does).
ConnectionSpec spec_from_vars(const std::string& host, const Value& vars,
                              const ConnectionDefaults& defaults, bool implicit_localhost);

// A long-lived child process on the target (the runner in serve mode): line-oriented I/O.
// Its stderr is collected in the background and kept (the last lines) for error messages.
class Process {
public:
  virtual ~Process() = default;
  // Writes all of `data` to the process's stdin. Throws Unreachable when the connection is lost;
  // writing to a process that has exited is silently dropped (read_line reports the exit).
  virtual void write(std::string_view data) = 0;
  // The next stdout line without its "\n". nullopt when no full line arrived within timeout_ms
  // (< 0: wait forever) or when stdout has ended (then exited() is true). Never busy-waits.
  // Throws Unreachable when the connection is lost.
  virtual std::optional<std::string> read_line(int timeout_ms) = 0;
  // True once stdout has reached its end (the process exited or closed it).
  virtual bool exited() const = 0;
  // Exit status once known, else -1.
  virtual int exit_status() = 0;
  // Everything the process wrote on stderr so far (bounded: the last 64 KiB).
  virtual std::string stderr_text() = 0;
  // Closes stdin and releases the process; does not wait for it longer than a moment.
  virtual void close() = 0;
};

class Connection {
public:
  virtual ~Connection() = default;
  // Opens the connection (idempotent). Throws Unreachable.
  virtual void connect() = 0;
  // Runs `command` through the remote user's shell with `input` on stdin; waits for it to end.
  virtual ExecResult exec(const std::string& command, std::string_view input = {}) = 0;
  // Starts a long-lived command with line I/O.
  virtual std::unique_ptr<Process> spawn(const std::string& command) = 0;
  // Writes `data` to `remote_path` atomically (a temp name in the same folder, chmod `mode`,
  // rename) and verified: the temp copy gets the final name only when its size and sha256 match
  // `data`, so an upload cut short never leaves a partial file under `remote_path`; creates the
  // parent folder (mode 0700) when missing. Throws std::runtime_error
  // with the remote stderr when the write fails, Unreachable when the host is lost.
  virtual void upload(std::string_view data, const std::string& remote_path, int mode) = 0;
  virtual void close() = 0;
  // "ssh" | "local": the transport decides whether the runner needs uploading.
  virtual std::string kind() const = 0;
};

// What the plugin set provides to open a connection for a spec (the registry of connection
// plugins). Throws std::invalid_argument for an unknown `spec.connection`, naming the known ones.
using ConnectionFactory = std::unique_ptr<Connection> (*)(const ConnectionSpec& spec);

// Quotes `s` for a POSIX shell (single quotes).
std::string shell_quote(std::string_view s);

}  // namespace drover::connection
