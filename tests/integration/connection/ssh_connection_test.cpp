// The ssh and local connections and the transport against real parts: sshd targets on loopback
// started with tests/integration/fleet.sh (a test user with a clean home, generated host and
// client keys, a known_hosts file, strict checking), and the real drover-modules runner.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/transport/target.hpp"
#include "core/value/json.hpp"
#include "plugins/become/registry.hpp"
#include "plugins/connection/registry.hpp"
#include "plugins/connection/ssh_connection.hpp"

using namespace drover;
using namespace drover::connection;
namespace fs = std::filesystem;

namespace {

struct Shell {
  int rc;
  std::string out;
};

Shell sh(const std::string& command) {
  Shell r{-1, ""};
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), p)) > 0;) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Two sshd targets for the whole test binary: 127.0.1.1 and 127.0.1.2 on one port.
class Fleet {
public:
  static Fleet& get() {
    static Fleet fleet;
    return fleet;
  }
  bool up() const { return m_up; }
  const std::string& why_not() const { return m_why_not; }
  const std::string& dir() const { return m_dir; }
  std::string var(const std::string& name) const {
    auto it = m_env.find(name);
    return it == m_env.end() ? "" : it->second;
  }
  int port() const { return std::stoi(var("FLEET_PORT")); }

  // A spec for host 1 (or 2) with strict checking against the fleet's known_hosts.
  ConnectionSpec spec(int host = 1) const {
    ConnectionSpec s;
    s.inventory_name = "host0" + std::to_string(host);
    s.address = "127.0.1." + std::to_string(host);
    s.port = port();
    s.user = var("FLEET_USER");
    s.identity_files = {var("FLEET_KEY")};
    s.identities_only = true;
    s.known_hosts_file = var("FLEET_KNOWN_HOSTS");
    s.ssh_config_file = "none";
    return s;
  }

  ~Fleet() {
    if (m_up) sh("bash " + m_script + " down " + m_dir + " >/dev/null 2>&1");
    if (!m_dir.empty()) fs::remove_all(m_dir);
  }

private:
  Fleet() {
    m_script = std::string(DROVER_SOURCE_DIR) + "/tests/integration/fleet.sh";
    if (!fs::exists("/usr/sbin/sshd")) {
      m_why_not = "/usr/sbin/sshd is not installed";
      return;
    }
    if (!fs::exists(m_script)) {
      m_why_not = "tests/integration/fleet.sh is missing";
      return;
    }
    char tmpl[] = "/tmp/drover-conn-it-XXXXXX";
    if (!::mkdtemp(tmpl)) {
      m_why_not = "cannot create a temp folder";
      return;
    }
    m_dir = tmpl;
    Shell r = sh("bash " + m_script + " up " + m_dir + " 2 2>&1");
    if (r.rc != 0) {
      m_why_not = "fleet.sh up failed: " + r.out;
      return;
    }
    std::ifstream env(m_dir + "/env");
    for (std::string line; std::getline(env, line);) {
      if (line.rfind("export ", 0) != 0) continue;
      const std::size_t eq = line.find('=');
      std::string value = line.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '\'') value = value.substr(1, value.size() - 2);
      m_env[line.substr(7, eq - 7)] = value;
    }
    m_up = true;
  }
  std::string m_script, m_dir, m_why_not;
  std::map<std::string, std::string> m_env;
  bool m_up = false;
};

#define REQUIRE_FLEET()                                                          \
  do {                                                                           \
    if (!Fleet::get().up()) {                                                    \
      WARN_MESSAGE(false, "SKIPPED: no sshd fleet: " << Fleet::get().why_not()); \
      return;                                                                    \
    }                                                                            \
  } while (0)

std::string unreachable_message(const ConnectionSpec& spec) {
  try {
    SshConnection c(spec);
    c.connect();
  } catch (const Unreachable& e) {
    return e.what();
  }
  return "(connected)";
}

transport::ModuleCall call(const std::string& module, Value args = Value::map()) {
  transport::ModuleCall c;
  c.module = module;
  c.args = std::move(args);
  return c;
}

struct RoundTrips {
  int rounds = 0;
  double mean_us = 0, median_us = 0, p99_us = 0, max_us = 0;
  int over_30ms = 0;  // a cluster near 40 ms would mean a Nagle/delayed-ACK stall
};

