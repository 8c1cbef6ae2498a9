#include "modules/util/net.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>


namespace drover::modules {

namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::optional<SocketAddress> numeric_address(const std::string& host, int port) {
  SocketAddress address;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    address.length = sizeof(sockaddr_in);
    return address;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
  if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    address.length = sizeof(sockaddr_in6);
    return address;
  }
  return std::nullopt;
}

std::vector<SocketAddress> from_hosts_file(const std::string& host, int port) {
  std::vector<SocketAddress> found;
  std::ifstream in("/etc/hosts");
  std::string wanted = lower(host);
  for (std::string line; std::getline(in, line);) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    std::string address;
    if (!(words >> address)) continue;
    for (std::string name; words >> name;) {
      if (lower(name) != wanted) continue;
      if (auto numeric = numeric_address(address, port)) found.push_back(*numeric);
      break;
    }
  }
  return found;
}

struct ResolvConf {
  std::vector<std::string> nameservers;
  std::vector<std::string> search;
  int ndots = 1;
};

ResolvConf read_resolv_conf() {
  ResolvConf conf;
  std::ifstream in("/etc/resolv.conf");
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string key;
    if (!(words >> key) || key[0] == '#' || key[0] == ';') continue;
    if (key == "nameserver") {
      std::string server;
      if (words >> server) conf.nameservers.push_back(server);
    } else if (key == "search" || key == "domain") {
      conf.search.clear();
      for (std::string domain; words >> domain;) conf.search.push_back(domain);
    } else if (key == "options") {
      for (std::string option; words >> option;)
        if (option.starts_with("ndots:")) conf.ndots = std::atoi(option.c_str() + 6);
    }
  }
  if (conf.nameservers.empty()) conf.nameservers.push_back("127.0.0.1");
  return conf;
}

std::string dns_query_packet(const std::string& name, uint16_t id, uint16_t type) {
  std::string packet;
  auto put16 = [&](uint16_t v) {
    packet += static_cast<char>(v >> 8);
    packet += static_cast<char>(v & 0xff);
  };
  put16(id);
  put16(0x0100);  // a standard query, recursion desired
  put16(1);
  put16(0);
  put16(0);
  put16(0);
  std::istringstream labels(name);
  for (std::string label; std::getline(labels, label, '.');) {
    if (label.empty() || label.size() > 63) throw NetError("[Errno -2] Name or service not known");
    packet += static_cast<char>(label.size());
    packet += label;
  }
  packet += '\0';
  put16(type);
  put16(1);  // IN
  return packet;
}

// Skips a (possibly compressed) name at `at`; false when the packet is malformed.
bool skip_name(const std::string& packet, size_t& at) {
  while (at < packet.size()) {
    auto length = static_cast<unsigned char>(packet[at]);
    if (length == 0) {
      ++at;
      return true;
    }
    if ((length & 0xc0) == 0xc0) {
      at += 2;
      return at <= packet.size();
    }
    at += 1 + length;
  }
  return false;
}

uint16_t get16(const std::string& packet, size_t at) {
  return static_cast<uint16_t>((static_cast<unsigned char>(packet[at]) << 8) | static_cast<unsigned char>(packet[at + 1]));
}

// The A or AAAA records in an answer; nothing when the answer is not for `id` or malformed.
std::optional<std::vector<SocketAddress>> parse_dns_answer(const std::string& packet, uint16_t id, int port) {
  if (packet.size() < 12 || get16(packet, 0) != id || !(packet[2] & 0x80)) return std::nullopt;
  int rcode = packet[3] & 0x0f;
  std::vector<SocketAddress> found;
  if (rcode != 0) return found;
  uint16_t questions = get16(packet, 4), answers = get16(packet, 6);
  size_t at = 12;
  for (int i = 0; i < questions; ++i)
    if (!skip_name(packet, at) || (at += 4) > packet.size()) return std::nullopt;
  for (int i = 0; i < answers; ++i) {
    if (!skip_name(packet, at) || at + 10 > packet.size()) return std::nullopt;
    uint16_t type = get16(packet, at), length = get16(packet, at + 8);
    at += 10;
    if (at + length > packet.size()) return std::nullopt;
    SocketAddress address;
    if (type == 1 && length == 4) {
      auto* v4 = reinterpret_cast<sockaddr_in*>(&address.storage);
      v4->sin_family = AF_INET;
      v4->sin_port = htons(static_cast<uint16_t>(port));
      std::memcpy(&v4->sin_addr, packet.data() + at, 4);
      address.length = sizeof(sockaddr_in);
      found.push_back(address);
    } else if (type == 28 && length == 16) {
      auto* v6 = reinterpret_cast<sockaddr_in6*>(&address.storage);
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(static_cast<uint16_t>(port));
      std::memcpy(&v6->sin6_addr, packet.data() + at, 16);
      address.length = sizeof(sockaddr_in6);
      found.push_back(address);
    }
    at += length;
  }
  return found;
}

