#include "core/transport/target.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "core/fs.hpp"
#include "core/interrupt.hpp"
#include "core/secrets/crypto.hpp"
#include "core/transport/runner_client.hpp"

namespace drover::transport {
namespace {

using connection::shell_quote;
const std::string k_probe_prefix = "drover-probe:";
const std::string k_runner_name = "drover-modules";

std::string machine() {
  utsname u{};
  return ::uname(&u) == 0 ? u.machine : "unknown";
}

// The warm path runs one process besides the shell (`wc -c`: process creation dominates first
// contact); `uname -m` runs only before an upload. A cached runner counts as present only when
// its size is the size of this drover's runner: a truncated copy (an upload cut short by an older
// drover, a full disk, a hand edit) reads as absent and is replaced, never executed. Uploads are
// checked against the sha256 before they get the final name (SshConnection::upload).
std::string probe_command(const std::string& sha, std::size_t size) {
  const std::string runner = "\"$HOME/.cache/drover/" + sha + "/" + k_runner_name + "\"";
  const std::string p = k_probe_prefix;
  return "if [ -x " + runner + " ] && [ \"$(wc -c < " + runner + " 2>/dev/null)\" -eq " + std::to_string(size) +
         " ] 2>/dev/null; then printf '" + p + "home=%s\\n" + p + "runner=present\\n' \"$HOME\"; " +
         "else printf '" + p + "arch=%s\\n" + p + "home=%s\\n" + p + "runner=absent\\n' \"$(uname -m)\" \"$HOME\"; fi";
}

std::string runner_key(const Become& become) {
  return become.enabled ? become.method + ":" + become.user + (become.exe.empty() ? "" : ":" + become.exe) : "";
}

Value failed_result(const std::string& msg, const std::string& stderr_tail = {}, int rc = -1) {
  Map m;
  m.set("failed", true);
  m.set("msg", msg);
  if (!stderr_tail.empty()) {
    m.set("module_stderr", stderr_tail);
    m.set("module_stdout", "");
  }
  if (rc >= 0) m.set("rc", rc);
  return Value(std::move(m));
}

}  // namespace

RunnerBinary RunnerBinary::at(const std::string& path) {
  RunnerBinary b;
  b.path = path;
  const std::string content = read_file_or_fatal(path);
  b.sha256 = secrets::hex_encode(secrets::sha256(content));
  b.size = content.size();
  b.arch = machine();
  return b;
}

RunnerBinary RunnerBinary::find() {
  // A static initialised by a throwing call is retried on the next call, which is what we want.
  static const RunnerBinary found = [] {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path beside = fs::read_symlink("/proc/self/exe", ec).parent_path() / k_runner_name;
    if (!ec && fs::is_regular_file(beside)) return at(beside.string());
    const char* env = std::getenv("DROVER_MODULES_BIN");
    if (env && *env && fs::is_regular_file(env)) return at(env);
    throw std::runtime_error("cannot find the drover-modules runner: looked for " + beside.string() +
                             (env && *env ? std::string(" and $DROVER_MODULES_BIN=") + env : " (and DROVER_MODULES_BIN is not set)") +
                             "; install it beside drover or point DROVER_MODULES_BIN at it");
  }();
  return found;
}

std::string RunnerBinary::read_content() const { return read_file_or_fatal(path); }

Target::Target(connection::ConnectionSpec spec, std::unique_ptr<connection::Connection> connection,
               const RunnerBinary& runner, become::BecomeMethods become_methods)
    : m_spec(std::move(spec)), m_connection(std::move(connection)), m_binary(runner),
      m_become_methods(become_methods) {}

Target::~Target() { close(); }

void Target::ensure_connected() { m_connection->connect(); }

Target::Probe Target::probe() {
  const connection::ExecResult r = m_connection->exec(probe_command(m_binary.sha256, m_binary.size));
  Probe p;
  bool have_runner_line = false;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(k_probe_prefix, 0) != 0) continue;  // login noise
    const std::string kv = line.substr(k_probe_prefix.size());
    const std::size_t eq = kv.find('=');
    const std::string key = kv.substr(0, eq), value = eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (key == "arch") p.arch = value;
    else if (key == "uid") p.uid = value;
    else if (key == "home") p.home = value;
    else if (key == "runner") {
      p.runner_present = value == "present";
      have_runner_line = true;
    }
  }
  if (!have_runner_line || p.home.empty())
    throw RunnerFailure("the bootstrap probe on " + m_spec.inventory_name + " failed (rc=" + std::to_string(r.rc) +
                            ")" + (p.home.empty() && have_runner_line ? ": $HOME is not set for the remote user" : ""),
                        r.err + r.out, r.rc);
  return p;
}

