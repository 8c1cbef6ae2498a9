// Loading a vars file (group_vars, host_vars, vars_files, include_vars, inventory vars files).
// Encrypted files (sops, Ansible Vault) and inline `!vault` values are decrypted in memory here;
// decrypted strings carry Mark::secret and are registered with the Redactor.
#pragma once

#include <string>

#include "core/value/value.hpp"

namespace drover::secrets {

// Reads a YAML or JSON vars file. Throws SourceError on bad YAML, Fatal when it cannot be read or
// decrypted (naming the file and what would open it).
Value load_vars_file(const std::string& path);

}  // namespace drover::secrets
