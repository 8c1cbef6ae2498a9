// Ansible Vault against ansible-core's own files, its known answer, and the ansible-vault command.
#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/secrets/vault.hpp"
#include "tests/unit/secrets/tool.hpp"

using namespace drover;
using namespace drover::secrets;
using drover::test::TempDir;

TEST_CASE("vault encryption with a fixed salt is byte-identical to ansible's known answer") {
  auto dir = drover::test::shared_testdata("ansible-vault");
  if (!dir) return;
  std::string salt;
  for (int i = 0; i < 32; ++i) salt += static_cast<char>(i);
  CHECK(vault_encrypt("hello\nworld", {"default", "hunter2"}, salt) ==
        drover::test::read_binary(*dir / "vault_1.1_fixed_salt.txt"));
}

TEST_CASE("vault 1.1 and 1.2 files written by ansible-vault decrypt to their plaintext") {
  auto dir = drover::test::shared_testdata("ansible-vault");
  if (!dir) return;
  std::string plain = drover::test::read_binary(*dir / "plaintext.yml");
  std::vector<VaultSecret> secrets{{"default", "hunter2"}};
  CHECK(vault_decrypt(drover::test::read_binary(*dir / "vault_1.1.yml"), secrets, "vault_1.1.yml") == plain);
  std::string v12 = drover::test::read_binary(*dir / "vault_1.2_prod.yml");
  CHECK(vault_id_of(v12) == "prod");
  // A wrong password first, the right one labelled prod second: the label is tried first.
  std::vector<VaultSecret> labelled{{"dev", "nope"}, {"prod", "hunter2"}};
  CHECK(vault_decrypt(v12, labelled, "vault_1.2_prod.yml") == plain);
}

TEST_CASE("a wrong vault password names the file and the vault id") {
  auto dir = drover::test::shared_testdata("ansible-vault");
  if (!dir) return;
  std::string v12 = drover::test::read_binary(*dir / "vault_1.2_prod.yml");
  try {
    vault_decrypt(v12, {{"default", "wrong"}}, "group_vars/all/vault.yml");
    FAIL("a wrong password was accepted");
  } catch (const Fatal& e) {
    std::string msg = e.what();
    CHECK(msg.find("group_vars/all/vault.yml: no vault secret could decrypt it") == 0);
    CHECK(msg.find("`prod`") != std::string::npos);
  }
  CHECK_THROWS_AS(vault_decrypt(v12, {}, "x"), Fatal);
  std::string damaged = v12;
  damaged[damaged.size() - 3] = damaged[damaged.size() - 3] == '1' ? '2' : '1';
  CHECK_THROWS_AS(vault_decrypt(damaged, {{"prod", "hunter2"}}, "x"), Fatal);
}

TEST_CASE("drover's vault files open with ansible-vault and ansible-vault's open with drover") {
  if (!drover::test::have_command("ansible-vault")) {
    WARN_MESSAGE(false, "SKIPPED: ansible-vault is not installed");
    return;
  }
  TempDir dir;
  dir.write("pw", "s3cret pass\n");
  std::string plain = "db_password: hunter2\nlist:\n  - 1\n  - 2\n";
  dir.write("mine.yml", vault_encrypt(plain, {"default", "s3cret pass"}));
  dir.write("mine12.yml", vault_encrypt(plain, {"prod", "s3cret pass"}));
  REQUIRE(drover::test::run_shell("ansible-vault view --vault-password-file " + dir.file("pw") + " " + dir.file("mine.yml") +
                                  " > " + dir.file("out1") + " 2>/dev/null") == 0);
  CHECK(dir.read("out1") == plain);
  REQUIRE(drover::test::run_shell("ansible-vault view --vault-id prod@" + dir.file("pw") + " " + dir.file("mine12.yml") +
                                  " > " + dir.file("out2") + " 2>/dev/null") == 0);
  CHECK(dir.read("out2") == plain);
  dir.write("theirs.yml", plain);
  REQUIRE(drover::test::run_shell("ansible-vault encrypt --vault-id ops@" + dir.file("pw") + " " + dir.file("theirs.yml") +
                                  " >/dev/null 2>&1") == 0);
  std::string theirs = dir.read("theirs.yml");
  CHECK(theirs.starts_with("$ANSIBLE_VAULT;1.2;AES256;ops\n"));
  CHECK(vault_decrypt(theirs, {{"ops", "s3cret pass"}}, "theirs.yml") == plain);
}
