// wait_for: waits for a port to open, close or drain, a file to appear (holding a pattern) or
// go away, or just for some time, as Ansible's wait_for does. Nothing is changed, ever.
#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/value/regex.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/net.hpp"
#include "modules/module_doc.hpp"

namespace drover::modules {

namespace {

using Clock = std::chrono::steady_clock;

const std::array k_spec{
    ArgSpec{.name = "host", .default_value = "127.0.0.1", .description = "The host whose port is waited on."},
    ArgSpec{.name = "timeout", .type = ArgType::integer, .default_value = 300, .description = "Seconds to wait at most before failing."},
    ArgSpec{.name = "connect_timeout", .type = ArgType::integer, .default_value = 5, .description = "Seconds to wait for one connection attempt."},
    ArgSpec{.name = "delay", .type = ArgType::integer, .default_value = 0, .description = "Seconds to wait before the first check."},
    ArgSpec{.name = "port", .type = ArgType::integer, .description = "The TCP port to wait on."},
    ArgSpec{.name = "active_connection_states", .type = ArgType::list,
            .default_value = json::array({"ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"}), .description = "The TCP states that count as active connections (state=drained)."},
    ArgSpec{.name = "path", .type = ArgType::path, .description = "A file to wait for (or wait to be gone)."},
    ArgSpec{.name = "search_regex", .description = "A regular expression to find in the file, or in what the port sends."},
    ArgSpec{.name = "state", .default_value = "started", .choices = {"absent", "drained", "present", "started", "stopped"}, .description = "What to wait for: started/present (port open, file there), stopped/absent (closed, gone), drained (no active connections)."},
    ArgSpec{.name = "exclude_hosts", .type = ArgType::list, .description = "Hosts whose connections drained ignores."},
    ArgSpec{.name = "sleep", .type = ArgType::integer, .default_value = 1, .description = "Seconds between checks."},
    ArgSpec{.name = "msg", .description = "The failure message on timeout instead of the default one."},
};

enum class State { started, stopped, drained, present, absent };

State state_named(const std::string& name) {
  if (name == "stopped") return State::stopped;
  if (name == "drained") return State::drained;
  if (name == "present") return State::present;
  if (name == "absent") return State::absent;
  return State::started;
}

// The /proc/net/tcp state numbers of Ansible's active_connection_states.
std::string connection_state_id(const std::string& name) {
  static const std::pair<const char*, const char*> k_states[] = {
      {"ESTABLISHED", "01"}, {"SYN_SENT", "02"}, {"SYN_RECV", "03"},
      {"FIN_WAIT1", "04"},   {"FIN_WAIT2", "05"}, {"TIME_WAIT", "06"},
  };
  for (const auto& [state, id] : k_states)
    if (name == state) return id;
  return "";
}

struct Wait {
  json args;
  std::string host;
  long long port = 0;
  std::string path;
  std::optional<Regex> regex;
  Clock::time_point start, end;
  std::chrono::seconds sleep{1};
  std::chrono::seconds connect_timeout{5};
  json match_groups = json::array();
  json match_groupdict = json::object();
};

long long elapsed_seconds(const Wait& wait) {
  return std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - wait.start).count();
}

[[noreturn]] void time_out(const Wait& wait, const std::string& message) {
  std::string custom = arg_string(wait.args, "msg");
  throw ModuleFailure(custom.empty() ? message : custom, {{"elapsed", elapsed_seconds(wait)}});
}

// The named groups of a pattern in Python's (?P<name>...) syntax, in order.
std::vector<std::string> group_names(const Regex& regex) {
  std::vector<std::string> names;
  const std::string& pattern = regex.pattern();
  for (size_t at = pattern.find("(?P<"); at != std::string::npos; at = pattern.find("(?P<", at + 4)) {
    auto close = pattern.find('>', at + 4);
    if (close == std::string::npos) break;
    std::string name = pattern.substr(at + 4, close - at - 4);
    if (regex.group_index(name) && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

bool search(Wait& wait, std::string_view data) {
  auto m = wait.regex->search(data);
  if (!m) return false;
  wait.match_groups = json::array();
  for (size_t g = 1; g <= m->group_count(); ++g)
    wait.match_groups.push_back(m->matched(g) ? json(std::string(m->group(g))) : json(nullptr));
  wait.match_groupdict = json::object();
  for (const auto& name : group_names(*wait.regex)) {
    size_t g = *wait.regex->group_index(name);
    wait.match_groupdict[name] = m->matched(g) ? json(std::string(m->group(g))) : json(nullptr);
  }
  return true;
}

std::chrono::milliseconds connect_budget(const Wait& wait) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(wait.end - Clock::now());
  auto rounded = std::chrono::seconds(static_cast<long long>(std::ceil(static_cast<double>(left.count()) / 1000.0)));
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::min(wait.connect_timeout, std::max(rounded, std::chrono::seconds(0))));
}

// Connected: with search_regex, reads until the pattern shows up, the peer closes or time is up.
bool port_ready(Wait& wait, Socket& sock) {
  if (!wait.regex) return true;
  std::string data;
  while (Clock::now() < wait.end) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(wait.end - Clock::now());
    pollfd pfd{sock.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(std::max<long long>(left.count(), 1))) <= 0) continue;
    char buffer[1024];
    ssize_t got = ::recv(sock.fd(), buffer, sizeof buffer, 0);
    if (got <= 0) return false;
    data.append(buffer, static_cast<size_t>(got));
    if (search(wait, data)) return true;
  }
  return false;
}

