// The client side of the runner protocol (docs/protocol.md): one
// `drover-modules --serve` process, its hello, and request/response lines matched by id.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "core/value/value.hpp"
#include "core/transport/connection.hpp"

namespace drover::transport {

// The runner could not start or stopped answering: the message says why, `stderr_tail` holds
// its last stderr lines. Becomes a failed task result, never an Unreachable.
class RunnerFailure : public std::runtime_error {
public:
  RunnerFailure(const std::string& message, std::string stderr_tail, int rc = -1)
      : std::runtime_error(message), m_stderr_tail(std::move(stderr_tail)), m_rc(rc) {}
  const std::string& stderr_tail() const { return m_stderr_tail; }
  int rc() const { return m_rc; }

private:
  std::string m_stderr_tail;
  int m_rc;
};

class Runner {
public:
  // Takes a started process and waits for its hello (up to hello_timeout_ms). When
  // `sudo_password` is set and `prompt_marker` shows on stderr first, answers it with the
  // password. Throws RunnerFailure (bad or missing hello, sudo refused), Unreachable.
  Runner(std::unique_ptr<connection::Process> process, const std::string& sudo_password = {},
         const std::string& prompt_marker = {}, int hello_timeout_ms = 30000);
  ~Runner();

  // Sends one request and waits for its response; returns the `result` map.
  // Throws RunnerFailure when the runner dies or answers nonsense, Unreachable.
  Value call(const std::string& module, const Value& args, bool check, bool diff, const Value& environment);
  // {"op":"exit"}, a short wait for the answer, then the process is released. Never throws.
  void exit();

  const Value& hello() const { return m_hello; }

private:
  Value request(Value message);
  [[noreturn]] void died(const std::string& doing);
  std::string stderr_tail();

  std::unique_ptr<connection::Process> m_process;
  Value m_hello;
  std::int64_t m_next_id = 1;
};

}  // namespace drover::transport
