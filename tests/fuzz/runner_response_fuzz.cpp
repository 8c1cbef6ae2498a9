// The runner protocol, control side (core/transport/runner_client.cpp, docs/protocol.md): the
// input is everything a runner writes on stdout, one protocol line per input line. The client
// waits for the hello, then sends requests and reads their answers until the runner "exits" (the
// input ends).
#include <memory>
#include <optional>
#include <string>

#include "core/transport/runner_client.hpp"
#include "tests/fuzz/fuzz.hpp"

namespace {

// A runner whose stdout is the fuzz input; what the client writes is dropped.
class ScriptedRunner : public drover::connection::Process {
public:
  explicit ScriptedRunner(std::string_view out) : m_out(out) {}
  void write(std::string_view) override {}
  std::optional<std::string> read_line(int) override {
    const std::size_t nl = m_out.find('\n');
    if (nl == std::string_view::npos) {
      m_out = {};
      return std::nullopt;  // a last line without "\n" never arrives whole
    }
    std::string line(m_out.substr(0, nl));
    m_out.remove_prefix(nl + 1);
    return line;
  }
  bool exited() const override { return m_out.empty(); }
  int exit_status() override { return m_out.empty() ? 0 : -1; }
  std::string stderr_text() override { return "runner stderr\nlast line\n"; }
  void close() override {}

private:
  std::string_view m_out;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  drover::fuzz::expect_clean_errors([&] {
    drover::transport::Runner runner(std::make_unique<ScriptedRunner>(drover::fuzz::text_of(data, size)), {}, 0);
    drover::Map args;
    args.set("data", "pong");
    for (int i = 0; i < 8; ++i)
      (void)runner.call("ping", drover::Value(args), i % 2 == 1, false, drover::Value());
  });
  return 0;
}
