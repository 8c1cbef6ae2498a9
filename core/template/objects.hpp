// The engine's own objects: macros, the loop variable, namespace(), imported template modules,
// global functions, bound methods, cycler and joiner.
#pragma once

#include "core/template/nodes.hpp"

namespace drover::tmpl::detail {

class MacroObject : public TemplateObject {
public:
  MacroObject(const MacroStmt* m, Scope* closure) : m_macro(m), m_closure(closure) {}
  std::string type_name() const override { return "Macro"; }
  bool callable() const override { return true; }
  Value call(Context& ctx, CallArgs& args) override;
  std::optional<Value> attribute(Context&, std::string_view name) override;
  std::string str() const override { return "<Macro '" + m_macro->name + "'>"; }

private:
  const MacroStmt* m_macro;
  Scope* m_closure;
};

class LoopObject : public TemplateObject, public std::enable_shared_from_this<LoopObject> {
public:
  std::string type_name() const override { return "LoopContext"; }
  std::optional<Value> attribute(Context& ctx, std::string_view name) override;
  bool callable() const override { return recursive != nullptr; }
  Value call(Context& ctx, CallArgs& args) override;
  std::string str() const override {
    return "<LoopContext " + std::to_string(index0 + 1) + "/" + std::to_string(items.size()) + ">";
  }

  List items;
  std::size_t index0 = 0;
  int depth0 = 0;
  const ForStmt* recursive = nullptr;
  std::optional<Value> last_changed;
};

class NamespaceObject : public TemplateObject {
public:
  std::string type_name() const override { return "Namespace"; }
  std::optional<Value> attribute(Context&, std::string_view name) override {
    if (const Value* v = attrs.find(name)) return *v;
    return std::nullopt;
  }
  std::string str() const override;
  Map attrs;
};

// An imported template: its top-level macros and variables.
class ModuleObject : public TemplateObject {
public:
  explicit ModuleObject(Scope* scope, std::string name) : m_scope(scope), m_name(std::move(name)) {}
  std::string type_name() const override { return "TemplateModule"; }
  std::optional<Value> attribute(Context&, std::string_view name) override {
    if (Value* v = m_scope->find_local(name)) return *v;
    return std::nullopt;
  }
  std::string str() const override { return "<TemplateModule '" + m_name + "'>"; }

private:
  Scope* m_scope;
  std::string m_name;
};

using GlobalFn = Value (*)(Context& ctx, CallArgs& args);
class FunctionObject : public TemplateObject {
public:
  FunctionObject(std::string_view name, GlobalFn fn) : m_name(name), m_fn(fn) {}
  std::string type_name() const override { return "function"; }
  bool callable() const override { return true; }
  Value call(Context& ctx, CallArgs& args) override { return m_fn(ctx, args); }
  std::string str() const override { return "<function " + m_name + ">"; }

private:
  std::string m_name;
  GlobalFn m_fn;
};

class BoundMethod : public TemplateObject {
public:
  BoundMethod(Value self, std::string name) : m_self(std::move(self)), m_name(std::move(name)) {}
  std::string type_name() const override { return "builtin_function_or_method"; }
  bool callable() const override { return true; }
  Value call(Context& ctx, CallArgs& args) override;
  std::string str() const override { return "<built-in method " + m_name + ">"; }

private:
  Value m_self;
  std::string m_name;
};

class CyclerObject : public TemplateObject, public std::enable_shared_from_this<CyclerObject> {
public:
  std::string type_name() const override { return "Cycler"; }
  std::optional<Value> attribute(Context& ctx, std::string_view name) override;
  List items;
  std::size_t pos = 0;
};

class JoinerObject : public TemplateObject {
public:
  std::string type_name() const override { return "Joiner"; }
  bool callable() const override { return true; }
  Value call(Context&, CallArgs&) override {
    if (!used) {
      used = true;
      return Value("");
    }
    return sep;
  }
  Value sep{", "};
  bool used = false;
};

}  // namespace drover::tmpl::detail
