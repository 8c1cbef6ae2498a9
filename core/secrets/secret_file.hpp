// An encrypted file opened for the `drover secrets` commands: a sops document or an Ansible
// Vault file, with what is needed to write it back (data key, IVs, vault secret).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/secrets/sops_config.hpp"
#include "core/secrets/sops_file.hpp"
#include "core/secrets/vault.hpp"

namespace drover::secrets {

enum class SecretFileKind { sops, vault };

struct SecretFile {
  std::string path;
  SecretFileKind kind = SecretFileKind::sops;
  SopsFormat format = SopsFormat::yaml;
  // sops
  Value plain;
  SopsMetadata meta;
  std::string data_key;
  IvStash stash;
  // vault
  std::string vault_plain;
  VaultSecret vault_secret;
};

// Opens and decrypts an encrypted file with the configured identities / vault secrets.
// Throws Fatal when it is neither sops nor vault, or cannot be opened.
SecretFile open_secret_file(const std::string& path, const std::string& text);

// The plaintext as the user sees and edits it (YAML/JSON document, or the vault plaintext).
std::string plaintext_of(const SecretFile& f);

// Re-encrypts edited plaintext, keeping the data key and the IVs of unchanged values.
std::string reseal(SecretFile& f, const std::string& edited_plaintext);

// Where new sops files get their recipients and rules: explicit ones first, then
// $SOPS_AGE_RECIPIENTS, then the matching .sops.yaml creation rule.
struct EncryptSettings {
  std::vector<std::string> age;         // recipients given on the command line
  std::optional<SopsRules> rules;       // rules given on the command line
};
SopsMetadata new_sops_metadata(const std::string& path, const EncryptSettings& settings);

// The configured vault secret labelled vault_id, else the first one. Throws Fatal (exit 5)
// when no vault password was configured.
VaultSecret vault_secret_for(const std::string& vault_id, const std::string& what);

// Encrypts a plain YAML/JSON document as sops.
std::string sops_encrypt_text(const std::string& path, const std::string& plaintext, const SopsMetadata& meta_in);

}  // namespace drover::secrets
