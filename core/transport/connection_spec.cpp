// spec_from_vars: a host's vars, the user's ssh config and the run's defaults → ConnectionSpec.
//
// Precedence follows what Ansible's ssh plugin produces on OpenSSH's command line, where the
// first value given for an option wins: host vars (ansible_port, ansible_user, key file) and
// -u/remote_user first, then the -o options of ansible_ssh_common_args, then of
// ansible_ssh_extra_args, then ~/.ssh/config, then OpenSSH's defaults.
//
// This is core's (not the ssh plugin's) because the executor resolves every host's spec before
// it picks a connection plugin. It reads ~/.ssh/config through libssh, so that Host patterns
// match the way the ssh connection will match them; that is why core links libssh.
#include <algorithm>
#include <cctype>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>

#include <libssh/libssh.h>

#include "core/transport/connection.hpp"
#include "core/value/boolean.hpp"

namespace drover::connection {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A var as a string: strings as they are, numbers and bools printed; absent/null → nullopt.
std::optional<std::string> var_string(const Value& vars, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const Value* v = vars.find(name);
    if (!v || v->is_null()) continue;
    if (v->is_string()) return v->as_string();
    if (v->is_int()) return std::to_string(v->as_int());
    if (v->is_bool()) return v->as_bool() ? "True" : "False";
    if (v->is_float()) return std::to_string(static_cast<long long>(v->as_float()));
  }
  return std::nullopt;
}

std::optional<int> parse_int(const std::string& s) {
  try {
    std::size_t used = 0;
    int n = std::stoi(s, &used);
    if (used == s.size()) return n;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// The words of an ssh command-line fragment (ansible_ssh_common_args and friends), split as a
// POSIX shell would (quotes and backslashes; no expansion).
std::vector<std::string> ssh_arg_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < text.size()) word += text[++i];
      else word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < text.size()) {
      word += text[++i];
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

// What the ssh args say, before merging: the first value of each option wins.
struct SshArgs {
  std::optional<std::string> user, known_hosts, proxy_jump;
  std::optional<int> port, timeout, alive_interval, alive_count;
  std::optional<bool> strict, identities_only;
  bool accept_new = false;  // StrictHostKeyChecking=accept-new (set with strict)
  std::vector<std::string> identity_files;
};

void apply_option(SshArgs& a, const std::string& key, const std::string& value,
                  std::vector<std::string>& warnings) {
  const std::string k = lower(key);
  auto warn_bad = [&] { warnings.push_back("ignoring ssh option " + key + "=" + value + ": bad value"); };
  if (k == "userknownhostsfile") {
    if (!a.known_hosts) a.known_hosts = ssh_arg_words(value).empty() ? value : ssh_arg_words(value)[0];
  } else if (k == "stricthostkeychecking") {
    std::string v = lower(value);
    // accept-new: checking stays on for known hosts (a changed key is refused); an unknown key
    // is recorded. ask: no one is there to ask, so it is yes.
    const bool accept_new = v == "accept-new";
    if (accept_new || v == "ask") v = "yes";
    auto b = parse_boolean(v);
    if (!b) {
      warn_bad();
    } else if (!a.strict) {
      a.strict = b;
      a.accept_new = accept_new;
    }
  } else if (k == "identityfile") {
    a.identity_files.push_back(value);
  } else if (k == "identitiesonly") {
    auto b = parse_boolean(value);
    if (!b) warn_bad();
    else if (!a.identities_only) a.identities_only = b;
  } else if (k == "proxyjump") {
    if (!a.proxy_jump) a.proxy_jump = lower(value) == "none" ? "" : value;
  } else if (k == "connecttimeout" || k == "port") {
    auto n = parse_int(value);
    if (!n || *n <= 0) warn_bad();
    else if (k == "port" && !a.port) a.port = n;
    else if (k == "connecttimeout" && !a.timeout) a.timeout = n;
  } else if (k == "serveraliveinterval" || k == "serveralivecountmax") {
    auto n = parse_int(value);
    if (!n || *n < 0) warn_bad();
    else if (k == "serveraliveinterval" && !a.alive_interval) a.alive_interval = n;
    else if (k == "serveralivecountmax" && !a.alive_count) a.alive_count = n;
  } else if (k == "user") {
    if (!a.user) a.user = value;
  } else {
    warnings.push_back("ignoring ssh option " + key + "=" + value +
                       ": not supported by drover's ssh connection (libssh)");
  }
}

// "-o Key=Value", "-oKey=Value", "-o 'Key Value'", and -J/-p/-i/-l with their argument.
void parse_ssh_args(const std::string& text, SshArgs& a, std::vector<std::string>& warnings) {
  const std::vector<std::string> words = ssh_arg_words(text);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() < 2 || w[0] != '-') {
      warnings.push_back("ignoring ssh argument '" + w + "': drover's ssh connection takes only -o, -J, -p, -i, -l");
      continue;
    }
    const char flag = w[1];
    std::string arg = w.substr(2);
    if (std::string("oJpil").find(flag) == std::string::npos) {
      warnings.push_back("ignoring ssh argument '" + w + "': not supported by drover's ssh connection (libssh)");
      continue;
    }
    if (arg.empty()) {
      if (i + 1 >= words.size()) {
        warnings.push_back("ignoring ssh argument '" + w + "': its value is missing");
        continue;
      }
      arg = words[++i];
    }
    switch (flag) {
      case 'o': {
        const std::size_t sep = arg.find_first_of("= \t");
        const std::size_t start = sep == std::string::npos ? arg.size() : arg.find_first_not_of("= \t", sep);
        apply_option(a, arg.substr(0, sep), start == std::string::npos ? "" : arg.substr(start), warnings);
        break;
      }
      case 'J': apply_option(a, "ProxyJump", arg, warnings); break;
      case 'p': apply_option(a, "Port", arg, warnings); break;
      case 'i': apply_option(a, "IdentityFile", arg, warnings); break;
      case 'l': apply_option(a, "User", arg, warnings); break;
    }
  }
}

