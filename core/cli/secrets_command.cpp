#include "core/cli/secrets_command.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <sys/stat.h>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/secrets/atomic_file.hpp"
#include "core/secrets/crypto.hpp"
#include "core/secrets/edit_session.hpp"
#include "core/secrets/secret_file.hpp"
#include "core/secrets/secrets_options.hpp"

namespace drover::cli {
namespace {

using namespace drover::secrets;

struct Args {
  std::string file;
  std::string output;
  bool in_place = false;
  std::vector<std::string> age;
  bool vault = false;
  std::string encrypted_regex, unencrypted_regex, encrypted_suffix, unencrypted_suffix;
  bool mac_only_encrypted = false;
  SecretsOptions secrets;
};

// Where a command's result goes: the file itself (-i), --output, or stdout.
void deliver(const Args& a, const std::string& content) {
  if (a.in_place)
    write_file_atomically(a.file, content);
  else if (!a.output.empty())
    write_file_atomically(a.output, content);
  else
    std::cout << content << std::flush;
}

std::optional<SopsRules> rules_from_flags(const Args& a) {
  int given = !a.encrypted_regex.empty() + !a.unencrypted_regex.empty() + !a.encrypted_suffix.empty() +
              !a.unencrypted_suffix.empty();
  if (given > 1)
    throw Fatal("use only one of --encrypted-regex, --unencrypted-regex, --encrypted-suffix, --unencrypted-suffix",
                ExitCode::bad_options);
  if (given == 0 && !a.mac_only_encrypted) return std::nullopt;
  SopsRules r;
  r.encrypted_regex = a.encrypted_regex;
  r.unencrypted_regex = a.unencrypted_regex;
  r.encrypted_suffix = a.encrypted_suffix;
  r.unencrypted_suffix = a.unencrypted_suffix;
  r.mac_only_encrypted = a.mac_only_encrypted;
  return r;
}

std::string local_rfc3339_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
  std::string s = buf;
  return s.substr(0, s.size() - 2) + ":" + s.substr(s.size() - 2);  // +0100 → +01:00
}

int keygen(const Args& a) {
  auto id = X25519Identity::generate();
  std::string pub = id.recipient().str();
  std::string text = "# created: " + local_rfc3339_now() + "\n# public key: " + pub + "\n" + id.str() + "\n";
  if (a.output.empty()) {
    std::cout << text << std::flush;
    return 0;
  }
  struct stat st {};
  if (::stat(a.output.c_str(), &st) == 0)
    throw Fatal(a.output + " already exists; drover will not overwrite a key file");
  write_file_atomically(a.output, text, 0600);
  std::cerr << "Public key: " << pub << "\n";
  return 0;
}

int encrypt(const Args& a) {
  std::string plain = read_file_or_fatal(a.file);
  if (is_vault_text(plain)) throw Fatal(a.file + ": is already vault-encrypted");
  if (a.vault) {
    std::string label;
    if (!a.secrets.vault_ids.empty()) label = split_vault_id(a.secrets.vault_ids.front()).first;
    deliver(a, vault_encrypt(plain, vault_secret_for(label, a.file)));
    return 0;
  }
  EncryptSettings settings{a.age, rules_from_flags(a)};
  deliver(a, sops_encrypt_text(a.file, plain, new_sops_metadata(a.file, settings)));
  return 0;
}

int decrypt(const Args& a) {
  SecretFile f = open_secret_file(a.file, read_file_or_fatal(a.file));
  deliver(a, plaintext_of(f));
  return 0;
}

int view(const Args& a) {
  SecretFile f = open_secret_file(a.file, read_file_or_fatal(a.file));
  std::cout << plaintext_of(f) << std::flush;
  return 0;
}

int edit(const Args& a) {
  struct stat st {};
  bool exists = ::stat(a.file.c_str(), &st) == 0;
  std::optional<SecretFile> f;
  std::string before;
  if (exists) {
    f = open_secret_file(a.file, read_file_or_fatal(a.file));
    before = plaintext_of(*f);
  }
  EditSession session(a.file, before);
  session.run_editor();
  std::string after = session.read();
  if (exists && after == before) {
    std::cerr << "File has not changed, exiting.\n";
    return 0;
  }
  std::string sealed;
  if (exists)
    sealed = reseal(*f, after);
  else if (a.vault)
    sealed = vault_encrypt(after, vault_secret_for("", a.file));
  else
    sealed = sops_encrypt_text(a.file, after, new_sops_metadata(a.file, EncryptSettings{a.age, rules_from_flags(a)}));
  write_file_atomically(a.file, sealed);
  return 0;
}

int rotate(const Args& a) {
  SecretFile f = open_secret_file(a.file, read_file_or_fatal(a.file));
  if (f.kind == SecretFileKind::vault) {
    deliver(a, vault_encrypt(f.vault_plain, f.vault_secret));  // a fresh salt is a fresh key
    return 0;
  }
  SopsMetadata meta = f.meta;
  for (const auto& r : a.age)
    if (std::none_of(meta.age.begin(), meta.age.end(), [&](const SopsAgeEntry& e) { return e.recipient == r; }))
      meta.age.push_back({r, ""});
  if (!meta.other_keys.empty())
    std::cerr << "warning: " << a.file << " also has PGP/KMS keys; drover cannot re-wrap for them, so they are dropped\n";
  meta.other_keys.clear();
  meta.pgp_fingerprints.clear();
  std::string key = random_bytes(32);
  sops_wrap_data_key(meta, key);
  deliver(a, emit_sops_document(sops_encrypt(f.plain, meta, key), f.format));
  return 0;
}

int updatekeys(const Args& a) {
  SecretFile f = open_secret_file(a.file, read_file_or_fatal(a.file));
  if (f.kind == SecretFileKind::vault) throw Fatal(a.file + ": updatekeys applies to sops files only");
  std::error_code ec;
  auto config = find_sops_config(std::filesystem::current_path(ec).string());
  if (!config) throw Fatal("no .sops.yaml found from the current directory upwards");
  const CreationRule* rule = match_creation_rule(*config, a.file);
  if (!rule) throw Fatal(config->path + ": no creation rule matches " + a.file);
  if (rule->age.empty()) throw Fatal(config->path + ": the rule for " + a.file + " lists no age recipients");
  SopsMetadata meta = f.meta;
  std::vector<std::string> old;
  for (const auto& e : meta.age) old.push_back(e.recipient);
  meta.age.clear();
  for (const auto& r : rule->age) {
    meta.age.push_back({r, ""});
    if (std::find(old.begin(), old.end(), r) == old.end()) std::cerr << "+++ " << r << "\n";
  }
  for (const auto& r : old)
    if (std::find(rule->age.begin(), rule->age.end(), r) == rule->age.end()) std::cerr << "--- " << r << "\n";
  sops_wrap_data_key(meta, f.data_key);
  // Same data key and values: only the sops block changes, the MAC stays valid.
  std::string text = read_file_or_fatal(a.file);
  Value enc = parse_sops_document(text, f.format, a.file);
  enc.mutable_map().set("sops", sops_metadata_value(meta));
  write_file_atomically(a.file, emit_sops_document(enc, f.format));
  std::cerr << "updated the keys of " << a.file << "\n";
  return 0;
}

void add_vault_options(CLI::App* cmd, Args& a) {
  cmd->add_option("--vault-password-file", a.secrets.vault_password_files, "vault password file")->allow_extra_args(false);
  cmd->add_option("--vault-id", a.secrets.vault_ids, "vault identity, LABEL@FILE or LABEL@prompt")->allow_extra_args(false);
  cmd->add_flag("-J,--ask-vault-password,--ask-vault-pass", a.secrets.ask_vault_password, "prompt for the vault password");
}

void add_output_options(CLI::App* cmd, Args& a) {
  cmd->add_flag("-i,--in-place", a.in_place, "write the result back to the file (atomically)");
  cmd->add_option("--output", a.output, "write the result to this file instead of stdout");
}

void add_rule_options(CLI::App* cmd, Args& a) {
  cmd->add_option("--age", a.age, "age recipients (comma-separated or repeated)")->delimiter(',');
  cmd->add_option("--encrypted-regex", a.encrypted_regex, "encrypt only values under keys matching this regex");
  cmd->add_option("--unencrypted-regex", a.unencrypted_regex, "leave values under keys matching this regex in clear");
  cmd->add_option("--encrypted-suffix", a.encrypted_suffix, "encrypt only values under keys with this suffix");
  cmd->add_option("--unencrypted-suffix", a.unencrypted_suffix, "leave values under keys with this suffix in clear");
  cmd->add_flag("--mac-only-encrypted", a.mac_only_encrypted, "compute the MAC over encrypted values only");
}

using Handler = int (*)(const Args&);
struct Command {
  const char* name;
  const char* help;
  Handler run;
  bool takes_file;
  bool output;
  bool rules;
};

// One row per subcommand.
constexpr Command k_commands[] = {
    {"decrypt", "decrypt a sops or vault file (stdout unless -i/--output)", decrypt, true, true, false},
    {"edit", "edit an encrypted file in $EDITOR (private tmpfs folder), then re-encrypt in place", edit, true, false, true},
    {"encrypt", "encrypt a YAML/JSON file with sops+age, or with --vault as Ansible Vault", encrypt, true, true, true},
    {"keygen", "write a new age identity in age-keygen's format (-o FILE, else stdout)", keygen, false, false, false},
    {"rotate", "re-encrypt a file under a new data key (stdout unless -i/--output)", rotate, true, true, true},
    {"updatekeys", "re-wrap a sops file's data key for the age recipients now in .sops.yaml", updatekeys, true, false, false},
    {"view", "print the decrypted content of a sops or vault file", view, true, false, false},
};

}  // namespace

