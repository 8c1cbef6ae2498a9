// The HTTP and HTTPS servers the get_url/uri tests talk to: tests/modules/data/http_server.py,
// started on 127.0.0.1 (a port the kernel picks) and stopped when the object goes; for HTTPS
// with a certificate from a throwaway CA made with the openssl command. No traffic leaves the
// loopback interface.
#pragma once

#include <string>
#include <sys/types.h>

#include "harness.hpp"

namespace drover::modules::testing {

// A CA and a server certificate for DNS:localhost only (so https://127.0.0.1 fails the host
// check), written into `dir`: ca.crt, server.crt, server.key.
struct TestCa {
  explicit TestCa(const TempDir& dir);
  std::string ca_cert, server_cert, server_key;
};

class TestServer {
public:
  // Serves `root`; with a TestCa, over TLS with its server certificate.
  explicit TestServer(const std::string& root, const TestCa* tls = nullptr);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;
  int port() const { return m_port; }
  // "http://127.0.0.1:PORT" + path (https and `host` when asked).
  std::string url(const std::string& path, const std::string& host = "127.0.0.1") const;

private:
  pid_t m_pid = -1;
  int m_port = 0;
  bool m_tls = false;
};

}  // namespace drover::modules::testing
