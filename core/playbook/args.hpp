// Ansible's `k=v` argument strings: `copy: dest=/x content="a b"`, `-a 'msg=hi'`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/value/value.hpp"

namespace drover::playbook {

// Ansible's split_args: splits on spaces and newlines (not tabs) outside quotes and outside
// {{ }}, {% %} and {# #}. Quotes are kept in the tokens, and so is what was split on: extra
// spaces and a line's newline stay at the end of the token before them, so a multi-line shell
// script keeps its lines and indentation. A token of a lone backslash outside quotes continues
// the line (it and that line's newline are dropped). Throws Fatal on an unbalanced quote or
// template block.
std::vector<std::string> split_args(std::string_view text);

// How an action reads a k=v argument string (Ansible's FREEFORM_ACTIONS and RAW_PARAM_MODULES):
//   key_value   only `k=v` tokens; anything else is an error
//   raw_params  tokens that are not `k=v` are joined into `_raw_params` (meta: flush_handlers,
//               include_tasks: file.yml, set_fact, add_host, group_by, ...)
//   free_form   a command line: every token but command's keys (creates, chdir, ...) goes into
//               `_raw_params` (command, shell, raw, script)
enum class ArgStyle { key_value, raw_params, free_form };
ArgStyle arg_style(std::string_view action);

// Parses `k=v k2="v 2"` into a map of strings as Ansible's parse_kv does: escapes (\n, \t, \\,
// \', \", \xXX, \uXXXX, \UXXXXXXXX, ...) are decoded in each token, the key ends at the first `=`
// that no backslash precedes, and one pair of outer quotes is removed from the value. Tokens that
// are not `k=v` go into `_raw_params`, as written, as `style` says, joined as Ansible's join_args
// joins them (newlines kept); for key_value they are an error (Ansible's "has extra params" error).
Value parse_kv(std::string_view text, ArgStyle style);

// True for modules whose arguments are a free-form command line (command, shell, raw, script ...).
inline bool is_free_form_action(std::string_view action) { return arg_style(action) == ArgStyle::free_form; }

}  // namespace drover::playbook
