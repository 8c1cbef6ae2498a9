#include <doctest/doctest.h>

#include <filesystem>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.hpp"

using namespace drover::modules::testing;

namespace {

// A listening TCP socket on 127.0.0.1 at a port the kernel picks; closed on destruction.
class Listener {
public:
  Listener() {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(m_fd, 8) == 0);
    socklen_t length = sizeof address;
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length);
    m_port = ntohs(address.sin_port);
  }
  ~Listener() { close(); }
  void close() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }
  int port() const { return m_port; }

private:
  int m_fd = -1;
  int m_port = 0;
};

}  // namespace

TEST_CASE("wait_for finds an open port, and times out on a closed one with Ansible's message") {
  Listener listener;
  json open = run_module("wait_for", {{"port", listener.port()}, {"timeout", 5}});
  INFO(open.dump());
  CHECK(open["changed"] == false);
  CHECK(open.value("failed", false) == false);
  CHECK(open["port"] == listener.port());
  CHECK(open["state"] == "started");
  CHECK(open["match_groups"] == json::array());
  CHECK(open["match_groupdict"] == json::object());
  int port = listener.port();
  listener.close();
  json closed = run_module("wait_for", {{"port", port}, {"timeout", 1}});
  CHECK(closed["failed"] == true);
  CHECK(closed["msg"] == "Timeout when waiting for 127.0.0.1:" + std::to_string(port));
  CHECK(closed["elapsed"].get<int>() >= 1);
  json custom = run_module("wait_for", {{"port", port}, {"timeout", 1}, {"msg", "not up"}});
  CHECK(custom["msg"] == "not up");
  json stopped = run_module("wait_for", {{"port", port}, {"state", "stopped"}, {"timeout", 5}});
  CHECK(stopped.value("failed", false) == false);
}

TEST_CASE("wait_for sees a port drained when nothing is connected to it") {
  Listener listener;
  json drained = run_module("wait_for", {{"port", listener.port()}, {"state", "drained"}, {"timeout", 5}});
  CHECK(drained.value("failed", false) == false);
  CHECK(drained["state"] == "drained");
}

TEST_CASE("wait_for waits for a file, its content and its absence") {
  TempDir dir;
  std::string path = dir / "ready";
  write_text(path, "status: completed data 123\n");
  json present = run_module("wait_for", {{"path", path}, {"timeout", 5}});
  CHECK(present["path"] == path);
  CHECK(present.value("failed", false) == false);
  json groups = run_module("wait_for", {{"path", path}, {"search_regex", "completed (?P<foo>\\w+) ([0-9]+)"}, {"timeout", 5}});
  CHECK(groups["match_groups"] == json{"data", "123"});
  CHECK(groups["match_groupdict"] == json{{"foo", "data"}});
  CHECK(groups["search_regex"] == "completed (?P<foo>\\w+) ([0-9]+)");
  json missing_text = run_module("wait_for", {{"path", path}, {"search_regex", "^never$"}, {"timeout", 1}});
  CHECK(missing_text["msg"] == "Timeout when waiting for search string ^never$ in " + path);
  json absent = run_module("wait_for", {{"path", dir / "gone"}, {"state", "absent"}, {"timeout", 5}});
  CHECK(absent.value("failed", false) == false);
  json still_there = run_module("wait_for", {{"path", path}, {"state", "absent"}, {"timeout", 1}});
  CHECK(still_there["msg"] == "Timeout when waiting for " + path + " to be absent.");
  json no_file = run_module("wait_for", {{"path", dir / "never"}, {"timeout", 1}});
  CHECK(no_file["msg"] == "Timeout when waiting for file " + (dir / "never"));
}

TEST_CASE("wait_for refuses contradictory arguments with Ansible's messages") {
  json both = run_module("wait_for", {{"path", "/tmp"}, {"port", 1}});
  CHECK(both["msg"] == "port and path parameter can not both be passed to wait_for");
  json stopped_path = run_module("wait_for", {{"path", "/tmp"}, {"state", "stopped"}});
  CHECK(stopped_path["msg"] == "state=stopped should only be used for checking a port in the wait_for module");
  json bad_regex = run_module("wait_for", {{"path", "/tmp"}, {"search_regex", "("}});
  CHECK(bad_regex["msg"].get<std::string>().starts_with("Invalid regular expression: "));
  json state = run_module("wait_for", {{"port", 1}, {"state", "open"}});
  CHECK(state["msg"] == "value of state must be one of: absent, drained, present, started, stopped, got: open");
}

TEST_CASE("wait_for without a port or path just waits for the timeout") {
  json slept = run_module("wait_for", {{"timeout", 1}});
  CHECK(slept.value("failed", false) == false);
  CHECK(slept["elapsed"].get<int>() >= 1);
}
