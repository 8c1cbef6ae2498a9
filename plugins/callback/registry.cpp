#include "plugins/callback/registry.hpp"

#include "core/error.hpp"
#include "plugins/callback/builtins.hpp"

namespace drover::callback {

const std::vector<CallbackEntry>& callback_table() {
  static const std::vector<CallbackEntry> table = {
      {"default", CallbackKind::stdout_callback, make_default_callback},
      {"json", CallbackKind::stdout_callback, make_json_callback},
      {"junit", CallbackKind::notification, make_junit_callback},
      {"minimal", CallbackKind::stdout_callback, make_minimal_callback},
      {"oneline", CallbackKind::stdout_callback, make_oneline_callback},
      {"timer", CallbackKind::notification, make_timer_callback},
  };
  return table;
}

const CallbackEntry* find_callback(const std::string& name) {
  std::string short_name = name;
  for (const char* prefix : {"ansible.builtin.", "ansible.posix.", "community.general.", "drover."}) {
    std::string p = prefix;
    if (name.rfind(p, 0) == 0) short_name = name.substr(p.size());
  }
  for (const auto& entry : callback_table())
    if (short_name == entry.name) return &entry;
  return nullptr;
}

std::unique_ptr<Callback> make_callback(const std::string& name, const CallbackOptions& options) {
  const CallbackEntry* entry = find_callback(name);
  if (entry == nullptr) {
    std::string known;
    for (const auto& e : callback_table()) known += (known.empty() ? "" : ", ") + std::string(e.name);
    throw Fatal("unknown callback plugin '" + name + "'; the known callbacks are: " + known +
                    " (set stdout_callback / callbacks_enabled in drover.cfg or ansible.cfg to one of them)",
                ExitCode::bad_options);
  }
  return entry->factory(options);
}

std::string default_stdout_callback(bool ad_hoc) { return ad_hoc ? "minimal" : "default"; }

}  // namespace drover::callback
