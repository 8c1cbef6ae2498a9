#include "core/secrets/secrets_options.hpp"

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/secrets/redactor.hpp"
#include "core/value/text.hpp"

namespace drover::secrets {
namespace {

std::mutex g_mutex;
std::vector<VaultSecret> g_vault_secrets;

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0;
}

std::string run_password_script(const std::string& path, const std::string& label) {
  // A "-client" script gets the vault id it is asked for, as ansible passes it.
  std::string command = "'" + path + "'";
  std::string stem = path.substr(path.rfind('/') + 1);
  if (stem.find("-client") != std::string::npos) command += " --vault-id '" + label + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw Fatal("cannot run the vault password script " + path);
  std::string out;
  char buf[256];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  int status = ::pclose(pipe);
  if (status != 0) throw Fatal("the vault password script " + path + " failed (exit status " + std::to_string(status) + ")");
  return out;
}

}  // namespace

std::pair<std::string, std::string> split_vault_id(const std::string& id) {
  auto at = id.find('@');
  if (at == std::string::npos) return {"default", id};
  return {id.substr(0, at), id.substr(at + 1)};
}

std::string read_vault_password_file(const std::string& path, const std::string& label) {
  std::string raw;
  if (is_executable_file(path)) {
    raw = run_password_script(path, label);
  } else {
    raw = read_file_or_fatal(path, "the vault password file");
  }
  std::string password(trim(raw));
  if (password.empty()) throw Fatal("the vault password file " + path + " is empty");
  return password;
}

std::string prompt_password(const std::string& prompt) {
  int fd = ::open("/dev/tty", O_RDWR);
  if (fd < 0) throw Fatal("cannot prompt for a vault password: no terminal (use --vault-password-file)");
  (void)!::write(fd, prompt.data(), prompt.size());
  termios old{};
  bool have_termios = ::tcgetattr(fd, &old) == 0;
  if (have_termios) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string line;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  if (have_termios) ::tcsetattr(fd, TCSAFLUSH, &old);
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  return line;
}

void configure(const SecretsOptions& options) {
  std::vector<VaultSecret> secrets;
  for (const auto& id : options.vault_ids) {
    auto [label, source] = split_vault_id(id);
    if (label.empty() || source.empty())
      throw Fatal("--vault-id `" + id + "` should be LABEL@FILE, LABEL@prompt or FILE", ExitCode::bad_options);
    if (source == "prompt")
      secrets.push_back({label, prompt_password("Vault password (" + label + "): ")});
    else
      secrets.push_back({label, read_vault_password_file(source, label)});
  }
  for (const auto& file : options.vault_password_files) secrets.push_back({"default", read_vault_password_file(file, "default")});
  if (options.ask_vault_password) secrets.push_back({"default", prompt_password("Vault password: ")});
  if (secrets.empty())
    if (const char* env = std::getenv("ANSIBLE_VAULT_PASSWORD_FILE"); env && *env)
      secrets.push_back({"default", read_vault_password_file(env, "default")});
  for (const auto& s : secrets) Redactor::global().add(s.password);  // masked if ever printed
  std::lock_guard lock(g_mutex);
  g_vault_secrets = std::move(secrets);
}

const std::vector<VaultSecret>& vault_secrets() {
  std::lock_guard lock(g_mutex);
  return g_vault_secrets;
}

Keyring age_keyring() { return load_keyring(); }

}  // namespace drover::secrets
