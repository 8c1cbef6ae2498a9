#include "http_server.hpp"

#include <csignal>
#include <cstdlib>
#include <stdexcept>

#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "modules/util/process.hpp"

namespace drover::modules::testing {

TestCa::TestCa(const TempDir& dir) {
  ca_cert = dir / "ca.crt";
  server_cert = dir / "server.crt";
  server_key = dir / "server.key";
  std::string d = dir.path().string();
  std::string script =
      "set -e; cd '" + d + "'\n"
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt "
      "-subj /CN=drover-test-ca -days 2 2>/dev/null\n"
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr "
      "-subj /CN=localhost 2>/dev/null\n"
      "printf 'subjectAltName=DNS:localhost\\n' > san.ext\n"
      "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 "
      "-extfile san.ext 2>/dev/null\n";
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  ProcessResult result = run_process(spec);
  if (result.rc != 0) throw std::runtime_error("openssl failed: " + result.stderr_text);
}

TestServer::TestServer(const std::string& root, const TestCa* tls) : m_tls(tls != nullptr) {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv = {"python3", std::string(DROVER_SOURCE_DIR) + "/tests/modules/data/http_server.py", root};
  if (tls) argv.insert(argv.end(), {"--cert", tls->server_cert, "--key", tls->server_key});
  m_pid = ::fork();
  if (m_pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execvp("python3", args.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string line;
  char c;
  while (::read(out[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(out[0]);
  m_port = std::atoi(line.c_str());
  if (m_port <= 0) throw std::runtime_error("the test HTTP server did not start");
}

TestServer::~TestServer() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGTERM);
    ::waitpid(m_pid, nullptr, 0);
  }
}

std::string TestServer::url(const std::string& path, const std::string& host) const {
  return std::string(m_tls ? "https" : "http") + "://" + host + ":" + std::to_string(m_port) + path;
}

}  // namespace drover::modules::testing
