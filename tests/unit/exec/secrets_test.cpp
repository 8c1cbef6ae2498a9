// Secrets through whole plays (issue 11): inline `!vault` values open wherever Ansible accepts
// them, and whatever a task derives from a secret stays marked for the callbacks to mask.
#include <doctest/doctest.h>

#include "core/secrets/redactor.hpp"
#include "core/secrets/secrets_options.hpp"
#include "core/secrets/vault.hpp"
#include "tests/unit/exec/exec_harness.hpp"

using namespace drover;
using drover::testing::ExecHarness;

namespace {

constexpr const char* k_password = "vault-test-password";

// Configures the vault password for the life of the object.
struct VaultPassword {
  explicit VaultPassword(const ExecHarness& h) {
    std::filesystem::create_directories(h.dir());
    const auto file = (h.dir() / "vault-pass.txt").string();
    std::ofstream(file) << k_password << "\n";
    secrets::SecretsOptions options;
    options.vault_password_files = {file};
    secrets::configure(options);
  }
  ~VaultPassword() { secrets::configure({}); }
};

// `!vault |` with the ciphertext of `plain`, indented for a value at `indent` columns.
std::string inline_vault(const std::string& plain, int indent) {
  const std::string text = secrets::vault_encrypt(plain, {"default", k_password});
  std::string out = "!vault |\n";
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    out += std::string(static_cast<std::size_t>(indent), ' ') + text.substr(start, nl - start) + "\n";
    start = nl + 1;
  }
  return out;
}

Value echoed(const ExecHarness& h, const std::string& host) { return h.last_result(host).result.get("args"); }

}  // namespace

// Regression: a play's inline !vault value reached the target as the raw $ANSIBLE_VAULT text.
TEST_CASE("inline !vault values in play, block and task vars and in module arguments reach the target decrypted") {
  ExecHarness h;
  VaultPassword pw(h);
  ExitCode rc = h.run("- hosts: web1\n  gather_facts: false\n  vars:\n    play_pw: " + inline_vault("play-secret-1", 6) +
                      "  tasks:\n"
                      "    - ok: {value: '{{ play_pw }}'}\n"
                      "    - block:\n"
                      "        - ok: {value: '{{ block_pw }}'}\n"
                      "      vars:\n        block_pw: " + inline_vault("block-secret-2", 10) +
                      "    - ok: {value: '{{ task_pw }}'}\n"
                      "      vars:\n        task_pw: " + inline_vault("task-secret-3", 10) +
                      "    - ok:\n        value: " + inline_vault("arg-secret-4", 10) +
                      "    - set_fact:\n        fact_pw: " + inline_vault("fact-secret-5", 10) +
                      "    - ok: {value: '{{ fact_pw }}'}\n");
  CHECK(rc == ExitCode::ok);
  std::vector<std::string> values;
  for (const Value& req : h.requests("web1")) values.push_back(req.get("args").get_string("value"));
  CHECK(values == std::vector<std::string>{"play-secret-1", "block-secret-2", "task-secret-3", "arg-secret-4",
                                           "fact-secret-5"});
  // what the target echoes back carries no mark, but every decrypted value is registered
  CHECK(secrets::Redactor::global().mask(echoed(h, "web1").get_string("value")) == "********");
  CHECK(secrets::Redactor::global().mask("x play-secret-1 fact-secret-5 ARG-SECRET-4") == "x ******** ******** ********");
}

TEST_CASE("an inline !vault value without a vault password fails the task with the reason") {
  ExecHarness h;
  const std::string text = secrets::vault_encrypt("never-shown", {"default", k_password});
  std::string indented;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t nl = text.find('\n', start);
    indented += "      " + text.substr(start, nl - start) + "\n";
    start = nl + 1;
  }
  secrets::configure({});
  ExitCode rc = h.run("- hosts: web1\n  gather_facts: false\n  vars:\n    pw: !vault |\n" + indented +
                      "  tasks:\n    - ok: {value: '{{ pw }}'}\n");
  CHECK(rc == ExitCode::host_failed);
  CHECK(h.last_result("web1").result.get_string("msg").find("vault") != std::string::npos);
  CHECK(h.requests("web1").empty());
}

TEST_CASE("a fact set from a filtered secret, its registered result and loop items stay secret") {
  ExecHarness h;
  VaultPassword pw(h);
  ExitCode rc = h.run("- hosts: web1\n  gather_facts: false\n  vars:\n    pw: " + inline_vault("Loop-Secret-6", 6) +
                      "  tasks:\n"
                      "    - set_fact: {shout: '{{ pw | upper }}', head: '{{ pw[0:6] }}', b64: '{{ pw | b64encode }}'}\n"
                      "    - ok: {value: '{{ shout }} {{ head }} {{ b64 }}'}\n"
                      "      register: r\n"
                      "    - ok: {value: '{{ r.args.value | lower }}'}\n"
                      "    - ok: {value: '{{ item }}'}\n"
                      "      loop: '{{ [pw | reverse, pw | regex_replace(\"Secret\", \"S\")] }}'\n");
  CHECK(rc == ExitCode::ok);
  std::vector<output::HostResult> results = h.results();
  REQUIRE(results.size() >= 4);
  const Value& fact = results[0].result.get("ansible_facts");
  CHECK(fact.get("shout").is_secret());
  CHECK(fact.get("head").is_secret());
  CHECK(fact.get("b64").is_secret());
  const Value& items = results.back().result.get("results");
  REQUIRE(items.is_list());
  REQUIRE(items.as_list().size() == 2);
  for (const Value& item : items.as_list()) CHECK(item.get("item").is_secret());
  // what the target echoes back carries no marks; everything the callbacks print goes through
  // the redactor, which saw every tainted argument before the module ran
  secrets::Redactor& r = secrets::Redactor::global();
  for (const output::HostResult& result : results) {
    const std::string printed = dump_json(result.result);
    CAPTURE(printed);
    for (const char* form : {"oop-Secret", "OOP-SECRET", "oop-secret", "terceS-pooL", "Loop-S", "TG9vcC1TZWNyZXQtNg"})
      CHECK(r.mask(printed).find(form) == std::string::npos);
  }
}
