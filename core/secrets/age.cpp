#include "core/secrets/age.hpp"

#include <charconv>

#include "core/secrets/armor.hpp"
#include "core/secrets/crypto.hpp"

namespace drover::secrets {
namespace {

constexpr std::string_view k_scrypt_label = "age-encryption.org/v1/scrypt";
const std::string k_zero_nonce(12, '\0');

std::string header_mac(std::string_view file_key, std::string_view mac_input) {
  return hmac_sha256(hkdf_sha256(file_key, "", "header", 32), mac_input);
}

std::string finish(std::string_view file_key, const std::vector<Stanza>& stanzas,
                   std::string_view plaintext, Armor armor) {
  std::string out = format_age_header_without_mac(stanzas);
  out += " " + age_b64(header_mac(file_key, out)) + "\n";
  std::string nonce = random_bytes(16);
  out += nonce;
  out += stream_seal(hkdf_sha256(file_key, nonce, "payload", 32), plaintext);
  return armor == Armor::yes ? armor_encode(out) : out;
}

int parse_log_n(std::string_view text) {
  int v = 0;
  bool digits_only = !text.empty() && text[0] >= '1' && text[0] <= '9';
  for (char c : text) digits_only = digits_only && c >= '0' && c <= '9';
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (!digits_only || ec != std::errc() || end != text.data() + text.size())
    throw AgeError(AgeFailure::header, "invalid scrypt stanza: the work factor is not a decimal number");
  if (v > k_max_scrypt_log_n)
    throw AgeError(AgeFailure::header, "scrypt work factor " + std::string(text) + " is too large (max " +
                                           std::to_string(k_max_scrypt_log_n) + ")");
  return v;
}

std::optional<std::string> unwrap_scrypt(const Stanza& s, std::string_view passphrase) {
  if (s.args.size() != 2) throw AgeError(AgeFailure::header, "invalid scrypt stanza: expected two arguments");
  auto salt = base64_decode_strict(s.args[0], Base64Padding::unpadded);
  if (!salt || salt->size() != 16) throw AgeError(AgeFailure::header, "invalid scrypt stanza: bad salt");
  int log_n = parse_log_n(s.args[1]);
  if (s.body.size() != 32) throw AgeError(AgeFailure::header, "invalid scrypt stanza: the wrapped file key is not 16 bytes");
  std::string key = scrypt(passphrase, std::string(k_scrypt_label) + *salt, std::uint64_t{1} << log_n, 8, 1, 32);
  return chacha20poly1305_open(key, k_zero_nonce, s.body);
}

std::string unwrap_file_key(const AgeHeader& header, const AgeIdentities& ids) {
  for (const auto& s : header.stanzas)
    if (s.type == "scrypt" && header.stanzas.size() != 1)
      throw AgeError(AgeFailure::header, "an scrypt stanza must be the only one in the header");
  for (const auto& s : header.stanzas) {
    std::optional<std::string> key;
    if (s.type == "scrypt" && ids.passphrase) key = unwrap_scrypt(s, *ids.passphrase);
    for (const auto& id : ids.x25519) {
      if (key) break;
      key = id.unwrap(s);
    }
    if (key) return *key;
  }
  throw AgeError(AgeFailure::no_match, "no identity matched any of the recipients");
}

}  // namespace

std::string age_encrypt(std::string_view plaintext, const std::vector<X25519Recipient>& recipients, Armor armor) {
  std::string file_key = random_bytes(16);
  std::vector<Stanza> stanzas;
  for (const auto& r : recipients) stanzas.push_back(r.wrap(file_key));
  return finish(file_key, stanzas, plaintext, armor);
}

std::string age_encrypt_with_passphrase(std::string_view plaintext, std::string_view passphrase, Armor armor,
                                        int log_n) {
  std::string file_key = random_bytes(16);
  std::string salt = random_bytes(16);
  std::string key = scrypt(passphrase, std::string(k_scrypt_label) + salt, std::uint64_t{1} << log_n, 8, 1, 32);
  Stanza s{"scrypt", {age_b64(salt), std::to_string(log_n)}, chacha20poly1305_seal(key, k_zero_nonce, file_key)};
  return finish(file_key, {s}, plaintext, armor);
}

void age_decrypt(std::string_view file, const AgeIdentities& ids, const ChunkSink& sink) {
  std::string dearmored;
  if (looks_armored(file)) {
    dearmored = armor_decode(file);
    file = dearmored;
  }
  AgeHeader header = parse_age_header(file);
  std::string file_key = unwrap_file_key(header, ids);
  if (file_key.size() != 16) throw AgeError(AgeFailure::header, "the file key is not 16 bytes");
  if (!equal_constant_time(header_mac(file_key, header.mac_input), header.mac))
    throw AgeError(AgeFailure::hmac, "the header MAC does not verify: the header was altered");
  std::string_view rest = file.substr(header.payload_offset);
  if (rest.size() < 16) throw AgeError(AgeFailure::header, "the payload nonce is missing or short");
  std::string_view nonce = rest.substr(0, 16);
  stream_open(hkdf_sha256(file_key, nonce, "payload", 32), rest.substr(16), sink);
}

std::string age_decrypt(std::string_view file, const AgeIdentities& ids) {
  std::string out;
  age_decrypt(file, ids, [&](std::string_view chunk) { out += chunk; });
  return out;
}

std::vector<std::string> age_stanza_types(std::string_view file) {
  std::vector<std::string> out;
  try {
    std::string dearmored;
    if (looks_armored(file)) {
      dearmored = armor_decode(file);
      file = dearmored;
    }
    for (const auto& s : parse_age_header(file).stanzas) out.push_back(s.type);
  } catch (const AgeError&) {
  }
  return out;
}

std::vector<X25519Identity> parse_identity_file(std::string_view text) {
  std::vector<X25519Identity> out;
  int number = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    auto id = X25519Identity::parse(line);
    if (!id)
      throw AgeError(AgeFailure::header, "line " + std::to_string(number) +
                                             " is not an age identity (AGE-SECRET-KEY-1…) or a # comment");
    out.push_back(*id);
  }
  return out;
}

}  // namespace drover::secrets