int run_secrets_command(const std::vector<std::string>& args) {
  CLI::App app{"Encrypted vars: sops files with age keys, and Ansible Vault", "drover secrets"};
  app.require_subcommand(1);
  Args a;
  std::vector<std::pair<CLI::App*, Handler>> subs;
  for (const auto& c : k_commands) {
    CLI::App* cmd = app.add_subcommand(c.name, c.help);
    if (c.takes_file) cmd->add_option("file", a.file, "the file")->required();
    if (c.output) add_output_options(cmd, a);
    if (c.rules) add_rule_options(cmd, a);
    if (std::string(c.name) == "keygen") cmd->add_option("-o,--output", a.output, "write the key to this file (0600)");
    if (std::string(c.name) == "encrypt" || std::string(c.name) == "edit")
      cmd->add_flag("--vault", a.vault, "use Ansible Vault instead of sops");
    add_vault_options(cmd, a);
    subs.emplace_back(cmd, c.run);
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return static_cast<int>(ExitCode::bad_options);
  }
  try {
    if (a.in_place && !a.output.empty()) throw Fatal("use either -i/--in-place or --output, not both", ExitCode::bad_options);
    configure(a.secrets);
    for (const auto& [cmd, run] : subs)
      if (cmd->parsed()) return run(a);
  } catch (const Fatal& e) {
    std::cerr << "ERROR! " << e.what() << "\n";
    return static_cast<int>(e.code());
  }
  return static_cast<int>(ExitCode::bad_options);
}

}  // namespace drover::cli
