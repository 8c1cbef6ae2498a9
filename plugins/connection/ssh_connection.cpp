#include "plugins/connection/ssh_connection.hpp"

#include <poll.h>

#include <libssh/server.h>  // ssh_send_keepalive, a client call declared there

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/interrupt.hpp"
#include "core/secrets/crypto.hpp"
#include "plugins/connection/known_hosts.hpp"

namespace drover::connection {
namespace {

constexpr std::size_t k_stderr_keep = 64 * 1024;
constexpr int k_max_wait_slice_ms = 1000;  // a bounded wait lets stalled buffers drain anyway
const std::string k_prefix = "Failed to connect to the host via ssh: ";

void init_libssh_once() {
  static std::once_flag once;
  std::call_once(once, [] { ssh_init(); });
}

std::string key_type_name(ssh_key key) {
  std::string t = ssh_key_type_to_char(ssh_key_type(key)) ? ssh_key_type_to_char(ssh_key_type(key)) : "unknown";
  if (t == "ssh-ed25519") return "ED25519";
  if (t == "ssh-rsa") return "RSA";
  if (t.rfind("ecdsa", 0) == 0) return "ECDSA";
  return t;
}

std::string fingerprint(ssh_key key) {
  unsigned char* hash = nullptr;
  size_t len = 0;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) != SSH_OK) return "(unknown)";
  char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
  std::string out = fp ? fp : "(unknown)";
  ssh_string_free_char(fp);
  ssh_clean_pubkey_hash(&hash);
  return out;
}

std::string auth_methods(int mask) {
  std::vector<std::string> names;
  if (mask & SSH_AUTH_METHOD_PUBLICKEY) names.push_back("publickey");
  if (mask & SSH_AUTH_METHOD_PASSWORD) names.push_back("password");
  if (mask & SSH_AUTH_METHOD_INTERACTIVE) names.push_back("keyboard-interactive");
  if (mask & SSH_AUTH_METHOD_HOSTBASED) names.push_back("hostbased");
  if (mask & SSH_AUTH_METHOD_GSSAPI_MIC) names.push_back("gssapi-with-mic");
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

// OpenSSH's ProxyJump as a ProxyCommand (libssh 0.10 has no native jump option): the last hop
// is the `-W` destination, earlier hops go to -J.
std::string proxy_command(const ConnectionSpec& spec) {
  std::vector<std::string> hops;
  std::stringstream in(spec.proxy_jump);
  for (std::string hop; std::getline(in, hop, ',');)
    if (!hop.empty()) hops.push_back(hop);
  if (hops.empty()) return "";
  auto as_destination = [](const std::string& hop) {
    // user@host:port is not an ssh destination; ssh://user@host:port is.
    const std::size_t colon = hop.rfind(':');
    const bool has_port = colon != std::string::npos && hop.find(']') == std::string::npos && hop.find(':') == colon;
    return has_port ? "ssh://" + hop : hop;
  };
  std::string cmd = "ssh -o BatchMode=yes";
  if (!spec.host_key_checking) cmd += " -o StrictHostKeyChecking=no";
  else if (spec.accept_new_host_keys) cmd += " -o StrictHostKeyChecking=accept-new";
  if (!spec.known_hosts_file.empty()) cmd += " -o UserKnownHostsFile=" + shell_quote(spec.known_hosts_file);
  for (const auto& f : spec.identity_files) cmd += " -i " + shell_quote(f);
  if (hops.size() > 1) {
    std::string jumps;
    for (std::size_t i = 0; i + 1 < hops.size(); ++i) jumps += (jumps.empty() ? "" : ",") + as_destination(hops[i]);
    cmd += " -J " + shell_quote(jumps);
  }
  cmd += " -W '[%h]:%p' " + shell_quote(as_destination(hops.back()));
  return cmd;
}

std::string base64_blob(ssh_key key) {
  char* b64 = nullptr;
  if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK) return "";
  std::string out = b64 ? b64 : "";
  ssh_string_free_char(b64);
  return out;
}

// The known_hosts files libssh reads for this session (the user's, then the global one).
std::vector<std::string> known_hosts_files(ssh_session session) {
  std::vector<std::string> out;
  for (auto option : {SSH_OPTIONS_KNOWNHOSTS, SSH_OPTIONS_GLOBAL_KNOWNHOSTS}) {
    char* path = nullptr;
    if (ssh_options_get(session, option, &path) == SSH_OK && path) out.emplace_back(path);
    ssh_string_free_char(path);
  }
  return out;
}

