// Name resolution and TCP connections for the runner (get_url, uri, wait_for).
//
// The runner is fully static, and glibc's getaddrinfo in a static program loads the NSS modules
// of the glibc it was built with at run time — absent or different on most targets. So names are
// resolved here: numeric addresses as they are, then /etc/hosts, then DNS (A and AAAA over UDP to
// the nameservers of /etc/resolv.conf, with its search domains), as the target's resolver would.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/socket.h>

namespace drover::modules {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family() const { return storage.ss_family; }
  std::string text() const;  // "127.0.0.1", "::1"
};

// A failure to resolve or connect, with Python's socket error text ("[Errno 111] Connection
// refused", "[Errno -2] Name or service not known", "timed out").
class NetError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// The addresses of `host` (a name, an IPv4 or IPv6 literal, brackets allowed) with `port`,
// IPv4 first as getaddrinfo orders them here. Throws NetError when there are none.
std::vector<SocketAddress> resolve_host(const std::string& host, int port);

// The DNS wire format resolve_host speaks (exposed for its tests): a query for `name` (type 1 = A,
// 28 = AAAA), and the A/AAAA records of an answer with `port` filled in — nothing when the packet
// is not the answer to query `id` or is malformed, an empty list for an error code.
namespace dns {
std::string query_packet(const std::string& name, uint16_t id, uint16_t type);
std::optional<std::vector<SocketAddress>> parse_answer(const std::string& packet, uint16_t id, int port);
}  // namespace dns

// An open TCP socket (closed on destruction).
class Socket {
public:
  Socket() = default;
  explicit Socket(int fd) : m_fd(fd) {}
  ~Socket();
  Socket(Socket&& other) noexcept : m_fd(other.release()) {}
  Socket& operator=(Socket&& other) noexcept;
  int fd() const { return m_fd; }
  int release() {
    int fd = m_fd;
    m_fd = -1;
    return fd;
  }

private:
  int m_fd = -1;
};

// Connects to the first address of `host`:`port` that answers within `timeout` each, as Python's
// socket.create_connection does. The socket is left blocking. Throws NetError with the last
// address's error.
Socket tcp_connect(const std::string& host, int port, std::chrono::milliseconds timeout);

}  // namespace drover::modules
