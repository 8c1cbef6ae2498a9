#include "core/config/config.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "core/error.hpp"
#include "core/value/boolean.hpp"
#include "core/value/regex.hpp"
#include "core/value/text.hpp"

extern char** environ;

namespace drover::config {

namespace fs = std::filesystem;

namespace {

struct KeyDef {
  const char* key;                   // section.name
  const char* default_value;
  std::vector<const char*> env;      // besides DROVER_<NAME>
  std::vector<const char*> ini_aliases;  // other names in the file's section
  const char* note = "";
};

// One row per key drover knows, alphabetical.
const std::vector<KeyDef>& key_table() {
  static const std::vector<KeyDef> k_keys = {
      {"defaults.bin_ansible_callbacks", "False", {"ANSIBLE_LOAD_CALLBACK_PLUGINS"}, {}},
      {"defaults.callbacks_enabled", "", {"ANSIBLE_CALLBACKS_ENABLED", "ANSIBLE_CALLBACK_WHITELIST"}, {"callback_whitelist"}},
      {"defaults.deprecation_warnings", "True", {"ANSIBLE_DEPRECATION_WARNINGS"}, {}},
      {"defaults.fact_caching", "memory", {"ANSIBLE_CACHE_PLUGIN"}, {}},
      {"defaults.fact_caching_connection", "", {"ANSIBLE_CACHE_PLUGIN_CONNECTION"}, {}},
      {"defaults.fact_caching_prefix", "", {"ANSIBLE_CACHE_PLUGIN_PREFIX"}, {}},
      {"defaults.fact_caching_timeout", "86400", {"ANSIBLE_CACHE_PLUGIN_TIMEOUT"}, {}},
      {"defaults.force_handlers", "False", {"ANSIBLE_FORCE_HANDLERS"}, {}},
      {"defaults.forks", "50", {"ANSIBLE_FORKS"}, {}},
      {"defaults.gather_subset", "", {"ANSIBLE_GATHER_SUBSET"}, {}},
      {"defaults.gather_timeout", "10", {"ANSIBLE_GATHER_TIMEOUT"}, {}},
      {"defaults.gathering", "implicit", {"ANSIBLE_GATHERING"}, {}},
      {"defaults.hash_behaviour", "replace", {"ANSIBLE_HASH_BEHAVIOUR"}, {}},
      {"defaults.host_key_checking", "True", {"ANSIBLE_HOST_KEY_CHECKING"}, {}},
      {"defaults.jinja2_native", "False", {"ANSIBLE_JINJA2_NATIVE"}, {}},
      {"defaults.inventory", "", {"ANSIBLE_INVENTORY"}, {"hostfile"}},
      {"defaults.log_path", "", {"ANSIBLE_LOG_PATH"}, {}},
      {"defaults.module_name", "command", {"ANSIBLE_MODULE_NAME"}, {}},
      {"defaults.nocolor", "False", {"ANSIBLE_NOCOLOR"}, {}},
      {"defaults.private_key_file", "", {"ANSIBLE_PRIVATE_KEY_FILE"}, {}},
      {"defaults.remote_tmp", "~/.ansible/tmp", {"ANSIBLE_REMOTE_TEMP", "ANSIBLE_REMOTE_TMP"}, {},
       "read by the config lookup only: drover's runner keeps no temp files on targets"},
      {"defaults.remote_user", "", {"ANSIBLE_REMOTE_USER"}, {}},
      {"defaults.roles_path", "~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles", {"ANSIBLE_ROLES_PATH"}, {}},
      {"defaults.stdout_callback", "default", {"ANSIBLE_STDOUT_CALLBACK"}, {}},
      {"defaults.strategy", "linear", {"ANSIBLE_STRATEGY"}, {}},
      {"defaults.timeout", "10", {"ANSIBLE_TIMEOUT"}, {}},
      {"defaults.transport", "ssh", {"ANSIBLE_TRANSPORT"}, {}},
      {"defaults.vault_password_file", "", {"ANSIBLE_VAULT_PASSWORD_FILE"}, {}},
      {"privilege_escalation.become", "False", {"ANSIBLE_BECOME"}, {}},
      {"privilege_escalation.become_ask_pass", "False", {"ANSIBLE_BECOME_ASK_PASS"}, {}},
      {"privilege_escalation.become_exe", "", {"ANSIBLE_BECOME_EXE"}, {}},
      {"privilege_escalation.become_password_file", "", {"ANSIBLE_BECOME_PASSWORD_FILE"}, {}},
      {"privilege_escalation.become_method", "sudo", {"ANSIBLE_BECOME_METHOD"}, {}},
      {"privilege_escalation.become_user", "root", {"ANSIBLE_BECOME_USER"}, {}},
      {"ssh_connection.pipelining", "False", {"ANSIBLE_PIPELINING"}, {},
       "accepted and ignored: drover always keeps one channel open per host"},
      {"ssh_connection.ssh_args", "", {"ANSIBLE_SSH_ARGS"}, {}},
      {"ssh_connection.ssh_common_args", "", {"ANSIBLE_SSH_COMMON_ARGS"}, {}},
      {"ssh_connection.ssh_extra_args", "", {"ANSIBLE_SSH_EXTRA_ARGS"}, {}},
  };
  return k_keys;
}

const KeyDef* key_def(const std::string& key) {
  for (const auto& k : key_table())
    if (key == k.key) return &k;
  return nullptr;
}

std::string section_of(const std::string& key) { return key.substr(0, key.find('.')); }
std::string name_of(const std::string& key) { return key.substr(key.find('.') + 1); }

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
// Ansible unquotes string settings: 'x' and "x" become x.
std::string unquote(const std::string& s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    return s.substr(1, s.size() - 2);
  return s;
}

bool is_plugin_section(const std::string& section) {
  static const Regex re(R"((action|become|cache|callback|connection|inventory|lookup|shell|strategy|vars)_\w+)",
                        RegexFlag::ascii);
  return re.fullmatch(section).has_value();
}

bool exists(const std::string& p) {
  std::error_code ec;
  return !p.empty() && fs::is_regular_file(p, ec);
}

std::string env_or(const std::map<std::string, std::string>& env, const std::string& name) {
  auto it = env.find(name);
  return it == env.end() ? "" : it->second;
}

std::string expand_home(const std::string& p, const std::string& home) {
  if (p == "~") return home;
  if (p.rfind("~/", 0) == 0) return home + p.substr(1);
  return p;
}

}  // namespace

Config Config::load() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  const char* home = std::getenv("HOME");
  Config c = load(env, ".", home ? home : "");
  static bool warned = false;
  if (!warned)
    for (const auto& w : c.warnings()) std::cerr << "[WARNING]: " << w << "\n";
  warned = true;
  return c;
}

