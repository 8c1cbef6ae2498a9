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

// Parses `k=v k2="v 2"` into a map of strings. Tokens that are not `k=v` are joined (with their
// original spacing) into `_raw_params` when `free_form` is set; otherwise they are an error.
// For free-form modules only `free_form_keys` (command's creates, chdir, ...) are taken as k=v.
Value parse_kv(std::string_view text, bool free_form);

// True for modules whose arguments are a free-form command line (command, shell, raw, script ...).
bool is_free_form_action(std::string_view action);

}  // namespace drover::playbook
