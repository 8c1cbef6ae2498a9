#include "core/secrets/sops_file.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <initializer_list>

#include <openssl/crypto.h>

#include "core/error.hpp"
#include "core/secrets/crypto.hpp"
#include "core/value/regex.hpp"

namespace drover::secrets {
namespace {

// sops ≥ 3.x: a MAC over only the encrypted values starts from SHA-256("sops").
const std::string k_mac_only_encrypted_init =
    *hex_decode("8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69");

struct EncValue {
  std::string data, iv, tag, type;
};

std::optional<EncValue> parse_enc(const std::string& s) {
  if (!s.starts_with("ENC[AES256_GCM,data:") || !s.ends_with("]")) return std::nullopt;
  auto iv = s.find(",iv:"), tag = s.find(",tag:"), type = s.find(",type:");
  if (iv == std::string::npos || tag == std::string::npos || type == std::string::npos || !(iv < tag && tag < type))
    return std::nullopt;
  constexpr std::size_t start = 20;
  auto data = base64_decode_strict(s.substr(start, iv - start));
  auto ivb = base64_decode_strict(s.substr(iv + 4, tag - iv - 4));
  auto tagb = base64_decode_strict(s.substr(tag + 5, type - tag - 5));
  if (!data || !ivb || !tagb) return std::nullopt;
  return EncValue{*data, *ivb, *tagb, s.substr(type + 6, s.size() - type - 7)};
}

std::string path_aad(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& p : path) out += p + ":";
  return out;
}

std::string path_text(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& p : path) out += (out.empty() ? "" : ":") + p;
  return out.empty() ? "(top level)" : out;
}

// sops's ToBytes: what a value contributes to the MAC, and its plaintext encoding.
std::string value_bytes(const Value& v) {
  switch (v.kind()) {
    case Kind::string: return v.as_string();
    case Kind::integer: return std::to_string(v.as_int());
    case Kind::floating: return go_format_float(v.as_float());
    case Kind::boolean: return v.as_bool() ? "True" : "False";
    default: return "";
  }
}

std::string type_name(const Value& v) {
  switch (v.kind()) {
    case Kind::integer: return "int";
    case Kind::floating: return "float";
    case Kind::boolean: return "bool";
    default: return "str";
  }
}

// Parses a decrypted plaintext as its ENC type; false when the type is unknown or it does not parse.
bool typed(const std::string& text, const std::string& type, Value& out) {
  if (type == "str" || type == "bytes") {
    out = Value(text);
    return true;
  }
  if (type == "int" || type == "int64") {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    out = Value(v);
    return ec == std::errc() && end == text.data() + text.size();
  }
  if (type == "float") {
    char* end = nullptr;
    double d = std::strtod(text.c_str(), &end);
    out = Value(d);
    return !text.empty() && end == text.c_str() + text.size();
  }
  if (type == "bool") {
    // Go's strconv.ParseBool
    auto one_of = [&](std::initializer_list<std::string_view> words) {
      return std::find(words.begin(), words.end(), text) != words.end();
    };
    bool is_true = one_of({"1", "t", "T", "TRUE", "true", "True"});
    out = Value(is_true);
    return is_true || one_of({"0", "f", "F", "FALSE", "false", "False"});
  }
  return false;
}

std::string encrypt_value(const std::string& plain, const std::string& type, const std::string& key,
                          const std::string& aad, const IvStash* stash) {
  std::string iv;
  if (stash) {
    auto it = stash->find({aad, type + ":" + plain});
    if (it != stash->end()) iv = it->second;
  }
  if (iv.empty()) iv = random_bytes(32);
  auto sealed = aes256gcm_seal(key, iv, plain, aad);
  return "ENC[AES256_GCM,data:" + base64_encode(sealed.ciphertext) + ",iv:" + base64_encode(iv) +
         ",tag:" + base64_encode(sealed.tag) + ",type:" + type + "]";
}

// A copy of a sops tree with every leaf that is not null replaced by leaf(value, path), where
// `path` holds the map keys down to it (list positions are not part of a sops path).
template <class Leaf>
Value map_leaves(const Value& v, std::vector<std::string>& path, const Leaf& leaf) {
  if (v.is_map()) {
    Map out;
    for (const auto& [k, item] : v.as_map()) {
      path.push_back(k);
      out.set(k, map_leaves(item, path, leaf));
      path.pop_back();
    }
    return Value(std::move(out));
  }
  if (v.is_list()) {
    List out;
    for (const auto& item : v.as_list()) out.push_back(map_leaves(item, path, leaf));
    return Value(std::move(out));
  }
  if (v.is_null()) return v;
  return leaf(v, path);
}