// One question to one nameserver over UDP: the records, or nothing when it did not answer.
std::optional<std::vector<SocketAddress>> ask(const std::string& server, const std::string& name, uint16_t type,
                                              int port) {
  auto server_address = numeric_address(server, 53);
  if (!server_address) return std::nullopt;
  Socket sock(::socket(server_address->family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (sock.fd() < 0) return std::nullopt;
  if (::connect(sock.fd(), reinterpret_cast<const sockaddr*>(&server_address->storage), server_address->length) != 0)
    return std::nullopt;
  static std::mt19937 random{std::random_device{}()};
  auto id = static_cast<uint16_t>(random());
  std::string query = dns_query_packet(name, id, type);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (::send(sock.fd(), query.data(), query.size(), 0) < 0) return std::nullopt;
    pollfd pfd{sock.fd(), POLLIN, 0};
    while (::poll(&pfd, 1, 2000) > 0) {
      char buffer[4096];
      ssize_t got = ::recv(sock.fd(), buffer, sizeof buffer, 0);
      if (got <= 0) return std::nullopt;
      if (auto records = parse_dns_answer(std::string(buffer, static_cast<size_t>(got)), id, port)) return records;
    }
  }
  return std::nullopt;
}

std::vector<SocketAddress> from_dns(const std::string& host, int port) {
  ResolvConf conf = read_resolv_conf();
  std::vector<std::string> names;
  bool absolute = host.ends_with(".");
  std::string bare = absolute ? host.substr(0, host.size() - 1) : host;
  long dots = std::count(bare.begin(), bare.end(), '.');
  if (!absolute && dots < conf.ndots)
    for (const auto& domain : conf.search) names.push_back(bare + "." + domain);
  names.insert(dots >= conf.ndots || absolute ? names.begin() : names.end(), bare);
  for (const auto& name : names) {
    std::vector<SocketAddress> found;
    for (uint16_t type : {uint16_t{1}, uint16_t{28}}) {
      for (const auto& server : conf.nameservers) {
        if (auto records = ask(server, name, type, port)) {
          found.insert(found.end(), records->begin(), records->end());
          break;
        }
      }
    }
    if (!found.empty()) return found;
  }
  return {};
}

std::string errno_text(int error) { return "[Errno " + std::to_string(error) + "] " + std::strerror(error); }

}  // namespace

namespace dns {
std::string query_packet(const std::string& name, uint16_t id, uint16_t type) { return dns_query_packet(name, id, type); }
std::optional<std::vector<SocketAddress>> parse_answer(const std::string& packet, uint16_t id, int port) {
  return parse_dns_answer(packet, id, port);
}
}  // namespace dns

std::string SocketAddress::text() const {
  char buffer[INET6_ADDRSTRLEN] = {0};
  if (family() == AF_INET)
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, buffer, sizeof buffer);
  else
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, buffer, sizeof buffer);
  return buffer;
}

std::vector<SocketAddress> resolve_host(const std::string& host_text, int port) {
  std::string host = host_text;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) throw NetError("[Errno -2] Name or service not known");
  if (auto numeric = numeric_address(host, port)) return {*numeric};
  std::vector<SocketAddress> found = from_hosts_file(host, port);
  if (found.empty()) found = from_dns(host, port);
  if (found.empty()) throw NetError("[Errno -2] Name or service not known");
  std::stable_partition(found.begin(), found.end(), [](const SocketAddress& a) { return a.family() == AF_INET; });
  return found;
}

Socket::~Socket() {
  if (m_fd >= 0) ::close(m_fd);
}

Socket& Socket::operator=(Socket&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = other.release();
  }
  return *this;
}

Socket tcp_connect(const std::string& host, int port, std::chrono::milliseconds timeout) {
  std::string last_error = "[Errno -2] Name or service not known";
  for (const SocketAddress& address : resolve_host(host, port)) {
    Socket sock(::socket(address.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (sock.fd() < 0) {
      last_error = errno_text(errno);
      continue;
    }
    int rc = ::connect(sock.fd(), reinterpret_cast<const sockaddr*>(&address.storage), address.length);
    if (rc != 0 && errno != EINPROGRESS) {
      last_error = errno_text(errno);
      continue;
    }
    if (rc != 0) {
      pollfd pfd{sock.fd(), POLLOUT, 0};
      int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
      if (ready == 0) {
        last_error = "timed out";
        continue;
      }
      int error = 0;
      socklen_t length = sizeof error;
      ::getsockopt(sock.fd(), SOL_SOCKET, SO_ERROR, &error, &length);
      if (ready < 0 || error != 0) {
        last_error = errno_text(ready < 0 ? errno : error);
        continue;
      }
    }
    ::fcntl(sock.fd(), F_SETFL, ::fcntl(sock.fd(), F_GETFL) & ~O_NONBLOCK);
    return sock;
  }
  throw NetError(last_error);
}

}  // namespace drover::modules