RoundTrips measure_round_trips(transport::Target& t, int rounds = 500) {
  std::vector<double> us;
  for (int i = 0; i < rounds; ++i) {
    const auto start = std::chrono::steady_clock::now();
    Value r = t.run(call("ping"));
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    REQUIRE(r.get_string("ping") == "pong");
  }
  RoundTrips rt;
  rt.rounds = rounds;
  for (double u : us) rt.mean_us += u / rounds;
  std::sort(us.begin(), us.end());
  rt.median_us = us[us.size() / 2];
  rt.p99_us = us[us.size() * 99 / 100];
  rt.max_us = us.back();
  rt.over_30ms = static_cast<int>(std::count_if(us.begin(), us.end(), [](double u) { return u > 30000; }));
  return rt;
}

}  // namespace

TEST_CASE("ssh: connects with strict host-key checking and runs commands with their rc, stdout and stderr") {
  REQUIRE_FLEET();
  SshConnection c(Fleet::get().spec());
  c.connect();
  ExecResult r = c.exec("echo hi; echo oops >&2; exit 3");
  CHECK(r.rc == 3);
  CHECK(r.out == "hi\n");
  CHECK(r.err == "oops\n");
  CHECK(trim(c.exec("id -un").out) == Fleet::get().var("FLEET_USER"));
}

TEST_CASE("ssh: stdin reaches the command, and a megabyte comes back intact") {
  REQUIRE_FLEET();
  SshConnection c(Fleet::get().spec());
  std::string big;
  for (int i = 0; big.size() < (1u << 20); ++i) big += "line " + std::to_string(i) + "\n";
  ExecResult r = c.exec("cat", big);
  CHECK(r.rc == 0);
  CHECK(r.out.size() == big.size());
  CHECK(r.out == big);
}

TEST_CASE("ssh: an unknown host key is Unreachable, naming the key's fingerprint and the fix") {
  REQUIRE_FLEET();
  ConnectionSpec spec = Fleet::get().spec();
  spec.known_hosts_file = Fleet::get().dir() + "/empty_known_hosts";
  std::ofstream(spec.known_hosts_file).close();
  const std::string msg = unreachable_message(spec);
  const std::string fp = trim(sh("ssh-keygen -lf " + Fleet::get().dir() + "/ssh_host_ed25519_key.pub | cut -d' ' -f2").out);
  CHECK(msg.rfind("Failed to connect to the host via ssh: No ED25519 host key is known for [127.0.1.1]:" +
                      std::to_string(Fleet::get().port()), 0) == 0);
  CHECK(msg.find(fp) != std::string::npos);
  CHECK(msg.find("Host key verification failed") != std::string::npos);
  CHECK(msg.find("ssh-keyscan") != std::string::npos);
  CHECK(msg.find("host_key_checking=False") != std::string::npos);
}

TEST_CASE("ssh: with host-key checking off an unknown host is accepted") {
  REQUIRE_FLEET();
  ConnectionSpec spec = Fleet::get().spec();
  spec.known_hosts_file = Fleet::get().dir() + "/empty_known_hosts2";
  std::ofstream(spec.known_hosts_file).close();
  spec.host_key_checking = false;
  SshConnection c(spec);
  CHECK(c.exec("echo ok").out == "ok\n");
  CHECK(fs::file_size(spec.known_hosts_file) == 0);  // nothing recorded
}

TEST_CASE("ssh: a changed host key is refused") {
  REQUIRE_FLEET();
  const std::string dir = Fleet::get().dir();
  sh("ssh-keygen -q -t ed25519 -N '' -f " + dir + "/other_key");
  ConnectionSpec spec = Fleet::get().spec();
  spec.known_hosts_file = dir + "/changed_known_hosts";
  std::ofstream(spec.known_hosts_file) << "[127.0.1.1]:" << Fleet::get().port() << " "
                                       << trim(sh("cut -d' ' -f1,2 " + dir + "/other_key.pub").out) << "\n";
  const std::string msg = unreachable_message(spec);
  CHECK(msg.find("REMOTE HOST IDENTIFICATION HAS CHANGED") != std::string::npos);
  CHECK(msg.find("ssh-keygen -R") != std::string::npos);
}