void Target::bootstrap() {
  if (m_bootstrapped) return;
  if (m_connection->kind() == "local") {
    m_runner_path = m_binary.path;
  } else {
    const Probe p = probe();
    if (!p.runner_present && p.arch != m_binary.arch)
      throw RunnerFailure("the target " + m_spec.inventory_name + " is a " + p.arch + " machine; this drover has a " +
                              k_runner_name + " runner for " + m_binary.arch + " only",
                          "");
    m_runner_path = p.home + "/.cache/drover/" + m_binary.sha256 + "/" + k_runner_name;
    if (!p.runner_present) {
      // The file is read again for the upload: it must still be the runner this run started with
      // (a rebuild or an upgrade meanwhile would put other content under this hash's name).
      const std::string content = m_binary.read_content();
      if (content.size() != m_binary.size || secrets::hex_encode(secrets::sha256(content)) != m_binary.sha256)
        throw RunnerFailure(m_binary.path + " changed since this run started (rebuilt or upgraded?): its sha256 is no "
                                "longer " + m_binary.sha256 + "; run drover again",
                            "");
      m_connection->upload(content, m_runner_path, 0700);
      ++m_uploads;
    }
  }
  m_bootstrapped = true;
}

// An unknown method fails the task (as a refused become does), not the run.
const become::BecomeMethod& Target::method_for(const Become& become) const {
  try {
    return become::find_become_method(m_become_methods, become.method);
  } catch (const std::invalid_argument& e) {
    throw RunnerFailure(e.what(), "");
  }
}

std::string Target::runner_command(const Become& become) const {
  const std::string runner = shell_quote(m_runner_path) + " --serve";
  if (!become.enabled) return "exec " + runner;
  return "exec " + method_for(become).wrap(runner, become, become::Prompt::answered);
}

Runner& Target::runner_for(const Become& become) {
  const std::string key = runner_key(become);
  auto it = m_runners.find(key);
  if (it != m_runners.end()) return *it->second;
  const std::string command = runner_command(become);
  BecomePrompt prompt;
  if (become.enabled) prompt = {&method_for(become), become.password};
  auto runner = std::make_unique<Runner>(m_connection->spawn(command), prompt, std::max(m_spec.timeout_s, 10) * 3000);
  return *m_runners.emplace(key, std::move(runner)).first->second;
}

Value Target::run(const ModuleCall& call) {
  std::lock_guard lock(m_mutex);
  try {
    ensure_connected();
    bootstrap();
    Runner& runner = runner_for(call.become);
    try {
      Value extra = Value::map();
      if (!call.async_job.is_null()) extra.mutable_map().set("async", call.async_job);
      if (call.timeout_s > 0) extra.mutable_map().set("timeout", call.timeout_s);
      return runner.call(call.module, call.args, call.check, call.diff, call.environment, extra);
    } catch (const RunnerFailure&) {
      m_runners.erase(runner_key(call.become));  // the next call starts a fresh one
      throw;
    } catch (const Interrupted&) {
      m_runners.erase(runner_key(call.become));  // stopped on the target already
      throw;
    }
  } catch (const connection::Unreachable&) {
    reset();
    throw;
  } catch (const RunnerTimeout&) {
    throw;
  } catch (const Interrupted&) {
    throw;
  } catch (const RunnerFailure& f) {
    return failed_result(f.what(), f.stderr_tail(), f.rc());
  } catch (const std::runtime_error& e) {  // e.g. the upload could not write the runner
    return failed_result(e.what());
  }
}

connection::ExecResult Target::raw(const std::string& command, const Become& become) {
  std::lock_guard lock(m_mutex);
  try {
    ensure_connected();
    if (!become.enabled) return m_connection->exec(command);
    // With a password, the method reads it as stdin's first line; the command gets the rest.
    const std::string wrapped =
        method_for(become).wrap("/bin/sh -c " + shell_quote(command), become, become::Prompt::on_stdin);
    return m_connection->exec(wrapped, become.password.empty() ? "" : become.password + "\n");
  } catch (const connection::Unreachable&) {
    reset();
    throw;
  } catch (const RunnerFailure& f) {
    return {1, "", f.what()};
  }
}

void Target::reset() {
  m_runners.clear();
  m_bootstrapped = false;
  m_connection->close();
}

void Target::close() {
  std::lock_guard lock(m_mutex);
  for (auto& [key, runner] : m_runners) runner->exit();
  m_runners.clear();
  m_bootstrapped = false;
  try {
    m_connection->close();
  } catch (const std::exception&) {
  }
}

}  // namespace drover::transport
