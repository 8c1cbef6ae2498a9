// authorized_key, as ansible.posix's (the version Debian's ansible ships): adds or removes SSH
// public keys in a user's authorized_keys, keeping every other line and the file's order; new
// keys go after the existing ones, `exclusive` leaves only the given keys. Lines are written back
// as the module writes them: "[options ]type key comment".
#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/http.hpp"
#include "modules/util/users.hpp"
#include "modules/module_doc.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "user", .required = Required::yes, .description = "The user whose authorized_keys file is managed."},
    ArgSpec{.name = "key", .required = Required::yes, .description = "The SSH public key(s), one per line, or an http(s) URL to fetch them from."},
    ArgSpec{.name = "path", .type = ArgType::path, .description = "Another authorized_keys file than ~user/.ssh/authorized_keys."},
    ArgSpec{.name = "manage_dir", .type = ArgType::boolean, .default_value = true, .description = "Create the .ssh directory (mode 0700) and set the owner and mode of the keys file."},
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "present"}, .description = "Whether the key must be in the file (present) or not (absent)."},
    ArgSpec{.name = "key_options", .description = "Options (comma-separated, as sshd reads them) put before the key."},
    ArgSpec{.name = "exclusive", .type = ArgType::boolean, .default_value = false, .description = "Remove every other key from the file."},
    ArgSpec{.name = "comment", .description = "A comment to put after the key instead of its own."},
    ArgSpec{.name = "validate_certs", .type = ArgType::boolean, .default_value = true, .description = "Check the server certificate when key is an https URL."},
    ArgSpec{.name = "follow", .type = ArgType::boolean, .default_value = false, .description = "Follow a symbolic link at the keys file path."},
};

constexpr std::array<std::string_view, 8> k_key_types = {
    "sk-ecdsa-sha2-nistp256@openssh.com", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",         "ssh-ed25519",         "ssh-dss",             "ssh-rsa",
};

using Options = std::vector<std::pair<std::string, std::optional<std::string>>>;

// One line of the file: a key (type, options, comment) or a line kept as it is (`skipped`).
struct KeyLine {
  std::string id;  // the base64 key, or the whole line for a kept line
  std::string type;
  Options options;
  std::string comment;
  bool skipped = false;
  std::size_t rank = 0;

  bool same_key(const KeyLine& other) const {
    auto sorted = [](Options o) {
      std::sort(o.begin(), o.end());
      return o;
    };
    return id == other.id && type == other.type && comment == other.comment && sorted(options) == sorted(other.options);
  }
};

std::vector<std::string> split_whitespace(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      if (!word.empty()) words.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(word);
  return words;
}

std::string join(const std::vector<std::string>& words, std::size_t from, std::size_t to) {
  std::string text;
  for (std::size_t i = from; i < to && i < words.size(); ++i) text += (i > from ? " " : "") + words[i];
  return text;
}

// "a,b=\"x,y\",c" -> a, b="x,y", c: commas inside quotes do not split.
Options parse_options(const std::string& text) {
  Options options;
  std::string part;
  char quote = 0;
  auto flush = [&] {
    if (part.empty()) return;
    auto equals = part.find('=');
    if (equals == std::string::npos) options.emplace_back(part, std::nullopt);
    else options.emplace_back(part.substr(0, equals), part.substr(equals + 1));
    part.clear();
  };
  for (char c : text) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ',') {
      flush();
      continue;
    }
    part += c;
  }
  flush();
  return options;
}

// Parses a key line; nothing when it holds no known key type (or no key after it).
std::optional<KeyLine> parse_key(std::string raw, std::size_t rank) {
  for (std::size_t at = raw.find("\\#"); at != std::string::npos; at = raw.find("\\#", at)) raw.replace(at, 2, "#");
  std::vector<std::string> parts = split_whitespace(raw);
  if (!parts.empty() && parts[0] == "#") return KeyLine{raw, "", {}, "", true, rank};
  auto type = std::find_if(parts.begin(), parts.end(), [](const std::string& word) {
    return std::find(k_key_types.begin(), k_key_types.end(), word) != k_key_types.end();
  });
  if (type == parts.end() || type + 1 == parts.end()) return std::nullopt;
  std::size_t index = static_cast<std::size_t>(type - parts.begin());
  KeyLine key;
  key.type = *type;
  key.id = parts[index + 1];
  if (index > 0) key.options = parse_options(join(parts, 0, index));
  key.comment = join(parts, index + 2, parts.size());
  key.rank = rank;
  return key;
}