TEST_CASE("ssh: a closed port is Unreachable within a second") {
  REQUIRE_FLEET();
  const std::string closed = trim(sh("bash " + std::string(DROVER_SOURCE_DIR) + "/tests/integration/fleet.sh closed-port").out);
  REQUIRE(closed.find(':') != std::string::npos);
  ConnectionSpec spec = Fleet::get().spec();
  spec.address = closed.substr(0, closed.find(':'));
  spec.port = std::stoi(closed.substr(closed.find(':') + 1));
  const auto start = std::chrono::steady_clock::now();
  const std::string msg = unreachable_message(spec);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(msg.rfind("Failed to connect to the host via ssh: ssh: connect to host " + spec.address + " port " +
                      std::to_string(spec.port), 0) == 0);
  CHECK(took < std::chrono::seconds(1));
}

TEST_CASE("ssh: a key the host does not accept is Permission denied, naming user and host") {
  REQUIRE_FLEET();
  const std::string dir = Fleet::get().dir();
  sh("test -f " + dir + "/stranger || ssh-keygen -q -t ed25519 -N '' -f " + dir + "/stranger");
  ConnectionSpec spec = Fleet::get().spec();
  spec.identity_files = {dir + "/stranger"};
  const std::string msg = unreachable_message(spec);
  CHECK(msg == "Failed to connect to the host via ssh: " + spec.user + "@127.0.1.1: Permission denied (publickey).");
}

TEST_CASE("ssh: the fleet's inventory vars, as Ansible reads them, lead to a strict connection") {
  REQUIRE_FLEET();
  const Fleet& f = Fleet::get();
  Value vars(Map{{"ansible_host", "127.0.1.2"},
                 {"ansible_port", std::to_string(f.port())},
                 {"ansible_user", f.var("FLEET_USER")},
                 {"ansible_ssh_private_key_file", f.var("FLEET_KEY")},
                 {"ansible_ssh_common_args",
                  "-o UserKnownHostsFile=" + f.var("FLEET_KNOWN_HOSTS") + " -o StrictHostKeyChecking=yes -o ControlMaster=auto"}});
  ConnectionDefaults d;
  d.ssh_config_file = "none";
  ConnectionSpec spec = spec_from_vars("host02", vars, d, false);
  CHECK(spec.host_key_checking);
  REQUIRE(spec.warnings.size() == 1);
  CHECK(spec.warnings[0].find("ControlMaster") != std::string::npos);
  auto c = make_connection(spec);
  CHECK(c->exec("echo $SSH_CONNECTION | cut -d' ' -f3").out == "127.0.1.2\n");
}

TEST_CASE("ssh: a key held by ssh-agent logs in when no identity file is given") {
  REQUIRE_FLEET();
  const std::string dir = Fleet::get().dir();
  const std::string sock = dir + "/agent.sock";
  Shell agent = sh("ssh-agent -a " + sock + " -s 2>&1 | sed -n 's/^SSH_AGENT_PID=\\([0-9]*\\).*/\\1/p'");
  const std::string pid = trim(agent.out);
  REQUIRE_MESSAGE(!pid.empty(), "ssh-agent did not start");
  REQUIRE(sh("SSH_AUTH_SOCK=" + sock + " ssh-add -q " + Fleet::get().var("FLEET_KEY") + " 2>&1").rc == 0);
  const char* old = std::getenv("SSH_AUTH_SOCK");
  const std::string saved = old ? old : "";
  ::setenv("SSH_AUTH_SOCK", sock.c_str(), 1);
  ConnectionSpec spec = Fleet::get().spec();
  spec.identity_files.clear();
  spec.identities_only = false;
  std::string out;
  try {
    SshConnection c(spec);
    out = c.exec("echo agent").out;
  } catch (const std::exception& e) {
    out = e.what();
  }
  if (old) ::setenv("SSH_AUTH_SOCK", saved.c_str(), 1);
  else ::unsetenv("SSH_AUTH_SOCK");
  sh("kill " + pid);
  CHECK(out == "agent\n");
}

TEST_CASE("ssh: ~/.ssh/config Host blocks are honoured (HostName, Port, User, IdentityFile, UserKnownHostsFile)") {
  REQUIRE_FLEET();
  const std::string dir = Fleet::get().dir();
  const std::string cfg = dir + "/ssh_config";
  std::ofstream(cfg) << "Host fleet-alias\n  HostName 127.0.1.2\n  Port " << Fleet::get().port() << "\n  User "
                     << Fleet::get().var("FLEET_USER") << "\n  IdentityFile " << Fleet::get().var("FLEET_KEY")
                     << "\n  UserKnownHostsFile " << Fleet::get().var("FLEET_KNOWN_HOSTS") << "\n";
  ConnectionDefaults d;
  d.ssh_config_file = cfg;
  ConnectionSpec spec = spec_from_vars("fleet-alias", Value::map(), d, false);
  CHECK(spec.port == Fleet::get().port());
  SshConnection c(spec);
  CHECK(trim(c.exec("echo $SSH_CONNECTION | cut -d' ' -f3").out) == "127.0.1.2");
}

