// `drover secrets keygen | encrypt | decrypt | view | edit | rotate | updatekeys`: sops-style
// file encryption with age keys, plus Ansible Vault (`encrypt --vault`, and decrypt/view/edit
// of vault files). See docs/secrets.md.
#pragma once

#include <string>
#include <vector>

namespace drover::cli {

// args: what follows `drover secrets`. Prints results to stdout and errors to stderr; returns
// the exit code (0 ok, 1 error, 5 bad usage).
int run_secrets_command(const std::vector<std::string>& args);

}  // namespace drover::cli
