// The compiled tree: one node type per grammar production; each knows how to evaluate or render
// itself. Built by the parser (parser.cpp), run by nodes.cpp.
#pragma once

#include "core/template/engine.hpp"

namespace drover::tmpl::detail {

// ---------------------------------------------------------------- expressions
struct Literal : Expr {
  explicit Literal(Value v) : value(std::move(v)) {}
  Value eval(Context&) const override { return value; }
  Value value;
};

struct Name : Expr {
  explicit Name(std::string n) : name(std::move(n)) {}
  Value eval(Context& ctx) const override;
  const Value* ref(Context& ctx, Value& storage) const override;
  const Value* probe(Context& ctx, Value& storage) const override;
  std::string name;
};

struct ListExpr : Expr {
  Value eval(Context& ctx) const override;
  std::vector<ExprPtr> items;
  bool tuple = false;
};

struct DictExpr : Expr {
  Value eval(Context& ctx) const override;
  std::vector<std::pair<ExprPtr, ExprPtr>> items;
};

bool is_dict_method(std::string_view n);

struct Attr : Expr {
  Attr(ExprPtr o, std::string n) : obj(std::move(o)), name(std::move(n)), dict_method(is_dict_method(name)) {}
  Value eval(Context& ctx) const override;
  const Value* ref(Context& ctx, Value& storage) const override;
  const Value* probe(Context& ctx, Value& storage) const override;
  ExprPtr obj;
  std::string name;
  bool dict_method;  // `d.items` and friends name the method, not a key
};

struct Item : Expr {
  Value eval(Context& ctx) const override;
  ExprPtr obj, key;
};

struct SliceExpr : Expr {
  Value eval(Context& ctx) const override;
  ExprPtr obj, start, stop, step;
};

struct Arg {
  enum Kind : std::uint8_t { positional, keyword, star, starstar } kind = positional;
  std::string name;
  ExprPtr value;
};
using Args = std::vector<Arg>;
CallArgs eval_args(Context& ctx, const Args& args);
// The arguments when every one is a literal (`default(1)`, `join(',')`): evaluated once, by the
// parser, instead of on every call.
std::optional<CallArgs> constant_args(const Args& args);

struct Call : Expr {
  Value eval(Context& ctx) const override;
  ExprPtr callee;
  Args args;
};

struct FilterExpr : Expr {
  Value eval(Context& ctx) const override;
  Value apply(Context& ctx, const Value& input) const;  // for filter blocks (input == nullptr)
  ExprPtr input;  // null inside `{% filter %}` chains
  std::string name;
  Args args;
  BuiltinFilter builtin = nullptr;  // resolved by the parser
  bool accepts_undefined = false;
  bool probes_input = false;  // Jinja2's `default`/`d`: a missing input needs no undefined object
  std::optional<CallArgs> constants;  // constant_args(args)
};

struct TestExpr : Expr {
  Value eval(Context& ctx) const override;
  ExprPtr input;
  std::string name;
  Args args;
  bool negated = false;
  BuiltinTest builtin = nullptr;  // resolved by the parser
  bool accepts_undefined = false;
  bool probes_input = false;  // `defined`/`undefined`
  std::optional<CallArgs> constants;  // constant_args(args)
};

enum class BinOp : std::uint8_t { add, sub, mul, div, floordiv, mod, pow };
struct Binary : Expr {
  Value eval(Context& ctx) const override;
  Value apply(const Value& a, const Value& b) const;
  BinOp op;
  ExprPtr left, right;
};

struct Concat : Expr {
  Value eval(Context& ctx) const override;
  std::vector<ExprPtr> parts;
};

enum class CmpOp : std::uint8_t { eq, ne, lt, le, gt, ge, in, not_in };
struct Compare : Expr {
  Value eval(Context& ctx) const override;
  ExprPtr first;
  std::vector<std::pair<CmpOp, ExprPtr>> rest;
};

struct Logical : Expr {
  Value eval(Context& ctx) const override;
  bool is_and = true;
  ExprPtr left, right;
};

struct Not : Expr {
  Value eval(Context& ctx) const override;
  ExprPtr operand;
};

struct Unary : Expr {
  Value eval(Context& ctx) const override;
  bool negative = true;
  ExprPtr operand;
};

struct CondExpr : Expr {
  Value eval(Context& ctx) const override;
  ExprPtr test, then, otherwise;
};

// ---------------------------------------------------------------- statements
struct TextStmt : Stmt {
  void render(Context&, std::string& out) const override { out += text; }
  std::string text;
};

struct OutputStmt : Stmt {
  void render(Context& ctx, std::string& out) const override;
  ExprPtr expr;
};

struct IfStmt : Stmt {
  void render(Context& ctx, std::string& out) const override;
  std::vector<std::pair<ExprPtr, Body>> branches;
  Body otherwise;
};

struct ForStmt : Stmt {
  void render(Context& ctx, std::string& out) const override;
  void run(Context& ctx, const Value& iterable, std::string& out, int depth) const;
  std::vector<std::string> targets;
  bool unpack = false;
  ExprPtr iter, filter;
  Body body, otherwise;
  bool recursive = false;
};

struct SetStmt : Stmt {
  void render(Context& ctx, std::string& out) const override;
  std::vector<std::string> targets;  // several: tuple unpacking
  bool unpack = false;
  std::string attribute;             // `set ns.attr = ...`: targets[0] is the namespace
  ExprPtr value;
  Body body;                          // block set when value is null
  std::vector<std::unique_ptr<FilterExpr>> filters;
};

struct MacroParam {
  std::string name;
  ExprPtr default_value;
};

struct MacroStmt : Stmt {
  void render(Context& ctx, std::string& out) const override;
  std::string name;
  std::vector<MacroParam> params;
  Body body;
  bool uses_caller = false, uses_varargs = false, uses_kwargs = false;
};

struct CallBlockStmt : Stmt {
  void render(Context& ctx, std::string& out) const override;
  std::unique_ptr<Call> call;
  MacroStmt caller;  // the body as a macro named "caller"
};

struct FilterBlockStmt : Stmt {
  void render(Context& ctx, std::string& out) const override;
  std::vector<std::unique_ptr<FilterExpr>> filters;
  Body body;
};

struct IncludeStmt : Stmt {
  void render(Context& ctx, std::string& out) const override;
  ExprPtr name;
  bool ignore_missing = false;
  bool with_context = true;
};

struct ImportStmt : Stmt {
  void render(Context& ctx, std::string& out) const override;
  ExprPtr name;
  std::string target;                                      // `import x as target`
  std::vector<std::pair<std::string, std::string>> names;  // `from x import a as b`
  bool with_context = false;
};

struct WithStmt : Stmt {
  void render(Context& ctx, std::string& out) const override;
  std::vector<std::pair<std::string, ExprPtr>> assignments;
  Body body;
};

// `{% block name %}`: renders the most derived definition of `name` (see inheritance.cpp).
struct BlockStmt : Stmt {
  void render(Context& ctx, std::string& out) const override;
  std::string name;
  Body body;
  bool scoped = false;    // sees the variables of the place it is rendered at
  bool required = false;  // a template deriving from this one must override it
  bool toplevel = false;  // in the template body or its top-level ifs: skipped once the template extends
};

// `{% extends name %}`: the parent rendered after this template's body.
struct ExtendsStmt : Stmt {
  void render(Context& ctx, std::string& out) const override;
  ExprPtr name;
};

// Text or `{{ }}` in the body of a template that extends another: skipped (not evaluated) once an
// `extends` has run, as Jinja2 discards a child's output outside blocks.
struct ParentGuardStmt : Stmt {
  void render(Context& ctx, std::string& out) const override;
  StmtPtr inner;
};

// `self` outside any variable of that name: the blocks of the template being rendered.
struct SelfName : Name {
  SelfName() : Name("self") {}
  Value eval(Context& ctx) const override;
  const Value* ref(Context& ctx, Value& storage) const override;
};

// The inheritance state of one template render (Jinja2's context.blocks and the root's
// parent_template): for each block name its definitions, most derived first.
struct Inheritance {
  struct Chain {
    std::string_view name;
    std::vector<const BlockStmt*> definitions;
  };
  std::vector<Chain> blocks;               // empty (no allocation) for templates without blocks
  std::shared_ptr<const Template> parent;  // set by an executed `extends`
  Scope* context = nullptr;                // where blocks that are not scoped resolve names
  // The index of the chain of `name` in `blocks` (stable while `extends` adds chains), or npos.
  std::size_t find(std::string_view name) const {
    for (std::size_t i = 0; i < blocks.size(); ++i)
      if (blocks[i].name == name) return i;
    return std::string_view::npos;
  }
};

struct DoStmt : Stmt {
  void render(Context& ctx, std::string&) const override { expr->eval(ctx); }
  ExprPtr expr;
};

// Parses a token stream into the body, blocks and `extends` flag of `t` (named already); throws
// TemplateError.
void parse_template(std::vector<Token> tokens, Template& t);
ExprPtr parse_expression_tokens(std::vector<Token> tokens);

}  // namespace drover::tmpl::detail
