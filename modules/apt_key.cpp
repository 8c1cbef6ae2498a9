// apt_key: adds or removes an OpenPGP key in apt's keyring (or in the keyring file given) with the
// target's apt-key and gpg, as Ansible's apt_key. Keys come from a file or inline data on the
// target; url and keyserver need the network, which the runner does not reach for: url is refused
// with the way round it, keyserver is apt-key's own business (it fails clearly without a network).
#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "id", .description = "The key's id (8, 16 or more hex digits, 0x allowed); read from the key when file or data is given."},
    ArgSpec{.name = "url", .description = "A URL to download the key from: refused by drover (download it with get_url, then use file)."},
    ArgSpec{.name = "data", .description = "The key itself (armored or binary)."},
    ArgSpec{.name = "file", .type = ArgType::path, .description = "A key file on the target."},
    ArgSpec{.name = "keyring", .type = ArgType::path, .description = "The keyring file to add to or remove from (default: apt's trusted.gpg)."},
    ArgSpec{.name = "validate_certs", .type = ArgType::boolean, .default_value = true, .description = "Accepted for Ansible compatibility (for url)."},
    ArgSpec{.name = "keyserver", .description = "A key server to fetch the key id from (apt-key adv --recv; needs the network)."},
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "present"}, .description = "present adds the key, absent removes it."},
};

const std::map<std::string, std::string>& lang_env() {
  static const std::map<std::string, std::string> k_env{{"LANG", "C"}, {"LC_ALL", "C"}, {"LC_MESSAGES", "C"}};
  return k_env;
}

struct Tools {
  std::string apt_key;
  std::string gpg;
};

std::string required_tool(const char* name) {
  std::string path = find_executable(name);
  if (path.empty())
    throw ModuleFailure(std::string("Failed to find required executable \"") + name + "\" in paths: " +
                        environment_variable("PATH").value_or("") + " (apt_key drives apt-key and gpg on the target)");
  return path;
}

// Ansible's parse_output_for_keys: the key ids of the pub/sub lines that are not expired.
std::vector<std::string> keys_in(const std::string& output, bool short_format) {
  std::vector<std::string> found;
  for (const auto& entry : split_lines(output)) {
    std::string line = entry.get<std::string>();
    if (!(line.starts_with("pub") || line.starts_with("sub")) || line.find("expired") != std::string::npos) continue;
    auto tokens = split_words(line);
    std::string code;
    if (tokens.size() > 1 && std::count(tokens[1].begin(), tokens[1].end(), '/') == 1) {
      code = tokens[1].substr(tokens[1].find('/') + 1);
    } else {
      std::vector<std::string> fields;
      size_t start = 0;
      while (true) {
        size_t colon = line.find(':', start);
        fields.push_back(line.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
      }
      if (fields.size() < 5) continue;
      code = fields[4];
    }
    found.push_back(short_format && code.size() > 8 ? code.substr(code.size() - 8) : code);
  }
  return found;
}

std::vector<std::string> all_keys(const Tools& tools, const json& args, bool short_format) {
  std::string line = tools.apt_key + (is_set(args, "keyring") ? " --keyring " + arg_string(args, "keyring") : "") +
                     " adv --list-public-keys --keyid-format=long";
  ProcessResult r = run_command_line(line, lang_env());
  if (r.rc != 0)
    throw ModuleFailure("Unable to list public keys", {{"cmd", line}, {"rc", r.rc}, {"stdout", r.stdout_text}, {"stderr", r.stderr_text}});
  return keys_in(r.stdout_text, short_format);
}

std::string key_id_of(const Tools& tools, const std::string& file, const std::optional<std::string>& data) {
  ProcessSpec spec{.argv = {tools.gpg, "--with-colons", file}, .stdin_data = data, .environment = lang_env()};
  ProcessResult r = run_process(spec);
  if (r.rc != 0)
    throw ModuleFailure("Unable to extract key from '" + (data ? std::string("inline data") : file) + "'",
                        {{"stdout", r.stdout_text}, {"stderr", r.stderr_text}});
  auto keys = keys_in(r.stdout_text, false);
  return keys.empty() ? "" : keys[0];
}

struct KeyId {
  std::string short_id, fingerprint, key_id;
};

// Ansible's parse_key_id; nothing when the id is not hexadecimal of a usable length.
std::optional<KeyId> parse_key_id(std::string id) {
  std::string upper;
  for (char c : id) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.starts_with("0X")) upper = upper.substr(2);
  if (upper.empty() || upper.find_first_not_of("0123456789ABCDEF") != std::string::npos) return std::nullopt;
  if (upper.size() != 8 && upper.size() != 16 && upper.size() <= 16) return std::nullopt;
  KeyId out;
  out.short_id = upper.substr(upper.size() - 8);
  out.fingerprint = upper.size() > 16 ? upper.substr(upper.size() - 16) : upper;
  out.key_id = upper;
  return out;
}

