// Process-wide secret sources: vault passwords from the command line, age identities from the
// environment. The CLI calls configure() once, before anything loads a vars file.
#pragma once

#include <string>
#include <vector>

#include "core/secrets/keyring.hpp"
#include "core/secrets/vault.hpp"

namespace drover::secrets {

struct SecretsOptions {
  std::vector<std::string> vault_password_files;  // --vault-password-file (repeatable)
  std::vector<std::string> vault_ids;             // --vault-id [label@]file|prompt (repeatable)
  bool ask_vault_password = false;                // --ask-vault-password / -J
};

// Reads every password file (running it when executable, as ansible does), prompts on the
// terminal for `prompt` sources and --ask-vault-password, and falls back to
// $ANSIBLE_VAULT_PASSWORD_FILE when no vault option is given. Throws Fatal (exit 5 for a bad
// --vault-id, 1 for an unreadable file) naming the source.
void configure(const SecretsOptions& options);

// The vault secrets configure() collected (empty before it is called).
const std::vector<VaultSecret>& vault_secrets();

// The age identities the environment names now (re-read on each call: key files are small, and
// tests and long-lived callers may change the environment).
Keyring age_keyring();

// Parses "label@source" / "source" into (label, source); label "default" when absent.
std::pair<std::string, std::string> split_vault_id(const std::string& id);

// Reads a password file or runs an executable one; surrounding whitespace is stripped.
std::string read_vault_password_file(const std::string& path, const std::string& label);

// Prompts on /dev/tty without echo.
std::string prompt_password(const std::string& prompt);

}  // namespace drover::secrets
