#include "plugins/callback/registry.hpp"

#include "plugins/callback/builtins.hpp"

namespace drover::callback {

namespace {

const CallbackEntry k_callbacks[] = {
    {"default", CallbackKind::stdout_callback, make_default_callback},
    {"json", CallbackKind::stdout_callback, make_json_callback},
    {"junit", CallbackKind::notification, make_junit_callback},
    {"minimal", CallbackKind::stdout_callback, make_minimal_callback},
    {"oneline", CallbackKind::stdout_callback, make_oneline_callback},
    {"timer", CallbackKind::notification, make_timer_callback},
};

}  // namespace

output::CallbackTable callback_table() { return k_callbacks; }

const CallbackEntry* find_callback(const std::string& name) { return output::find_callback(k_callbacks, name); }

std::unique_ptr<Callback> make_callback(const std::string& name, const CallbackOptions& options) {
  return output::make_callback(k_callbacks, name, options);
}

std::string default_stdout_callback(bool ad_hoc) { return ad_hoc ? "minimal" : "default"; }

}  // namespace drover::callback