bool contains(const std::vector<std::string>& keys, const std::string& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

void add_key(const Tools& tools, const json& args) {
  std::string keyring = is_set(args, "keyring") ? " --keyring " + arg_string(args, "keyring") : "";
  if (is_set(args, "file")) {
    std::string line = tools.apt_key + keyring + " add " + arg_string(args, "file");
    ProcessResult r = run_command_line(line);
    if (r.rc != 0)
      throw ModuleFailure("Unable to add a key from file " + arg_string(args, "file"),
                          {{"cmd", line}, {"rc", r.rc}, {"keyfile", arg_string(args, "file")}, {"stdout", r.stdout_text}, {"stderr", r.stderr_text}});
  } else if (is_set(args, "keyserver")) {
    std::string line = tools.apt_key + keyring + " adv --no-tty --keyserver " + arg_string(args, "keyserver") +
                       " --recv " + parse_key_id(arg_string(args, "id"))->key_id;
    ProcessResult r;
    for (int attempt = 0; attempt < 5; ++attempt)
      if ((r = run_command_line(line, lang_env())).rc == 0) return;
    std::string id = parse_key_id(arg_string(args, "id"))->key_id;
    if (r.rc == 2 && r.stdout_text.find("not found on keyserver") != std::string::npos)
      throw ModuleFailure("Key " + id + " not found on keyserver " + arg_string(args, "keyserver"), {{"cmd", line}});
    throw ModuleFailure("Error fetching key " + id + " from keyserver: " + arg_string(args, "keyserver"),
                        {{"cmd", line}, {"rc", r.rc}, {"stdout", r.stdout_text}, {"stderr", r.stderr_text}});
  } else {
    std::string line = tools.apt_key + keyring + " add -";
    ProcessResult r = run_process({.argv = shlex_split(line), .stdin_data = arg_string(args, "data")});
    if (r.rc != 0)
      throw ModuleFailure("Unable to add a key from binary data", {{"cmd", line}, {"rc", r.rc}, {"stdout", r.stdout_text}, {"stderr", r.stderr_text}});
  }
}

}  // namespace

json run_apt_key(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "apt_key");
  check_mutually_exclusive(args, {"data", "file", "keyserver", "url"});
  if (is_set(args, "url"))
    throw ModuleFailure("apt_key url=" + arg_string(args, "url") +
                        ": drover's apt_key does not download keys. Download it with get_url (or get it with the lookup "
                        "on the control node) and pass file= or data=");
  Tools tools{required_tool("apt-key"), required_tool("gpg")};
  std::string id = arg_string(args, "id");
  if (id.empty()) {
    if (is_set(args, "keyserver")) throw ModuleFailure("Missing key_id, required with keyserver.");
    if (is_set(args, "file")) id = key_id_of(tools, arg_string(args, "file"), std::nullopt);
    else if (is_set(args, "data")) id = key_id_of(tools, "-", arg_string(args, "data"));
  }
  json result = {{"changed", false}, {"id", id.empty() ? json(nullptr) : json(id)}};
  auto parsed = parse_key_id(id);
  if (!parsed) throw ModuleFailure("Invalid key_id", result);
  result["short_id"] = parsed->short_id;
  result["fp"] = parsed->fingerprint;
  result["key_id"] = parsed->key_id;
  bool short_format = parsed->key_id.size() == 8;
  auto keys = all_keys(tools, args, short_format);
  result["before"] = keys;
  const std::string& wanted = short_format ? parsed->short_id : parsed->fingerprint;
  const char* error_no_error = "apt-key did not return an error, but %s (check that the id is correct and *not* a subkey)";
  auto no_error = [&](const std::string& what) {
    std::string msg = error_no_error;
    return msg.replace(msg.find("%s"), 2, what);
  };
  if (arg_string(args, "state") == "present") {
    if (!contains(keys, wanted)) {
      result["changed"] = true;
      if (!ctx.checking()) {
        if (!is_set(args, "file") && !is_set(args, "keyserver") && !is_set(args, "data"))
          throw ModuleFailure("No key to add ... how did i get here?!?!", result);
        add_key(tools, args);
        auto after = all_keys(tools, args, short_format);
        result["after"] = after;
        if (!contains(after, wanted)) throw ModuleFailure(no_error("failed to add the key"), result);
      }
    }
  } else if (contains(keys, parsed->fingerprint)) {
    result["changed"] = true;
    if (!ctx.checking()) {
      std::string keyring = is_set(args, "keyring") ? " --keyring " + arg_string(args, "keyring") : "";
      std::string line = tools.apt_key + keyring + " del " + parsed->short_id;
      ProcessResult r = run_command_line(line);
      if (r.rc != 0)
        throw ModuleFailure("Unable to remove a key with id " + parsed->short_id,
                            {{"cmd", line}, {"rc", r.rc}, {"key_id", parsed->short_id}, {"stdout", r.stdout_text}, {"stderr", r.stderr_text}});
      auto after = all_keys(tools, args, short_format);
      result["after"] = after;
      if (contains(after, parsed->fingerprint)) throw ModuleFailure(no_error("the key was not removed"), result);
    }
  }
  return result;
}

namespace {
const std::array<ReturnDoc, 6> k_returns{{
    ReturnDoc{"after", "list", "on change", "The key ids in the keyring afterwards."},
    ReturnDoc{"before", "list", "always", "The key ids in the keyring before."},
    ReturnDoc{"fp", "str", "always", "The key's fingerprint (its last 16 hex digits)."},
    ReturnDoc{"id", "str", "always", "The key id given or read from the key."},
    ReturnDoc{"key_id", "str", "always", "The key id, upper case, without 0x."},
    ReturnDoc{"short_id", "str", "always", "The key's last 8 hex digits."},
}};
}  // namespace

const ModuleDoc apt_key_doc{
    .description = "Adds or removes an OpenPGP key in apt's trusted keyring, or in the keyring file given, with the target's "
                   "apt-key and gpg, as Ansible's apt_key (apt-key is deprecated: prefer a key file in /etc/apt/keyrings "
                   "named by signed-by in the source line).",
    .options = k_spec,
    .returns = k_returns,
    .example = "- ansible.builtin.apt_key:\n    file: /tmp/example.asc\n    keyring: /etc/apt/trusted.gpg.d/example.gpg\n",
    .notes = "url is refused: the runner does not download keys (get_url the file first). keyserver works only where "
             "the target reaches the key server.",
};

}  // namespace drover::modules
