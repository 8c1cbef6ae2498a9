// The C2SP/CCTV age vectors: every non-post-quantum one, success and failure alike.
#include <doctest/doctest.h>

#include <map>

#include "core/secrets/age.hpp"
#include "core/secrets/armor.hpp"
#include "core/secrets/crypto.hpp"
#include "tests/unit/secrets/inflate.hpp"
#include "tests/unit/secrets/testdata.hpp"

using namespace drover::secrets;

namespace {

struct Vector {
  std::string name;
  std::string expect;
  std::string payload_sha256;
  std::vector<std::string> identities;
  std::optional<std::string> passphrase;
  bool armored = false;
  std::string file;
};

Vector parse_vector(const std::string& name, const std::string& text) {
  Vector v;
  v.name = name;
  std::size_t pos = 0;
  bool compressed = false;
  for (;;) {
    auto nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) break;
    auto colon = line.find(": ");
    std::string key = line.substr(0, colon), value = line.substr(colon + 2);
    if (key == "expect") v.expect = value;
    if (key == "payload") v.payload_sha256 = value;
    if (key == "identity") v.identities.push_back(value);
    if (key == "passphrase") v.passphrase = value;
    if (key == "armored") v.armored = value == "yes";
    if (key == "compressed") compressed = value == "zlib";
  }
  v.file = text.substr(pos);
  if (compressed) v.file = drover::test::zlib_decompress(v.file);
  return v;
}

std::string failure_name(AgeFailure f) {
  switch (f) {
    case AgeFailure::header: return "header failure";
    case AgeFailure::armor: return "armor failure";
    case AgeFailure::payload: return "payload failure";
    case AgeFailure::no_match: return "no match";
    case AgeFailure::hmac: return "HMAC failure";
  }
  return "?";
}

bool post_quantum(const Vector& v) {
  if (v.name.starts_with("hybrid") || v.name == "armor_hybrid") return true;
  for (const auto& id : v.identities)
    if (id.starts_with("AGE-PQ")) return true;
  return false;
}

}  // namespace

TEST_CASE("every non-post-quantum age test vector gives exactly the expected outcome and payload") {
  auto dir = drover::test::shared_testdata("age-cctv");
  if (!dir) return;
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(*dir)) {
    std::string name = entry.path().filename().string();
    if (name == "README.md") continue;
    Vector v = parse_vector(name, drover::test::read_binary(entry.path()));
    if (post_quantum(v)) continue;
    AgeIdentities ids;
    for (const auto& id : v.identities) ids.x25519.push_back(*X25519Identity::parse(id));
    ids.passphrase = v.passphrase;
    std::string released;
    std::string outcome = "success";
    try {
      // As the vectors' own harness: "armored: yes" means the input goes through the armor reader.
      std::string binary = v.armored ? armor_decode(v.file) : v.file;
      age_decrypt(binary, ids, [&](std::string_view chunk) { released += chunk; });
    } catch (const AgeError& e) {
      outcome = failure_name(e.kind());
    }
    INFO("vector " << name);
    CHECK(outcome == v.expect);
    // No "payload" line: nothing may be released.
    std::string expected_payload = v.payload_sha256.empty() ? hex_encode(sha256("")) : v.payload_sha256;
    CHECK(hex_encode(sha256(released)) == expected_payload);
    ++checked;
  }
  CHECK(checked >= 110);
  MESSAGE("age vectors checked: " << checked);
}
