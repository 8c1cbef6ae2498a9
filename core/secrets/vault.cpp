#include "core/secrets/vault.hpp"

#include <cctype>

#include <openssl/crypto.h>

#include "core/error.hpp"
#include "core/secrets/crypto.hpp"

namespace drover::secrets {
namespace {

constexpr int k_iterations = 10000;
constexpr std::size_t k_columns = 80;

struct Envelope {
  std::string version;
  std::string cipher;
  std::string vault_id;
  std::string body;  // hex, whitespace removed
};

std::optional<Envelope> parse_envelope(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  auto nl = text.find('\n');
  std::string header(text.substr(0, nl));
  while (!header.empty() && std::isspace(static_cast<unsigned char>(header.back()))) header.pop_back();
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    auto semi = header.find(';', start);
    fields.push_back(header.substr(start, semi == std::string::npos ? std::string::npos : semi - start));
    if (semi == std::string::npos) break;
    start = semi + 1;
  }
  if (fields.size() < 3 || fields[0] != k_vault_magic) return std::nullopt;
  Envelope env{fields[1], fields[2], fields.size() > 3 ? fields[3] : "", ""};
  if (nl != std::string_view::npos)
    for (char c : text.substr(nl + 1))
      if (!std::isspace(static_cast<unsigned char>(c))) env.body += c;
  return env;
}

struct Keys {
  std::string cipher, hmac, iv;
};

Keys derive(std::string_view password, std::string_view salt) {
  std::string d = pbkdf2_sha256(password, salt, k_iterations, 80);
  Keys k{d.substr(0, 32), d.substr(32, 32), d.substr(64, 16)};
  OPENSSL_cleanse(d.data(), d.size());
  return k;
}

std::string pkcs7_pad(std::string_view data) {
  std::size_t n = 16 - data.size() % 16;
  return std::string(data) + std::string(n, static_cast<char>(n));
}

std::optional<std::string> pkcs7_unpad(std::string data) {
  if (data.empty() || data.size() % 16) return std::nullopt;
  auto n = static_cast<unsigned char>(data.back());
  if (n == 0 || n > 16 || n > data.size()) return std::nullopt;
  for (std::size_t i = data.size() - n; i < data.size(); ++i)
    if (static_cast<unsigned char>(data[i]) != n) return std::nullopt;
  data.resize(data.size() - n);
  return data;
}

}  // namespace

bool is_vault_text(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  return text.starts_with(k_vault_magic);
}

std::string vault_id_of(std::string_view text) {
  auto env = parse_envelope(text);
  return env ? env->vault_id : "";
}

std::string vault_decrypt(std::string_view text, const std::vector<VaultSecret>& secrets, const std::string& what) {
  auto env = parse_envelope(text);
  if (!env) throw Fatal(what + ": not an Ansible Vault envelope (expected a `$ANSIBLE_VAULT;1.1;AES256` header)");
  if (env->cipher != "AES256")
    throw Fatal(what + ": vault cipher `" + env->cipher + "` is not supported (only AES256)");
  if (env->version != "1.1" && env->version != "1.2")
    throw Fatal(what + ": vault format version " + env->version + " is not supported (1.1 and 1.2 are)");
  auto inner = hex_decode(env->body);
  std::vector<std::string> parts;
  if (inner) {
    std::size_t start = 0;
    for (;;) {
      auto nl = inner->find('\n', start);
      parts.push_back(inner->substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  std::optional<std::string> salt, mac, ciphertext;
  if (parts.size() == 3) {
    salt = hex_decode(parts[0]);
    mac = hex_decode(parts[1]);
    ciphertext = hex_decode(parts[2]);
  }
  if (!salt || !mac || !ciphertext) throw Fatal(what + ": the vault payload is damaged (not the expected hex layout)");
  if (secrets.empty())
    throw Fatal(what + ": is vault-encrypted" + (env->vault_id.empty() ? "" : " (vault id `" + env->vault_id + "`)") +
                " but no vault password was given; use --vault-password-file, --vault-id or --ask-vault-password");
  // Secrets labelled as the envelope says first, then the rest, as ansible does.
  std::vector<const VaultSecret*> order;
  for (const auto& s : secrets)
    if (!env->vault_id.empty() && s.label == env->vault_id) order.push_back(&s);
  for (const auto& s : secrets)
    if (env->vault_id.empty() || s.label != env->vault_id) order.push_back(&s);
  for (const auto* s : order) {
    Keys k = derive(s->password, *salt);
    if (!equal_constant_time(hmac_sha256(k.hmac, *ciphertext), *mac)) continue;
    auto plain = pkcs7_unpad(aes256ctr(k.cipher, k.iv, *ciphertext));
    if (!plain) throw Fatal(what + ": the vault payload has bad padding");
    return *plain;
  }
  std::string labels;
  for (const auto& s : secrets) labels += (labels.empty() ? "" : ", ") + s.label;
  throw Fatal(what + ": no vault secret could decrypt it" +
              (env->vault_id.empty() ? "" : " (it names vault id `" + env->vault_id + "`)") +
              "; tried vault ids: " + labels + ". Check the password or pass --vault-id " +
              (env->vault_id.empty() ? "LABEL" : env->vault_id) + "@FILE.");
}

std::string vault_encrypt(std::string_view plaintext, const VaultSecret& secret, std::optional<std::string> salt) {
  std::string s = salt ? *salt : random_bytes(32);
  Keys k = derive(secret.password, s);
  std::string ciphertext = aes256ctr(k.cipher, k.iv, pkcs7_pad(plaintext));
  std::string inner = hex_encode(s) + "\n" + hex_encode(hmac_sha256(k.hmac, ciphertext)) + "\n" + hex_encode(ciphertext);
  std::string body = hex_encode(inner);
  bool labelled = !secret.label.empty() && secret.label != "default";
  std::string out = labelled ? "$ANSIBLE_VAULT;1.2;AES256;" + secret.label + "\n" : "$ANSIBLE_VAULT;1.1;AES256\n";
  for (std::size_t i = 0; i < body.size(); i += k_columns) out += body.substr(i, k_columns) + "\n";
  return out;
}

}  // namespace drover::secrets
