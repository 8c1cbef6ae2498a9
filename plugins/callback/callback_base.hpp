// What Ansible's CallbackBase gives every printing callback: the options, a Display, and the
// handling of `warnings`, `deprecations` and `exception` in results.
#pragma once

#include "core/output/callback.hpp"
#include "core/output/callback_options.hpp"
#include "core/output/display.hpp"

namespace drover::callback {

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