bool is_localhost_name(const std::string& name) {
  return name == "localhost" || name == "127.0.0.1" || name == "::1";
}

std::string connection_name(const std::string& raw) {
  std::string c = lower(raw);
  if (c.rfind("ansible.builtin.", 0) == 0) c = c.substr(16);
  if (c == "smart" || c == "paramiko" || c == "paramiko_ssh" || c == "openssh") return "ssh";
  return c;
}

// Port and User from the user's ssh config for `address`, read by libssh itself so that Host
// patterns match the way the connection will match them later.
void read_ssh_config(ConnectionSpec& spec, bool need_port, bool need_user) {
  if (!need_port && !need_user) return;
  if (spec.ssh_config_file == "none") return;
  static std::once_flag once;
  std::call_once(once, [] { ssh_init(); });  // ssh_init is reference-counted: safe beside the connection's
  ssh_session s = ssh_new();
  if (!s) return;
  ssh_options_set(s, SSH_OPTIONS_HOST, spec.address.c_str());
  if (ssh_options_parse_config(s, spec.ssh_config_file.empty() ? nullptr : spec.ssh_config_file.c_str()) == 0) {
    unsigned int port = 0;
    if (need_port && ssh_options_get_port(s, &port) == SSH_OK && port > 0) spec.port = static_cast<int>(port);
    char* user = nullptr;
    if (need_user && ssh_options_get(s, SSH_OPTIONS_USER, &user) == SSH_OK && user) {
      spec.user = user;
      ssh_string_free_char(user);
    }
  }
  ssh_free(s);
}

}  // namespace

ConnectionSpec spec_from_vars(const std::string& host, const Value& vars, const ConnectionDefaults& defaults,
                              bool implicit_localhost) {
  ConnectionSpec spec;
  spec.inventory_name = host;
  spec.ssh_config_file = defaults.ssh_config_file;
  spec.address = var_string(vars, {"ansible_host", "ansible_ssh_host"}).value_or(host);

  auto conn = var_string(vars, {"ansible_connection"});
  if (conn) spec.connection = connection_name(*conn);
  else if (!defaults.connection.empty()) spec.connection = connection_name(defaults.connection);
  else if (implicit_localhost && is_localhost_name(host)) spec.connection = "local";
  else spec.connection = "ssh";

  SshArgs args;
  parse_ssh_args(var_string(vars, {"ansible_ssh_common_args"}).value_or(defaults.ssh_common_args), args, spec.warnings);
  parse_ssh_args(var_string(vars, {"ansible_ssh_extra_args"}).value_or(defaults.ssh_extra_args), args, spec.warnings);

  std::optional<int> port;
  if (auto p = var_string(vars, {"ansible_port", "ansible_ssh_port"})) {
    port = parse_int(*p);
    if (!port || *port <= 0) spec.warnings.push_back("ignoring ansible_port=" + *p + ": not a port number");
  }
  if (!port) port = args.port;
  if (port) spec.port = *port;

  std::optional<std::string> user = var_string(vars, {"ansible_user", "ansible_ssh_user"});
  if (!user && !defaults.remote_user.empty()) user = defaults.remote_user;
  if (!user) user = args.user;
  if (user) spec.user = *user;

  if (auto key = var_string(vars, {"ansible_ssh_private_key_file", "ansible_private_key_file"}))
    spec.identity_files.push_back(*key);
  else if (!defaults.private_key_file.empty())
    spec.identity_files.push_back(defaults.private_key_file);
  for (const auto& f : args.identity_files) spec.identity_files.push_back(f);
  spec.identities_only = args.identities_only.value_or(false);

  bool checking = defaults.host_key_checking;
  if (auto v = var_string(vars, {"ansible_host_key_checking", "ansible_ssh_host_key_checking"}))
    checking = parse_boolean(*v).value_or(checking);
  // Ansible adds StrictHostKeyChecking=no ahead of the user's args when checking is off.
  spec.host_key_checking = checking ? args.strict.value_or(true) : false;
  spec.accept_new_host_keys = spec.host_key_checking && args.accept_new;
  spec.known_hosts_file = args.known_hosts.value_or("");

  spec.timeout_s = defaults.timeout_s;
  if (auto t = var_string(vars, {"ansible_timeout", "ansible_ssh_timeout"}))
    spec.timeout_s = parse_int(*t).value_or(spec.timeout_s);
  else if (args.timeout)
    spec.timeout_s = *args.timeout;

  spec.server_alive_interval_s = args.alive_interval.value_or(spec.server_alive_interval_s);
  spec.server_alive_count_max = args.alive_count.value_or(spec.server_alive_count_max);
  spec.proxy_jump = args.proxy_jump.value_or("");
  spec.password = var_string(vars, {"ansible_ssh_pass", "ansible_password", "ansible_ssh_password"}).value_or("");
  if (spec.connection == "ssh") read_ssh_config(spec, !port, !user);
  return spec;
}

std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += "'";
  return out;
}

}  // namespace drover::connection
