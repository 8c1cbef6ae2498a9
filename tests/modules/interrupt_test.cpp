// Stopping a runner mid-request (modules/util/interrupt.hpp) and the temp files of interrupted
// writes (modules/util/atomic_write.hpp).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "harness.hpp"
#include "modules/util/atomic_write.hpp"

using namespace drover::modules;
using namespace drover::modules::testing;
namespace fs = std::filesystem;

namespace {

std::size_t drover_temp_files(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".drover-") != std::string::npos) ++n;
  return n;
}

// `drover-modules --serve` with pipes we hold: the client side of a serve session.
class ServeSession {
public:
  ServeSession() {
    int in[2], out[2];
    REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
    REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
    m_pid = ::fork();
    REQUIRE(m_pid >= 0);
    if (m_pid == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::execl(DROVER_MODULES_BIN, DROVER_MODULES_BIN, "--serve", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    m_in = in[1];
    m_out = out[0];
  }
  ~ServeSession() {
    close_client();
    if (m_pid > 0) {  // never kill(-1): that is every process we may signal
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
  }
  void send(const std::string& line) { REQUIRE(::write(m_in, line.data(), line.size()) == static_cast<ssize_t>(line.size())); }
  // The client goes away: nobody writes requests or reads answers any more.
  void close_client() {
    if (m_in >= 0) ::close(m_in);
    if (m_out >= 0) ::close(m_out);
    m_in = m_out = -1;
  }
  pid_t pid() const { return m_pid; }
  // Waits up to 10 s for the runner to exit; its wait status, or -1.
  int wait_exit() {
    for (int i = 0; i < 1000; ++i) {
      int status = 0;
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        return status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

private:
  pid_t m_pid = -1;
  int m_in = -1, m_out = -1;
};

// Waits up to 10 s for `path` to hold a pid; returns it (0 when it never came).
pid_t pid_in(const std::string& path) {
  for (int i = 0; i < 1000; ++i) {
    const std::string text = read_text(path);
    if (!text.empty() && text.back() == '\n') return static_cast<pid_t>(std::stol(text));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return 0;
}

bool gone(pid_t pid) {
  REQUIRE(pid > 0);
  for (int i = 0; i < 1000; ++i) {
    if (::kill(pid, 0) != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::string held_command(const std::string& pidfile) {
  return R"({"id": 1, "module": "shell", "args": {"_raw_params": "sleep 30 & echo $! > )" + pidfile + R"(; wait"}})" "\n";
}

}  // namespace

TEST_CASE("regression: a temp file left by a killed writer goes with the next write to the same file") {
  TempDir dir;
  write_text(dir / ".data.txt.drover-Ab12Cd", std::string(100000, 'x'));  // what SIGKILL mid-copy leaves
  write_text(dir / ".other.txt.drover-Ab12Cd", "another file's");
  atomic_write(dir / "data.txt", "new\n");
  CHECK(read_text(dir / "data.txt") == "new\n");
  CHECK_FALSE(fs::exists(dir / ".data.txt.drover-Ab12Cd"));
  CHECK(fs::exists(dir / ".other.txt.drover-Ab12Cd"));  // not this destination's: left alone
}

TEST_CASE("the temp file of a write in progress is never taken for a stale one") {
  TempDir dir;
  AtomicFile first(dir / "data.txt");
  first.write("first\n");
  atomic_write(dir / "data.txt", "second\n");  // another writer of the same file, meanwhile
  CHECK(fs::exists(first.temp_path()));
  first.commit();
  CHECK(read_text(dir / "data.txt") == "first\n");
  CHECK(drover_temp_files(dir.path()) == 0);
}

TEST_CASE("a runner whose client goes away mid-request stops the module's commands and exits") {
  TempDir dir;
  ServeSession runner;
  runner.send(held_command(dir / "sleep.pid"));
  const pid_t sleeper = pid_in(dir / "sleep.pid");
  REQUIRE(sleeper > 0);
  runner.close_client();
  CHECK(runner.wait_exit() != -1);
  CHECK(gone(sleeper));
}

TEST_CASE("SIGTERM stops a runner mid-request with its module's commands") {
  TempDir dir;
  ServeSession runner;
  runner.send(held_command(dir / "sleep.pid"));
  const pid_t sleeper = pid_in(dir / "sleep.pid");
  REQUIRE(sleeper > 0);
  REQUIRE(runner.pid() > 0);
  ::kill(runner.pid(), SIGTERM);
  CHECK(runner.wait_exit() != -1);
  CHECK(gone(sleeper));
}

TEST_CASE("a client that writes its requests and closes stdin still gets every answer") {
  // closing stdin alone is not a stop: `printf ... | drover-modules --serve` works
  int rc = -1;
  auto lines = serve({R"({"id": 1, "module": "command", "args": {"_raw_params": "sleep 0.2"}})",
                      R"({"id": 2, "module": "ping"})"},
                     &rc);
  CHECK(rc == 0);
  REQUIRE(lines.size() == 3);
  CHECK(json::parse(lines[2])["id"] == 2);
}
