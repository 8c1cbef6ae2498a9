// Ansible's `k=v` argument strings: `copy: dest=/x content="a b"`, `-a 'msg=hi'`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/value/value.hpp"

namespace drover::playbook {

// Splits on whitespace outside quotes and outside {{ }}, {% %} and {# #} (Ansible's split_args).
// Quotes are kept in the tokens. Throws Fatal on an unbalanced quote or template block.
std::vector<std::string> split_args(std::string_view text);

// Parses `k=v k2="v 2"` into a map of strings as Ansible's parse_kv does: escapes (\n, \t, \\,
// \', \", \xXX, \uXXXX, \UXXXXXXXX, ...) are decoded in each token, the key ends at the first `=`
// that no backslash precedes, and one pair of outer quotes is removed from the value. Tokens that
// are not `k=v` are joined into `_raw_params`, as written, when `free_form` is set; otherwise
// they are an error (Ansible drops them silently). For free-form modules only command's keys
// (creates, chdir, ...) are taken as k=v.
Value parse_kv(std::string_view text, bool free_form);

// True for modules whose arguments are a free-form command line (command, shell, raw, script ...).
bool is_free_form_action(std::string_view action);

}  // namespace drover::playbook
