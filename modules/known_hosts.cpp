// known_hosts, as Ansible 2.14's: adds, replaces or removes a host's key in a known_hosts file.
// Lookups go through the target's `ssh-keygen -F` (hashed entries included) and removal of all
// of a host's keys through `ssh-keygen -R`, as Ansible's module does; the file is rewritten
// atomically. hash_host writes the host as |1|salt|HMAC-SHA1.
#include <array>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/diff.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/hash.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"
#include "modules/module_doc.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "name", .required = Required::yes, .aliases = {"host"}, .description = "The host name (or [host]:port) the key belongs to."},
    ArgSpec{.name = "key", .description = "The key line as in known_hosts (host name first); required when state=present."},
    ArgSpec{.name = "path", .type = ArgType::path, .default_value = "~/.ssh/known_hosts", .description = "The known_hosts file to edit."},
    ArgSpec{.name = "hash_host", .type = ArgType::boolean, .default_value = false, .description = "Write the host name hashed."},
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "present"}, .description = "Whether the host key must be in the file (present) or not (absent)."},
};


std::string unhex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return bytes;
}

// HMAC-SHA1 (RFC 2104) on the runner's own sha1.
std::string hmac_sha1(std::string key, const std::string& message) {
  if (key.size() > 64) key = unhex(hex_digest(HashAlgorithm::sha1, key));
  key.resize(64, '\0');
  std::string inner = key, outer = key;
  for (auto& c : inner) c = static_cast<char>(c ^ 0x36);
  for (auto& c : outer) c = static_cast<char>(c ^ 0x5c);
  return unhex(hex_digest(HashAlgorithm::sha1, outer + unhex(hex_digest(HashAlgorithm::sha1, inner + message))));
}

// Ansible's hash_host_key: the host field becomes |1|base64(salt)|base64(HMAC-SHA1(salt, host)).
std::string hash_host_key(const std::string& host, const std::string& key) {
  std::string salt(20, '\0');
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  urandom.read(salt.data(), static_cast<std::streamsize>(salt.size()));
  std::vector<std::string> parts = split_words(key);
  std::size_t i = !parts.empty() && parts[0].starts_with("@") ? 1 : 0;
  if (i < parts.size()) parts[i] = "|1|" + base64_encode(salt) + "|" + base64_encode(hmac_sha1(salt, host));
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : " ") + part;
  return out;
}

ProcessResult ssh_keygen(const std::vector<std::string>& args) {
  ProcessSpec spec;
  spec.argv = {"ssh-keygen"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  ProcessResult process = run_process(spec);
  if (process.start_failure == StartFailure::exec) {
    const char* path = std::getenv("PATH");
    throw ModuleFailure(std::string("Failed to find required executable \"ssh-keygen\" in paths: ") + (path ? path : ""));
  }
  return process;
}

struct NormalKey {
  std::string options, host, type, key;
  bool operator==(const NormalKey&) const = default;
};

NormalKey normalize(const std::string& line) {
  std::vector<std::string> k = split_words(line);
  NormalKey n;
  std::size_t i = 0;
  if (!k.empty() && k[0].starts_with("@")) n.options = k[i++];
  if (i < k.size()) n.host = k[i];
  if (i + 1 < k.size()) n.type = k[i + 1];
  if (i + 2 < k.size()) n.key = k[i + 2];
  return n;
}

// The given key must name `host` (also when it is hashed), as `ssh-keygen -F` sees it.
void sanity_check(const std::string& host, const std::string& key) {
  std::size_t comma = host.find(',');
  if (comma != std::string::npos && comma > 0 && host.find_first_not_of(" \t") < comma)
    throw ModuleFailure("Comma separated list of names is not supported. "
                        "Please pass a single name to lookup in the known_hosts file.");
  char name[] = "/tmp/drover-known-hosts.XXXXXX";
  int fd = ::mkstemp(name);
  if (fd < 0) throw ModuleFailure("Failed to write to temporary file");
  std::string path = name;
  ::close(fd);
  { std::ofstream(path, std::ios::binary) << key; }
  ProcessResult process = ssh_keygen({"-F", host, "-f", path});
  ::unlink(path.c_str());
  if (process.stdout_text.empty()) throw ModuleFailure("Host parameter does not match hashed host field in supplied key");
}

struct Search {
  bool found = false;
  bool replace_or_add = false;
  std::optional<int> line;
};

// Ansible's search_for_host_key.
Search search(const std::string& host, const std::string& key, const std::string& path) {
  if (!std::filesystem::exists(path)) return {};
  ProcessResult process = ssh_keygen({"-F", host, "-f", path});
  if (process.stdout_text.empty() && process.stderr_text.empty() && (process.rc == 0 || process.rc == 1)) return {};
  if (process.rc != 0)
    throw ModuleFailure("ssh-keygen failed (rc=" + std::to_string(process.rc) + ", stdout='" + process.stdout_text +
                        "',stderr='" + process.stderr_text + "')");
  if (key.empty()) return {true, false, std::nullopt};
  NormalKey wanted = normalize(key);
  std::optional<int> found_line;
  std::size_t start = 0;
  const std::string& out = process.stdout_text;
  while (start < out.size()) {
    std::size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    std::string line = out.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    if (line[0] == '#') {
      auto at = line.find("found: line ");
      if (at != std::string::npos) found_line = std::atoi(line.c_str() + at + 12);
      continue;
    }
    NormalKey present = normalize(line);
    if (wanted.host.starts_with("|1|") && present.host.starts_with("|1|")) wanted.host = present.host;
    if (wanted == present) return {true, false, found_line};
    if (wanted.type == present.type) return {true, true, found_line};
  }
  return {true, true, std::nullopt};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

// The file's new content: the found line dropped when it is replaced or removed, the key added.
std::string new_content(const std::string& before, const Search& found, bool present, const std::string& key) {
  std::vector<std::string> lines = lines_of(before);
  std::string after;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    bool drop = found.line && static_cast<std::size_t>(*found.line) == i + 1 && (found.replace_or_add || !present);
    if (!drop) after += lines[i];
  }
  if (present && (found.replace_or_add || !found.line)) after += key;
  return after;
}

}  // namespace

