// Helpers for feeding event sequences into a callback through the EventBus and comparing the
// printed text with the goldens in tests/golden/callback (captured from real ansible runs).
#pragma once

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "core/output/event_bus.hpp"
#include "core/value/json.hpp"
#include "plugins/callback/registry.hpp"

namespace drover::testing {

inline std::string read_golden(const std::string& name) {
  std::ifstream in(std::string(DROVER_SOURCE_DIR) + "/tests/golden/callback/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Empty when equal; else the first differing line of each, and the actual text is written to
// <golden>.actual in the current directory for a closer look.
inline std::string golden_mismatch(const std::string& actual, const std::string& name) {
  std::string expected = read_golden(name);
  if (actual == expected) return "";
  std::ofstream(name + ".actual") << actual;
  std::istringstream a(actual), e(expected);
  std::string la, le;
  int line = 0;
  while (true) {
    ++line;
    bool ga = static_cast<bool>(std::getline(a, la)), ge = static_cast<bool>(std::getline(e, le));
    if (!ga && !ge) return "texts differ only in the final newline";
    if (la != le || ga != ge)
      return "line " + std::to_string(line) + ":\n  expected: [" + le + "]\n  actual:   [" + la + "]";
  }
}

inline Value json(const std::string& text) { return parse_json(text, "test fixture"); }

// A bus with one stdout callback writing to `out`, 79 banner columns, no colour.
struct Harness {
  std::ostringstream out, err, bus_errors;
  output::EventBus bus{&bus_errors};
  output::CallbackOptions options;

  explicit Harness(const std::string& callback, int verbosity = 0, bool diff = false, bool color = false) {
    options.out = &out;
    options.err = &err;
    options.columns = 79;
    options.verbosity = verbosity;
    options.diff = diff;
    options.color = color;
    bus.set_stdout_callback(callback::make_callback(callback, options));
  }

  output::TaskInfo task(const std::string& name, const std::string& action, bool loop = false) {
    output::TaskInfo t;
    t.name = name;
    t.action = action;
    t.loop = loop;
    m_task = t;
    bus.on_task_start(t);
    return t;
  }
  void host(output::Status status, const std::string& result, bool ignore_errors = false,
            const std::string& host = "localhost") {
    output::HostResult r;
    r.host = host;
    r.task = m_task;
    r.status = status;
    r.result = json(result);
    r.ignore_errors = ignore_errors;
    bus.on_host_result(r);
  }
  void item(output::Status status, const std::string& result, const std::string& host = "localhost") {
    output::ItemResult r;
    r.host = host;
    r.task = m_task;
    r.status = status;
    r.result = json(result);
    bus.on_item_result(r);
  }

private:
  output::TaskInfo m_task;
};

}  // namespace drover::testing
