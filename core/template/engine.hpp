// Internals of the Jinja2 engine: tokens, the compiled tree, the render context, Python-style
// value operations. Only core/template includes this.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <typeinfo>
#include <string>
#include <string_view>
#include <vector>

#include "core/template/filter_api.hpp"
#include "core/template/templar.hpp"
#include "core/value/value.hpp"

namespace drover::tmpl::detail {

// ---------------------------------------------------------------- lexer
enum class Tok : std::uint8_t {
  data, var_begin, var_end, block_begin, block_end, name, string, integer, floating, op, eof
};
struct Token {
  Tok type;
  std::string text;  // data, name, string value (unescaped), operator
  int line = 1;
  std::int64_t ival = 0;
  double fval = 0;
};
struct LexOptions {
  bool trim_blocks = true;
  bool lstrip_blocks = false;
  bool keep_trailing_newline = false;
  // Ansible's templating of playbook strings doubles every backslash of a string literal inside
  // `{{ }}` before Jinja2 reads it, so `'\1'` written once in YAML reaches regex_replace as a
  // backreference (ansible/template/__init__.py: _escape_backslashes). Not for template files.
  bool escape_backslashes = false;
  // Jinja2's variable_start_string ... comment_end_string: the template lookup's options and a
  // `#jinja2:` header may change them.
  std::string var_open = "{{", var_close = "}}", block_open = "{%", block_close = "%}", comment_open = "{#",
              comment_close = "#}";
  bool default_delimiters() const {
    return var_open == "{{" && var_close == "}}" && block_open == "{%" && block_close == "%}" && comment_open == "{#" &&
           comment_close == "#}";
  }
};
// Splits a template into tokens; throws TemplateError on an unterminated tag or string.
std::vector<Token> lex(std::string_view source, const LexOptions& options);

// ---------------------------------------------------------------- context
class Context;
struct Template;
struct Inheritance;

// A variable scope: loop bodies, macros, with-blocks and includes get one.
struct Scope {
  Scope* parent = nullptr;
  bool isolated = false;  // an import/include without context: the root variables are not visible
  std::vector<std::pair<std::string, Value>> vars;
  Value* find_local(std::string_view name) {
    for (auto& [k, v] : vars)
      if (same_key(k, name)) return &v;
    return nullptr;
  }
  void set(std::string_view name, Value v) {
    if (Value* slot = find_local(name)) *slot = std::move(v);
    else vars.emplace_back(std::string(name), std::move(v));
  }
};

// Objects of the engine (undefined, macros, loop, namespace, cycler, joiner, bound methods).
class TemplateObject : public Object {
public:
  TemplateObject() : Object(Family::template_object) {}
  virtual std::optional<Value> attribute(Context&, std::string_view) { return std::nullopt; }
  virtual bool callable() const { return false; }
  virtual Value call(Context& ctx, CallArgs& args);
  virtual std::string str() const { return "<" + type_name() + " object>"; }
  virtual const List* sequence() const { return nullptr; }  // iterable/indexable like a tuple
  // `obj.name(args)` for objects with methods (a BoundMethod made by attribute() calls this);
  // nullopt when there is no such method.
  virtual std::optional<Value> invoke_method(Context&, std::string_view, CallArgs&) { return std::nullopt; }

protected:
  explicit TemplateObject(Family family) : Object(family) {}
};

// The TemplateObject a value holds (undefined included), or nullptr.
inline TemplateObject* as_template_object(const Value& v) {
  if (!v.is_object()) return nullptr;
  Object* o = v.as_object().get();
  auto family = o->family();
  return family == Object::Family::template_object || family == Object::Family::undefined
             ? static_cast<TemplateObject*>(o)
             : nullptr;
}

// Jinja2's StrictUndefined as Ansible uses it: any use but `default`/`is defined` fails with
// `message` ("'x' is undefined").
class Undefined final : public TemplateObject {
public:
  explicit Undefined(std::string message, bool soft = false)
      : TemplateObject(Family::undefined), m_message(std::move(message)), soft(soft) {}
  // `'dict object' has no attribute 'name'`, formatted only when it is needed.
  Undefined(Value obj, std::string attribute)
      : TemplateObject(Family::undefined), m_obj(std::move(obj)), m_attribute(std::move(attribute)) {}
  std::string type_name() const override { return "AnsibleUndefined"; }
  [[noreturn]] void fail() const { throw UndefinedError(message()); }
  std::string message() const;

private:
  std::string m_message;
  Value m_obj;
  std::string m_attribute;

public:
  bool soft = false;  // Jinja2's plain Undefined (an inline if without else): prints as "", is false
};
Value make_undefined(std::string message);
inline const Undefined* as_undefined(const Value& v) {
  if (!v.is_object() || v.as_object()->family() != Object::Family::undefined) return nullptr;
  return static_cast<const Undefined*>(v.as_object().get());
}
inline bool is_undefined(const Value& v) { return v.is_object() && as_undefined(v); }
// Throws the undefined error when v is undefined; returns v.
const Value& require(const Value& v);

// The row of `lookups` named `name` (short or FQCN), or nullptr.
const LookupRow* find_lookup(std::span<const LookupRow> lookups, std::string_view name);

using TemplateLoader = std::function<std::optional<std::string>(const std::string& name)>;

// What a render needs besides variables: the loader, lookups and the root variable resolver.
class Environment {
public:
  virtual ~Environment() = default;
  virtual const Value* root_find(std::string_view name) = 0;
  virtual std::vector<std::string> root_names() = 0;
  virtual std::shared_ptr<const Template> load_template(const std::string& name) = 0;
  virtual LookupContext lookup_context() = 0;
  virtual std::span<const LookupRow> lookups() const = 0;
  virtual std::string render_text(const std::string& source) = 0;
};

class Context {
public:
  Context(Environment& env, Scope* scope) : env(env), scope(scope) {}
  Environment& env;
  Scope* scope;
  int depth = 0;                 // macro/include recursion guard
  std::deque<Scope> owned;       // scopes that must outlive their block (imported modules)
  std::vector<std::shared_ptr<const Template>> keep;  // templates whose macros may be called
  bool secret = false;           // the output used a secret value
  // Where a render failed: the line of the innermost statement that threw, and the included
  // template it belongs to ("" for the template being rendered). Set as the error propagates.
  int error_line = 0;
  std::string error_template;
  std::shared_ptr<Inheritance> inheritance;  // blocks and parent of the template being rendered
  // Variable lookup: scopes inside out, then the root variables, then the globals.
  // Returns nullptr when undefined. `storage` holds a global made on demand.
  const Value* find(std::string_view name, Value& storage);
  Value* find_mutable(std::string_view name);
  Value lookup(std::string_view name);  // undefined marker when missing
};

// ---------------------------------------------------------------- tree
struct Expr {
  virtual ~Expr() = default;
  virtual Value eval(Context& ctx) const = 0;
  // The value without copying it when it lives somewhere already (a variable, a dict entry);
  // otherwise evaluated into `storage`. Valid until the scope or storage changes.
  virtual const Value* ref(Context& ctx, Value& storage) const {
    storage = eval(ctx);
    return &storage;
  }
  // As ref(), but nullptr where ref() would make an undefined value for a missing variable or a
  // missing key of a dict: `default` and `is defined` ask this, and most of their inputs are
  // missing on purpose, so no undefined object (and its message) is made for them.
  virtual const Value* probe(Context& ctx, Value& storage) const { return ref(ctx, storage); }
  int line = 0;
};
using ExprPtr = std::unique_ptr<Expr>;

struct Stmt {
  virtual ~Stmt() = default;
  virtual void render(Context& ctx, std::string& out) const = 0;
  int line = 0;
};
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

void render_body(const Body& body, Context& ctx, std::string& out);

struct BlockStmt;
struct Template {
  std::string name;
  Body body;
  std::vector<const BlockStmt*> blocks;  // every `{% block %}` in the body, in source order
  bool extends = false;                  // has an `{% extends %}` somewhere
  // The size of the last rendering: the next one reserves that much output up front.
  mutable std::atomic<std::size_t> size_hint{0};
  // When the whole source is one `{{ expr }}` (with nothing around it): that expression.
  const Expr* single_expression = nullptr;
};

// Renders a whole template as Jinja2's root render function does: the body, then (after an
// executed `{% extends %}`) each parent's body, with blocks resolved to their most derived
// definition. Throws TemplateError.
void render_template(const Template& t, Context& ctx, std::string& out);

// Compiles a template (cached by source and options); throws TemplateError on syntax errors.
std::shared_ptr<const Template> compile(std::string_view source, const std::string& name,
                                        const LexOptions& options = {});
// Compiles a bare expression (cached).
std::shared_ptr<const Expr> compile_expression(std::string_view source);

// ---------------------------------------------------------------- python semantics
std::string to_str(const Value& v);             // Python str()
std::string to_repr(const Value& v);            // Python repr()
void append_str(std::string& out, const Value& v);
std::string py_type(const Value& v);            // "int", "str", "dict", ...
bool py_truthy(const Value& v);                 // raises on undefined
int py_compare(const Value& a, const Value& b, const char* op);  // <0, 0, >0; raises TypeError text
bool py_in(const Value& needle, const Value& haystack);
Value py_add(const Value& a, const Value& b);
Value py_sub(const Value& a, const Value& b);
Value py_mul(const Value& a, const Value& b);
Value py_div(const Value& a, const Value& b);
Value py_floordiv(const Value& a, const Value& b);
Value py_mod(const Value& a, const Value& b);
Value py_pow(const Value& a, const Value& b);
Value py_neg(const Value& a);
std::string percent_format(const std::string& fmt, const Value& args);
std::string format_method(const std::string& fmt, const CallArgs& args);
// Items of an iterable as Python iterates them (list items, dict keys, string characters).
List iterate(const Value& v);
std::int64_t py_len(const Value& v);
Value getattr(Context& ctx, const Value& obj, std::string_view name);   // obj.name
Value getitem(Context& ctx, const Value& obj, const Value& key);       // obj[key]
Value call_method(Context& ctx, Value& self, std::string_view name, CallArgs& args, bool* found);
Value call_value(Context& ctx, const Value& callee, CallArgs& args);
std::vector<std::string> utf8_chars(std::string_view s);
std::size_t utf8_length(std::string_view s);
bool is_callable(const Value& v);

// ---------------------------------------------------------------- filters, tests, globals
using BuiltinFilter = Value (*)(Context& ctx, const Value& input, const CallArgs& args);
using BuiltinTest = bool (*)(Context& ctx, const Value& input, const CallArgs& args);
Value apply_filter(Context& ctx, std::string_view name, const Value& input, const CallArgs& args);
bool apply_test(Context& ctx, std::string_view name, const Value& input, const CallArgs& args);
bool filter_exists(std::string_view name);
// The builtin filter/test of that name (resolved once at parse time), or nullptr.
BuiltinFilter builtin_filter(std::string_view name, bool* accepts_undefined);
BuiltinTest builtin_test(std::string_view name, bool* accepts_undefined);
bool test_exists(std::string_view name);
// A global function (range, dict, lookup, namespace...) as a callable Value, or nullopt.
std::optional<Value> global_function(std::string_view name);

// A list marked as a Python tuple (prints as `(a, b)`).
inline Value make_tuple(List items) {
  Value v(std::move(items));
  v.add_mark(Mark::tuple);
  return v;
}
// `items` as a tuple when `like` is one, else as a list (slices, `+`, `*` keep the kind).
Value same_sequence_kind(const Value& like, List items);
// True when `name` is a method of str/list/dict that call_method knows.
bool has_method(const Value& self, std::string_view name);

// Python-ish helpers the filters share.
std::int64_t to_int(const Value& v, std::int64_t fallback = 0);
double to_float(const Value& v, double fallback = 0.0);

}  // namespace drover::tmpl::detail
