// A module's documentation, as `drover doc` shows it. The options are the module's own argument
// table (the ArgSpec rows check_args checks its arguments with), so the documented names,
// aliases, types, defaults, choices and required flags are the accepted ones and cannot drift;
// the module adds its description, return fields and an example beside its code:
//
//   const ModuleDoc ping_doc{.description = "...", .options = k_spec, .returns = k_returns};
//
// and names it in its row of modules/registry.cpp. tests/modules/module_doc_test.cpp checks that
// every module has one, that every option has a description, and that the options a module
// accepts are exactly the documented ones.
#pragma once

#include <span>
#include <string_view>

#include "modules/registry.hpp"
#include "modules/util/args.hpp"

namespace drover::modules {

// One field of the module's result.
struct ReturnDoc {
  std::string_view name;
  std::string_view type;      // Ansible's names: str, bool, int, float, list, dict, raw
  std::string_view returned;  // when: "always", "success", "changed", "when state=file"...
  std::string_view description;
};

struct ModuleDoc {
  std::string_view description;   // paragraphs separated by "\n"
  std::span<const ArgSpec> options;  // the module's argument table; names starting with "_" are internal
  std::span<const ReturnDoc> returns;
  std::string_view example;       // a YAML task or two
  std::string_view notes = {};    // how drover differs, when it does
};

// Every module's documentation as one JSON object keyed by module name, in the shape the control
// node's `drover doc` reads (`drover-modules --doc`, docs/protocol.md):
//   {"ping": {"short_description": ..., "description": [...], "options": {NAME: {"type", "required",
//    "description", ["default"], ["aliases"], ["choices"]}}, "return": {NAME: {"type", "returned",
//    "description"}}, "examples": ..., ["notes": [...]]}}
// An undocumented module has only its short_description.
json module_docs_json();

// The name an option is documented under: its own, except the free-form argument `_raw_params`,
// which Ansible documents as `free_form`. Empty for other internal ("_") options.
std::string_view documented_name(const ArgSpec& arg);

}  // namespace drover::modules
