// `drover doc`: ansible-doc for drover's actions and modules.
//
// A control-side action is documented by its row (ActionRow::doc, written beside the action in
// plugins/action/); an action that sends a runner module is documented by the runner itself
// (`drover-modules --doc`, generated from the argument table the module checks). Either way the
// text is the one the code next to it uses, and `drover doc` only renders it.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/plugin_set.hpp"
#include "core/value/json.hpp"

namespace drover::cli {

// args: everything after "doc": [-l|--list] [-j|--json] [MODULE...] (short names or FQCNs).
// Returns the exit code as ansible-doc's: 0, also for a module that does not exist (a warning
// on `err`, and `{}` with -j); 5 on bad usage. `runner_docs` is the runner's --doc output.
int run_doc_command(const std::vector<std::string>& args, const Plugins& plugins, const Json& runner_docs,
                    std::ostream& out, std::ostream& err);
// The same with the runner found as the executor finds it (a warning when it cannot be read:
// the control-side actions are still documented).
int run_doc_command(const std::vector<std::string>& args, const Plugins& plugins);

// One action's documentation in the runner's JSON shape (modules/module_doc.hpp), or null when
// there is none: the row's own, else the runner module's of the same name.
Json action_doc_json(const action::ActionRow& row, const Json& runner_docs);

}  // namespace drover::cli