TEST_CASE("ssh: ProxyJump reaches a host through another, and only through it") {
  REQUIRE_FLEET();
  ConnectionSpec spec = Fleet::get().spec(1);
  spec.proxy_jump = Fleet::get().var("FLEET_USER") + "@127.0.1.2:" + std::to_string(Fleet::get().port());
  SshConnection c(spec);
  CHECK(trim(c.exec("echo $SSH_CONNECTION | cut -d' ' -f3").out) == "127.0.1.1");
  // a jump host that cannot be reached makes the target unreachable: the jump is really used
  const std::string closed = trim(sh("bash " + std::string(DROVER_SOURCE_DIR) + "/tests/integration/fleet.sh closed-port 127.0.1.2").out);
  spec.proxy_jump = Fleet::get().var("FLEET_USER") + "@" + closed;
  CHECK(unreachable_message(spec).rfind("Failed to connect to the host via ssh: ", 0) == 0);
}

TEST_CASE("ssh: upload writes the file atomically with its mode and leaves no temp file") {
  REQUIRE_FLEET();
  SshConnection c(Fleet::get().spec());
  const std::string home = trim(c.exec("echo $HOME").out);
  const std::string dir = home + "/drover-it-upload/sub";
  c.exec("rm -rf " + shell_quote(home + "/drover-it-upload"));
  std::string data(300000, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 % 256);
  c.upload(data, dir + "/blob", 0640);
  ExecResult st = c.exec("stat -c '%a %s' " + shell_quote(dir + "/blob") + "; ls -a " + shell_quote(dir) + " | wc -l; stat -c %a " + shell_quote(dir));
  CHECK(st.out == "640 300000\n3\n700\n");  // ., .. and the file; the new folder is 0700
  CHECK(c.exec("cat " + shell_quote(dir + "/blob")).out == data);
  c.upload("second", dir + "/blob", 0600);
  CHECK(c.exec("cat " + shell_quote(dir + "/blob")).out == "second");
  CHECK_THROWS_AS(c.upload("x", "/proc/drover-cannot-write/here", 0600), std::runtime_error);
  c.exec("rm -rf " + shell_quote(home + "/drover-it-upload"));
}

TEST_CASE("ssh: the runner is uploaded once, serves ping, and a second connection reuses the cached copy") {
  REQUIRE_FLEET();
  const auto binary = transport::RunnerBinary::find();
  {
    SshConnection c(Fleet::get().spec());
    c.exec("rm -rf \"$HOME/.cache/drover/" + binary.sha256 + "\"");
  }
  transport::Target first(Fleet::get().spec(), make_connection(Fleet::get().spec()), binary, become::become_methods());
  Value pong = first.run(call("ping"));
  CHECK(pong.get_string("ping") == "pong");
  CHECK(first.uploads() == 1);
  first.close();

  transport::Target second(Fleet::get().spec(), make_connection(Fleet::get().spec()), binary, become::become_methods());
  CHECK(second.run(call("ping")).get_string("ping") == "pong");
  CHECK(second.uploads() == 0);
  Value id = second.run(call("command", Value(Map{{"argv", Value::list({"id", "-un"})}})));
  CHECK(id.get_string("stdout") == Fleet::get().var("FLEET_USER"));
  CHECK(id.get("rc") == Value(0));

  const RoundTrips rt = measure_round_trips(second);
  MESSAGE("ssh runner round trip (ping, loopback, " << rt.rounds << " requests): mean " << rt.mean_us << " us, median "
                                                    << rt.median_us << " us, p99 " << rt.p99_us << " us, max " << rt.max_us << " us, " << rt.over_30ms << " over 30 ms");
  // well under a millisecond on an idle machine; the bound leaves room for a loaded machine but
  // catches a systematic Nagle/delayed-ACK stall (40 ms) or a wait slice (1 s) on the request path
  CHECK(rt.median_us < 20000);
}