struct FileMarker {
  std::string file;
  MarkedHostKey key;
};

// The @revoked / @cert-authority lines of the session's known_hosts files that name `host`.
std::vector<FileMarker> file_markers(ssh_session session, const std::string& host) {
  std::vector<FileMarker> out;
  for (const auto& file : known_hosts_files(session)) {
    std::ifstream in(file);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    for (auto& key : marked_host_keys(text.str(), host)) out.push_back({file, std::move(key)});
  }
  return out;
}

// Moves whatever libssh has for one stream of `ch` into `buf`. Returns false at that stream's end.
bool drain_stream(SshConnection& conn, ssh_channel ch, std::string& buf, bool is_stderr, bool bounded = true) {
  char chunk[32768];
  for (;;) {
    int n = ssh_channel_read_nonblocking(ch, chunk, sizeof chunk, is_stderr ? 1 : 0);
    if (n > 0) {
      conn.heard();
      buf.append(chunk, static_cast<std::size_t>(n));
      if (bounded && is_stderr && buf.size() > k_stderr_keep) buf.erase(0, buf.size() - k_stderr_keep);
      continue;
    }
    if (n == SSH_EOF) return false;
    if (n == SSH_ERROR) {
      if (!ssh_is_connected(conn.session())) conn.lost("the connection was closed");
      return false;  // a channel-level error: treat as the end of this stream
    }
    return !(ssh_channel_is_eof(ch) || ssh_channel_is_closed(ch));
  }
}

class SshProcess : public Process {
public:
  SshProcess(SshConnection& conn, ssh_channel ch) : m_conn(conn), m_channel(ch), m_generation(conn.generation()) {}

  // For exec: closes stdin, collects both streams to their end and the exit status. An interrupt
  // throws Interrupted and the channel closes (an upload cut short that way removes its copy).
  ExecResult run_to_end() {
    ssh_channel_send_eof(m_channel);
    bool err_open = true;
    while (!m_stdout_done || err_open) {
      if (g_interrupted) throw Interrupted();
      if (err_open) err_open = drain_stream(m_conn, m_channel, m_err_all, true, false);
      if (!m_stdout_done) m_stdout_done = !drain_stream(m_conn, m_channel, m_out, false);
      if (!m_stdout_done || err_open) m_conn.wait_readable(k_max_wait_slice_ms);
    }
    ExecResult r;
    r.rc = ssh_channel_get_exit_status(m_channel);
    r.out = std::move(m_out);
    r.err = std::move(m_err_all);
    return r;
  }
  ~SshProcess() override { SshProcess::close(); }

  void write(std::string_view data) override {
    if (!m_channel || m_stdout_done) return;
    while (!data.empty()) {
      int n = ssh_channel_write(m_channel, data.data(), static_cast<uint32_t>(data.size()));
      if (n == SSH_ERROR) {
        if (!ssh_is_connected(m_conn.session())) m_conn.lost("writing to the runner failed");
        return;  // the channel is closing: read_line reports the exit
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  std::optional<std::string> read_line(int timeout_ms) override {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      if (auto line = take_line()) return line;
      if (m_stdout_done) return take_rest();
      pump();
      if (auto line = take_line()) return line;
      if (m_stdout_done) continue;
      int wait = k_max_wait_slice_ms;
      if (timeout_ms >= 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) return std::nullopt;
        wait = static_cast<int>(std::min<long long>(left, k_max_wait_slice_ms));
      }
      m_conn.wait_readable(wait);
    }
  }

  bool exited() const override { return m_stdout_done && m_out.empty(); }

  int exit_status() override {
    if (!m_channel) return m_status;
    if (m_stdout_done && m_status < 0) m_status = ssh_channel_get_exit_status(m_channel);
    return m_status;
  }

  std::string stderr_text() override {
    if (m_channel) pump();
    return m_err;
  }

  void close() override {
    if (!m_channel) return;
    if (m_generation != m_conn.generation()) {  // the session (and this channel) is gone already
      m_channel = nullptr;
      return;
    }
    if (ssh_is_connected(m_conn.session())) {
      ssh_channel_send_eof(m_channel);
      ssh_channel_close(m_channel);
    }
    ssh_channel_free(m_channel);
    m_channel = nullptr;
  }

private:
  // stderr first: reading stdout last means that every stdout packet libssh has taken off the
  // socket is in m_out when this returns, so waiting on the socket afterwards cannot miss one.
  void pump() {
    drain_stream(m_conn, m_channel, m_err, true);
    if (!m_stdout_done) m_stdout_done = !drain_stream(m_conn, m_channel, m_out, false);
  }
  std::optional<std::string> take_line() {
    std::size_t nl = m_out.find('\n');
    if (nl == std::string::npos) return std::nullopt;
    std::string line = m_out.substr(0, nl);
    m_out.erase(0, nl + 1);
    return line;
  }
  std::optional<std::string> take_rest() {
    if (m_out.empty()) return std::nullopt;
    return std::exchange(m_out, {});
  }

  SshConnection& m_conn;
  ssh_channel m_channel;
  std::uint64_t m_generation;
  std::string m_out, m_err, m_err_all;
  bool m_stdout_done = false;
  int m_status = -1;
};

}  // namespace