// The file's lines by id (later duplicates replace earlier ones, as the module's dict does).
std::map<std::string, KeyLine> parse_file(const std::string& content) {
  std::map<std::string, KeyLine> keys;
  std::size_t rank = 0, start = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    end = end == std::string::npos ? content.size() : end + 1;
    std::string line = content.substr(start, end - start);
    auto key = parse_key(line, rank);
    if (!key) key = KeyLine{line, "", {}, "", true, rank};
    keys[key->id] = *key;
    start = end;
    ++rank;
  }
  return keys;
}

std::string serialize(const std::map<std::string, KeyLine>& keys) {
  std::vector<const KeyLine*> ordered;
  for (const auto& [id, key] : keys) ordered.push_back(&key);
  std::stable_sort(ordered.begin(), ordered.end(), [](const KeyLine* a, const KeyLine* b) { return a->rank < b->rank; });
  std::string out;
  for (const KeyLine* key : ordered) {
    if (key->skipped) {
      out += key->id;
      continue;
    }
    std::string options;
    for (const auto& [name, value] : key->options) options += (options.empty() ? "" : ",") + name + (value ? "=" + *value : "");
    out += (options.empty() ? "" : options + " ") + key->type + " " + key->id + " " + key->comment + "\n";
  }
  return out;
}

std::string real_path(const std::string& path) {
  char resolved[PATH_MAX];
  return ::realpath(path.c_str(), resolved) ? std::string(resolved) : path;
}

// Ansible's keyfile(): the authorized_keys path; with `write`, the .ssh directory (manage_dir) and
// the file are made and given to the user (0700, 0600).
std::string key_file(const json& args, bool write, const ModuleContext& ctx) {
  std::string user = arg_string(args, "user");
  bool follow = arg_bool(args, "follow");
  if (ctx.checking() && is_set(args, "path")) return follow ? real_path(arg_string(args, "path")) : arg_string(args, "path");
  auto entry = find_user(user);
  if (!entry) {
    if (ctx.checking()) throw ModuleFailure("Either user must exist or you must provide full path to key file in check mode");
    throw ModuleFailure("Failed to lookup user " + user + ": \"getpwnam(): name not found: '" + user + "'\"");
  }
  std::string keys = is_set(args, "path") ? arg_string(args, "path") : entry->home + "/.ssh/authorized_keys";
  std::string ssh_dir = std::filesystem::path(keys).parent_path().string();
  if (follow) keys = real_path(keys);
  if (!write || ctx.checking()) return keys;
  if (arg_bool(args, "manage_dir")) {
    if (!std::filesystem::exists(ssh_dir) && ::mkdir(ssh_dir.c_str(), 0700) != 0)
      throw ModuleFailure("Failed to create directory " + ssh_dir + " : " + std::strerror(errno));
    if (::chown(ssh_dir.c_str(), entry->uid, entry->gid) != 0 || ::chmod(ssh_dir.c_str(), 0700) != 0)
      throw ModuleFailure("Failed to set the owner and mode of " + ssh_dir + ": " + std::strerror(errno));
  }
  if (!std::filesystem::exists(keys)) {
    std::error_code error;
    std::filesystem::create_directories(std::filesystem::path(keys).parent_path(), error);
    atomic_write(keys, "");
  }
  if (::chown(keys.c_str(), entry->uid, entry->gid) == 0) ::chmod(keys.c_str(), 0600);
  return keys;
}