Config Config::load(const std::map<std::string, std::string>& env, const std::string& cwd,
                    const std::string& home) {
  Config c;
  c.m_home = home;
  for (const auto& k : key_table()) c.m_settings[k.key] = Setting{k.default_value, "default"};
  auto rel = [&](const std::string& name) { return cwd == "." ? "./" + name : (fs::path(cwd) / name).string(); };
  std::vector<std::string> drover_files = {env_or(env, "DROVER_CONFIG"), rel("drover.cfg"),
                                           home.empty() ? "" : home + "/.drover.cfg", "/etc/drover/drover.cfg"};
  std::vector<std::string> ansible_files = {env_or(env, "ANSIBLE_CONFIG"), rel("ansible.cfg"),
                                            home.empty() ? "" : home + "/.ansible.cfg", "/etc/ansible/ansible.cfg"};
  bool found = false;
  for (const auto& f : drover_files)
    if (exists(f)) {
      c.read_file(f, true);
      found = true;
      break;
    }
  if (!found)
    for (const auto& f : ansible_files)
      if (exists(f)) {
        c.read_file(f, false);
        break;
      }
  c.apply_env(env);
  return c;
}

void Config::read_file(const std::string& path, bool is_drover_file) {
  std::ifstream in(path);
  if (!in) throw Fatal("cannot read config file " + path);
  m_file = path;
  std::string line, section, last_name;
  int lineno = 0, last_line = 0;
  static const Regex header(R"(\[([^\]]+)\]\s*)", RegexFlag::ascii);
  while (std::getline(in, line)) {
    ++lineno;
    std::string t(trim(line));
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (auto m = header.fullmatch(t)) {
      section = std::string(trim(m->group(1)));
      last_name.clear();
      if (is_drover_file && section != "defaults" && section != "privilege_escalation" &&
          section != "ssh_connection" && !is_plugin_section(section))
        m_warnings.push_back(path + ":" + std::to_string(lineno) + ": unknown section [" + section +
                             "]; drover reads [defaults], [privilege_escalation], [ssh_connection] and "
                             "[callback_NAME]-style plugin sections");
      continue;
    }
    // configparser: an indented line continues the previous value
    if ((line[0] == ' ' || line[0] == '\t') && !last_name.empty()) {
      std::string key = section + "." + last_name;
      if (auto it = m_settings.find(key); it != m_settings.end() && it->second.origin.rfind("file", 0) == 0)
        it->second.value += "\n" + t;
      if (is_plugin_section(section)) m_plugin_sections[section][last_name] += "\n" + t;
      continue;
    }
    auto sep = t.find_first_of("=:");
    if (sep == std::string::npos) {
      if (is_drover_file)
        m_warnings.push_back(path + ":" + std::to_string(lineno) + ": expected `key = value`, got: " + t);
      continue;
    }
    std::string name = ascii_lower(trim(t.substr(0, sep)));
    std::string value = t.substr(sep + 1);
    // inline comments start with ';' after whitespace (Ansible's configparser setting)
    static const Regex inline_comment(R"(\s;.*$)", RegexFlag::ascii);
    value = std::string(trim(inline_comment.sub("", value)));
    last_name = name;
    last_line = lineno;
    if (section.empty()) {
      if (is_drover_file)
        m_warnings.push_back(path + ":" + std::to_string(lineno) + ": `" + name + "` is outside any [section]");
      continue;
    }
    set_file_value(section, name, value, last_line, is_drover_file);
  }
}