bool started(Wait& wait) {
  if (!wait.path.empty()) {
    struct stat st{};
    if (::stat(wait.path.c_str(), &st) != 0) {
      if (errno != ENOENT)
        time_out(wait, "Failed to stat " + wait.path + ", " + std::strerror(errno));
      return false;
    }
    if (!wait.regex) return true;
    auto content = read_file(wait.path);
    return content && search(wait, *content);
  }
  try {
    Socket sock = tcp_connect(wait.host, static_cast<int>(wait.port), connect_budget(wait));
    bool ready = port_ready(wait, sock);
    ::shutdown(sock.fd(), SHUT_RDWR);
    return ready;
  } catch (const NetError&) {
    return false;
  }
}

bool stopped(const Wait& wait) {
  if (!wait.path.empty()) return ::access(wait.path.c_str(), F_OK) != 0;
  try {
    Socket sock = tcp_connect(wait.host, static_cast<int>(wait.port), wait.connect_timeout);
    ::shutdown(sock.fd(), SHUT_RDWR);
    return false;
  } catch (const NetError&) {
    return true;
  }
}

// An address as /proc/net/tcp* writes it: each 32-bit word in host byte order, in hex.
std::string proc_hex(const SocketAddress& address) {
  const unsigned char* bytes;
  size_t size;
  if (address.family() == AF_INET) {
    bytes = reinterpret_cast<const unsigned char*>(&reinterpret_cast<const sockaddr_in*>(&address.storage)->sin_addr);
    size = 4;
  } else {
    bytes = reinterpret_cast<const unsigned char*>(&reinterpret_cast<const sockaddr_in6*>(&address.storage)->sin6_addr);
    size = 16;
  }
  std::string out;
  char word[9];
  for (size_t i = 0; i < size; i += 4) {
    uint32_t network;
    std::memcpy(&network, bytes + i, 4);
    std::snprintf(word, sizeof word, "%08X", ntohl(network));
    out += word;
  }
  return out;
}

// (family, hex) pairs for `host`; an IPv4 address is also listed as its IPv4-mapped IPv6 form.
std::vector<std::pair<int, std::string>> proc_addresses(const std::string& host) {
  std::vector<std::pair<int, std::string>> out;
  for (const auto& address : resolve_host(host, 0)) {
    out.emplace_back(address.family(), proc_hex(address));
    if (address.family() == AF_INET) {
      for (const auto& mapped : resolve_host("::ffff:" + address.text(), 0)) out.emplace_back(AF_INET6, proc_hex(mapped));
    }
  }
  return out;
}

int active_connections(const Wait& wait) {
  std::vector<std::pair<int, std::string>> ips = proc_addresses(wait.host);
  std::vector<std::pair<int, std::string>> excluded;
  if (is_set(wait.args, "exclude_hosts"))
    for (const auto& host : wait.args["exclude_hosts"]) {
      auto more = proc_addresses(host.get<std::string>());
      excluded.insert(excluded.end(), more.begin(), more.end());
    }
  std::vector<std::string> states;
  for (const auto& state : wait.args["active_connection_states"]) states.push_back(connection_state_id(state));
  char port_hex[8];
  std::snprintf(port_hex, sizeof port_hex, "%04llX", wait.port);
  int count = 0;
  for (auto [family, file] : {std::pair{AF_INET, "/proc/net/tcp"}, std::pair{AF_INET6, "/proc/net/tcp6"}}) {
    std::ifstream in(file);
    std::string all_ips = family == AF_INET ? "00000000" : "00000000000000000000000000000000";
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      if (!(fields >> slot >> local >> remote >> state) || local == "local_address") continue;
      if (std::find(states.begin(), states.end(), state) == states.end()) continue;
      auto local_colon = local.find(':'), remote_colon = remote.find(':');
      if (local.substr(local_colon + 1) != port_hex) continue;
      std::string local_ip = local.substr(0, local_colon), remote_ip = remote.substr(0, remote_colon);
      auto listed = [&, &family = family](const std::vector<std::pair<int, std::string>>& list, const std::string& ip) {
        return std::find(list.begin(), list.end(), std::pair{family, ip}) != list.end();
      };
      if (listed(excluded, remote_ip)) continue;
      bool mapped_any = local_ip.starts_with("0000000000000000FFFF0000") &&
                        listed(ips, "0000000000000000FFFF000000000000");
      if (listed(ips, local_ip) || listed(ips, all_ips) || mapped_any) ++count;
    }
  }
  return count;
}

