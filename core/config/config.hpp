// drover's configuration: defaults < config file < environment < command line.
//
// The file is the first of DROVER_CONFIG, ./drover.cfg, ~/.drover.cfg, /etc/drover/drover.cfg;
// when none exists, the first of ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg,
// /etc/ansible/ansible.cfg is read for the keys drover knows. Keys are "section.name"
// ("defaults.forks", "privilege_escalation.become", "ssh_connection.ssh_args"); each has
// `DROVER_<NAME>` and Ansible's environment names. See docs/configuration.md.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace drover::config {

struct Setting {
  std::string value;
  std::string origin;  // "default", "env DROVER_FORKS", "file ./ansible.cfg:12", "command line"
};

class Config {
public:
  // Reads the process environment, the current directory and $HOME. Prints warnings (unknown keys
  // in drover.cfg) once per process.
  static Config load();
  // For tests: `env` replaces the process environment; cwd and home replace "." and "~".
  static Config load(const std::map<std::string, std::string>& env, const std::string& cwd,
                     const std::string& home);

  // Throws Fatal for a key drover does not know.
  void set_from_cli(const std::string& key, const std::string& value);

  // The effective value ("" when unset). Throws Fatal for an unknown key.
  std::string get(const std::string& key) const;
  // Throw Fatal naming the key, value and origin when the value is not an int / a boolean
  // (Ansible's words, core/value/boolean.hpp; an empty value is false).
  int get_int(const std::string& key) const;
  bool get_truthy(const std::string& key) const;
  // Comma-separated items, trimmed, empty ones dropped.
  std::vector<std::string> get_list(const std::string& key) const;
  // Colon-separated paths with ~ expanded (roles_path).
  std::vector<std::string> get_paths(const std::string& key) const;
  const Setting* find(const std::string& key) const;

  // `[callback_junit]`-style sections: key → value ({} when absent).
  std::map<std::string, std::string> plugin_section(const std::string& section) const;
  std::string file() const { return m_file; }
  // Every known key with its value and origin, one a line (`drover config`).
  std::string describe() const;
  const std::vector<std::string>& warnings() const { return m_warnings; }

private:
  std::map<std::string, Setting> m_settings;
  std::map<std::string, std::map<std::string, std::string>> m_plugin_sections;
  std::string m_file;
  std::string m_home;
  std::vector<std::string> m_warnings;

  void read_file(const std::string& path, bool is_drover_file);
  void apply_env(const std::map<std::string, std::string>& env);
  void set_file_value(const std::string& section, const std::string& name, const std::string& value,
                      int line, bool is_drover_file);
};

}  // namespace drover::config