void Config::set_file_value(const std::string& section, const std::string& name, const std::string& value,
                            int line, bool is_drover_file) {
  if (is_plugin_section(section)) {
    m_plugin_sections[section][name] = unquote(value);
    return;
  }
  std::string key = section + "." + name;
  if (!key_def(key))
    for (const auto& k : key_table())
      for (const char* alias : k.ini_aliases)
        if (section_of(k.key) == section && name == alias) key = k.key;
  if (!key_def(key)) {
    if (is_drover_file)
      m_warnings.push_back(m_file + ":" + std::to_string(line) + ": unknown key `" + name + "` in [" + section +
                           "]; `drover config` lists the keys drover knows");
    return;
  }
  m_settings[key] = Setting{unquote(value), "file " + m_file + ":" + std::to_string(line)};
}

void Config::apply_env(const std::map<std::string, std::string>& env) {
  for (const auto& k : key_table()) {
    // DROVER_<NAME> wins over Ansible's names when both are set
    std::vector<std::string> names{"DROVER_" + upper(name_of(k.key))};
    for (const char* e : k.env) names.push_back(e);
    for (const auto& n : names)
      if (auto it = env.find(n); it != env.end()) {
        m_settings[k.key] = Setting{it->second, "env " + n};
        break;
      }
  }
}

void Config::set_from_cli(const std::string& key, const std::string& value) {
  if (!key_def(key)) throw Fatal("unknown configuration key: " + key, ExitCode::bad_options);
  m_settings[key] = Setting{value, "command line"};
}

const Setting* Config::find(const std::string& key) const {
  auto it = m_settings.find(key);
  return it == m_settings.end() ? nullptr : &it->second;
}

std::string Config::get(const std::string& key) const {
  const Setting* s = find(key);
  if (!s) throw Fatal("unknown configuration key: " + key);
  return s->value;
}

int Config::get_int(const std::string& key) const {
  std::string v(trim(get(key)));
  try {
    std::size_t used = 0;
    int i = std::stoi(v, &used);
    if (used == v.size()) return i;
  } catch (const std::exception&) {
  }
  throw Fatal("configuration " + key + " = '" + v + "' (from " + find(key)->origin + ") is not an integer");
}

bool Config::get_truthy(const std::string& key) const {
  std::string v = get(key);
  if (trim(v).empty()) return false;  // unset
  if (auto b = parse_boolean(v)) return *b;
  throw Fatal("configuration " + key + " = '" + v + "' (from " + find(key)->origin +
              ") is not a boolean; use true/false, yes/no, on/off or 1/0");
}

std::vector<std::string> Config::get_list(const std::string& key) const {
  std::vector<std::string> out;
  std::string v = get(key), item;
  std::size_t start = 0;
  while (start <= v.size()) {
    auto c = v.find(',', start);
    item = std::string(trim(std::string_view(v).substr(start, c == std::string::npos ? std::string::npos : c - start)));
    if (!item.empty()) out.push_back(expand_home(item, m_home));
    if (c == std::string::npos) break;
    start = c + 1;
  }
  return out;
}

std::vector<std::string> Config::get_paths(const std::string& key) const {
  std::vector<std::string> out;
  std::string v = get(key);
  std::size_t start = 0;
  while (start <= v.size()) {
    auto c = v.find(':', start);
    std::string item(trim(std::string_view(v).substr(start, c == std::string::npos ? std::string::npos : c - start)));
    if (!item.empty()) out.push_back(expand_home(item, m_home));
    if (c == std::string::npos) break;
    start = c + 1;
  }
  return out;
}

std::map<std::string, std::string> Config::plugin_section(const std::string& section) const {
  auto it = m_plugin_sections.find(section);
  return it == m_plugin_sections.end() ? std::map<std::string, std::string>{} : it->second;
}

std::string Config::describe() const {
  std::string out = "config file = " + (m_file.empty() ? std::string("None") : m_file) + "\n";
  for (const auto& k : key_table()) {
    const Setting& s = m_settings.at(k.key);
    out += std::string(k.key) + " = " + s.value + "  (" + s.origin + ")";
    if (*k.note) out += "  # " + std::string(k.note);
    out += "\n";
  }
  for (const auto& [section, keys] : m_plugin_sections)
    for (const auto& [name, value] : keys) out += section + "." + name + " = " + value + "  (file " + m_file + ")\n";
  return out;
}

}  // namespace drover::config
