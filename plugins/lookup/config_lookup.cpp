// The config lookup: Ansible's setting names (DEFAULT_FORKS, DEFAULT_BECOME_USER...) answered from
// drover's configuration (core/config), typed as Ansible types them. Only the settings drover has
// are known; any other name is "missing".
#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "core/template/ansible_support.hpp"
#include "core/value/boolean.hpp"
#include "plugins/lookup/lookup_support.hpp"

namespace drover::lookup {

namespace {

enum class SettingType { string, optional_string, integer, boolean, list, path_list, optional_integer };

struct ConfigName {
  std::string_view ansible_name;
  std::string_view key;  // drover's "section.name"; empty: only the variables set it
  SettingType type;
  // A plugin option's variables, in Ansible's order (a later one wins), over the setting.
  std::array<std::string_view, 2> vars = {};
};

// Global settings, alphabetized by Ansible's name.
const ConfigName k_global[] = {
    {"ANSIBLE_NOCOLOR", "defaults.nocolor", SettingType::boolean},
    {"ANSIBLE_PIPELINING", "ssh_connection.pipelining", SettingType::boolean},
    {"CALLBACKS_ENABLED", "defaults.callbacks_enabled", SettingType::list},
    {"DEFAULT_BECOME", "privilege_escalation.become", SettingType::boolean},
    {"DEFAULT_BECOME_ASK_PASS", "privilege_escalation.become_ask_pass", SettingType::boolean},
    {"DEFAULT_BECOME_METHOD", "privilege_escalation.become_method", SettingType::string},
    {"DEFAULT_BECOME_USER", "privilege_escalation.become_user", SettingType::string},
    {"DEFAULT_FORKS", "defaults.forks", SettingType::integer},
    {"DEFAULT_GATHERING", "defaults.gathering", SettingType::string},
    {"DEFAULT_HOST_LIST", "defaults.inventory", SettingType::list},
    {"DEFAULT_LOAD_CALLBACK_PLUGINS", "defaults.bin_ansible_callbacks", SettingType::boolean},
    {"DEFAULT_LOG_PATH", "defaults.log_path", SettingType::optional_string},
    {"DEFAULT_MODULE_NAME", "defaults.module_name", SettingType::string},
    {"DEFAULT_PRIVATE_KEY_FILE", "defaults.private_key_file", SettingType::optional_string},
    {"DEFAULT_REMOTE_USER", "defaults.remote_user", SettingType::optional_string},
    {"DEFAULT_ROLES_PATH", "defaults.roles_path", SettingType::path_list},
    {"DEFAULT_STDOUT_CALLBACK", "defaults.stdout_callback", SettingType::string},
    {"DEFAULT_STRATEGY", "defaults.strategy", SettingType::string},
    {"DEFAULT_TIMEOUT", "defaults.timeout", SettingType::integer},
    {"DEFAULT_TRANSPORT", "defaults.transport", SettingType::string},
    {"DEFAULT_VAULT_PASSWORD_FILE", "defaults.vault_password_file", SettingType::optional_string},
    {"HOST_KEY_CHECKING", "defaults.host_key_checking", SettingType::boolean},
};

// Options of the ssh connection plugin (plugin_type=connection, plugin_name=ssh).
const ConfigName k_ssh[] = {
    {"pipelining", "ssh_connection.pipelining", SettingType::boolean, {"ansible_pipelining", "ansible_ssh_pipelining"}},
    {"port", "", SettingType::optional_integer, {"ansible_port", "ansible_ssh_port"}},
    {"remote_user", "defaults.remote_user", SettingType::optional_string, {"ansible_user", "ansible_ssh_user"}},
    {"ssh_args", "ssh_connection.ssh_args", SettingType::string, {"ansible_ssh_args"}},
    {"ssh_common_args", "ssh_connection.ssh_common_args", SettingType::string, {"ansible_ssh_common_args"}},
    {"ssh_extra_args", "ssh_connection.ssh_extra_args", SettingType::string, {"ansible_ssh_extra_args"}},
};

// Options of the sh shell plugin (plugin_type=shell, plugin_name=sh).
const ConfigName k_sh[] = {
    {"remote_tmp", "defaults.remote_tmp", SettingType::string, {"ansible_remote_tmp"}},
};

// ANSIBLE_COW_ACCEPTLIST's default: drover has no cowsay, but playbooks read the setting.
constexpr std::array<std::string_view, 30> k_cows = {
    "bud-frogs", "bunny", "cheese", "daemon", "default", "dragon", "elephant-in-snake", "elephant", "eyes",
    "hellokitty", "kitty", "luke-koala", "meow", "milk", "moofasa", "moose", "ren", "sheep", "small",
    "stegosaurus", "stimpy", "supermilker", "three-eyes", "turkey", "turtle", "tux", "udder", "vader-koala",
    "vader", "www"};

// A plugin option set by a variable: its value, typed (the last of its variables that is set).
std::optional<Value> from_variables(const ConfigName& name, LookupContext& ctx) {
  std::optional<Value> found;
  for (std::string_view var : name.vars) {
    if (var.empty() || !ctx.variable) continue;
    const Value* v = ctx.variable(var);
    if (!v || v->is_null()) continue;
    Value value = v->is_string() && ctx.render ? Value(ctx.render(v->as_string())) : *v;
    if (name.type == SettingType::integer || name.type == SettingType::optional_integer) {
      if (value.is_string()) {
        try {
          value = Value(static_cast<std::int64_t>(std::stoll(value.as_string())));
        } catch (const std::exception&) {
          throw TemplateError("Invalid type for configuration option " + std::string(name.ansible_name) + ": " +
                              value.as_string() + " is not an int");
        }
      }
    } else if (name.type == SettingType::boolean) {
      if (std::optional<bool> b = parse_boolean(value)) value = Value(*b);
    }
    found = std::move(value);
  }
  return found;
}

Value typed(const config::Config& cfg, const ConfigName& name) {
  std::string key(name.key);
  if (key.empty()) return Value();
  switch (name.type) {
    case SettingType::optional_integer:
      return cfg.get(key).empty() ? Value() : Value(static_cast<std::int64_t>(cfg.get_int(key)));
    case SettingType::string: return Value(cfg.get(key));
    case SettingType::optional_string: return cfg.get(key).empty() ? Value() : Value(cfg.get(key));
    case SettingType::integer: return Value(static_cast<std::int64_t>(cfg.get_int(key)));
    case SettingType::boolean: return Value(cfg.get_truthy(key));
    case SettingType::list: {
      List out;
      for (const std::string& item : cfg.get_list(key)) out.emplace_back(item);
      return Value(std::move(out));
    }
    case SettingType::path_list: {
      List out;
      for (const std::string& item : cfg.get_paths(key)) out.emplace_back(item);
      return Value(std::move(out));
    }
  }
  return Value();
}

template <std::size_t N>
const ConfigName* find_name(const ConfigName (&names)[N], const std::string& wanted) {
  for (const ConfigName& n : names)
    if (n.ansible_name == wanted) return &n;
  return nullptr;
}

std::string string_option(const Map& kwargs, std::string_view name, std::string_view fallback) {
  const Value* v = kwargs.find(name);
  return v && !v->is_null() ? term_string(*v) : std::string(fallback);
}

}  // namespace

List config(const List& terms, const Map& kwargs, LookupContext& ctx) {
  std::string missing = string_option(kwargs, "on_missing", "error");
  std::string plugin_type = string_option(kwargs, "plugin_type", "");
  std::string plugin_name = string_option(kwargs, "plugin_name", "");
  if (plugin_type.empty() != plugin_name.empty())
    throw TemplateError("Both plugin_type and plugin_name are required, cannot use one without the other");
  if (missing != "error" && missing != "warn" && missing != "skip")
    throw TemplateError("Invalid value \"" + missing +
                        "\" for configuration option \"plugin_type: lookup plugin: config setting: on_missing \", "
                        "valid values are: error, skip, warn");
  bool ssh = plugin_type == "connection" && plugin_name == "ssh";
  bool sh = plugin_type == "shell" && plugin_name == "sh";
  if (!plugin_type.empty() && !ssh && !sh)
    throw TemplateError("Unable to load " + plugin_type + " plugin \"" + plugin_name + "\"");
  config::Config cfg = config::Config::load();
  List out;
  for (const Value& term : terms) {
    if (!term.is_string())
      throw TemplateError("Invalid setting identifier, \"" + term_string(term) + "\" is not a string, its a " +
                          tmpl::py_class(term));
    const ConfigName* name = ssh ? find_name(k_ssh, term.as_string())
                             : sh ? find_name(k_sh, term.as_string())
                                  : find_name(k_global, term.as_string());
    // names in Ansible's constants module that are code, not settings
    static constexpr std::array<std::string_view, 5> k_not_settings = {"ConfigManager", "Sentinel", "config",
                                                                       "ensure_type", "set_constant"};
    if (plugin_type.empty() && std::find(k_not_settings.begin(), k_not_settings.end(), term.as_string()) != k_not_settings.end())
      throw TemplateError("Invalid setting \"" + term.as_string() + "\" attempted");
    if (!ssh && !sh && term.as_string() == "ANSIBLE_COW_ACCEPTLIST") {
      List cows;
      for (std::string_view cow : k_cows) cows.emplace_back(std::string(cow));
      out.push_back(Value(std::move(cows)));
    } else if (name) {
      try {
        std::optional<Value> set = plugin_type.empty() ? std::nullopt : from_variables(*name, ctx);
        out.push_back(set ? *set : typed(cfg, *name));
      } catch (const Fatal& e) {
        throw TemplateError(e.what());
      }
    } else if (missing == "error") {
      throw TemplateError("Unable to find setting " + term.as_string());
    }
  }
  return out;
}

}  // namespace drover::lookup
