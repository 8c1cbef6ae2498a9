// `minimal`: the look of ad hoc runs (ansible.builtin.minimal): "h | SUCCESS => {json}",
// "h | CHANGED | rc=0 >>" + output for command-like modules, "FAILED!", "UNREACHABLE!".
#include "core/output/result_format.hpp"
#include "core/value/python_repr.hpp"
#include "plugins/callback/builtins.hpp"
#include "plugins/callback/callback_base.hpp"

namespace drover::callback {

namespace {

using namespace output;

// "host | CAPTION | rc=N >>" then stdout, stderr and msg run together, as Ansible prints them.
std::string command_message(const std::string& host, const Value& result, const std::string& caption) {
  const Value* rc = result.find("rc");
  std::string out = host + " | " + caption + " | rc=" + (rc ? python_str(*rc) : "-1") + " >>\n";
  for (const char* key : {"stdout", "stderr", "msg"})
    if (const Value* v = result.find(key)) out += python_str(*v);
  return out + "\n";
}

class MinimalCallback final : public CallbackBase {
public:
  using CallbackBase::CallbackBase;
  std::string name() const override { return "minimal"; }

  void on_host_result(const HostResult& r) override {
    switch (r.status) {
      case Status::ok:
      case Status::changed: on_ok(r); break;
      case Status::failed: on_failed(r); break;
      case Status::skipped: m_display.display(r.host + " | SKIPPED", color::skip); break;
      case Status::unreachable:
        m_display.display(r.host + " | UNREACHABLE! => " + dump_result(r.result, m_options.verbosity, 4),
                          color::unreachable);
        break;
    }
  }

private:
  void on_ok(const HostResult& r) {
    if ((m_options.diff || r.task.diff) && r.result.get("diff").truthy()) {
      std::string text = format_diff(r.result.get("diff"), m_display.color());
      if (!text.empty()) m_display.display(text);
    }
    Value res = clean_debug_result(r.result, r.task.action);
    handle_warnings(res);
    OkState state = ok_state(res);
    if (shows_command_output(r.task.action, res))
      m_display.display(command_message(r.host, res, state.text), state.color);
    else
      m_display.display(r.host + " | " + state.text + " => " + dump_result(res, m_options.verbosity, 4), state.color);
  }

  void on_failed(const HostResult& r) {
    Value res = r.result;
    handle_exception(res);
    handle_warnings(res);
    if (is_command_like_action(r.task.action) && !res.find("module_stderr"))
      m_display.display(command_message(r.host, res, "FAILED"), color::error);
    else
      m_display.display(r.host + " | FAILED! => " + dump_result(res, m_options.verbosity, 4), color::error);
  }
};

}  // namespace

std::unique_ptr<output::Callback> make_minimal_callback(const output::CallbackOptions& options) {
  return std::make_unique<MinimalCallback>(options);
}

}  // namespace drover::callback