// Ansible's loop: test, sleep, until the deadline; whether the condition came true.
template <typename Condition>
bool wait_until(const Wait& wait, Condition condition) {
  while (Clock::now() < wait.end) {
    if (condition()) return true;
    std::this_thread::sleep_for(wait.sleep);
  }
  return false;
}

void check_arguments(const Wait& wait, State state) {
  auto fail = [](const std::string& message) { throw ModuleFailure(message, {{"elapsed", 0}}); };
  if (wait.port && !wait.path.empty()) fail("port and path parameter can not both be passed to wait_for");
  if (!wait.path.empty() && state == State::stopped)
    fail("state=stopped should only be used for checking a port in the wait_for module");
  if (!wait.path.empty() && state == State::drained)
    fail("state=drained should only be used for checking a port in the wait_for module");
  if (is_set(wait.args, "exclude_hosts") && state != State::drained)
    fail("exclude_hosts should only be with state=drained");
  for (const auto& name : wait.args["active_connection_states"])
    if (!name.is_string() || connection_state_id(name.get<std::string>()).empty())
      fail("unknown active_connection_state (" + (name.is_string() ? name.get<std::string>() : name.dump()) +
           ") defined");
}

}  // namespace

json run_wait_for(const json& raw_args, const ModuleContext&) {
  Wait wait;
  wait.args = check_args(raw_args, k_spec, "wait_for");
  const json& args = wait.args;
  wait.host = arg_string(args, "host");
  wait.port = is_set(args, "port") ? args["port"].get<long long>() : 0;
  wait.path = arg_string(args, "path");
  wait.sleep = std::chrono::seconds(args["sleep"].get<long long>());
  wait.connect_timeout = std::chrono::seconds(args["connect_timeout"].get<long long>());
  State state = state_named(arg_string(args, "state"));
  std::string search_regex = arg_string(args, "search_regex");
  if (is_set(args, "search_regex")) {
    try {
      wait.regex.emplace(search_regex, RegexFlag::multiline);
    } catch (const RegexError& error) {
      throw ModuleFailure(std::string("Invalid regular expression: ") + error.what());
    }
  }
  check_arguments(wait, state);

  wait.start = Clock::now();
  wait.end = wait.start + std::chrono::seconds(args["timeout"].get<long long>());
  std::this_thread::sleep_for(std::chrono::seconds(args["delay"].get<long long>()));
  // Ansible measures the timeout from the start, delay included
  std::string where = wait.host + ":" + std::to_string(wait.port);
  if (!wait.port && wait.path.empty() && state != State::drained) {
    std::this_thread::sleep_for(std::chrono::seconds(args["timeout"].get<long long>()));
  } else if (state == State::absent || state == State::stopped) {
    if (!wait_until(wait, [&] { return stopped(wait); })) {
      if (wait.port) time_out(wait, "Timeout when waiting for " + where + " to stop.");
      time_out(wait, "Timeout when waiting for " + wait.path + " to be absent.");
    }
  } else if (state == State::started || state == State::present) {
    if (!wait_until(wait, [&] { return started(wait); })) {
      if (wait.port && wait.regex)
        time_out(wait, "Timeout when waiting for search string " + search_regex + " in " + where);
      if (wait.port) time_out(wait, "Timeout when waiting for " + where);
      if (wait.regex) time_out(wait, "Timeout when waiting for search string " + search_regex + " in " + wait.path);
      time_out(wait, "Timeout when waiting for file " + wait.path);
    }
  } else if (!wait_until(wait, [&] { return active_connections(wait) == 0; })) {
    time_out(wait, "Timeout when waiting for " + where + " to drain");
  }
  return {{"changed", false},
          {"state", arg_string(args, "state")},
          {"port", is_set(args, "port") ? json(wait.port) : json(nullptr)},
          {"search_regex", is_set(args, "search_regex") ? json(search_regex) : json(nullptr)},
          {"match_groups", wait.match_groups},
          {"match_groupdict", wait.match_groupdict},
          {"path", is_set(args, "path") ? json(wait.path) : json(nullptr)},
          {"elapsed", elapsed_seconds(wait)}};
}

namespace {
const ReturnDoc k_wait_for_returns[] = {
    ReturnDoc{"elapsed", "int", "always", "Seconds waited."},
    ReturnDoc{"match_groups", "list", "search_regex matched", "The groups the expression captured."},
    ReturnDoc{"match_groupdict", "dict", "search_regex matched", "The named groups the expression captured."},
};
}  // namespace

const ModuleDoc wait_for_doc{
    .description = "Waits until a TCP port opens or closes, a file appears or goes, a regular expression shows in a file or on a port, or simply some seconds pass. Fails after timeout.",
    .options = k_spec,
    .returns = k_wait_for_returns,
    .example = "- ansible.builtin.wait_for:\n    port: 8080\n    delay: 2\n    timeout: 60\n",
};

}  // namespace drover::modules