template <class Leaf>
Value map_leaves(const Value& root, const Leaf& leaf) {
  std::vector<std::string> path;
  return map_leaves(root, path, leaf);
}

class Decryptor {
public:
  Decryptor(const SopsMetadata& meta, const std::string& key, const std::string& file, IvStash* stash)
      : m_meta(meta), m_key(key), m_file(file), m_stash(stash) {
    if (meta.rules.mac_only_encrypted) m_mac_input = k_mac_only_encrypted_init;
  }

  // The plaintext of one leaf, whose MAC bytes it adds.
  Value leaf(const Value& v, const std::vector<std::string>& path) {
    bool encrypted = m_meta.rules.encrypts(path);
    Value plain = v;
    if (encrypted && !(v.is_string() && v.as_string().empty())) plain = decrypt(v, path);
    if (!m_meta.rules.mac_only_encrypted || encrypted) m_mac_input += value_bytes(plain);
    return plain;
  }

  const std::string& mac_input() const { return m_mac_input; }

private:
  Value decrypt(const Value& v, const std::vector<std::string>& path) {
    std::string where = m_file + ": the value at `" + path_text(path) + "`";
    auto enc = v.is_string() ? parse_enc(v.as_string()) : std::nullopt;
    if (!enc)
      throw Fatal(where + " should be encrypted but is not a valid ENC[AES256_GCM,…] value (was it edited by hand?)");
    std::string aad = path_aad(path);
    auto plain = aes256gcm_open(m_key, enc->iv, enc->data, enc->tag, aad);
    if (!plain)
      throw Fatal(where + " failed authentication: its data, iv or tag was altered, or it was moved from another key");
    Value out;
    bool ok = typed(*plain, enc->type, out);
    OPENSSL_cleanse(plain->data(), plain->size());
    if (!ok) throw Fatal(where + " has an unknown type `" + enc->type + "` or a value that does not parse as it");
    if (m_stash) (*m_stash)[{aad, enc->type + ":" + value_bytes(out)}] = enc->iv;
    if (out.is_string()) out.add_mark(Mark::secret);
    return out;
  }

  const SopsMetadata& m_meta;
  const std::string& m_key;
  const std::string& m_file;
  IvStash* m_stash;
  std::string m_mac_input;
};

class Encryptor {
public:
  Encryptor(const SopsMetadata& meta, const std::string& key, const IvStash* stash)
      : m_meta(meta), m_key(key), m_stash(stash) {
    if (meta.rules.mac_only_encrypted) m_mac_input = k_mac_only_encrypted_init;
  }

  // The stored form of one leaf, whose MAC bytes it adds.
  Value leaf(const Value& v, const std::vector<std::string>& path) {
    bool encrypted = m_meta.rules.encrypts(path);
    std::string bytes = value_bytes(v);
    if (!m_meta.rules.mac_only_encrypted || encrypted) m_mac_input += bytes;
    if (!encrypted || (v.is_string() && bytes.empty())) return v;
    return Value(encrypt_value(bytes, type_name(v), m_key, path_aad(path), m_stash));
  }

  const std::string& mac_input() const { return m_mac_input; }

private:
  const SopsMetadata& m_meta;
  const std::string& m_key;
  const IvStash* m_stash;
  std::string m_mac_input;
};

std::string scalar_string(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_float()) return go_format_float(v.as_float());
  return "";
}

// lastmodified as sops authenticates it: Go's time.Format(RFC3339), which drops fractions.
std::string mac_aad(const std::string& lastmodified) {
  auto dot = lastmodified.find('.');
  if (dot == std::string::npos) return lastmodified;
  auto end = lastmodified.find_first_not_of("0123456789", dot + 1);
  return lastmodified.substr(0, dot) + (end == std::string::npos ? "" : lastmodified.substr(end));
}

void read_key_sources(const Value& holder, SopsMetadata& meta) {
  if (const Value* age = holder.find("age"); age && age->is_list()) {
    for (const auto& e : age->as_list())
      meta.age.push_back({e.get_string("recipient"), e.get_string("enc")});
  }
  for (const char* name : {"kms", "gcp_kms", "azure_kv", "hc_vault", "pgp"}) {
    const Value* v = holder.find(name);
    if (!v || !v->is_list() || v->as_list().empty()) continue;
    meta.other_keys.emplace_back(name, *v);
    if (std::string(name) == "pgp")
      for (const auto& e : v->as_list()) meta.pgp_fingerprints.push_back(e.get_string("fp"));
  }
}

