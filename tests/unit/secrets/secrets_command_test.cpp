// `drover secrets …` end to end, in process, on real files.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cli/secrets_command.hpp"
#include "core/secrets/age.hpp"
#include "core/secrets/sops_file.hpp"
#include "core/secrets/vault.hpp"
#include "tests/unit/secrets/tool.hpp"

using namespace drover;
using namespace drover::secrets;
using drover::cli::run_secrets_command;
using drover::test::TempDir;

namespace {

// Sets an environment variable for the scope.
class ScopedEnv {
public:
  ScopedEnv(const char* name, const std::string& value) : m_name(name) {
    if (const char* old = std::getenv(name)) m_old = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (m_old)
      ::setenv(m_name, m_old->c_str(), 1);
    else
      ::unsetenv(m_name);
  }

private:
  const char* m_name;
  std::optional<std::string> m_old;
};

class ScopedCwd {
public:
  explicit ScopedCwd(const std::filesystem::path& p) : m_old(std::filesystem::current_path()) {
    std::filesystem::current_path(p);
  }
  ~ScopedCwd() { std::filesystem::current_path(m_old); }

private:
  std::filesystem::path m_old;
};

std::string public_key_of(const std::string& key_file_text) {
  return parse_identity_file(key_file_text).at(0).recipient().str();
}

std::string enc_of(const std::string& yaml_text, const std::string& key) {
  auto doc = parse_sops_document(yaml_text, SopsFormat::yaml, "x.yaml");
  return doc.get(key).as_string();
}

int edit_dirs_in_shm() {
  int n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/dev/shm", ec))
    if (e.path().filename().string().starts_with("drover-edit-")) ++n;
  return n;
}

}  // namespace

