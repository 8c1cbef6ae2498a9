#include "core/secrets/keyring.hpp"

#include <cstdlib>
#include <filesystem>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/secrets/redactor.hpp"

namespace drover::secrets {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

void add_text(Keyring& ring, const std::string& text, const std::string& source) {
  try {
    for (auto& id : parse_identity_file(text)) ring.identities.x25519.push_back(std::move(id));
  } catch (const AgeError& e) {
    throw Fatal(source + ": " + e.what());
  }
  ring.sources.push_back(source);
}

}  // namespace

const std::vector<std::string>& secret_environment_variables() {
  static const std::vector<std::string> names{"DROVER_AGE_KEY", "SOPS_AGE_KEY"};
  return names;
}

std::vector<X25519Identity> read_identity_file(const std::string& path) {
  std::string text = read_file_or_fatal(path, "the age key file");
  try {
    return parse_identity_file(text);
  } catch (const AgeError& e) {
    throw Fatal(path + ": " + e.what());
  }
}

Keyring load_keyring() {
  Keyring ring;
  for (const auto& var : secret_environment_variables())
    if (auto text = env(var.c_str()); !text.empty()) add_text(ring, text, "$" + var);
  for (const char* var : {"DROVER_AGE_KEY_FILE", "SOPS_AGE_KEY_FILE"}) {
    auto path = env(var);
    if (path.empty()) continue;
    for (auto& id : read_identity_file(path)) ring.identities.x25519.push_back(std::move(id));
    ring.sources.push_back(path + " ($" + var + ")");
  }
  std::filesystem::path default_file;
  if (auto xdg = env("XDG_CONFIG_HOME"); !xdg.empty())
    default_file = std::filesystem::path(xdg) / "sops" / "age" / "keys.txt";
  else if (auto home = env("HOME"); !home.empty())
    default_file = std::filesystem::path(home) / ".config" / "sops" / "age" / "keys.txt";
  std::error_code ec;
  if (!default_file.empty() && std::filesystem::is_regular_file(default_file, ec)) {
    for (auto& id : read_identity_file(default_file.string())) ring.identities.x25519.push_back(std::move(id));
    ring.sources.push_back(default_file.string());
  }
  for (const auto& id : ring.identities.x25519) Redactor::global().add(id.str());  // masked if ever printed
  return ring;
}

}  // namespace drover::secrets
