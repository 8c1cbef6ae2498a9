// The seam between the template engine (core/template: lexer, parser, evaluator, Jinja2's own
// filters and tests) and the tables of Ansible's filters, tests and lookups, which are plain
// functions on Values. Adding a filter is one function and one row in its table. The lookup
// table is the lookup plugins' (plugins/lookup/); the engine receives it in TemplateOptions.
#pragma once

#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/value/value.hpp"

namespace drover::tmpl {

// A template failed to compile or evaluate. The message is Ansible's wording where Ansible has one
// ("'x' is undefined"); the engine adds the template/task location.
class TemplateError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// An undefined variable or attribute was used (Ansible's AnsibleUndefinedVariable). Kept apart
// because the task executor treats it apart: a loop over an undefined value fails only when the
// task's `when` holds.
class UndefinedError : public TemplateError {
public:
  using TemplateError::TemplateError;
};

// Arguments after the filter input: `x | f(1, 2, key=3)` → positional {1, 2}, keyword {key: 3}.
struct CallArgs {
  List positional;
  Map keyword;
  // The i-th positional argument, else the keyword `name`, else nullptr.
  const Value* arg(std::size_t i, std::string_view name) const {
    if (i < positional.size()) return &positional[i];
    return keyword.find(name);
  }
};

using FilterFn = std::function<Value(const Value& input, const CallArgs& args)>;
using TestFn = std::function<bool(const Value& input, const CallArgs& args)>;

struct FilterRow {
  std::string_view name;
  FilterFn fn;
};
struct TestRow {
  std::string_view name;
  TestFn fn;
};

// What a lookup may use of the run: where to find files, how to render a template, the variables.
struct LookupContext {
  std::vector<std::string> search_paths;  // role/playbook dirs; lookups look in <dir>/files, <dir>
  std::function<std::string(const std::string& source)> render;      // renders a template text
  // Renders a template file's text; errors name `name` and the line. Empty: use `render`.
  std::function<std::string(const std::string& source, const std::string& name)> render_file;
  std::function<const Value*(std::string_view name)> variable;      // nullptr when undefined
  std::function<std::vector<std::string>()> variable_names;
  std::function<std::vector<std::string>(const std::string& pattern)> inventory_hostnames;
  // A with_<lookup> loop gave one mapping, not a list: `terms` holds it as its only term, where
  // Ansible hands the plugin the dict itself (with_items iterates its keys, with_indexed_items
  // refuses it).
  bool terms_mapping = false;
};

// A lookup returns a list of results (query() semantics); lookup() joins them as Ansible does.
using LookupFn = std::function<List(const List& terms, const Map& kwargs, LookupContext& ctx)>;
struct LookupRow {
  std::string_view name;
  LookupFn fn;
};

// Tables of Ansible's filters and tests (alphabetized, defined next to their functions). The
// lookups are plugins (plugins/lookup/): their table reaches a Templar in TemplateOptions.
std::span<const FilterRow> ansible_filters();
std::span<const TestRow> ansible_tests();

}  // namespace drover::tmpl
