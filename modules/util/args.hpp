// Table-driven argument checking, as Ansible's argument_spec: one spec table per module.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "modules/module.hpp"

namespace drover::modules {

enum class ArgType { raw, str, path, boolean, integer, number, list, dict };
enum class Required { no, yes };

struct ArgSpec {
  std::string_view name;
  ArgType type = ArgType::str;
  json default_value = nullptr;  // null: no default (the key is null in the checked args)
  Required required = Required::no;
  std::vector<std::string_view> aliases = {};
  std::vector<std::string_view> choices = {};
  bool no_log = false;
  std::string_view description = {};  // for `drover doc` (modules/module_doc.hpp): one sentence or a few
};

// Checks `args` against `spec` for module `module` and returns the normalized arguments: every
// spec name present (null when not given and without default), aliases resolved to the main name,
// values converted to their type (Ansible's conversions: "yes"/"on"/1 are true, "0644" stays a
// string for str, a path has $VARS and ~ expanded...). Keys starting with "_ansible_" are ignored.
// Throws ModuleFailure with Ansible's message for unknown arguments (listing the supported ones),
// missing required arguments, a value outside `choices`, or an unconvertible value.
json check_args(const json& args, std::span<const ArgSpec> spec, std::string_view module);

// os.path.expanduser for the runner's own user: "~" and "~/x" use HOME; anything else as given.
std::string expand_user(const std::string& path);

// Helpers for reading checked args.
std::string arg_string(const json& args, const char* name);  // "" when null
bool arg_bool(const json& args, const char* name);           // false when null
bool is_set(const json& args, const char* name);             // present and not null

// Ansible's mutually_exclusive: throws ModuleFailure "parameters are mutually exclusive: a|b"
// when more than one of `names` is set (present and not null) in the checked `args`.
void check_mutually_exclusive(const json& args, std::initializer_list<const char*> names);

// Ansible's boolean conversion (y/yes/on/1/true/t and n/no/off/0/false/f in any case, white space
// around them ignored; 1, 1.0, 0, 0.0); throws ModuleFailure for anything else. The runner's copy
// of core/value/boolean.hpp: drover-modules links nothing from core.
bool to_boolean(const json& value, std::string_view name);

}  // namespace drover::modules