TEST_CASE("ssh: become runs a second runner through sudo as root") {
  REQUIRE_FLEET();
  if (Fleet::get().var("FLEET_USER") == "root" || ::geteuid() != 0) {
    WARN_MESSAGE(false, "SKIPPED: become needs the fleet's drover-test user with sudo (run as root)");
    return;
  }
  transport::Target t(Fleet::get().spec(), make_connection(Fleet::get().spec()), transport::RunnerBinary::find(), become::become_methods());
  transport::ModuleCall as_root = call("command", Value(Map{{"argv", Value::list({"id", "-u"})}}));
  as_root.become.enabled = true;
  CHECK(t.run(as_root).get_string("stdout") == "0");
  transport::ModuleCall plain = as_root;
  plain.become.enabled = false;
  CHECK(t.run(plain).get_string("stdout") != "0");
  auto raw = t.raw("id -u", as_root.become);
  CHECK(raw.out == "0\n");
}

TEST_CASE("local: become_method su runs the runner and raw commands as another user through the real su") {
  REQUIRE_FLEET();
  const std::string user = Fleet::get().var("FLEET_USER");
  if (user == "root" || ::geteuid() != 0) {
    WARN_MESSAGE(false, "SKIPPED: su without a password needs root and the fleet's drover-test user");
    return;
  }
  ConnectionSpec spec;
  spec.inventory_name = "localhost";
  spec.connection = "local";
  transport::Target t(spec, make_connection(spec), transport::RunnerBinary::find(), become::become_methods());
  transport::ModuleCall as_user = call("command", Value(Map{{"argv", Value::list({"id", "-un"})}}));
  as_user.become.enabled = true;
  as_user.become.method = "su";
  as_user.become.user = user;
  Value r = t.run(as_user);
  CHECK(r.get_string("stdout") == user);
  auto raw = t.raw("id -un", as_user.become);
  CHECK(raw.rc == 0);
  CHECK(raw.out == user + "\n");
}

TEST_CASE("ssh: a lost connection is Unreachable, and the target reconnects on the next call") {
  REQUIRE_FLEET();
  transport::Target t(Fleet::get().spec(2), make_connection(Fleet::get().spec(2)), transport::RunnerBinary::find(), become::become_methods());
  REQUIRE(t.run(call("ping")).get_string("ping") == "pong");
  // the shell's parent is the runner, whose parent is our sshd session process: kill that
  const std::string kill_session = "kill -9 $(awk '{print $4}' /proc/$PPID/stat)";
  CHECK_THROWS_AS(t.run(call("shell", Value(Map{{"_raw_params", kill_session}}))), Unreachable);
  CHECK(t.run(call("ping")).get_string("ping") == "pong");
  // the same during a raw command: its parent is the session process
  CHECK_THROWS_AS(t.raw("kill -9 $PPID"), Unreachable);
  CHECK(t.raw("echo back").out == "back\n");
}

