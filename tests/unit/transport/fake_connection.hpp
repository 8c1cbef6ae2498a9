// A fake connection for the transport's unit tests: it records every command and plays a host
// whose files (the runner cache) persist across connections, and a runner that answers the
// protocol (hello, then one response per request line).
#pragma once

#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/value/json.hpp"
#include "core/transport/connection.hpp"

namespace drover::testing {

// What lives on the fake host: survives the connections made to it.
struct FakeHost {
  std::string home = "/home/u", arch;
  std::set<std::string> files;
  std::vector<std::string> commands;   // every exec and spawn, in order, across connections
  std::vector<std::string> uploads;    // remote paths
  std::vector<int> upload_modes;
  int connects = 0;
  bool down = false;                   // connect() throws Unreachable
  std::string probe_home_override;     // when set, the probe reports this $HOME
  std::string shell_home;              // when set, the probe really runs in /bin/sh with this $HOME
  int runner_hello_version = 1;
  bool needs_sudo_password = false;    // sudo prompts (marker on stderr) and wants "secret"
  std::string su_password;             // when set, su prompts "Password: " and wants this line
  std::vector<std::string> requests;   // every request line the runners received
  // When set, the runner's answer to a module request (its result map); otherwise the runner
  // echoes {"changed": false, "module": ..., "args": ...}.
  std::function<Value(const std::string& module, const Value& request)> respond;
  // When set and true for a request, the runner answers as for a module it killed for its
  // `timeout` (the response carries "timed_out": true).
  std::function<bool(const std::string& module, const Value& request)> times_out;
};

class FakeRunnerProcess : public connection::Process {
public:
  FakeRunnerProcess(FakeHost& host, std::string command) : m_host(host), m_command(std::move(command)) {
    const std::size_t p = m_command.find("-p '");
    if (!m_host.su_password.empty() && m_command.rfind("exec su ", 0) == 0) {
      m_su_prompted = true;
      m_err = "Password: ";  // PAM's prompt, without a newline; no hello before the password
    } else if (m_host.needs_sudo_password && p != std::string::npos) {
      m_marker = m_command.substr(p + 4, m_command.find('\'', p + 4) - (p + 4));
      m_err = m_marker;  // the prompt; no hello before the password
    } else if (m_host.needs_sudo_password && m_command.find("sudo") != std::string::npos) {
      m_err = "sudo: a password is required\n";
      m_exited = true;
    } else {
      say_hello();
    }
  }
  void write(std::string_view data) override {
    if (m_exited) return;
    std::string line(data);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (m_su_prompted && !m_hello_sent) {
      if (line == m_host.su_password) {
        m_err += "\n";
        say_hello();
      } else {
        m_err += "\nsu: Authentication failure\n";
        m_exited = true;
        m_status = 1;
      }
      return;
    }
    if (!m_marker.empty() && !m_hello_sent) {
      if (line == "secret") say_hello();
      else m_err += "\nSorry, try again.\n" + m_marker;
      return;
    }
    m_host.requests.push_back(line);
    Value req = parse_json(line, "request");
    const Value& id = req.get("id");
    if (req.get_string("op") == "exit") {
      m_lines.push_back(dump_json(Value(Map{{"id", id}, {"result", Value::map()}})));
      m_exited_after_drain = true;
      return;
    }
    const std::string module = req.get_string("module");
    if (module == "die") {
      m_err += "runner: segmentation fault in module die\n";
      m_exited = true;
      m_status = 139;
      return;
    }
    if (m_host.times_out && m_host.times_out(module, req)) {
      Map killed{{"failed", true}, {"changed", false}, {"msg", "killed"}};
      m_lines.push_back(dump_json(Value(Map{{"id", id}, {"result", Value(std::move(killed))}, {"timed_out", true}})));
      return;
    }
    if (m_host.respond) {
      m_lines.push_back(dump_json(Value(Map{{"id", id}, {"result", m_host.respond(module, req)}})));
      return;
    }
    Map result{{"changed", false}, {"module", module}, {"args", req.get("args")}};
    if (const Value* env = req.find("environment")) result.set("environment", *env);
    m_lines.push_back(dump_json(Value(Map{{"id", id}, {"result", Value(std::move(result))}})));
  }
  std::optional<std::string> read_line(int) override {
    if (m_lines.empty()) {
      if (m_exited_after_drain) m_exited = true;
      return std::nullopt;
    }
    std::string l = m_lines.front();
    m_lines.pop_front();
    return l;
  }
  bool exited() const override { return m_exited && m_lines.empty(); }
  int exit_status() override { return m_exited ? m_status : -1; }
  std::string stderr_text() override { return m_err; }
  void close() override { m_closed = true; }

private:
  void say_hello() {
    m_hello_sent = true;
    m_lines.push_back("{\"drover_runner\": " + std::to_string(m_host.runner_hello_version) +
                      ", \"version\": \"0.1.0\", \"modules\": [\"ping\"], \"pid\": 42}");
  }
  FakeHost& m_host;
  std::string m_command, m_marker, m_err;
  std::deque<std::string> m_lines;
  bool m_hello_sent = false, m_exited = false, m_exited_after_drain = false, m_closed = false;
  bool m_su_prompted = false;
  int m_status = 0;
};

class FakeConnection : public connection::Connection {
public:
  explicit FakeConnection(FakeHost& host, std::string kind = "ssh") : m_host(host), m_kind(std::move(kind)) {}
  void connect() override {
    if (m_host.down) throw connection::Unreachable("Failed to connect to the host via ssh: fake host is down");
    if (!m_connected) ++m_host.connects;
    m_connected = true;
  }
  connection::ExecResult exec(const std::string& command, std::string_view input = {}) override {
    m_host.commands.push_back(command);
    if (command.find("drover-probe:") != std::string::npos)
      return m_host.shell_home.empty() ? probe(command) : run_in_shell(command);
    return {0, "ran: " + command + (input.empty() ? "" : " <<" + std::string(input)), ""};
  }
  std::unique_ptr<connection::Process> spawn(const std::string& command) override {
    m_host.commands.push_back("spawn: " + command);
    return std::make_unique<FakeRunnerProcess>(m_host, command);
  }
  void upload(std::string_view, const std::string& remote_path, int mode) override {
    m_host.commands.push_back("upload: " + remote_path);
    m_host.uploads.push_back(remote_path);
    m_host.upload_modes.push_back(mode);
    m_host.files.insert(remote_path);
  }
  void close() override { m_connected = false; }
  std::string kind() const override { return m_kind; }

private:
  connection::ExecResult run_in_shell(const std::string& command) {
    FILE* p = ::popen(("HOME=" + connection::shell_quote(m_host.shell_home) + " /bin/sh -c " +
                       connection::shell_quote(command)).c_str(), "r");
    std::string out;
    char buf[4096];
    for (std::size_t n; p && (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    const int status = p ? ::pclose(p) : -1;
    return {status == 0 ? 0 : 1, out, ""};
  }
  connection::ExecResult probe(const std::string& command) {
    const std::string home = m_host.probe_home_override.empty() ? m_host.home : m_host.probe_home_override;
    bool present = false;
    for (const auto& f : m_host.files) {
      const std::string rel = f.substr(m_host.home.size());  // "/.cache/drover/<sha>/drover-modules"
      if (f.rfind(m_host.home, 0) == 0 && command.find("$HOME" + rel) != std::string::npos) present = true;
    }
    std::string out = "Welcome to the fake host\n";  // login noise the probe must skip
    out += "drover-probe:arch=" + m_host.arch + "\ndrover-probe:uid=1000\ndrover-probe:home=" + home + "\n";
    out += std::string("drover-probe:runner=") + (present ? "present" : "absent") + "\n";
    return {0, out, ""};
  }
  FakeHost& m_host;
  std::string m_kind;
  bool m_connected = false;
};

}  // namespace drover::testing