// The keys of `key`: one per line, blank lines and comments left out.
std::vector<std::string> given_keys(const std::string& text) {
  std::vector<std::string> keys;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of("\r\n", start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && !line.starts_with("#")) keys.push_back(line);
    start = end + 1;
  }
  return keys;
}

// The keys at an http(s) URL, as ansible.posix fetches them (fetch_url: any status but 200, or no
// answer, is "Error getting key from: URL").
std::string fetch_keys(const std::string& url, const json& args) {
  std::string error = "Error getting key from: " + url;
  if (!parse_url(url)) throw ModuleFailure(error);
  HttpRequest request;
  request.url = url;
  request.validate_certs = arg_bool(args, "validate_certs");
  request.redirects = Redirects::urllib2;
  HttpResponse response = fetch_url(request);
  if (response.status != 200) throw ModuleFailure(error);
  return response.body;
}

}  // namespace

json run_authorized_key(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "authorized_key");
  std::string key_text = arg_string(args, "key");
  if (key_text.starts_with("http")) key_text = fetch_keys(key_text, args);
  bool present = arg_string(args, "state") == "present";
  std::string file = key_file(args, false, ctx);
  std::string existing_content = std::filesystem::is_regular_file(file) ? read_file(file).value_or("") : "";
  std::map<std::string, KeyLine> existing = parse_file(existing_content);
  std::size_t max_rank = existing.size();
  std::vector<std::string> wanted;
  bool write = false;
  std::vector<std::string> keys = given_keys(key_text);
  for (std::size_t rank = 0; rank < keys.size(); ++rank) {
    auto key = parse_key(keys[rank], rank);
    if (!key || key->skipped) throw ModuleFailure("invalid key specified: " + keys[rank]);
    if (is_set(args, "key_options")) key->options = parse_options(arg_string(args, "key_options"));
    if (is_set(args, "comment")) key->comment = arg_string(args, "comment");
    auto found = existing.find(key->id);
    bool matched = found != existing.end() && (!present || found->second.same_key(*key));
    if (present) {
      wanted.push_back(key->id);
      if (found != existing.end() && !matched) {
        existing.erase(found);
        write = true;
      }
      if (!matched) {
        key->rank = max_rank + rank;
        existing[key->id] = *key;
        write = true;
      }
    } else if (matched) {
      existing.erase(found);
      write = true;
    }
  }
  if (present && arg_bool(args, "exclusive")) {
    for (auto it = existing.begin(); it != existing.end();) {
      if (std::find(wanted.begin(), wanted.end(), it->first) == wanted.end()) {
        it = existing.erase(it);
        write = true;
      } else {
        ++it;
      }
    }
  }
  json result = args;
  result["keyfile"] = file;
  result["changed"] = false;
  if (!write) return ctx.checking() ? json{{"changed", false}} : result;
  std::string target = key_file(args, true, ctx);
  std::string content = serialize(existing);
  json diff = nullptr;
  if (ctx.diffing())
    diff = {{"before_header", file}, {"after_header", target}, {"before", existing_content}, {"after", content}};
  if (ctx.checking()) return {{"changed", true}, {"diff", diff}};
  atomic_write(target, content);
  if (!diff.is_null()) result["diff"] = diff;
  result["changed"] = true;
  return result;
}

namespace {
const ReturnDoc k_authorized_key_returns[] = {
    ReturnDoc{"keyfile", "str", "success", "The authorized_keys file edited."},
    ReturnDoc{"key", "str", "success", "The key given."},
    ReturnDoc{"user", "str", "success", "The user given."},
};
}  // namespace

const ModuleDoc authorized_key_doc{
    .description = "Adds or removes SSH public keys in a user's authorized_keys file.\nThe key may name a URL to fetch the keys from; exclusive=true leaves only the given keys.",
    .options = k_spec,
    .returns = k_authorized_key_returns,
    .example = "- ansible.posix.authorized_key:\n    user: deploy\n    key: \"{{ lookup('file', 'files/deploy.pub') }}\"\n    state: present\n",
};

}  // namespace drover::modules
