#include "modules/serve_loop.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include <unistd.h>

#include "modules/async_wrapper.hpp"
#include "modules/registry.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/interrupt.hpp"

namespace drover::modules {

namespace {

// Reads "\n"-terminated lines from a file descriptor; a last line without "\n" still counts.
class LineReader {
public:
  explicit LineReader(int fd) : m_fd(fd) {}

  bool next(std::string& line) {
    for (;;) {
      auto newline = m_buffer.find('\n', m_scanned);
      if (newline != std::string::npos) {
        line.assign(m_buffer, 0, newline);
        m_buffer.erase(0, newline + 1);
        m_scanned = 0;
        return true;
      }
      m_scanned = m_buffer.size();
      char chunk[65536];
      ssize_t n = ::read(m_fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (m_buffer.empty()) return false;
        line.swap(m_buffer);
        m_buffer.clear();
        m_scanned = 0;
        return true;
      }
      m_buffer.append(chunk, static_cast<size_t>(n));
    }
  }

private:
  int m_fd;
  std::string m_buffer;
  size_t m_scanned = 0;
};

std::map<std::string, std::string> read_environment(const json& request) {
  std::map<std::string, std::string> environment;
  auto it = request.find("environment");
  if (it == request.end() || it->is_null()) return environment;
  if (!it->is_object()) throw ModuleFailure("request field 'environment' must be an object");
  for (const auto& [key, value] : it->items()) {
    environment[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return environment;
}

bool flag(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

json failed(const std::string& message) {
  return {{"failed", true}, {"changed", false}, {"msg", message}};
}

// The request's "async" object (docs/protocol.md), or nothing.
std::optional<AsyncJob> async_job(const json& request) {
  auto it = request.find("async");
  if (it == request.end() || !it->is_object()) return std::nullopt;
  AsyncJob job;
  job.jid_prefix = it->value("jid", std::string("j0"));
  if (auto limit = it->find("time_limit"); limit != it->end() && limit->is_number()) job.time_limit = limit->get<long>();
  if (auto dir = it->find("dir"); dir != it->end() && dir->is_string()) job.dir = dir->get<std::string>();
  return job;
}

// The request's "timeout" in seconds; 0: none.
double timeout_of(const json& request) {
  auto it = request.find("timeout");
  return it != request.end() && it->is_number() ? it->get<double>() : 0;
}

// Fills response["result"] (and "timed_out" when the module ran out of time).
void dispatch(const json& request, bool& exit_requested, json& response) {
  json& result = response["result"];
  if (request.contains("op")) {
    if (request["op"] == "exit") {
      exit_requested = true;
      result = json::object();
      return;
    }
    result = failed("unknown op " + request["op"].dump() + " (known: exit)");
    return;
  }
  auto module = request.find("module");
  if (module == request.end() || !module->is_string()) {
    result = failed("request has no 'module' string (see docs/protocol.md)");
    return;
  }
  const std::string name = module->get<std::string>();
  ModuleContext ctx;
  ctx.check_mode = flag(request, "check") ? CheckMode::yes : CheckMode::no;
  ctx.diff = flag(request, "diff") ? DiffMode::yes : DiffMode::no;
  try {
    ctx.environment = read_environment(request);
  } catch (const ModuleFailure& failure) {
    result = failed(failure.what());
    return;
  }
  json args = request.value("args", json::object());
  if (args.is_null()) args = json::object();
  try {
    if (auto job = async_job(request); job && find_module(name)) {
      result = start_async_job(name, args, ctx, *job);
      return;
    }
    if (const double seconds = timeout_of(request); seconds > 0 && find_module(name)) {
      TimedResult timed = run_with_timeout(name, args, ctx, seconds);
      if (timed.timed_out) {
        response["timed_out"] = true;
        result = failed("the module did not finish within " + request["timeout"].dump() + " seconds and was killed");
      } else {
        result = std::move(timed.result);
      }
      return;
    }
  } catch (const ModuleFailure& failure) {
    result = failed(failure.what());
    return;
  }
  result = run_module(name, args, ctx);
}

}  // namespace

std::string to_line(const json& message) {
  return message.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

json hello_message() {
  json names = json::array();
  for (const auto& entry : module_table()) names.push_back(entry.name);
  return {{"drover_runner", k_protocol_version},
          {"version", DROVER_VERSION},
          {"modules", names},
          {"pid", static_cast<long>(::getpid())}};
}

json answer_request(const std::string& line, bool& exit_requested) {
  json request;
  try {
    request = json::parse(line);
  } catch (const json::exception& error) {
    return {{"id", nullptr}, {"result", failed(std::string("invalid request JSON: ") + error.what())}};
  }
  if (!request.is_object())
    return {{"id", nullptr}, {"result", failed("a request must be a JSON object")}};
  json response = {{"id", request.value("id", json())}};
  dispatch(request, exit_requested, response);
  return response;
}

int serve(int in_fd, int out_fd) {
  // A child that closes its stdin early must not kill the runner.
  std::signal(SIGPIPE, SIG_IGN);
  install_stop_handlers();
  watch_client(out_fd);
  if (!write_all(out_fd, to_line(hello_message()))) return 0;
  LineReader reader(in_fd);
  std::string line;
  bool exit_requested = false;
  while (!exit_requested && reader.next(line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    set_busy(true);
    if (peer_gone()) break;  // nobody reads the answer: run nothing
    const bool written = write_all(out_fd, to_line(answer_request(line, exit_requested)));
    set_busy(false);
    if (!written) break;
  }
  return 0;
}

int run_one_shot(const std::string& module, const std::string& args_file) {
  std::signal(SIGPIPE, SIG_IGN);
  std::ifstream in(args_file, std::ios::binary);
  if (!in) {
    std::cerr << "drover-modules: cannot read the arguments file " << args_file << "\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  json args;
  try {
    args = text.str().find_first_not_of(" \t\r\n") == std::string::npos ? json::object()
                                                                          : json::parse(text.str());
  } catch (const json::exception& error) {
    std::cerr << "drover-modules: " << args_file << " is not valid JSON: " << error.what() << "\n";
    return 1;
  }
  if (!args.is_object()) {
    std::cerr << "drover-modules: " << args_file << " must hold a JSON object of module arguments\n";
    return 1;
  }
  ModuleContext ctx;
  ctx.check_mode = flag(args, "_ansible_check_mode") ? CheckMode::yes : CheckMode::no;
  ctx.diff = flag(args, "_ansible_diff") ? DiffMode::yes : DiffMode::no;
  std::string out = to_line(run_module(module, args, ctx));
  return write_all(1, out) ? 0 : 1;
}

}  // namespace drover::modules
