// Ansible's vault and unvault filters (lib/ansible/plugins/filter/encryption.py) on top of
// core/secrets/vault: the secret is the filter's argument, not the run's vault password.
#include "core/error.hpp"
#include "core/secrets/vault.hpp"
#include "core/template/ansible_filters.hpp"
#include "core/template/ansible_support.hpp"

namespace drover::tmpl::filters {

namespace {

// The `secret` argument; `required` is Ansible's wording for a non-string secret.
std::string secret_arg(const CallArgs& args, std::string_view function, std::string_view required) {
  const Value* secret = args.arg(0, "secret");
  if (!secret) throw TemplateError(std::string(function) + "() missing 1 required positional argument: 'secret'");
  if (!secret->is_string())
    throw TemplateError("Secret passed is required to be " + std::string(required) + ", instead we got: " + py_class(*secret));
  return secret->as_string();
}

}  // namespace

// The text is encrypted under vault id `vaultid` (a 1.2 header unless it is "default"); a `salt`
// makes the result repeatable. wrap_object=True marks the result as a `!vault` value.
Value vault(const Value& in, const CallArgs& args) {
  std::string secret = secret_arg(args, "do_vault", "a string");
  if (!in.is_string()) throw TemplateError("Can only vault strings, instead we got: " + py_class(in));
  std::optional<std::string> salt;
  if (const Value* s = args.arg(1, "salt"); s && !s->is_null()) {
    if (python_str(*s).empty()) throw TemplateError("Unable to encrypt: Empty or invalid salt passed");
    salt = python_str(*s);
  }
  std::string id = string_arg(args, 2, "vaultid", "filter_default");
  std::string text = secrets::vault_encrypt(in.as_string(), secrets::VaultSecret{id, secret}, salt);
  if (bool_arg(args, 3, "wrap_object", false)) return Value(text, Mark::vault);
  return Value(text);
}

// Decrypts vault text (or a `!vault` value) with the given secret; other text is returned as is.
Value unvault(const Value& in, const CallArgs& args) {
  std::string secret = secret_arg(args, "do_unvault", "as string");
  if (!in.is_string()) throw TemplateError("Vault should be in the form of a string, instead we got: " + py_class(in));
  if (!secrets::is_vault_text(in.as_string())) return Value(in.as_string());
  std::string id = string_arg(args, 1, "vaultid", "filter_default");
  try {
    return Value(secrets::vault_decrypt(in.as_string(), {secrets::VaultSecret{id, secret}}, "the unvault filter's input"));
  } catch (const Fatal& e) {
    throw TemplateError(std::string("Unable to decrypt: ") + e.what());
  }
}

}  // namespace drover::tmpl::filters
