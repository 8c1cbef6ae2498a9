#include "core/secrets/secret_file.hpp"
#include "core/secrets/sops_config.hpp"

#include <cstdlib>
#include <filesystem>

#include "core/error.hpp"
#include "core/secrets/crypto.hpp"
#include "core/secrets/secrets_options.hpp"

namespace drover::secrets {
namespace {


}  // namespace

VaultSecret vault_secret_for(const std::string& vault_id, const std::string& what) {
  const auto& secrets = vault_secrets();
  if (secrets.empty())
    throw Fatal(what + ": no vault password given; use --vault-password-file, --vault-id or --ask-vault-password",
                ExitCode::bad_options);
  for (const auto& s : secrets)
    if (!vault_id.empty() && s.label == vault_id) return s;
  return secrets.front();
}

SecretFile open_secret_file(const std::string& path, const std::string& text) {
  SecretFile f;
  f.path = path;
  f.format = sops_format_for(path);
  if (is_vault_text(text)) {
    f.kind = SecretFileKind::vault;
    f.vault_plain = vault_decrypt(text, vault_secrets(), path);
    // Re-encrypt with the secret that opened it: the labelled one when it exists.
    std::string id = vault_id_of(text);
    for (const auto& s : vault_secrets()) {
      try {
        vault_decrypt(text, {s}, path);
        f.vault_secret = s;
        break;
      } catch (const Fatal&) {
      }
    }
    if (!id.empty()) f.vault_secret.label = id;
    return f;
  }
  Value doc = parse_sops_document(text, f.format, path);
  if (!is_sops_document(doc))
    throw Fatal(path + ": is neither a sops file (no `sops` block with a `mac`) nor an Ansible Vault file");
  f.meta = parse_sops_metadata(doc, path);
  f.data_key = sops_data_key(f.meta, age_keyring().identities, path);
  f.plain = sops_decrypt(doc, f.meta, f.data_key, path, &f.stash);
  return f;
}

std::string plaintext_of(const SecretFile& f) {
  if (f.kind == SecretFileKind::vault) return f.vault_plain;
  return emit_sops_document(f.plain, f.format);
}

std::string reseal(SecretFile& f, const std::string& edited) {
  if (f.kind == SecretFileKind::vault) return vault_encrypt(edited, f.vault_secret);
  Value plain = parse_sops_document(edited, f.format, f.path);
  SopsMetadata meta = f.meta;
  return emit_sops_document(sops_encrypt(plain, meta, f.data_key, &f.stash), f.format);
}

SopsMetadata new_sops_metadata(const std::string& path, const EncryptSettings& settings) {
  SopsMetadata meta;
  std::vector<std::string> recipients = settings.age;
  std::optional<SopsRules> rules = settings.rules;
  if (recipients.empty())
    if (const char* env = std::getenv("SOPS_AGE_RECIPIENTS"); env && *env) recipients = split_commas(env);
  if (recipients.empty() || !rules) {
    std::error_code ec;
    if (auto config = find_sops_config(std::filesystem::current_path(ec).string())) {
      if (const CreationRule* rule = match_creation_rule(*config, path)) {
        if (recipients.empty()) recipients = rule->age;
        if (!rules) rules = rule->rules;
        if (recipients.empty() && rule->has_pgp_or_kms)
          throw Fatal(config->path + ": the creation rule for " + path +
                      " names only PGP/KMS keys; drover encrypts for age recipients only");
      }
    }
  }
  if (recipients.empty())
    throw Fatal(path + ": no age recipients; pass --age age1… or add a creation rule with `age:` to .sops.yaml",
                ExitCode::bad_options);
  for (const auto& r : recipients) {
    if (!X25519Recipient::parse(r))
      throw Fatal("`" + r + "` is not an age recipient (expected age1…)", ExitCode::bad_options);
    meta.age.push_back({r, ""});
  }
  meta.rules = rules.value_or(SopsRules{});
  const SopsRules& r = meta.rules;
  if (r.unencrypted_suffix.empty() && r.encrypted_suffix.empty() && r.unencrypted_regex.empty() &&
      r.encrypted_regex.empty())
    meta.rules.unencrypted_suffix = "_unencrypted";
  return meta;
}

std::string sops_encrypt_text(const std::string& path, const std::string& plaintext, const SopsMetadata& meta_in) {
  SopsFormat format = sops_format_for(path);
  Value plain = parse_sops_document(plaintext, format, path);
  if (is_sops_document(plain)) throw Fatal(path + ": is already sops-encrypted");
  SopsMetadata meta = meta_in;
  std::string key = random_bytes(32);
  sops_wrap_data_key(meta, key);
  return emit_sops_document(sops_encrypt(plain, meta, key), format);
}

}  // namespace drover::secrets
