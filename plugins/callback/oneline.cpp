// `oneline`: one line per host result (ansible.builtin.oneline, `ansible --one-line`).
#include "core/output/result_format.hpp"
#include "core/value/json.hpp"
#include "core/value/python_repr.hpp"
#include "plugins/callback/builtins.hpp"
#include "plugins/callback/callback_base.hpp"

namespace drover::callback {

namespace {

using namespace output;

std::string escape_breaks(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

// json.dumps(indent=0) with its newlines removed: {"a": 1,"b": 2}.
std::string one_line_json(const Value& result, int verbosity) {
  // Ansible's indent=0 form joins items with "," only, unlike the one-line ", ".
  Value abridged = abridged_result(result, verbosity);
  std::string text = dump_json(abridged, JsonStyle{0, true, false});
  std::string out;
  for (char c : text)
    if (c != '\n') out += c;
  return out;
}

std::string command_message(const std::string& host, const Value& result, const std::string& caption) {
  const Value* rc = result.find("rc");
  std::string head = host + " | " + caption + " | rc=" + (rc ? python_str(*rc) : "-1") + " | (stdout) " +
                     escape_breaks(result.get_string("stdout"));
  std::string err = result.get_string("stderr");
  if (!err.empty()) head += " (stderr) " + escape_breaks(err);
  return head;
}

class OnelineCallback final : public CallbackBase {
public:
  using CallbackBase::CallbackBase;
  std::string name() const override { return "oneline"; }

  void on_host_result(const HostResult& r) override {
    const Value& res = r.result;
    switch (r.status) {
      case Status::ok:
      case Status::changed: {
        OkState state = ok_state(res);
        if (shows_command_output(r.task.action, res))
          m_display.display(command_message(r.host, res, state.text), state.color);
        else
          m_display.display(r.host + " | " + state.text + " => " + one_line_json(res, m_options.verbosity),
                            state.color);
        break;
      }
      case Status::failed: on_failed(r); break;
      case Status::skipped: m_display.display(r.host + " | SKIPPED", color::skip); break;
      case Status::unreachable:
        m_display.display(r.host + " | UNREACHABLE!: " + res.get_string("msg"), color::unreachable);
        break;
    }
  }

private:
  void on_failed(const HostResult& r) {
    const Value& res = r.result;
    if (const Value* exc = res.find("exception")) {
      std::string text = python_str(*exc);
      if (is_command_like_action(r.task.action) && !res.find("module_stderr")) {
        m_display.display(command_message(r.host, res, "FAILED"), color::error);
      } else if (m_options.verbosity < 3) {
        std::size_t end = text.find_last_not_of(" \t\r\n");
        std::string t = end == std::string::npos ? "" : text.substr(0, end + 1);
        std::size_t nl = t.rfind('\n');
        m_display.display("An exception occurred during task execution. To see the full traceback, use -vvv. "
                          "The error was: " + (nl == std::string::npos ? t : t.substr(nl + 1)),
                          color::error);
      } else {
        std::string flat;
        for (char c : text)
          if (c != '\n') flat += c;
        m_display.display("An exception occurred during task execution. The full traceback is:\n" + flat,
                          color::error);
      }
    }
    m_display.display(r.host + " | FAILED! => " + one_line_json(res, m_options.verbosity), color::error);
  }
};

}  // namespace

std::unique_ptr<output::Callback> make_oneline_callback(const output::CallbackOptions& options) {
  return std::make_unique<OnelineCallback>(options);
}

}  // namespace drover::callback