std::string now_rfc3339() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string recipients_text(const SopsMetadata& meta) {
  std::string out;
  for (const auto& e : meta.age) out += "\n  age: " + e.recipient;
  for (const auto& fp : meta.pgp_fingerprints) out += "\n  pgp: " + fp;
  for (const auto& [name, v] : meta.other_keys)
    if (name != "pgp") out += "\n  " + name + ": " + std::to_string(v.as_list().size()) + " key(s)";
  return out;
}

}  // namespace

bool SopsRules::encrypts(const std::vector<std::string>& path) const {
  bool encrypted = true;
  auto any = [&](auto pred) {
    for (const auto& p : path)
      if (pred(p)) return true;
    return false;
  };
  if (!unencrypted_suffix.empty() && any([&](const std::string& p) { return p.ends_with(unencrypted_suffix); }))
    encrypted = false;
  if (!encrypted_suffix.empty()) encrypted = any([&](const std::string& p) { return p.ends_with(encrypted_suffix); });
  auto compiled = [](const char* setting, const std::string& pattern) {
    try {
      return Regex(pattern);
    } catch (const RegexError& e) {
      throw Fatal(std::string("sops ") + setting + ": " + e.what());
    }
  };
  auto searches = [](const Regex& re) { return [&re](const std::string& p) { return re.search(p).has_value(); }; };
  if (!unencrypted_regex.empty() && any(searches(compiled("unencrypted_regex", unencrypted_regex)))) encrypted = false;
  if (!encrypted_regex.empty()) encrypted = any(searches(compiled("encrypted_regex", encrypted_regex)));
  return encrypted;
}

bool is_sops_document(const Value& doc) {
  const Value* s = doc.find("sops");
  return s && s->is_map() && s->find("mac") != nullptr;
}

SopsMetadata parse_sops_metadata(const Value& doc, const std::string& file) {
  const Value& s = doc.get("sops");
  if (!s.is_map()) throw Fatal(file + ": no `sops` metadata block; this is not a sops-encrypted file");
  SopsMetadata meta;
  read_key_sources(s, meta);
  if (const Value* groups = s.find("key_groups"); groups && groups->is_list()) {
    if (groups->as_list().size() > 1)
      throw Fatal(file + ": uses several sops key groups (Shamir secret sharing), which drover does not support");
    for (const auto& g : groups->as_list()) read_key_sources(g, meta);
  }
  meta.lastmodified = scalar_string(s.get("lastmodified"));
  meta.mac = scalar_string(s.get("mac"));
  meta.version = scalar_string(s.get("version"));
  meta.rules.unencrypted_suffix = s.get_string("unencrypted_suffix");
  meta.rules.encrypted_suffix = s.get_string("encrypted_suffix");
  meta.rules.unencrypted_regex = s.get_string("unencrypted_regex");
  meta.rules.encrypted_regex = s.get_string("encrypted_regex");
  meta.rules.mac_only_encrypted = s.get_truthy("mac_only_encrypted");
  // Files from sops < 2 had no rule fields and meant the default suffix.
  const SopsRules& r = meta.rules;
  if (r.unencrypted_suffix.empty() && r.encrypted_suffix.empty() && r.unencrypted_regex.empty() &&
      r.encrypted_regex.empty())
    meta.rules.unencrypted_suffix = "_unencrypted";
  if (meta.lastmodified.empty()) throw Fatal(file + ": the sops block has no `lastmodified`");
  return meta;
}

std::string sops_data_key(const SopsMetadata& meta, const AgeIdentities& ids, const std::string& file) {
  if (meta.age.empty()) {
    if (!meta.pgp_fingerprints.empty())
      throw Fatal(file + ": no age recipient; this file can only be opened with PGP" + recipients_text(meta) +
                  "\nRe-encrypt it for an age key (`sops updatekeys` with an age recipient in .sops.yaml).");
    throw Fatal(file + ": no age recipient; drover opens sops files with age keys only" + recipients_text(meta));
  }
  if (ids.x25519.empty())
    throw Fatal(file + ": no age identity to open it with; it was encrypted for:" + recipients_text(meta) +
                "\nSet SOPS_AGE_KEY_FILE (or DROVER_AGE_KEY_FILE) to a key file, or put the key in "
                "~/.config/sops/age/keys.txt.");
  for (const auto& entry : meta.age) {
    for (const auto& id : ids.x25519) {
      std::string key;
      try {
        key = age_decrypt(entry.enc, AgeIdentities{{id}, std::nullopt});
      } catch (const AgeError& e) {
        if (e.kind() == AgeFailure::no_match) continue;
        throw Fatal(file + ": the data key wrapped for age recipient " + entry.recipient + " is damaged: " + e.what());
      }
      // The identity that opened it is the recipient it was wrapped for; the entry must say so.
      if (id.recipient().str() != entry.recipient)
        throw Fatal(file + ": the age entry naming recipient " + entry.recipient + " holds a data key wrapped for " +
                    id.recipient().str() + " (the recipient field was altered)");
      if (key.size() != 32) throw Fatal(file + ": the data key for " + entry.recipient + " is not 32 bytes");
      return key;
    }
  }
  std::string mine;
  for (const auto& id : ids.x25519) mine += "\n  " + id.recipient().str();
  throw Fatal(file + ": none of your age identities can open it.\nIt was encrypted for:" + recipients_text(meta) +
              "\nYour identities are:" + mine);
}