SshConnection::SshConnection(ConnectionSpec spec) : m_spec(std::move(spec)) {}

SshConnection::~SshConnection() { SshConnection::close(); }

std::string SshConnection::destination() const {
  return m_spec.port == 22 ? m_spec.address : "[" + m_spec.address + "]:" + std::to_string(m_spec.port);
}

void SshConnection::fail(const std::string& message) {
  close();
  throw Unreachable(k_prefix + message);
}

void SshConnection::lost(const std::string& what) {
  std::string detail = m_session ? ssh_get_error(m_session) : "";
  close();
  throw Unreachable(k_prefix + "connection to " + m_spec.address + " lost: " + what +
                    (detail.empty() ? "" : " (" + detail + ")"));
}

void SshConnection::heard() {
  m_last_heard = std::chrono::steady_clock::now();
  m_unanswered_keepalives = 0;
}

// OpenSSH's ServerAliveInterval: silence for an interval sends a keepalive that wants a reply
// (the reply, like any byte from the host, makes the socket readable: heard()); CountMax of them
// unanswered and another interval of silence mean the host is gone. Sent before the poll, so the
// reply wakes this very wait.
void SshConnection::keep_alive() {
  if (m_spec.server_alive_interval_s <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  const auto interval = std::chrono::seconds(m_spec.server_alive_interval_s);
  if (now - std::max(m_last_heard, m_last_keepalive) < interval) return;
  if (m_unanswered_keepalives >= m_spec.server_alive_count_max)
    lost("Timeout, server " + m_spec.address + " not responding (no answer to " + std::to_string(m_unanswered_keepalives) +
         " keepalives " + std::to_string(m_spec.server_alive_interval_s) + " s apart: ServerAliveInterval, ServerAliveCountMax)");
  // Nonblocking: libssh sends the request and returns; a call that finds the last reply
  // consumes it instead of sending, hence the second call.
  ssh_set_blocking(m_session, 0);
  ssh_send_keepalive(m_session);
  ssh_send_keepalive(m_session);
  ssh_set_blocking(m_session, 1);
  m_last_keepalive = now;
  ++m_unanswered_keepalives;
}

void SshConnection::wait_readable(int timeout_ms) {
  if (!m_session) lost("the connection was closed");
  keep_alive();
  pollfd fd{ssh_get_fd(m_session), POLLIN, 0};
  if (fd.fd < 0) lost("the connection was closed");
  if (::poll(&fd, 1, timeout_ms) > 0) heard();
}

void SshConnection::set_options() {
  const long timeout = m_spec.timeout_s > 0 ? m_spec.timeout_s : 10;
  const int verbosity = SSH_LOG_NOLOG, nodelay = 1;
  ssh_options_set(m_session, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
  ssh_options_set(m_session, SSH_OPTIONS_HOST, m_spec.address.c_str());
  // Parsed now, before the explicit values, so that those win (libssh would parse it in
  // ssh_connect otherwise, after them).
  if (m_spec.ssh_config_file != "none") {
    ssh_options_parse_config(m_session, m_spec.ssh_config_file.empty() ? nullptr : m_spec.ssh_config_file.c_str());
  } else {
    const bool no = false;
    ssh_options_set(m_session, SSH_OPTIONS_PROCESS_CONFIG, &no);
  }
  const unsigned int port = static_cast<unsigned int>(m_spec.port);
  ssh_options_set(m_session, SSH_OPTIONS_PORT, &port);
  if (!m_spec.user.empty()) ssh_options_set(m_session, SSH_OPTIONS_USER, m_spec.user.c_str());
  ssh_options_set(m_session, SSH_OPTIONS_TIMEOUT, &timeout);
  ssh_options_set(m_session, SSH_OPTIONS_NODELAY, &nodelay);
  if (!m_spec.known_hosts_file.empty())
    ssh_options_set(m_session, SSH_OPTIONS_KNOWNHOSTS, m_spec.known_hosts_file.c_str());
  for (const auto& f : m_spec.identity_files) ssh_options_set(m_session, SSH_OPTIONS_ADD_IDENTITY, f.c_str());
  if (!m_spec.proxy_jump.empty())
    ssh_options_set(m_session, SSH_OPTIONS_PROXYCOMMAND, proxy_command(m_spec).c_str());
}

void SshConnection::connect() {
  if (m_session && ssh_is_connected(m_session)) return;
  close();
  init_libssh_once();
  m_session = ssh_new();
  if (!m_session) throw Unreachable(k_prefix + "cannot create an ssh session (out of memory)");
  set_options();
  if (ssh_connect(m_session) != SSH_OK)
    fail("ssh: connect to host " + m_spec.address + " port " + std::to_string(m_spec.port) + ": " +
         ssh_get_error(m_session));
  verify_host_key();
  authenticate();
  heard();
}

// OpenSSH's order: a revoked key is refused whatever the checking mode; a known key passes; with
// checking off anything passes; accept-new records an unknown key; everything else is refused
// with the command that fixes it.
void SshConnection::verify_host_key() {
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(m_session, &key) != SSH_OK) fail(std::string("no host key: ") + ssh_get_error(m_session));
  const std::string type = key_type_name(key), fp = fingerprint(key), blob = base64_blob(key);
  ssh_key_free(key);
  const std::vector<FileMarker> markers = file_markers(m_session, known_hosts_name(m_spec.address, m_spec.port));
  for (const auto& m : markers)
    if (m.key.marker == KnownHostsMarker::revoked && !blob.empty() && m.key.key_base64 == blob)
      fail("WARNING: REVOKED HOST KEY DETECTED! The " + type + " host key for " + destination() + " (" + fp +
           ") is marked @revoked in " + m.file + " line " + std::to_string(m.key.line) +
           "; a stolen key may be impersonating this host. Host key verification failed.");
  const ssh_known_hosts_e state = ssh_session_is_known_server(m_session);
  if (state == SSH_KNOWN_HOSTS_OK || !m_spec.host_key_checking) return;
  const std::string file = m_spec.known_hosts_file.empty() ? "~/.ssh/known_hosts" : m_spec.known_hosts_file;
  const std::string port_flag = m_spec.port == 22 ? "" : "-p " + std::to_string(m_spec.port) + " ";
  const bool unknown = state == SSH_KNOWN_HOSTS_NOT_FOUND || state == SSH_KNOWN_HOSTS_UNKNOWN;
  if (unknown && m_spec.accept_new_host_keys) {
    record_host_key(file);
    return;
  }
  std::string ca_note;
  for (const auto& m : markers)
    if (m.key.marker == KnownHostsMarker::cert_authority)
      ca_note = " (" + m.file + " line " + std::to_string(m.key.line) +
                " names a @cert-authority for this host, but drover's ssh connection (libssh) cannot verify host "
                "certificates: record the host's own key)";
  switch (state) {
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      fail("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! The " + type + " host key for " + destination() +
           " is now " + fp + ", which does not match the key recorded in " + file +
           " (someone could be eavesdropping on you, or the host was reinstalled). Host key verification failed. "
           "If the change is expected, remove the old key with `ssh-keygen -R '" + destination() + "' -f " + file +
           "` and add the new one.");
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
      fail("No " + type + " host key is known for " + destination() +
           " and you have requested strict checking. Host key verification failed. The host presented " + fp +
           "; if that is its key, add it to " + file + " (e.g. `ssh-keyscan " + port_flag + m_spec.address +
           " >> " + file + "`), or turn checking off with host_key_checking=False / ANSIBLE_HOST_KEY_CHECKING=False." +
           ca_note);
    default:
      fail(std::string("cannot check the host key of ") + destination() + " against " + file + ": " +
           ssh_get_error(m_session));
  }
}

// accept-new: appends the host's key to the user's known_hosts file, as OpenSSH does (one writer
// at a time in this process: workers may meet new hosts together).
void SshConnection::record_host_key(const std::string& file) {
  static std::mutex writing;
  std::lock_guard lock(writing);
  if (ssh_session_update_known_hosts(m_session) != SSH_OK)
    fail("cannot record the new host key of " + destination() + " in " + file + ": " + ssh_get_error(m_session));
}

void SshConnection::authenticate() {
  if (ssh_userauth_none(m_session, nullptr) == SSH_AUTH_SUCCESS) return;
  int rc = SSH_AUTH_DENIED;
  if (m_spec.identities_only && !m_spec.identity_files.empty()) {
    for (const auto& f : m_spec.identity_files) {
      ssh_key key = nullptr;
      if (ssh_pki_import_privkey_file(f.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) continue;
      rc = ssh_userauth_publickey(m_session, nullptr, key);
      ssh_key_free(key);
      if (rc == SSH_AUTH_SUCCESS) return;
    }
  } else {
    rc = ssh_userauth_publickey_auto(m_session, nullptr, nullptr);
    if (rc == SSH_AUTH_SUCCESS) return;
  }
  if (rc == SSH_AUTH_ERROR) fail(std::string("authentication failed: ") + ssh_get_error(m_session));
  if (!m_spec.password.empty() && ssh_userauth_password(m_session, nullptr, m_spec.password.c_str()) == SSH_AUTH_SUCCESS)
    return;
  char* user = nullptr;
  ssh_options_get(m_session, SSH_OPTIONS_USER, &user);
  const std::string who = (user ? std::string(user) : m_spec.user) + "@" + m_spec.address;
  ssh_string_free_char(user);
  std::string missing;
  for (const auto& f : m_spec.identity_files)
    if (!std::filesystem::exists(f)) missing += " (identity file " + f + " does not exist)";
  fail(who + ": Permission denied (" + auth_methods(ssh_userauth_list(m_session, nullptr)) + ")." + missing);
}

ssh_channel SshConnection::open_channel(const std::string& command) {
  connect();
  ssh_channel ch = ssh_channel_new(m_session);
  if (!ch) lost("cannot open a channel");
  if (ssh_channel_open_session(ch) != SSH_OK) {
    ssh_channel_free(ch);
    lost("cannot open a channel");
  }
  if (ssh_channel_request_exec(ch, command.c_str()) != SSH_OK) {
    ssh_channel_close(ch);
    ssh_channel_free(ch);
    lost("cannot start a command");
  }
  return ch;
}

ExecResult SshConnection::exec(const std::string& command, std::string_view input) {
  SshProcess p(*this, open_channel(command));
  p.write(input);
  return p.run_to_end();
}

std::unique_ptr<Process> SshConnection::spawn(const std::string& command) {
  return std::make_unique<SshProcess>(*this, open_channel(command));
}

// The content goes through `cat` into a temp name beside the destination, and gets the final name
// only once its size (and, where the target has sha256sum, its sha256) matches what was sent: a
// client killed mid-upload leaves `cat` a short file at end of input, which is removed, never
// renamed. Concurrent uploads of the same file each write their own temp name ($$) and rename
// the same verified content.
std::string upload_command(const std::string& remote_path, int mode, std::size_t size, const std::string& sha256) {
  const std::size_t slash = remote_path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : remote_path.substr(0, slash);
  char mode_text[8];
  std::snprintf(mode_text, sizeof mode_text, "%04o", mode & 07777);
  const std::string verify = "[ \"$(wc -c < \"$t\")\" -eq " + std::to_string(size) +
                             " ] && { ! command -v sha256sum >/dev/null 2>&1 || [ \"$(sha256sum < \"$t\" | cut -c1-64)\" = " +
                             sha256 + " ]; }";
  return "umask 077 && mkdir -p " + shell_quote(dir) + " && t=" + shell_quote(remote_path) + ".tmp.$$ && { cat > \"$t\" && " +
         verify + " && chmod " + mode_text + " \"$t\" && mv -f \"$t\" " + shell_quote(remote_path) +
         " || { rm -f \"$t\"; echo 'the copy on the target is incomplete or differs (expected " + std::to_string(size) +
         " bytes, sha256 " + sha256 + "); removed it' >&2; exit 1; }; }";
}

void SshConnection::upload(std::string_view data, const std::string& remote_path, int mode) {
  const std::string sha = secrets::hex_encode(secrets::sha256(data));
  ExecResult r = exec(upload_command(remote_path, mode, data.size(), sha), data);
  if (r.rc != 0)
    throw std::runtime_error("cannot write " + remote_path + " on " + m_spec.inventory_name + " (rc=" +
                             std::to_string(r.rc) + "): " + r.err);
}

void SshConnection::close() {
  if (!m_session) return;
  ++m_generation;
  if (ssh_is_connected(m_session)) ssh_disconnect(m_session);
  ssh_free(m_session);
  m_session = nullptr;
}

}  // namespace drover::connection