TEST_CASE("secrets keygen writes an age-keygen key file with mode 0600 and refuses to overwrite it") {
  TempDir dir;
  CHECK(run_secrets_command({"keygen", "-o", dir.file("key.txt")}) == 0);
  std::string text = dir.read("key.txt");
  CHECK(text.starts_with("# created: "));
  CHECK(text.find("# public key: age1") != std::string::npos);
  CHECK(parse_identity_file(text).size() == 1);
  struct stat st {};
  REQUIRE(::stat(dir.file("key.txt").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(run_secrets_command({"keygen", "-o", dir.file("key.txt")}) == 1);
  if (drover::test::have_command("age-keygen")) {
    REQUIRE(drover::test::run_shell("age-keygen -y " + dir.file("key.txt") + " > " + dir.file("pub")) == 0);
    CHECK(dir.read("pub") == public_key_of(text) + "\n");
  }
}

TEST_CASE("secrets encrypt, decrypt, edit, rotate and updatekeys work on a YAML file like sops") {
  TempDir dir;
  REQUIRE(run_secrets_command({"keygen", "-o", dir.file("a.txt")}) == 0);
  REQUIRE(run_secrets_command({"keygen", "-o", dir.file("b.txt")}) == 0);
  std::string pub_a = public_key_of(dir.read("a.txt")), pub_b = public_key_of(dir.read("b.txt"));
  ScopedEnv key("DROVER_AGE_KEY_FILE", dir.file("a.txt"));
  std::string plain = "db:\n    password: hunter2\n    port: 5432\nuser_unencrypted: bob\napi_token: tok-123\n";
  dir.write("s.yaml", plain);

  CHECK(run_secrets_command({"encrypt", "--age", pub_a, "-i", dir.file("s.yaml")}) == 0);
  std::string enc = dir.read("s.yaml");
  CHECK(enc.find("hunter2") == std::string::npos);
  CHECK(enc.find("user_unencrypted: bob") != std::string::npos);
  CHECK(enc.find("recipient: " + pub_a) != std::string::npos);
  CHECK(enc.find("version: 3.9.4") != std::string::npos);

  CHECK(run_secrets_command({"decrypt", dir.file("s.yaml"), "--output", dir.file("plain.yaml")}) == 0);
  CHECK(dir.read("plain.yaml") == plain);

  // edit: change one value; the others keep their ciphertexts (and IVs).
  int shm_before = edit_dirs_in_shm();
  {
    ScopedEnv editor("EDITOR", "sed -i s/tok-123/tok-456/");
    CHECK(run_secrets_command({"edit", dir.file("s.yaml")}) == 0);
  }
  CHECK(edit_dirs_in_shm() == shm_before);
  std::string edited = dir.read("s.yaml");
  CHECK(enc_of(edited, "api_token") != enc_of(enc, "api_token"));
  auto db_before = parse_sops_document(enc, SopsFormat::yaml, "x").get("db").get("password");
  auto db_after = parse_sops_document(edited, SopsFormat::yaml, "x").get("db").get("password");
  CHECK(db_before == db_after);
  CHECK(run_secrets_command({"decrypt", dir.file("s.yaml"), "--output", dir.file("plain2.yaml")}) == 0);
  CHECK(dir.read("plain2.yaml").find("api_token: tok-456") != std::string::npos);

  // A failing editor leaves the file alone and the private folder removed.
  {
    ScopedEnv editor("EDITOR", "false");
    CHECK(run_secrets_command({"edit", dir.file("s.yaml")}) == 1);
  }
  CHECK(edit_dirs_in_shm() == shm_before);
  CHECK(dir.read("s.yaml") == edited);

  // rotate: new data key, same content.
  CHECK(run_secrets_command({"rotate", "-i", dir.file("s.yaml")}) == 0);
  std::string rotated = dir.read("s.yaml");
  CHECK(enc_of(rotated, "api_token") != enc_of(edited, "api_token"));
  CHECK(run_secrets_command({"decrypt", dir.file("s.yaml"), "--output", dir.file("plain3.yaml")}) == 0);
  CHECK(dir.read("plain3.yaml") == dir.read("plain2.yaml"));

  // updatekeys: .sops.yaml now names both keys; b can open the file afterwards.
  dir.write(".sops.yaml", "creation_rules:\n  - path_regex: \\.yaml$\n    age: " + pub_a + "," + pub_b + "\n");
  {
    ScopedCwd cwd(dir.path());
    CHECK(run_secrets_command({"updatekeys", "s.yaml"}) == 0);
  }
  ScopedEnv key_b("DROVER_AGE_KEY_FILE", dir.file("b.txt"));
  CHECK(run_secrets_command({"decrypt", dir.file("s.yaml"), "--output", dir.file("plain4.yaml")}) == 0);
  CHECK(dir.read("plain4.yaml") == dir.read("plain2.yaml"));
}

TEST_CASE("secrets encrypt follows .sops.yaml creation rules and writes JSON for .json files") {
  TempDir dir;
  REQUIRE(run_secrets_command({"keygen", "-o", dir.file("k.txt")}) == 0);
  std::string pub = public_key_of(dir.read("k.txt"));
  dir.write(".sops.yaml", "creation_rules:\n  - path_regex: prod/.*\\.json$\n    encrypted_regex: ^(password|token)$\n    age:\n      - " + pub + "\n");
  std::filesystem::create_directories(dir.path() / "prod");
  dir.write("prod/app.json", "{\"name\": \"web\", \"password\": \"pw1\", \"nested\": {\"token\": \"t\", \"n\": 3}}");
  ScopedCwd cwd(dir.path());
  ScopedEnv key("DROVER_AGE_KEY_FILE", dir.file("k.txt"));
  CHECK(run_secrets_command({"encrypt", "-i", "prod/app.json"}) == 0);
  std::string enc = dir.read("prod/app.json");
  CHECK(enc.find("\"name\": \"web\"") != std::string::npos);
  CHECK(enc.find("pw1") == std::string::npos);
  CHECK(enc.find("\"encrypted_regex\": \"^(password|token)$\"") != std::string::npos);
  CHECK(enc.find("\n\t\"sops\": {") != std::string::npos);
  CHECK(run_secrets_command({"decrypt", "prod/app.json", "--output", "out.json"}) == 0);
  CHECK(dir.read("out.json").find("\"password\": \"pw1\"") != std::string::npos);
}

TEST_CASE("secrets encrypt --vault and decrypt handle Ansible Vault files") {
  TempDir dir;
  dir.write("pw", "letmein\n");
  dir.write("v.yml", "secret: 42\n");
  CHECK(run_secrets_command({"encrypt", "--vault", "--vault-id", "ops@" + dir.file("pw"), "-i", dir.file("v.yml")}) == 0);
  CHECK(dir.read("v.yml").starts_with("$ANSIBLE_VAULT;1.2;AES256;ops\n"));
  CHECK(vault_decrypt(dir.read("v.yml"), {{"ops", "letmein"}}, "v") == "secret: 42\n");
  CHECK(run_secrets_command({"decrypt", "--vault-password-file", dir.file("pw"), dir.file("v.yml"), "--output",
                             dir.file("out")}) == 0);
  CHECK(dir.read("out") == "secret: 42\n");
  CHECK(run_secrets_command({"decrypt", dir.file("v.yml"), "--output", dir.file("out2")}) == 1);
}

TEST_CASE("secrets with bad usage exits 5") {
  CHECK(run_secrets_command({}) == 5);
  CHECK(run_secrets_command({"frobnicate"}) == 5);
  CHECK(run_secrets_command({"encrypt"}) == 5);
  CHECK(run_secrets_command({"decrypt", "-i", "--output", "x", "y"}) == 5);
}

TEST_CASE("Ctrl-C during secrets edit removes the private folder and exits 99") {
  TempDir dir;
  REQUIRE(run_secrets_command({"keygen", "-o", dir.file("k.txt")}) == 0);
  std::string pub = public_key_of(dir.read("k.txt"));
  dir.write("s.yaml", "token: abc123\n");
  ScopedEnv key("DROVER_AGE_KEY_FILE", dir.file("k.txt"));
  REQUIRE(run_secrets_command({"encrypt", "--age", pub, "-i", dir.file("s.yaml")}) == 0);
  std::string before = dir.read("s.yaml");
  // The "editor" records where the plaintext is, then interrupts drover (its grandparent's
  // child: sh's parent) as a terminal Ctrl-C would.
  ScopedEnv editor("EDITOR", "echo \"$1\" > " + dir.file("where") + "; kill -INT $PPID; sleep 1; :");
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) ::_exit(run_secrets_command({"edit", dir.file("s.yaml")}));
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 99);
  std::string where = dir.read("where");
  REQUIRE(!where.empty());
  where.pop_back();
  CHECK_FALSE(std::filesystem::exists(where));
  CHECK_FALSE(std::filesystem::exists(std::filesystem::path(where).parent_path()));
  CHECK(dir.read("s.yaml") == before);
}
