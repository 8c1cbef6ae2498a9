// The sops layer against files written by the real sops (3.7.1, 3.10.2, 3.13.1), tampering,
// and drover's own round trip.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/secrets/crypto.hpp"
#include "core/secrets/sops_file.hpp"
#include "tests/unit/secrets/testdata.hpp"

using namespace drover;
using namespace drover::secrets;

namespace {

struct Opened {
  Value doc;
  SopsMetadata meta;
};

Opened open_text(const std::string& text, const std::string& name) {
  Value doc = parse_sops_document(text, sops_format_for(name), name);
  return {doc, parse_sops_metadata(doc, name)};
}

AgeIdentities sample_ids(const std::filesystem::path& dir) {
  return AgeIdentities{parse_identity_file(drover::test::read_binary(dir / "age_keys.txt")), std::nullopt};
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Fatal& e) {
    return e.what();
  }
  return "(no error)";
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  auto p = s.find(from);
  REQUIRE(p != std::string::npos);
  return s.replace(p, from.size(), to);
}

}  // namespace

TEST_CASE("sops 3.7.1 YAML and JSON files decrypt with an age key and their MACs verify") {
  auto dir = drover::test::shared_testdata("sops");
  if (!dir) return;
  auto expected = nlohmann::json::parse(drover::test::read_binary(*dir / "expected.json"));
  for (const std::string name : {"age_example.enc.yaml", "age_example.enc.json"}) {
    INFO(name);
    auto f = open_text(drover::test::read_binary(*dir / name), name);
    std::string key = sops_data_key(f.meta, sample_ids(*dir), name);
    for (const auto& e : expected)
      if (e["file"] == name) CHECK(hex_encode(key) == e["data_key_hex"].get<std::string>());
    Value plain = sops_decrypt(f.doc, f.meta, key, name);
    CHECK_FALSE(plain.find("sops"));
    if (name.ends_with(".yaml")) {
      CHECK(plain.get("myapp1").as_string() == "t00m4nys3cr3tzupdated");
      CHECK(plain.get("app2").get("db").get("password").as_string() == "c4r1b0u");
      CHECK(plain.get("number").as_float() == 1234568000.0);
      CHECK(plain.get("somebooleans").as_list()[0].as_bool() == true);
      CHECK(plain.get("somebooleans").as_list()[1].as_bool() == false);
      CHECK(plain.get("nested_unencrypted").get("this").get("is").get("all").as_string() ==
            "going to remain in clear text");
      CHECK(plain.get("app2").get("key").as_string().starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    } else {
      CHECK(plain.get("firstName").as_string() == "John");
      CHECK(plain.get("age").as_float() == 25.4);
      CHECK(plain.get("anEmptyValue").as_string() == "");
      CHECK(plain.get("phoneNumbers").as_list()[1].get("type").as_string() == "office");
    }
  }
}

TEST_CASE("the AES-GCM and MAC layer of sops 3.10 and 3.13 PGP files checks out with their data keys") {
  auto dir = drover::test::shared_testdata("sops");
  if (!dir) return;
  auto expected = nlohmann::json::parse(drover::test::read_binary(*dir / "expected.json"));
  for (const std::string name : {"pgp_example.enc.yaml", "pgp_format.enc.json"}) {
    INFO(name);
    auto f = open_text(drover::test::read_binary(*dir / name), name);
    std::string key;
    for (const auto& e : expected)
      if (e["file"] == name) key = *hex_decode(e["data_key_hex"].get<std::string>());
    REQUIRE(key.size() == 32);
    Value plain = sops_decrypt(f.doc, f.meta, key, name);
    for (const auto& e : expected)
      if (e["file"] == name && name.ends_with(".json")) CHECK(plain.get("foo").as_string() == "bar");
    if (name.ends_with(".yaml")) CHECK(plain.get("app2").get("db").get("user").as_string() == "eve");
    std::string err = error_of([&] { sops_data_key(f.meta, sample_ids(*dir), name); });
    CHECK(err.find("no age recipient; this file can only be opened with PGP") != std::string::npos);
    CHECK(err.find("FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4") != std::string::npos);
  }
}

TEST_CASE("a tampered sops value, tag, MAC or recipient is refused with an error saying which") {
  auto dir = drover::test::shared_testdata("sops");
  if (!dir) return;
  const std::string name = "age_example.enc.yaml";
  std::string text = drover::test::read_binary(*dir / name);
  auto ids = sample_ids(*dir);
  auto attempt = [&](const std::string& altered) {
    return error_of([&] {
      auto f = open_text(altered, name);
      sops_decrypt(f.doc, f.meta, sops_data_key(f.meta, ids, name), name);
    });
  };
  CHECK(attempt(text) == "(no error)");
  CHECK(attempt(replace_once(text, "data:/cSI,", "data:/cSJ,")).find("the value at `app2:db:user` failed authentication") !=
        std::string::npos);
  CHECK(attempt(replace_once(text, "tag:RT4DZqfxr6acgPTUpYMv0A==", "tag:RT4DZqfxr6acgPTUpYMv0B==")).find("`app2:db:user`") !=
        std::string::npos);
  CHECK(attempt(replace_once(text, "mac: ENC[AES256_GCM,data:dwrq", "mac: ENC[AES256_GCM,data:dwrr"))
            .find("stored MAC failed authentication") != std::string::npos);
  CHECK(attempt(replace_once(text, "all: going to remain in clear text", "all: going to remain in clear text!"))
            .find("MAC mismatch") != std::string::npos);
  CHECK(attempt(replace_once(text, "age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw",
                             "age1tmaae3ld5vpevmsh5yacsauzx8jetg300mpvc4ugp5zr5l6ssq9sla97ep"))
            .find("the recipient field was altered") != std::string::npos);
  CHECK(attempt(replace_once(text, "SDQ0NDhjcVpYMjYxcm1ZdXFYaWtkakUKWgQTWzf+7rgMjC9rPLSy6jTGbI71hMnC",
                             "SDQ0NDhjcVpYMjYxcm1ZdXFYaWtkakUKWgQTWzf+7rgMjC9rPLSy6jTGbI71hMnD"))
            .find("damaged") != std::string::npos);
}

TEST_CASE("a wrong age key names the file and the recipients it was encrypted for") {
  auto dir = drover::test::shared_testdata("sops");
  if (!dir) return;
  auto f = open_text(drover::test::read_binary(*dir / "age_example.enc.json"), "x.enc.json");
  AgeIdentities other{{X25519Identity::generate()}, std::nullopt};
  std::string err = error_of([&] { sops_data_key(f.meta, other, "x.enc.json"); });
  CHECK(err.find("x.enc.json: none of your age identities can open it") != std::string::npos);
  CHECK(err.find("age1tmaae3ld5vpevmsh5yacsauzx8jetg300mpvc4ugp5zr5l6ssq9sla97ep") != std::string::npos);
  CHECK(err.find(other.x25519[0].recipient().str()) != std::string::npos);
  std::string none = error_of([&] { sops_data_key(f.meta, AgeIdentities{}, "x.enc.json"); });
  CHECK(none.find("SOPS_AGE_KEY_FILE") != std::string::npos);
}

TEST_CASE("drover's sops files round-trip, honour the rules, and keep IVs of unchanged values") {
  auto id = X25519Identity::generate();
  for (SopsFormat format : {SopsFormat::yaml, SopsFormat::json}) {
    std::string name = format == SopsFormat::yaml ? "t.yaml" : "t.json";
    Value plain = parse_sops_document(
        "db:\n  password: \"p4ss: #word\"\n  port: 5432\n  ratio: 0.5\n  on: true\n  empty: ''\n  nothing: null\n"
        "list:\n  - a\n  - b\nnote_unencrypted: clear\nmulti: |\n  line one\n  line two\n",
        SopsFormat::yaml, name);
    SopsMetadata meta;
    meta.age.push_back({id.recipient().str(), ""});
    meta.rules.unencrypted_suffix = "_unencrypted";
    std::string key = random_bytes(32);
    sops_wrap_data_key(meta, key);
    std::string text = emit_sops_document(sops_encrypt(plain, meta, key), format);
    CHECK(text.find("p4ss") == std::string::npos);
    CHECK(text.find("clear") != std::string::npos);
    CHECK(text.find("5432") == std::string::npos);
    auto f = open_text(text, name);
    IvStash stash;
    std::string key2 = sops_data_key(f.meta, AgeIdentities{{id}, std::nullopt}, name);
    CHECK(key2 == key);
    Value back = sops_decrypt(f.doc, f.meta, key2, name, &stash);
    CHECK(back == plain);
    CHECK(back.get("db").get("port").as_int() == 5432);
    CHECK(back.get("db").get("empty").as_string() == "");
    CHECK(back.get("db").get("nothing").is_null());
    // Change one value: the others keep their ciphertexts.
    Value changed = back;
    changed.mutable_map()["multi"] = Value("new");
    SopsMetadata meta2 = f.meta;
    std::string text2 = emit_sops_document(sops_encrypt(changed, meta2, key2, &stash), format);
    auto f2 = open_text(text2, name);
    CHECK(f2.doc.get("db").get("password") == f.doc.get("db").get("password"));
    CHECK(f2.doc.get("multi") != f.doc.get("multi"));
    CHECK(sops_decrypt(f2.doc, f2.meta, key2, name).get("multi").as_string() == "new");
  }
}

TEST_CASE("encrypted_regex, encrypted_suffix and mac_only_encrypted select and authenticate as sops does") {
  SopsRules rules;
  rules.encrypted_regex = "^(data|stringData)$";
  CHECK(rules.encrypts({"data", "x"}));
  CHECK_FALSE(rules.encrypts({"metadata", "name"}));
  SopsRules suffix;
  suffix.encrypted_suffix = "_secret";
  CHECK(suffix.encrypts({"db_secret"}));
  CHECK_FALSE(suffix.encrypts({"db"}));
  auto id = X25519Identity::generate();
  SopsMetadata meta;
  meta.age.push_back({id.recipient().str(), ""});
  meta.rules.encrypted_regex = "^password$";
  meta.rules.mac_only_encrypted = true;
  std::string key = random_bytes(32);
  sops_wrap_data_key(meta, key);
  Value plain = parse_sops_document("user: bob\npassword: hunter2\n", SopsFormat::yaml, "m.yaml");
  std::string text = emit_sops_document(sops_encrypt(plain, meta, key), SopsFormat::yaml);
  CHECK(text.find("mac_only_encrypted: true") != std::string::npos);
  // With mac_only_encrypted, a clear value may change without breaking the MAC.
  auto edited = text;
  edited.replace(edited.find("user: bob"), 9, "user: eve");
  auto f = open_text(edited, "m.yaml");
  CHECK(sops_decrypt(f.doc, f.meta, key, "m.yaml").get("user").as_string() == "eve");
}
