// Loading vars files: plain, whole-file vault, inline !vault, sops; secrets marked and redacted.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "core/error.hpp"
#include "core/secrets/redactor.hpp"
#include "core/secrets/secrets_options.hpp"
#include "core/secrets/vars_file.hpp"
#include "tests/unit/secrets/tool.hpp"

using namespace drover;
using namespace drover::secrets;
using drover::test::TempDir;

TEST_CASE("vault files and inline !vault values load decrypted, marked secret and registered for masking") {
  auto dir = drover::test::shared_testdata("ansible-vault");
  if (!dir) return;
  SecretsOptions options;
  options.vault_ids.push_back("prod@" + (*dir / "password.txt").string());
  configure(options);
  Value whole = load_vars_file((*dir / "vault_1.1.yml").string());
  CHECK(whole.get("db_password").as_string() == "s3cr3t");
  CHECK(whole.get("db_password").is_secret());
  CHECK(whole.get("users").as_list()[0].is_secret());
  Value inline_vars = load_vars_file((*dir / "inline_vault.yml").string());
  CHECK(inline_vars.get("plain_var").as_string() == "hello");
  CHECK_FALSE(inline_vars.get("plain_var").is_secret());
  CHECK(inline_vars.get("db_password").as_string() == "s3cr3t");
  CHECK(inline_vars.get("multiline_secret").as_string() == "multi\nline");
  CHECK(inline_vars.get("multiline_secret").is_secret());
  CHECK(Redactor::global().mask("pw=s3cr3t!") == "pw=********!");
  configure({});
}

TEST_CASE("a vault file without a vault password is a clear error naming the file") {
  auto dir = drover::test::shared_testdata("ansible-vault");
  if (!dir) return;
  configure({});
  std::string path = (*dir / "vault_1.2_prod.yml").string();
  try {
    load_vars_file(path);
    FAIL("no error");
  } catch (const Fatal& e) {
    CHECK(std::string(e.what()).find(path + ": is vault-encrypted (vault id `prod`)") == 0);
  }
}

TEST_CASE("sops vars files decrypt with the key from SOPS_AGE_KEY_FILE") {
  auto dir = drover::test::shared_testdata("sops");
  if (!dir) return;
  ::setenv("SOPS_AGE_KEY_FILE", (*dir / "age_keys.txt").string().c_str(), 1);
  Value yaml = load_vars_file((*dir / "age_example.enc.yaml").string());
  CHECK(yaml.get("app2").get("db").get("password").as_string() == "c4r1b0u");
  CHECK(yaml.get("app2").get("db").get("password").is_secret());
  CHECK_FALSE(yaml.get("nested_unencrypted").get("this").get("is").get("all").is_secret());
  Value json = load_vars_file((*dir / "age_example.enc.json").string());
  CHECK(json.get("lastName").as_string() == "Smith");
  CHECK(Redactor::global().mask("user eve pw c4r1b0u (clear text)") == "user ******** pw ******** (clear text)");
  CHECK_THROWS_WITH_AS(load_vars_file((*dir / "pgp_format.enc.json").string()),
                       doctest::Contains("no age recipient; this file can only be opened with PGP"), Fatal);
}

// Regression (issue 11): `-e @deep.json` or a group_vars JSON file 30,000 levels deep crashed drover.
TEST_CASE("a JSON vars file nested 30,000 deep is an error naming the file") {
  TempDir dir;
  const std::string path = (dir.path() / "deep.json").string();
  std::ofstream(path) << "{\"a\": " << std::string(30000, '[') << std::string(30000, ']') << "}";
  CHECK_THROWS_WITH_AS(load_vars_file(path), (path + ": JSON nested deeper than 1000 levels").c_str(), Fatal);
  const std::string yaml = (dir.path() / "deep.yml").string();
  std::ofstream(yaml) << "a: " << std::string(30000, '[') << std::string(30000, ']') << "\n";
  CHECK_THROWS_WITH_AS(load_vars_file(yaml), doctest::Contains((yaml + ":1:").c_str()), SourceError);
}
