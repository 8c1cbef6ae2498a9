// The sops encrypted-file format (https://github.com/getsops/sops): values encrypted in place as
// ENC[AES256_GCM,data:…,iv:…,tag:…,type:…] with the key path as AAD, a SHA-512 MAC over the
// values (encrypted with `lastmodified` as AAD), and a `sops:` block holding the data key wrapped
// for each recipient. drover opens the data key with age identities; PGP/KMS entries are kept on
// rewrite but cannot be opened here.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/secrets/age.hpp"
#include "core/secrets/sops_codec.hpp"
#include "core/value/value.hpp"

namespace drover::secrets {

struct SopsAgeEntry {
  std::string recipient;  // age1…
  std::string enc;        // armored age file holding the 32-byte data key
};

// Which values a file encrypts (sops's shouldBeEncrypted); at most one of the four is set.
struct SopsRules {
  std::string unencrypted_suffix;
  std::string encrypted_suffix;
  std::string unencrypted_regex;
  std::string encrypted_regex;
  bool mac_only_encrypted = false;
  // True when a value under this key path is encrypted.
  bool encrypts(const std::vector<std::string>& path) const;
};

struct SopsMetadata {
  std::vector<SopsAgeEntry> age;
  // The entries drover cannot open, kept verbatim on rewrite: key name → value (pgp, kms, …).
  std::vector<std::pair<std::string, Value>> other_keys;
  std::vector<std::string> pgp_fingerprints;
  std::string lastmodified;
  std::string mac;
  std::string version;
  SopsRules rules;
};

// True when the document has a top-level `sops` mapping with a `mac` (an encrypted sops file).
bool is_sops_document(const Value& doc);

// Reads the `sops` block (any of the layouts sops ≤3.9, 3.10–3.12, ≥3.13 writes).
SopsMetadata parse_sops_metadata(const Value& doc, const std::string& file);

// IVs seen on decryption, reused on re-encryption of an unchanged value at the same path.
using IvStash = std::map<std::pair<std::string, std::string>, std::string>;

// Recovers the 32-byte data key with age identities. Throws Fatal naming the file and its
// recipients when no identity matches, when only PGP/KMS keys exist, or when an entry is damaged.
std::string sops_data_key(const SopsMetadata& meta, const AgeIdentities& ids, const std::string& file);

// Decrypts every value and verifies the MAC; decrypted strings carry Mark::secret. Throws Fatal saying which value (key path) failed
// authentication or that the MAC does not match. Returns the document without its `sops` key.
Value sops_decrypt(const Value& doc, const SopsMetadata& meta, const std::string& data_key,
                   const std::string& file, IvStash* stash = nullptr);

// Encrypts a plain document with `data_key`, fills lastmodified (now, RFC 3339 UTC), mac and
// version into `meta`, and returns the document with its `sops` block.
Value sops_encrypt(const Value& plain, SopsMetadata& meta, const std::string& data_key,
                   const IvStash* stash = nullptr);

// Wraps the data key for every age recipient in meta.age (replacing their enc fields).
void sops_wrap_data_key(SopsMetadata& meta, const std::string& data_key);

// The `sops` block as sops writes it.
Value sops_metadata_value(const SopsMetadata& meta);

// The version drover writes into `sops.version`: the sops format release it matches.
inline constexpr const char* k_sops_format_version = "3.9.4";

}  // namespace drover::secrets
