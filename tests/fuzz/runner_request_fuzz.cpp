// The runner protocol, target side (modules/serve_loop.cpp, docs/protocol.md): each input line is
// one request line the runner reads and answers, then the answer is written as a protocol line.
//
// Only requests that run nothing reach answer_request: a module other than `ping`, an async job
// or a timeout (which fork) would let the fuzzer run commands and change files on this machine.
// Those lines are answered with `ping` in the module's place, so the rest of the request (id,
// check, diff, environment, args) is still read.
#include <string>

#include "modules/registry.hpp"
#include "modules/serve_loop.hpp"
#include "tests/fuzz/fuzz.hpp"

using drover::modules::json;

namespace {

// The request made harmless, or the line as it is when it is not a JSON object.
std::string harmless(const std::string& line) {
  json request = json::parse(line, nullptr, false);
  if (request.is_discarded() || !request.is_object()) return line;
  auto module = request.find("module");
  const bool runs_something = module != request.end() && module->is_string() &&
                              drover::modules::find_module(module->get<std::string>()) != nullptr &&
                              module->get<std::string>() != "ping";
  if (!runs_something && !request.contains("async") && !request.contains("timeout")) return line;
  request.erase("async");
  request.erase("timeout");
  if (runs_something) request["module"] = "ping";
  return request.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = drover::fuzz::text_of(data, size);
  while (!in.empty()) {
    const std::size_t nl = in.find('\n');
    const std::string line(in.substr(0, nl));
    in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
    bool exit_requested = false;
    (void)drover::modules::to_line(drover::modules::answer_request(harmless(line), exit_requested));
    if (exit_requested) break;
  }
  return 0;
}
