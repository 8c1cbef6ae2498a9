#include "core/secrets/vars_file.hpp"


#include <openssl/crypto.h>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/secrets/redactor.hpp"
#include "core/secrets/secrets_options.hpp"
#include "core/secrets/sops_file.hpp"
#include "core/value/yaml.hpp"

namespace drover::secrets {
namespace {

// Every string in v becomes secret (a whole-file vault: all of it came from the encrypted layer).
Value mark_all_secret(const Value& v) {
  if (v.is_string()) return Value(v.as_string(), v.mark() | Mark::secret);
  if (v.is_list()) {
    List out;
    for (const auto& item : v.as_list()) out.push_back(mark_all_secret(item));
    return Value(std::move(out));
  }
  if (v.is_map()) {
    Map out;
    for (const auto& [k, item] : v.as_map()) out.set(k, mark_all_secret(item));
    return Value(std::move(out));
  }
  return v;
}

// Decrypts inline `!vault` strings; `where` names the variable path for messages.
Value open_inline_vaults(const Value& v, const std::string& file, const std::string& where) {
  if (v.is_string() && has_mark(v.mark(), Mark::vault)) {
    std::string plain = vault_decrypt(v.as_string(), vault_secrets(), file + " (variable " + where + ")");
    Value out(plain, Mark::secret);
    OPENSSL_cleanse(plain.data(), plain.size());
    return out;
  }
  if (v.is_list()) {
    List out;
    std::size_t i = 0;
    for (const auto& item : v.as_list()) out.push_back(open_inline_vaults(item, file, where + "[" + std::to_string(i++) + "]"));
    return Value(std::move(out));
  }
  if (v.is_map()) {
    Map out;
    for (const auto& [k, item] : v.as_map()) out.set(k, open_inline_vaults(item, file, where.empty() ? k : where + "." + k));
    return Value(std::move(out));
  }
  return v;
}

Value open_sops(const std::string& text, const std::string& path) {
  Value doc = parse_sops_document(text, sops_format_for(path), path);
  SopsMetadata meta = parse_sops_metadata(doc, path);
  std::string key = sops_data_key(meta, age_keyring().identities, path);
  Value plain = sops_decrypt(doc, meta, key, path);
  OPENSSL_cleanse(key.data(), key.size());
  return plain;
}

}  // namespace

Value load_vars_file(const std::string& path) {
  std::string text = read_file_or_fatal(path, "vars file");
  Value out;
  if (is_vault_text(text)) {
    std::string plain = vault_decrypt(text, vault_secrets(), path);
    out = mark_all_secret(parse_yaml_value(plain, path));
    OPENSSL_cleanse(plain.data(), plain.size());
  } else if (sops_format_for(path) == SopsFormat::json) {
    // sops writes JSON with tab indentation, which is not YAML: read .json files as JSON.
    out = parse_sops_document(text, SopsFormat::json, path);
    if (is_sops_document(out)) out = open_sops(text, path);
  } else {
    out = parse_yaml_value(text, path);
    if (is_sops_document(out))
      out = open_sops(text, path);
    else
      out = open_inline_vaults(out, path, "");
  }
  Redactor::global().add_marked(out);
  return out;
}

}  // namespace drover::secrets