Value sops_decrypt(const Value& doc, const SopsMetadata& meta, const std::string& data_key,
                   const std::string& file, IvStash* stash) {
  Map body;
  for (const auto& [k, v] : doc.as_map())
    if (k != "sops") body.set(k, v);
  Decryptor dec(meta, data_key, file, stash);
  Value plain = map_leaves(Value(std::move(body)),
                           [&](const Value& v, const std::vector<std::string>& path) { return dec.leaf(v, path); });
  auto enc_mac = parse_enc(meta.mac);
  if (!enc_mac) throw Fatal(file + ": the sops `mac` field is missing or malformed");
  auto stored = aes256gcm_open(data_key, enc_mac->iv, enc_mac->data, enc_mac->tag, mac_aad(meta.lastmodified));
  if (!stored)
    throw Fatal(file + ": the stored MAC failed authentication: the `mac` or `lastmodified` field was altered");
  std::string computed = hex_encode(sha512(dec.mac_input()), HexCase::upper);
  if (!equal_constant_time(computed, *stored))
    throw Fatal(file + ": MAC mismatch: the file's values do not match its MAC (a value was added, removed, "
                       "reordered or changed, or an unencrypted value was edited)");
  if (stash) (*stash)[{mac_aad(meta.lastmodified), "mac"}] = enc_mac->iv;
  return plain;
}

Value sops_encrypt(const Value& plain, SopsMetadata& meta, const std::string& data_key, const IvStash* stash) {
  Encryptor enc(meta, data_key, stash);
  Value out = map_leaves(plain, [&](const Value& v, const std::vector<std::string>& path) { return enc.leaf(v, path); });
  meta.lastmodified = now_rfc3339();
  meta.version = k_sops_format_version;
  std::string mac = hex_encode(sha512(enc.mac_input()), HexCase::upper);
  meta.mac = encrypt_value(mac, "str", data_key, meta.lastmodified, nullptr);
  out.mutable_map().set("sops", sops_metadata_value(meta));
  return out;
}

void sops_wrap_data_key(SopsMetadata& meta, const std::string& data_key) {
  for (auto& e : meta.age) {
    auto r = X25519Recipient::parse(e.recipient);
    if (!r) throw Fatal("`" + e.recipient + "` is not an age recipient (age1…)");
    e.enc = age_encrypt(data_key, {*r}, Armor::yes);
  }
}

Value sops_metadata_value(const SopsMetadata& meta) {
  Map m;
  for (const auto& [name, v] : meta.other_keys)
    if (name != "pgp") m.set(name, v);
  if (!meta.age.empty()) {
    List age;
    for (const auto& e : meta.age) age.push_back(Value(Map{{"recipient", Value(e.recipient)}, {"enc", Value(e.enc)}}));
    m.set("age", Value(std::move(age)));
  }
  m.set("lastmodified", Value(meta.lastmodified));
  m.set("mac", Value(meta.mac));
  for (const auto& [name, v] : meta.other_keys)
    if (name == "pgp") m.set(name, v);
  const SopsRules& r = meta.rules;
  if (!r.unencrypted_suffix.empty()) m.set("unencrypted_suffix", Value(r.unencrypted_suffix));
  if (!r.encrypted_suffix.empty()) m.set("encrypted_suffix", Value(r.encrypted_suffix));
  if (!r.unencrypted_regex.empty()) m.set("unencrypted_regex", Value(r.unencrypted_regex));
  if (!r.encrypted_regex.empty()) m.set("encrypted_regex", Value(r.encrypted_regex));
  if (r.mac_only_encrypted) m.set("mac_only_encrypted", Value(true));
  m.set("version", Value(meta.version));
  return Value(std::move(m));
}

}  // namespace drover::secrets
