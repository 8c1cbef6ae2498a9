#include "core/output/callback_table.hpp"

#include "core/error.hpp"

namespace drover::output {

const CallbackEntry* find_callback(CallbackTable table, const std::string& name) {
  std::string short_name = name;
  for (const char* prefix : {"ansible.builtin.", "ansible.posix.", "community.general.", "drover."}) {
    std::string p = prefix;
    if (name.rfind(p, 0) == 0) short_name = name.substr(p.size());
  }
  for (const auto& entry : table)
    if (short_name == entry.name) return &entry;
  return nullptr;
}

std::unique_ptr<Callback> make_callback(CallbackTable table, const std::string& name,
                                        const CallbackOptions& options) {
  const CallbackEntry* entry = find_callback(table, name);
  if (entry == nullptr) {
    std::string known;
    for (const auto& e : table) known += (known.empty() ? "" : ", ") + std::string(e.name);
    throw Fatal("unknown callback plugin '" + name + "'; the known callbacks are: " + known +
                    " (set stdout_callback / callbacks_enabled in drover.cfg or ansible.cfg to one of them)",
                ExitCode::bad_options);
  }
  return entry->factory(options);
}

}  // namespace drover::output
