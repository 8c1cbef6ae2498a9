#include "core/transport/runner_client.hpp"

#include <chrono>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/value/json.hpp"

namespace drover::transport {
namespace {

constexpr std::size_t k_tail_lines = 20;
constexpr int k_prompt_poll_ms = 50;  // how often the hello wait looks at stderr for a become prompt
constexpr int k_interrupt_poll_ms = 200;  // how often a wait for an answer looks at g_interrupted

std::string last_lines(const std::string& text, std::size_t count) {
  std::size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  std::size_t start = end;
  for (std::size_t seen = 0; start > 0; --start) {
    if (text[start - 1] == '\n' && ++seen == count) break;
  }
  return text.substr(start, end - start);
}

std::optional<Value> parse_line(const std::string& line) {
  Json j = Json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try {
    return from_json(j);
  } catch (const Fatal& e) {  // nested too deep: a failure of this host, not of the run
    throw RunnerFailure(std::string("the runner's answer could not be read: ") + e.what(), "");
  }
}

}  // namespace

Runner::Runner(std::unique_ptr<connection::Process> process, BecomePrompt become, int hello_timeout_ms)
    : m_process(std::move(process)), m_become(become.method) {
  const bool watch_prompts = become.method != nullptr;
  std::size_t prompts_answered = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(hello_timeout_ms);
  std::string noise;
  for (;;) {
    auto line = m_process->read_line(watch_prompts ? k_prompt_poll_ms : hello_timeout_ms);
    if (line) {
      auto v = parse_line(*line);
      if (v && v->find("drover_runner")) {
        const Value& version = v->get("drover_runner");
        if (!(version.is_int() && version.as_int() == 1))
          throw RunnerFailure("the runner on the target speaks protocol " + dump_json(version) +
                                  ", this drover speaks 1: use the drover-modules built with this drover",
                              stderr_tail());
        m_hello = *v;
        return;
      }
      noise += *line + "\n";  // e.g. a login banner: kept for the error message
      continue;
    }
    if (m_process->exited()) died("starting");
    if (watch_prompts) answer_prompts(become, prompts_answered);
    if (std::chrono::steady_clock::now() >= deadline)
      throw RunnerFailure("the drover-modules runner sent no hello within " + std::to_string(hello_timeout_ms / 1000) +
                              " s" + (noise.empty() ? "" : "; its output was: " + last_lines(noise, 5)),
                          stderr_tail());
  }
}

// A new prompt is answered once; a prompt with no password to give, or a second prompt after
// the answer (the password was wrong), ends the wait with Ansible's words.
void Runner::answer_prompts(const BecomePrompt& become, std::size_t& answered) {
  const std::size_t prompts = become.method->prompts(m_process->stderr_text());
  if (prompts <= answered) return;
  if (answered > 0)
    throw RunnerFailure(become::refusal_message(*become.method, become::Refusal::password_incorrect), stderr_tail());
  if (become.password.empty())
    throw RunnerFailure(become::refusal_message(*become.method, become::Refusal::password_missing), stderr_tail());
  m_process->write(become.password + "\n");
  answered = prompts;
}

Runner::~Runner() {
  if (m_process) m_process->close();
}

Value Runner::call(const std::string& module, const Value& args, bool check, bool diff, const Value& environment,
                   const Value& extra) {
  Map m;
  m.set("module", module);
  m.set("args", args.is_null() ? Value::map() : args);
  m.set("check", check);
  m.set("diff", diff);
  if (environment.is_map() && !environment.as_map().empty()) m.set("environment", environment);
  if (extra.is_map())
    for (const auto& [k, v] : extra.as_map()) m.set(k, v);
  return request(Value(std::move(m)));
}

Value Runner::request(Value message) {
  const std::int64_t id = m_next_id++;
  Map m;
  m.set("id", id);
  for (const auto& [k, v] : message.as_map()) m.set(k, v);
  const std::string line = to_json(Value(std::move(m))).dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  m_process->write(line);
  for (;;) {
    auto answer = m_process->read_line(k_interrupt_poll_ms);
    if (!answer && !m_process->exited()) {
      if (g_interrupted) stop_for_interrupt();
      continue;
    }
    if (!answer) died("running a module");
    auto v = parse_line(*answer);
    if (!v) continue;  // not a protocol line: the runner never writes those, but be lenient
    const Value& got = v->get("id");
    if (!(got.is_int() && got.as_int() == id)) continue;  // a late answer to an abandoned request
    const Value& result = v->get("result");
    if (!result.is_map())
      throw RunnerFailure("the runner answered request " + std::to_string(id) + " without a result map", stderr_tail());
    if (v->get_truthy("timed_out")) throw RunnerTimeout(result.get_string("msg"));
    return result;
  }
}

void Runner::exit() {
  if (!m_process) return;
  try {
    const std::int64_t id = m_next_id++;
    Map msg;
    msg.set("id", id);
    msg.set("op", "exit");
    m_process->write(to_json(Value(std::move(msg))).dump() + "\n");
    for (int i = 0; i < 10; ++i) {
      auto answer = m_process->read_line(100);
      if (!answer || m_process->exited()) break;
      auto v = parse_line(*answer);
      if (v && v->get("id") == Value(id)) break;
    }
  } catch (const std::exception&) {
    // the host is gone: nothing left to stop
  }
  m_process->close();
  m_process.reset();
}

// Closing the runner's stdin (the channel's EOF and close) is its stop signal while it runs a
// request: it kills the module's processes, removes its temp files and exits (docs/protocol.md).
void Runner::stop_for_interrupt() {
  m_process->close();
  m_process.reset();
  throw Interrupted();
}

void Runner::died(const std::string& doing) {
  const std::string err = m_process->stderr_text();
  const int rc = m_process->exit_status();
  std::string msg = m_become ? become::refusal_message(*m_become, m_become->refusal(err)) : "";
  if (msg.empty()) {
    msg = "MODULE FAILURE: the drover-modules runner exited" + (rc >= 0 ? " (rc=" + std::to_string(rc) + ")" : "") +
          " while " + doing;
    const std::string last = last_lines(err, 1);
    if (!last.empty()) msg += ": " + last;
  }
  throw RunnerFailure(msg, last_lines(err, k_tail_lines), rc);
}

std::string Runner::stderr_tail() { return last_lines(m_process->stderr_text(), k_tail_lines); }

}  // namespace drover::transport
