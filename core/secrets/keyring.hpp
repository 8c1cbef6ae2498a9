// Where drover finds age identities for sops files, in sops's order: DROVER_AGE_KEY,
// DROVER_AGE_KEY_FILE, SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, then $XDG_CONFIG_HOME/sops/age/keys.txt
// (or ~/.config/sops/age/keys.txt). Every source present contributes.
#pragma once

#include <string>
#include <vector>

#include "core/secrets/age.hpp"

namespace drover::secrets {

struct Keyring {
  AgeIdentities identities;
  std::vector<std::string> sources;  // where they came from, for messages
};

// Loads identities from the environment. Throws Fatal when a named key file cannot be read or
// holds something that is not an identity.
Keyring load_keyring();

// The environment variables that carry key material itself (DROVER_AGE_KEY, SOPS_AGE_KEY): the
// control node's child processes (local connection commands, scripts) run without them unless a
// task's `environment:` passes them on.
const std::vector<std::string>& secret_environment_variables();

// Reads an identity file; throws Fatal naming it.
std::vector<X25519Identity> read_identity_file(const std::string& path);

}  // namespace drover::secrets
