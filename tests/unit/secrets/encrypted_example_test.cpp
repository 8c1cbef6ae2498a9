// inventory-examples/encrypted/ must keep decrypting with its demo keys.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "core/secrets/redactor.hpp"
#include "core/secrets/secrets_options.hpp"
#include "core/secrets/vars_file.hpp"

using namespace drover;
using namespace drover::secrets;

TEST_CASE("every vars file of the encrypted inventory example decrypts with the demo keys") {
  auto dir = std::filesystem::path(DROVER_SOURCE_DIR) / "inventory-examples" / "encrypted";
  ::setenv("DROVER_AGE_KEY_FILE", (dir / "DEMO-ONLY-age-key.txt").string().c_str(), 1);
  SecretsOptions options;
  options.vault_password_files.push_back((dir / "DEMO-ONLY-vault-password.txt").string());
  configure(options);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir / "group_vars" / "all")) {
    INFO(e.path().string());
    Value v = load_vars_file(e.path().string());
    CHECK(v.is_map());
    ++files;
  }
  CHECK(files == 4);
  auto sops = load_vars_file((dir / "group_vars/all/secrets.sops.yaml").string());
  CHECK(sops.get("db_password").as_string() == "demo-db-password");
  CHECK(sops.get("tls").get("port").as_int() == 8443);
  CHECK(sops.get("owner_unencrypted").as_string() == "ops-team");
  CHECK(load_vars_file((dir / "group_vars/all/vault.yml").string()).get("smtp_password").as_string() == "demo-smtp-password");
  CHECK(load_vars_file((dir / "group_vars/all/inline.yml").string()).get("backup_passphrase").as_string() ==
        "demo-backup-passphrase");
  CHECK(Redactor::global().mask("x demo-db-password demo-backup-passphrase") == "x ******** ********");
  ::unsetenv("DROVER_AGE_KEY_FILE");
  configure({});
}
