#include <algorithm>
#include <array>

#include "plugins/action/action.hpp"

namespace drover::action {

namespace {

// One row per action; modules that run on the target without a control half use run_module.
// Keep alphabetized; the names of target modules must match `drover-modules --list`.
constexpr std::array k_actions = {
    ActionRow{"add_host", run_add_host, "add a host (and groups) to the inventory of this run"},
    ActionRow{"assert", run_assert, "fail unless the given expressions are true"},
    ActionRow{"async_status", run_async_status, "report on (or clean up) a job started with async"},
    ActionRow{"command", run_module, "run a command on the target", "ansible.builtin", Async::supported},
    ActionRow{"copy", run_copy, "copy content or a local file to the target"},
    ActionRow{"debug", run_debug, "print a message or a variable"},
    ActionRow{"fail", run_fail, "fail with a message"},
    ActionRow{"file", run_module, "manage files, directories, links and their attributes", "ansible.builtin", Async::supported},
    ActionRow{"group_by", run_group_by, "put each host in a group named after a key"},
    ActionRow{"include_vars", run_include_vars, "load variables from a file"},
    ActionRow{"meta", run_meta, "control the run (noop, flush_handlers, end_play, end_batch, end_host)"},
    ActionRow{"ping", run_module, "check that the target can run modules", "ansible.builtin", Async::supported},
    ActionRow{"raw", run_raw, "run a command over the connection without the runner"},
    ActionRow{"set_fact", run_set_fact, "set host variables"},
    ActionRow{"setup", run_module, "gather facts about the target", "ansible.builtin", Async::supported},
    ActionRow{"shell", run_module, "run a command through the shell on the target", "ansible.builtin", Async::supported},
    ActionRow{"slurp", run_module, "read a file from the target", "ansible.builtin", Async::supported},
    ActionRow{"stat", run_module, "report a file's status", "ansible.builtin", Async::supported},
    ActionRow{"template", run_template, "render a Jinja2 template to a file on the target"},
};

}  // namespace

ActionTable actions() { return k_actions; }

bool is_known_action(std::string_view name) { return find_action(k_actions, name) != nullptr; }

}  // namespace drover::action
