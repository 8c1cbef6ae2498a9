// The template engine's public face: Jinja2 as Python's Jinja2 3.1 renders it, configured the way
// Ansible configures it (trim_blocks on, StrictUndefined-like undefined, None printed as ""),
// plus Ansible's filters, tests and lookups (filter_api.hpp).
//
// A Templar is cheap to make: one per host/task. Compiled templates are cached process-wide by
// source text, so workers rendering the same template concurrently compile it once.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/template/filter_api.hpp"
#include "core/value/value.hpp"

namespace drover::tmpl {

// Read-only view of the variables of one host/task. Values are RAW (may themselves be templates).
class Variables {
public:
  virtual ~Variables() = default;
  virtual const Value* find(std::string_view name) const = 0;  // nullptr when undefined
  virtual std::vector<std::string> names() const = 0;
};

// A Variables over a Value map (for tests, ad hoc, and layering).
class MapVariables : public Variables {
public:
  explicit MapVariables(Value map) : m_map(std::move(map)) {}
  const Value* find(std::string_view name) const override { return m_map.find(name); }
  std::vector<std::string> names() const override;
  const Value& value() const { return m_map; }

private:
  Value m_map;
};

// What a templated string yields (Ansible's `jinja2_native` setting).
//  - ansible (the default, jinja2_native = False): the rendered text; when it starts with `[` or
//    `{`, or is exactly True/False, the Python literal it spells if it is one (Ansible's
//    ansible_eval_concat). `"{{ 5 }}"` is the string "5", `"{{ [1] }}"` a list.
//  - native (jinja2_native = True): a lone `{{ expr }}` yields the expression's value; text
//    becomes the Python literal it spells, when it is one (ansible_native_concat).
enum class ResultTypes { ansible, native };

// A string that is not valid Jinja2. what() is Ansible's wording: "template error while templating
// string: unexpected 'end of print statement'. String: value {{ 1 + }}. unexpected 'end of
// print statement'"; message() is Jinja2's message alone, line() its line in the string.
class TemplateSyntaxError : public TemplateError {
public:
  TemplateSyntaxError(const std::string& message, int line, const std::string& source)
      : TemplateError("template error while templating string: " + message + ". String: " + source + ". " + message),
        m_message(message), m_line(line) {}
  const std::string& message() const { return m_message; }
  int line() const { return m_line; }

private:
  std::string m_message;
  int m_line;
};

struct TemplateOptions {
  ResultTypes result_types = ResultTypes::ansible;
  std::vector<std::string> search_paths;  // for include/import/lookups (dirs; also <dir>/templates)
  std::function<std::vector<std::string>(const std::string&)> inventory_hostnames;  // may be empty
  // What lookup()/query() can call (the plugin set's lookup table); empty: every lookup is
  // "lookup plugin (x) not found". The rows must outlive the Templar.
  std::span<const LookupRow> lookups;
};

// Objects that behave like a read-only dict in templates (hostvars, lazily built per host):
class MappingObject : public Object {
public:
  MappingObject() : Object(Family::mapping) {}
  virtual const Value* find(std::string_view key) const = 0;  // may return a value it caches
  virtual std::vector<std::string> keys() const = 0;
  std::string type_name() const override { return "dict"; }
};

// The MappingObject a value holds, or nullptr.
inline const MappingObject* as_mapping_object(const Value& v) {
  if (!v.is_object() || v.as_object()->family() != Object::Family::mapping) return nullptr;
  return static_cast<const MappingObject*>(v.as_object().get());
}

namespace detail {
class RootScope;
}

class Templar {
public:
  Templar(const Variables& vars, TemplateOptions options = {});
  ~Templar();
  Templar(const Templar&) = delete;
  Templar& operator=(const Templar&) = delete;

  // Templates every string inside v (maps, lists recursively; keys too); each string's result
  // type follows TemplateOptions::result_types. `"{{ name }}"` naming a variable whose raw value
  // is a bool, a number or null yields that value in either mode, as Ansible's shortcut does.
  // Strings marked unsafe are returned as they are; a result built from an unsafe value is unsafe. Variables whose values are templates are rendered when read (lazily), recursively, with a
  // TemplateError naming the cycle for recursive definitions
  // ("recursive loop detected in template: x"). A string built from a secret value is secret.
  Value template_value(const Value& v);
  // Renders a whole template text (the template module, lookup('template')); always a string.
  // Trailing newlines of the source are kept as Ansible's template module keeps them. Errors are
  // TemplateErrors that start with `name:line: ` (the included template's name and line when the
  // error is in an included one): "templates/bad.j2:3: 'str object' has no attribute 'z'"; errors
  // of a render without a name are Jinja2's messages alone.
  std::string render(std::string_view source, const std::string& name = "<template>");
  // Evaluates a bare expression (loop:, with_items strings, a var reference).
  Value evaluate(std::string_view expression);
  // Ansible's conditional (when/changed_when/failed_when/until/assert that): a bare expression, or
  // a string that is one {{ }}. Returns Python truthiness; the strings 'True'/'False'/'yes'/... are
  // read as Ansible's conditional reads them.
  bool condition(std::string_view expression);
  // Runs the lookup `name` (short or FQCN) on `terms` with query() semantics, as `with_<name>:`
  // does. Throws TemplateError "lookup plugin (name) not found" for an unknown lookup.
  // `terms` is the loop's value: a list is the terms; a mapping is handed over as Ansible hands
  // it (LookupContext::terms_mapping); anything else is one term.
  List query(std::string_view name, const Value& terms);
  // The `omit` placeholder string for this run; module args equal to it are dropped by the caller.
  static const std::string& omit_token();
  // Ansible's wrap_var: `v` with every string in it marked unsafe (never templated when read).
  static Value wrap_unsafe(Value v);

  // True when s contains template syntax ({{, {%, {#).
  static bool is_template(std::string_view s);
  // Compiles `text` as a templated string (or, for Expression::bare, as a bare expression such as
  // a `when:`) without rendering it; throws TemplateSyntaxError when it is not valid Jinja2.
  enum class Expression { templated, bare };
  static void check_syntax(std::string_view text, Expression kind = Expression::templated);

  // Variables visible to this Templar (after lazy templating); nullptr when undefined.
  const Value* variable(std::string_view name);
  // The lookup table this Templar was given (for a Templar built beside it, e.g. a template file's).
  std::span<const LookupRow> lookups() const;

private:
  friend class detail::RootScope;
  Value template_string(const Value& s);
  std::unique_ptr<detail::RootScope> m_root;
};

}  // namespace drover::tmpl
