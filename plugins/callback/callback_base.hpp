// What Ansible's CallbackBase gives every printing callback: the options, a Display, and the
// handling of `warnings`, `deprecations` and `exception` in results.
#pragma once

#include "core/output/callback.hpp"
#include "core/output/callback_options.hpp"
#include "core/output/display.hpp"

namespace drover::callback {

// How the ad hoc callbacks (minimal, oneline) head an ok result, as Ansible's do: "CHANGED" in the
// changed colour when the result says changed, else "SUCCESS" in the ok colour.
struct OkState {
  std::string text;
  std::string_view color;
};
OkState ok_state(const Value& result);

// Whether those callbacks print an ok result as command output ("h | CHANGED | rc=0 ...") rather
// than as JSON: a command-like module's result that is not an async job's.
bool shows_command_output(std::string_view action, const Value& result);

class CallbackBase : public output::Callback {
public:
  explicit CallbackBase(const output::CallbackOptions& options) : m_options(options), m_display(options) {}

  void on_warning(const std::string& message) override { m_display.warning(message); }

protected:
  // Prints the result's warnings and deprecations on stderr and removes them from it.
  void handle_warnings(Value& result);
  // Prints Ansible's "An exception occurred during task execution..." line when the result has
  // an `exception` (the full traceback at -vvv, which then removes it from the result).
  void handle_exception(Value& result, bool to_stderr = false);

  output::CallbackOptions m_options;
  output::Display m_display;
};

}  // namespace drover::callback