json run_known_hosts(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "known_hosts");
  std::string host = arg_string(args, "name");
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string key = arg_string(args, "key");
  std::string path = arg_string(args, "path");
  bool present = arg_string(args, "state") == "present";
  if (key.empty() && present) throw ModuleFailure("No key specified when adding a host");
  if (!key.empty() && arg_bool(args, "hash_host")) key = hash_host_key(host, key);
  if (!key.empty() && !key.ends_with("\n")) key += "\n";
  if (!key.empty()) sanity_check(host, key);
  Search found = search(host, key, path);

  std::optional<std::string> before = read_file(path);
  std::string before_text = before.value_or("");
  std::string after = new_content(before_text, found, present, key);
  // compute_diff's shape: the found line only counts when it is within the file
  json diff = {{"before_header", before ? path : "/dev/null"}, {"after_header", path}, {"before", before_text}, {"after", after}};
  json result = args;
  result["diff"] = diff;
  result["changed"] = false;
  if (!present && !found.line && !key.empty()) {
    add_path_info(result, path);  // as Ansible's exit_json: its `state` becomes the file's
    return result;
  }
  bool changes = found.replace_or_add || present != found.found;
  if (ctx.checking()) return {{"changed", changes}, {"diff", diff}};
  if (found.found && key.empty() && !present) {
    ProcessResult removed = ssh_keygen({"-R", host, "-f", path});
    if (removed.rc != 0) throw ModuleFailure(removed.stderr_text, {{"rc", removed.rc}, {"stdout", removed.stdout_text}});
    result["changed"] = true;
  }
  if (changes) {
    atomic_write(path, new_content(read_file(path).value_or(""), found, present, key));
    result["changed"] = true;
  }
  add_path_info(result, path);  // as Ansible's exit_json: its `state` becomes the file's
  return result;
}

namespace {
const ReturnDoc k_known_hosts_returns[] = {
    ReturnDoc{"diff", "dict", "with --diff", "The file before and after."},
};
}  // namespace

const ModuleDoc known_hosts_doc{
    .description = "Adds or removes a host's key in a known_hosts file (by default the user's ~/.ssh/known_hosts).",
    .options = k_spec,
    .returns = k_known_hosts_returns,
    .example = "- ansible.builtin.known_hosts:\n    name: git.example.com\n    key: \"git.example.com ssh-ed25519 AAAA...\"\n",
};

}  // namespace drover::modules