TEST_CASE("local: exec, spawn and the runner round trip without ssh") {
  ConnectionSpec spec;
  spec.inventory_name = "localhost";
  spec.connection = "local";
  auto c = make_connection(spec);
  ExecResult r = c->exec("cat; echo err >&2; exit 4", "input\n");
  CHECK(r.rc == 4);
  CHECK(r.out == "input\n");
  CHECK(r.err == "err\n");

  const auto dir = fs::temp_directory_path() / ("drover-local-it-" + std::to_string(::getpid()));
  c->upload("payload", (dir / "sub" / "f").string(), 0600);
  CHECK(c->exec("cat " + shell_quote((dir / "sub" / "f").string())).out == "payload");
  CHECK((fs::status(dir / "sub" / "f").permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  fs::remove_all(dir);

  transport::Target t(spec, make_connection(spec), transport::RunnerBinary::find(), become::become_methods());
  CHECK(t.run(call("ping")).get_string("ping") == "pong");
  Value who = t.run(call("command", Value(Map{{"argv", Value::list({"id", "-u"})}})));
  CHECK(who.get_string("stdout") == std::to_string(::geteuid()));
  const RoundTrips rt = measure_round_trips(t);
  MESSAGE("local runner round trip (ping, " << rt.rounds << " requests): mean " << rt.mean_us << " us, median "
                                            << rt.median_us << " us, p99 " << rt.p99_us << " us, max " << rt.max_us << " us");
  CHECK(rt.median_us < 20000);
  t.close();
}

namespace {

// "[127.0.1.1]:PORT ssh-ed25519 AAAA…" for the fleet's real host key.
std::string fleet_host_key_line() {
  return "[127.0.1.1]:" + std::to_string(Fleet::get().port()) + " " +
         trim(sh("cut -d' ' -f1,2 " + Fleet::get().dir() + "/ssh_host_ed25519_key.pub").out);
}

std::string other_key_blob() {
  const std::string dir = Fleet::get().dir();
  sh("test -f " + dir + "/other_key || ssh-keygen -q -t ed25519 -N '' -f " + dir + "/other_key");
  return trim(sh("cut -d' ' -f1,2 " + dir + "/other_key.pub").out);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

// Regression (issue 11): accept-new was treated as "no" and connected to a host whose key changed.
TEST_CASE("ssh: StrictHostKeyChecking=accept-new refuses a changed host key") {
  REQUIRE_FLEET();
  ConnectionSpec spec = Fleet::get().spec();
  spec.known_hosts_file = Fleet::get().dir() + "/accept_new_changed";
  std::ofstream(spec.known_hosts_file) << "[127.0.1.1]:" << Fleet::get().port() << " " << other_key_blob() << "\n";
  spec.accept_new_host_keys = true;
  const std::string msg = unreachable_message(spec);
  CHECK(msg.find("REMOTE HOST IDENTIFICATION HAS CHANGED") != std::string::npos);
  CHECK(msg.find("ssh-keygen -R '[127.0.1.1]:" + std::to_string(Fleet::get().port()) + "'") != std::string::npos);
}

TEST_CASE("ssh: StrictHostKeyChecking=accept-new accepts an unknown host and records its key") {
  REQUIRE_FLEET();
  ConnectionSpec spec = Fleet::get().spec();
  spec.known_hosts_file = Fleet::get().dir() + "/accept_new_unknown";
  std::ofstream(spec.known_hosts_file).close();
  spec.accept_new_host_keys = true;
  {
    SshConnection c(spec);
    CHECK(c.exec("echo ok").out == "ok\n");
  }
  CHECK(read_text(spec.known_hosts_file).find(fleet_host_key_line()) != std::string::npos);
  spec.accept_new_host_keys = false;  // now known: strict checking passes
  SshConnection again(spec);
  CHECK(again.exec("echo ok").out == "ok\n");
}

TEST_CASE("ssh: a hashed known_hosts entry is honoured") {
  REQUIRE_FLEET();
  ConnectionSpec spec = Fleet::get().spec();
  spec.known_hosts_file = Fleet::get().dir() + "/hashed_known_hosts";
  std::ofstream(spec.known_hosts_file) << fleet_host_key_line() << "\n";
  REQUIRE(sh("ssh-keygen -q -H -f " + spec.known_hosts_file + " 2>&1").rc == 0);
  REQUIRE(read_text(spec.known_hosts_file).rfind("|1|", 0) == 0);
  SshConnection c(spec);
  CHECK(c.exec("echo ok").out == "ok\n");
}

TEST_CASE("ssh: a @revoked host key is refused, even with checking off") {
  REQUIRE_FLEET();
  ConnectionSpec spec = Fleet::get().spec();
  spec.known_hosts_file = Fleet::get().dir() + "/revoked_known_hosts";
  const std::string key = trim(sh("cut -d' ' -f1,2 " + Fleet::get().dir() + "/ssh_host_ed25519_key.pub").out);
  std::ofstream(spec.known_hosts_file) << fleet_host_key_line() << "\n@revoked * " << key << "\n";
  for (bool checking : {true, false}) {
    CAPTURE(checking);
    spec.host_key_checking = checking;
    const std::string msg = unreachable_message(spec);
    CHECK(msg.find("REVOKED HOST KEY DETECTED") != std::string::npos);
    CHECK(msg.find("revoked_known_hosts line 2") != std::string::npos);
  }
}

TEST_CASE("ssh: a host covered only by a @cert-authority line is refused, and the message says why") {
  REQUIRE_FLEET();
  ConnectionSpec spec = Fleet::get().spec();
  spec.known_hosts_file = Fleet::get().dir() + "/ca_known_hosts";
  std::ofstream(spec.known_hosts_file) << "@cert-authority [127.0.1.1]:* " << other_key_blob() << "\n";
  const std::string msg = unreachable_message(spec);
  CHECK(msg.find("No ED25519 host key is known") != std::string::npos);
  CHECK(msg.find("@cert-authority") != std::string::npos);
}
