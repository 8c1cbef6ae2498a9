#include "plugins/callback/callback_base.hpp"

#include "core/output/result_format.hpp"
#include "core/value/python_repr.hpp"

namespace drover::callback {

OkState ok_state(const Value& result) {
  if (result.get("changed").truthy()) return {"CHANGED", output::color::changed};
  return {"SUCCESS", output::color::ok};
}

bool shows_command_output(std::string_view action, const Value& result) {
  return output::is_command_like_action(action) && !result.find("ansible_job_id");
}

void CallbackBase::handle_warnings(Value& result) {
  for (const auto& w : output::take_warnings(result)) m_display.warning(w);
  for (const auto& d : output::take_deprecations(result)) m_display.deprecated(d);
}

void CallbackBase::handle_exception(Value& result, bool to_stderr) {
  const Value* exception = result.is_map() ? result.find("exception") : nullptr;
  if (exception == nullptr) return;
  std::string text = python_str(*exception);
  std::string msg;
  if (m_options.verbosity < 3) {
    std::size_t end = text.find_last_not_of(" \t\r\n");
    std::string trimmed = end == std::string::npos ? "" : text.substr(0, end + 1);
    std::size_t nl = trimmed.rfind('\n');
    msg = "An exception occurred during task execution. To see the full traceback, use -vvv. The error was: " +
          (nl == std::string::npos ? trimmed : trimmed.substr(nl + 1));
  } else {
    msg = "The full traceback is:\n" + text;
    result.mutable_map().erase("exception");
  }
  m_display.display(msg, output::color::error, to_stderr);
}

}  // namespace drover::callback
