#include "modules/util/args.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Python's type names, as Ansible's messages print them.
std::string python_type(const json& value) {
  switch (value.type()) {
    case json::value_t::string: return "<class 'str'>";
    case json::value_t::boolean: return "<class 'bool'>";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "<class 'int'>";
    case json::value_t::number_float: return "<class 'float'>";
    case json::value_t::array: return "<class 'list'>";
    case json::value_t::object: return "<class 'dict'>";
    default: return "<class 'NoneType'>";
  }
}

[[noreturn]] void conversion_error(std::string_view name, const json& value, const char* type) {
  throw ModuleFailure("argument '" + std::string(name) + "' is of type " + python_type(value) +
                      " and we were unable to convert to " + type + ": " + value.dump());
}

std::string to_str(const json& value, std::string_view name) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  if (value.is_number()) return value.dump();
  conversion_error(name, value, "str");
}

}  // namespace

std::string expand_user(const std::string& path) {
  if (path != "~" && !path.starts_with("~/")) return path;
  const char* home = std::getenv("HOME");
  if (!home || !*home) return path;
  return std::string(home) + path.substr(1);
}

namespace {

// Ansible's path type: os.path.expanduser(os.path.expandvars(value)); a variable that expands
// to a "~" path is expanded once more, as that order does.
std::string expand_path(const std::string& value) {
  return expand_user(expand_user_and_vars(value, environment_variable));
}

json split_comma_list(const std::string& text) {
  json list = json::array();
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    list.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return list;
}

json convert(const json& value, ArgType type, std::string_view name) {
  if (value.is_null()) return value;
  switch (type) {
    case ArgType::raw: return value;
    case ArgType::str: return to_str(value, name);
    case ArgType::path: return expand_path(to_str(value, name));
    case ArgType::boolean: return to_boolean(value, name);
    case ArgType::integer:
      if (value.is_number_integer()) return value;
      if (value.is_number_float() && value.get<double>() == static_cast<long long>(value.get<double>()))
        return static_cast<long long>(value.get<double>());
      if (value.is_string()) {
        const std::string& text = value.get_ref<const std::string&>();
        char* end = nullptr;
        long long number = std::strtoll(text.c_str(), &end, 10);
        if (!text.empty() && end && *end == '\0') return number;
      }
      conversion_error(name, value, "int");
    case ArgType::number:
      if (value.is_number()) return value;
      if (value.is_string()) {
        const std::string& text = value.get_ref<const std::string&>();
        char* end = nullptr;
        double number = std::strtod(text.c_str(), &end);
        if (!text.empty() && end && *end == '\0') return number;
      }
      conversion_error(name, value, "float");
    case ArgType::list:
      if (value.is_array()) return value;
      if (value.is_string()) return split_comma_list(value.get<std::string>());
      if (value.is_number() || value.is_boolean()) return json::array({to_str(value, name)});
      conversion_error(name, value, "list");
    case ArgType::dict:
      if (value.is_object()) return value;
      conversion_error(name, value, "dict");
  }
  return value;
}

std::string supported_list(std::span<const ArgSpec> spec) {
  std::vector<std::string> names;
  for (const auto& arg : spec) {
    if (arg.name.starts_with("_")) continue;
    std::string entry(arg.name);
    if (!arg.aliases.empty()) {
      entry += " (";
      for (size_t i = 0; i < arg.aliases.size(); ++i) entry += (i ? ", " : "") + std::string(arg.aliases[i]);
      entry += ")";
    }
    names.push_back(entry);
  }
  std::sort(names.begin(), names.end());
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

const ArgSpec* find_spec(std::span<const ArgSpec> spec, const std::string& key) {
  for (const auto& arg : spec) {
    if (arg.name == key) return &arg;
    for (auto alias : arg.aliases)
      if (alias == key) return &arg;
  }
  return nullptr;
}

void check_choice(const ArgSpec& arg, const json& value) {
  if (arg.choices.empty() || value.is_null()) return;
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  for (auto choice : arg.choices)
    if (choice == text) return;
  std::string list;
  for (auto choice : arg.choices) list += (list.empty() ? "" : ", ") + std::string(choice);
  throw ModuleFailure("value of " + std::string(arg.name) + " must be one of: " + list + ", got: " + text);
}

}  // namespace

bool to_boolean(const json& value, std::string_view name) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number_integer()) {
    if (value.get<long long>() == 1) return true;
    if (value.get<long long>() == 0) return false;
  }
  if (value.is_number_float()) {
    if (value.get<double>() == 1.0) return true;
    if (value.get<double>() == 0.0) return false;
  }
  if (value.is_string()) {
    std::string text = lower(trim(value.get<std::string>()));
    for (const char* word : {"y", "yes", "on", "1", "true", "t"})
      if (text == word) return true;
    for (const char* word : {"n", "no", "off", "0", "false", "f"})
      if (text == word) return false;
  }
  throw ModuleFailure("argument '" + std::string(name) + "' is of type " + python_type(value) +
                      " and we were unable to convert to bool: The value " + value.dump() +
                      " is not a valid boolean.  Valid booleans include: 'y', 'yes', 'on', '1', "
                      "'true', 't', 'n', 'no', 'off', '0', 'false', 'f', 1, 0, True, False");
}

json check_args(const json& args, std::span<const ArgSpec> spec, std::string_view module) {
  json checked = json::object();
  std::vector<std::string> unknown;
  for (const auto& [key, value] : args.items()) {
    if (key.starts_with("_ansible_")) continue;
    const ArgSpec* arg = find_spec(spec, key);
    if (!arg) {
      unknown.push_back(key);
      continue;
    }
    std::string name(arg->name);
    if (checked.contains(name) && !value.is_null() && !checked[name].is_null() && key != name)
      continue;  // the main name wins over an alias
    checked[name] = value;
  }
  if (!unknown.empty()) {
    std::sort(unknown.begin(), unknown.end());
    std::string list;
    for (const auto& key : unknown) list += (list.empty() ? "" : ", ") + key;
    throw ModuleFailure("Unsupported parameters for (" + std::string(module) + ") module: " + list +
                        ". Supported parameters include: " + supported_list(spec) + ".");
  }
  std::vector<std::string> missing;
  for (const auto& arg : spec) {
    std::string name(arg.name);
    json value = checked.contains(name) ? checked[name] : json();
    if (value.is_null()) value = arg.default_value;
    if (value.is_null() && arg.required == Required::yes) missing.push_back(name);
    value = convert(value, arg.type, arg.name);
    check_choice(arg, value);
    checked[name] = value;
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& name : missing) list += (list.empty() ? "" : ", ") + name;
    throw ModuleFailure("missing required arguments: " + list);
  }
  return checked;
}

std::string arg_string(const json& args, const char* name) {
  auto it = args.find(name);
  if (it == args.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

bool arg_bool(const json& args, const char* name) {
  auto it = args.find(name);
  return it != args.end() && it->is_boolean() && it->get<bool>();
}

bool is_set(const json& args, const char* name) {
  auto it = args.find(name);
  return it != args.end() && !it->is_null();
}

void check_mutually_exclusive(const json& args, std::initializer_list<const char*> names) {
  int given = 0;
  std::string joined;
  for (const char* name : names) {
    given += is_set(args, name) ? 1 : 0;
    joined += (joined.empty() ? "" : "|") + std::string(name);
  }
  if (given > 1) throw ModuleFailure("parameters are mutually exclusive: " + joined);
}

}  // namespace drover::modules
