// drover's age against the Debian `age` and `age-keygen` commands, both directions.
#include <doctest/doctest.h>

#include "core/secrets/age.hpp"
#include "core/secrets/armor.hpp"
#include "tests/unit/secrets/tool.hpp"

using namespace drover::secrets;
using drover::test::TempDir;

namespace {

bool have_age() {
  bool ok = drover::test::have_command("age") && drover::test::have_command("age-keygen");
  WARN_MESSAGE(ok, "SKIPPED: the age/age-keygen commands are not installed");
  return ok;
}

// Larger than one STREAM chunk so the multi-chunk path is exercised.
std::string sample_plaintext() {
  std::string s;
  for (int i = 0; s.size() < 150000; ++i) s += "line " + std::to_string(i) + " of the secret\n";
  return s;
}

}  // namespace

TEST_CASE("files drover encrypts, binary and armored, decrypt with age -d") {
  if (!have_age()) return;
  TempDir dir;
  REQUIRE(drover::test::run_shell("age-keygen -o " + dir.file("key.txt") + " 2>/dev/null") == 0);
  auto ids = parse_identity_file(dir.read("key.txt"));
  REQUIRE(ids.size() == 1);
  std::string plain = sample_plaintext();
  for (Armor armor : {Armor::no, Armor::yes}) {
    dir.write("msg.age", age_encrypt(plain, {ids[0].recipient()}, armor));
    REQUIRE(drover::test::run_shell("age -d -i " + dir.file("key.txt") + " -o " + dir.file("out") + " " +
                                    dir.file("msg.age")) == 0);
    CHECK(dir.read("out") == plain);
  }
}

TEST_CASE("files age encrypts to a drover key, binary and armored, decrypt in drover") {
  if (!have_age()) return;
  TempDir dir;
  auto id = X25519Identity::generate();
  dir.write("key.txt", "# created by drover\n# public key: " + id.recipient().str() + "\n" + id.str() + "\n");
  std::string plain = sample_plaintext();
  dir.write("plain", plain);
  REQUIRE(drover::test::run_shell("age -r " + id.recipient().str() + " -o " + dir.file("bin.age") + " " + dir.file("plain")) == 0);
  REQUIRE(drover::test::run_shell("age -e -a -i " + dir.file("key.txt") + " -o " + dir.file("arm.age") + " " + dir.file("plain")) == 0);
  AgeIdentities ids{parse_identity_file(dir.read("key.txt")), std::nullopt};
  CHECK(age_decrypt(dir.read("bin.age"), ids) == plain);
  std::string armored = dir.read("arm.age");
  CHECK(looks_armored(armored));
  CHECK(age_decrypt(armored, ids) == plain);
}

TEST_CASE("a passphrase file drover writes opens with age, and a wrong passphrase is no match") {
  if (!have_age()) return;
  TempDir dir;
  dir.write("msg.age", age_encrypt_with_passphrase("hush", "correct horse", Armor::yes, 10));
  // age reads the passphrase from the terminal only, so check the direction we can script: ours.
  AgeIdentities good{{}, std::string("correct horse")}, bad{{}, std::string("wrong")};
  CHECK(age_decrypt(dir.read("msg.age"), good) == "hush");
  try {
    age_decrypt(dir.read("msg.age"), bad);
    FAIL("a wrong passphrase was accepted");
  } catch (const AgeError& e) {
    CHECK(e.kind() == AgeFailure::no_match);
  }
}

TEST_CASE("keys round-trip through bech32 and match age-keygen -y") {
  if (!have_age()) return;
  TempDir dir;
  auto id = X25519Identity::generate();
  dir.write("key.txt", id.str() + "\n");
  REQUIRE(drover::test::run_shell("age-keygen -y -o " + dir.file("pub") + " " + dir.file("key.txt")) == 0);
  std::string pub = dir.read("pub");
  CHECK(pub == id.recipient().str() + "\n");
  CHECK(X25519Identity::parse(id.str())->recipient().str() == id.recipient().str());
  CHECK_FALSE(X25519Recipient::parse(id.recipient().str() + "x"));
  CHECK_THROWS_AS(parse_identity_file("not a key\n"), AgeError);
}
