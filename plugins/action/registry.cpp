#include <algorithm>
#include <array>

#include "plugins/action/action.hpp"

namespace drover::action {

namespace {

// One row per action; modules that run on the target without a control half use run_module.
// Keep alphabetized; the names of target modules must match `drover-modules --list`.
constexpr std::array k_actions = {
    ActionRow{"add_host", run_add_host, "add a host (and groups) to the inventory of this run", "ansible.builtin", &add_host_doc},
    ActionRow{"assemble", run_assemble, "assemble a file from fragments in a directory (target or control node)"},
    ActionRow{"assert", run_assert, "fail unless the given expressions are true", "ansible.builtin", &assert_doc},
    ActionRow{"blockinfile", run_module, "insert, update or remove a block of lines between markers"},
    ActionRow{"command", run_module, "run a command on the target"},
    ActionRow{"copy", run_copy, "copy content or a local file to the target"},
    ActionRow{"debug", run_debug, "print a message or a variable", "ansible.builtin", &debug_doc},
    ActionRow{"fail", run_fail, "fail with a message", "ansible.builtin", &fail_doc},
    ActionRow{"file", run_module, "manage files, directories, links and their attributes"},
    ActionRow{"group_by", run_group_by, "put each host in a group named after a key", "ansible.builtin", &group_by_doc},
    ActionRow{"include_vars", run_include_vars, "load variables from a file", "ansible.builtin", &include_vars_doc},
    ActionRow{"ini_file", run_module, "set or remove options and sections in INI files", "community.general"},
    ActionRow{"lineinfile", run_module, "make sure a line is in a file, or is not"},
    ActionRow{"meta", run_meta, "control the run (noop, flush_handlers, end_play, end_batch, end_host)", "ansible.builtin", &meta_doc},
    ActionRow{"ping", run_module, "check that the target can run modules"},
    ActionRow{"raw", run_raw, "run a command over the connection without the runner", "ansible.builtin", &raw_doc},
    ActionRow{"replace", run_module, "replace every match of a regular expression in a file"},
    ActionRow{"set_fact", run_set_fact, "set host variables", "ansible.builtin", &set_fact_doc},
    ActionRow{"setup", run_module, "gather facts about the target"},
    ActionRow{"shell", run_module, "run a command through the shell on the target"},
    ActionRow{"slurp", run_module, "read a file from the target"},
    ActionRow{"stat", run_module, "report a file's status"},
    ActionRow{"synchronize", run_synchronize, "copy a tree between the control node and the host with rsync", "ansible.posix", &synchronize_doc},
    ActionRow{"template", run_template, "render a Jinja2 template to a file on the target", "ansible.builtin", &template_doc},
};

}  // namespace

ActionTable actions() { return k_actions; }

bool is_known_action(std::string_view name) { return find_action(k_actions, name) != nullptr; }

}  // namespace drover::action
