// The `ssh` connection, on libssh: one session per host, opened once and kept for the run.
//
// - Options: the host's address, then the user's ssh config (~/.ssh/config: Host blocks,
//   HostName, IdentityFile, ProxyJump, ...), then the spec's explicit values on top.
// - Host keys: strict by default: an unknown host or a changed key is Unreachable, with the
//   key's fingerprint and how to fix it. With checking off any key is accepted (nothing is
//   written to known_hosts).
// - Auth: the agent and identity files (ssh_userauth_publickey_auto); only the spec's files when
//   identities_only; then the password when the spec has one.
// - exec: one channel per command; spawn: one channel kept open (the runner). Reads wait on the
//   session's socket with poll(2), never spin.
// - Processes spawned here borrow the session: close them before the connection.
#pragma once

#include <chrono>
#include <cstdint>

#include <libssh/libssh.h>

#include "core/transport/connection.hpp"

namespace drover::connection {

// The shell command behind SshConnection::upload (the data on its stdin): writes a temp name
// beside `remote_path`, checks the copy's size and sha256 (when the target has sha256sum), then
// chmods and renames it; a short or different copy is removed and the command exits 1.
std::string upload_command(const std::string& remote_path, int mode, std::size_t size, const std::string& sha256);

class SshConnection : public Connection {
public:
  explicit SshConnection(ConnectionSpec spec);
  ~SshConnection() override;
  SshConnection(const SshConnection&) = delete;
  SshConnection& operator=(const SshConnection&) = delete;

  void connect() override;
  ExecResult exec(const std::string& command, std::string_view input = {}) override;
  std::unique_ptr<Process> spawn(const std::string& command) override;
  void upload(std::string_view data, const std::string& remote_path, int mode) override;
  void close() override;
  std::string kind() const override { return "ssh"; }

  // For SshProcess: the session and the Unreachable it throws when the session is gone.
  ssh_session session() const { return m_session; }
  // Changes whenever the session is closed: channels of an older generation were freed with it.
  std::uint64_t generation() const { return m_generation; }
  [[noreturn]] void lost(const std::string& what);
  // Waits until the session's socket is readable or timeout_ms passes (< 0: forever); sends the
  // keepalives of the spec's ServerAliveInterval, and throws Unreachable (lost) when
  // ServerAliveCountMax of them went unanswered.
  void wait_readable(int timeout_ms);
  // Something arrived from the host: it is alive.
  void heard();

private:
  void set_options();
  void verify_host_key();
  void record_host_key(const std::string& file);
  void authenticate();
  std::string destination() const;  // "[host]:port" or "host", as OpenSSH names it
  [[noreturn]] void fail(const std::string& message);
  ssh_channel open_channel(const std::string& command);
  void keep_alive();

  ConnectionSpec m_spec;
  ssh_session m_session = nullptr;
  std::uint64_t m_generation = 0;
  std::chrono::steady_clock::time_point m_last_heard{}, m_last_keepalive{};
  int m_unanswered_keepalives = 0;
};

}  // namespace drover::connection
