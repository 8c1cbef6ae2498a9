#include "plugins/connection/local_connection.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <boost/process.hpp>

#include "core/secrets/keyring.hpp"

namespace drover::connection {
namespace {

namespace bp = boost::process;
constexpr std::size_t k_stderr_keep = 64 * 1024;

// A write to a child that has exited must fail with EPIPE, not kill drover.
void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

void set_cloexec_nonblock(int fd, bool nonblock) {
  if (fd < 0) return;
  ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
  if (nonblock) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// A child process with its three standard streams on pipes, driven by poll(2).
class LocalProcess : public Process {
public:
  explicit LocalProcess(const std::string& command) {
    ignore_sigpipe_once();
    bp::pipe in, out, err;
    // age keys held in drover's environment are not the command's (a task's `environment:` may
    // pass one on explicitly)
    bp::environment env = boost::this_process::environment();
    for (const auto& name : secrets::secret_environment_variables()) env.erase(name);
    try {
      m_child = bp::child("/bin/sh", std::vector<std::string>{"-c", command}, env, bp::std_in < in,
                          bp::std_out > out, bp::std_err > err);
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot start /bin/sh -c " + command + ": " + e.what());
    }
    // Boost closed the child's ends in this process; keep ours from leaking into later children.
    m_in = dup_and_release(in.native_sink());
    m_out = dup_and_release(out.native_source());
    m_err = dup_and_release(err.native_source());
    set_cloexec_nonblock(m_in, false);
    set_cloexec_nonblock(m_out, true);
    set_cloexec_nonblock(m_err, true);
  }
  ~LocalProcess() override { LocalProcess::close(); }

  void write(std::string_view data) override {
    while (!data.empty() && m_in >= 0) {
      ssize_t n = ::write(m_in, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return;  // EPIPE: the child is gone; read_line reports it
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  std::optional<std::string> read_line(int timeout_ms) override {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      if (auto line = take_line()) return line;
      if (m_out < 0) return take_rest();
      int wait = -1;
      if (timeout_ms >= 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return std::nullopt;
        wait = static_cast<int>(left.count());
      }
      pump(wait);
    }
  }

  bool exited() const override { return m_out < 0 && m_outbuf.empty(); }

  int exit_status() override {
    std::error_code ec;
    if (m_status < 0 && m_child.valid() && !m_child.running(ec)) m_status = m_child.exit_code();
    return m_status;
  }

  std::string stderr_text() override {
    pump(0);
    return m_errbuf;
  }

  void close() override {
    close_fd(m_in);
    // Nobody reads its answers any more: a runner in the middle of a request (an interrupted
    // run) sees that, stops its module's processes and removes its temp files.
    close_fd(m_out);
    if (!m_child.valid()) return;
    // The runner exits on EOF; give it a moment, then make sure it is gone (no zombies).
    std::error_code ec;
    for (int i = 0; i < 200 && m_child.running(ec); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (m_child.running(ec)) m_child.terminate(ec);
    else if (m_status < 0) m_status = m_child.exit_code();
    m_child.wait(ec);
    m_child.detach();
    close_fd(m_out);
    close_fd(m_err);
  }

  // Drives the pipes until stdout and stderr end: the body of LocalConnection::exec.
  ExecResult run_to_end(std::string_view input) {
    std::size_t sent = 0;
    if (input.empty()) close_fd(m_in);
    else ::fcntl(m_in, F_SETFL, ::fcntl(m_in, F_GETFL) | O_NONBLOCK);
    while (m_out >= 0 || m_err >= 0) {
      if (m_in >= 0) {
        ssize_t n = ::write(m_in, input.data() + sent, input.size() - sent);
        if (n > 0) sent += static_cast<std::size_t>(n);
        if ((n < 0 && errno != EAGAIN && errno != EINTR) || sent == input.size()) close_fd(m_in);
      }
      pump(-1, m_in >= 0);
    }
    std::error_code ec;
    m_child.wait(ec);
    ExecResult r;
    r.rc = ec ? -1 : m_child.exit_code();
    m_status = r.rc;
    r.out = std::move(m_outbuf);
    r.err = std::move(m_errbuf);
    m_child.detach();
    return r;
  }

private:
  static int dup_and_release(int fd) {
    if (fd < 0) return -1;
    int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    return copy;  // the pipe object closes the original when it goes out of scope
  }
  static void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }

  std::optional<std::string> take_line() {
    std::size_t nl = m_outbuf.find('\n');
    if (nl == std::string::npos) return std::nullopt;
    std::string line = m_outbuf.substr(0, nl);
    m_outbuf.erase(0, nl + 1);
    return line;
  }
  std::optional<std::string> take_rest() {
    if (m_outbuf.empty()) return std::nullopt;
    return std::exchange(m_outbuf, {});
  }

  // Waits up to wait_ms for output (or for stdin to accept more when want_write) and reads all
  // that is available.
  void pump(int wait_ms, bool want_write = false) {
    pollfd fds[3] = {{m_out, POLLIN, 0}, {m_err, POLLIN, 0}, {want_write ? m_in : -1, POLLOUT, 0}};
    int n = ::poll(fds, 3, wait_ms);
    if (n <= 0) return;
    drain(m_out, m_outbuf, false);
    drain(m_err, m_errbuf, true);
  }
  void drain(int& fd, std::string& buf, bool bounded) {
    char chunk[65536];
    while (fd >= 0) {
      ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n > 0) {
        buf.append(chunk, static_cast<std::size_t>(n));
        if (bounded && buf.size() > k_stderr_keep) buf.erase(0, buf.size() - k_stderr_keep);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      close_fd(fd);  // EOF or a hard error
    }
  }

  bp::child m_child;
  int m_in = -1, m_out = -1, m_err = -1;
  std::string m_outbuf, m_errbuf;
  int m_status = -1;
};

}  // namespace

LocalConnection::LocalConnection(ConnectionSpec spec) : m_spec(std::move(spec)) {}

ExecResult LocalConnection::exec(const std::string& command, std::string_view input) {
  LocalProcess p(command);
  return p.run_to_end(input);
}

std::unique_ptr<Process> LocalConnection::spawn(const std::string& command) {
  return std::make_unique<LocalProcess>(command);
}

void LocalConnection::upload(std::string_view data, const std::string& remote_path, int mode) {
  namespace fs = std::filesystem;
  const fs::path target(remote_path);
  std::error_code ec;
  if (target.has_parent_path() && !fs::exists(target.parent_path())) {
    fs::create_directories(target.parent_path(), ec);
    if (!ec) fs::permissions(target.parent_path(), fs::perms::owner_all, ec);
  }
  const std::string tmp = remote_path + ".tmp." + std::to_string(::getpid()) + "." +
                          std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(saved));
    }
    done += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, static_cast<mode_t>(mode));
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), remote_path.c_str()) != 0) {
    int saved = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + remote_path + ": " + std::strerror(saved));
  }
}

}  // namespace drover::connection
