// The client side of the runner protocol (docs/protocol.md): one
// `drover-modules --serve` process, its hello, and request/response lines matched by id.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "core/transport/become.hpp"
#include "core/transport/connection.hpp"
#include "core/value/value.hpp"

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

// The runner killed a module that ran past the request's timeout (its answer said timed_out).
class RunnerTimeout : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// The become method a runner was started through (with Prompt::answered), and the password
// for its prompt. No method: the runner runs as the connecting user.
struct BecomePrompt {
  const become::BecomeMethod* method = nullptr;
  std::string password;
};

class Runner {
public:
  // Takes a started process and waits for its hello (up to hello_timeout_ms). Under a become
  // method, answers the method's password prompt on stderr with the password, once. Throws
  // RunnerFailure (bad or missing hello; become refused, with Ansible's words: "Missing sudo
  // password", "Incorrect su password"), Unreachable.
  Runner(std::unique_ptr<connection::Process> process, BecomePrompt become = {}, int hello_timeout_ms = 30000);
  ~Runner();

  // Sends one request and waits for its response; returns the `result` map. `extra` holds more
  // request fields (docs/protocol.md: async, timeout), or is null.
  // Throws RunnerFailure when the runner dies or answers nonsense, RunnerTimeout when the runner
  // killed the module for its timeout, Unreachable; Interrupted (core/interrupt.hpp) when the run
  // was interrupted while waiting: the runner was told to stop and this Runner is finished.
  Value call(const std::string& module, const Value& args, bool check, bool diff, const Value& environment,
             const Value& extra = Value());
  // {"op":"exit"}, a short wait for the answer, then the process is released. Never throws.
  void exit();

  const Value& hello() const { return m_hello; }

private:
  Value request(Value message);
  void answer_prompts(const BecomePrompt& become, std::size_t& answered);
  [[noreturn]] void died(const std::string& doing);
  [[noreturn]] void stop_for_interrupt();
  std::string stderr_tail();

  std::unique_ptr<connection::Process> m_process;
  const become::BecomeMethod* m_become = nullptr;  // for the words of a refusal
  Value m_hello;
  std::int64_t m_next_id = 1;
};

}  // namespace drover::transport
