// Evaluation of expressions and rendering of statements; the render context; the compile cache.
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "core/value/marks.hpp"
#include "core/template/objects.hpp"

namespace drover::tmpl::detail {

constexpr int k_max_depth = 200;

// ---------------------------------------------------------------- undefined
Value make_undefined(std::string message) { return Value(std::make_shared<Undefined>(std::move(message))); }


const Value& require(const Value& v) {
  if (v.is_object())
    if (auto* u = as_undefined(v)) u->fail();
  return v;
}

Value TemplateObject::call(Context&, CallArgs&) { throw TemplateError("'" + type_name() + "' object is not callable"); }

// ---------------------------------------------------------------- context
const Value* Context::find(std::string_view name, Value& storage) {
  for (Scope* s = scope; s; s = s->parent) {
    if (Value* v = s->find_local(name)) return v;
    if (s->isolated) {
      if (auto g = global_function(name)) return &(storage = *g);
      return nullptr;
    }
  }
  if (const Value* v = env.root_find(name)) return v;
  if (auto g = global_function(name)) return &(storage = *g);
  return nullptr;
}

Value* Context::find_mutable(std::string_view name) {
  for (Scope* s = scope; s; s = s->parent) {
    if (Value* v = s->find_local(name)) return v;
    if (s->isolated) return nullptr;
  }
  return nullptr;
}

Value Context::lookup(std::string_view name) {
  Value storage;
  if (const Value* v = find(name, storage)) return *v;
  return make_undefined("'" + std::string(name) + "' is undefined");
}

// ---------------------------------------------------------------- expressions
namespace {

// Taint (docs/secrets.md): whatever an expression computes from a secret is secret. A container
// result that already holds secrets passed them through with their own marks (dict2items,
// select, a list slice) and is kept as it is; otherwise every string in the result is new text
// made from the secret (upper, b64encode, split, map('upper')) and is marked.
Value tainted(Value out) {
  if (out.is_string()) return out.add_mark(Mark::secret);
  if ((out.is_list() || out.is_map()) && !out.contains_secret()) return mark_deep(std::move(out), Mark::secret);
  return out;
}

bool any_secret(const CallArgs& args) {
  for (const Value& v : args.positional)
    if (v.contains_secret()) return true;
  for (const auto& [k, v] : args.keyword)
    if (v.contains_secret()) return true;
  return false;
}

}  // namespace

Value Name::eval(Context& ctx) const { return ctx.lookup(name); }

const Value* Name::ref(Context& ctx, Value& storage) const {
  if (const Value* v = ctx.find(name, storage)) return v;
  storage = make_undefined("'" + name + "' is undefined");
  return &storage;
}

const Value* Name::probe(Context& ctx, Value& storage) const { return ctx.find(name, storage); }

Value ListExpr::eval(Context& ctx) const {
  List out;
  out.reserve(items.size());
  for (const auto& e : items) out.push_back(e->eval(ctx));
  return tuple ? make_tuple(std::move(out)) : Value(std::move(out));
}

Value DictExpr::eval(Context& ctx) const {
  Map out;
  for (const auto& [k, v] : items) {
    Value key = require(k->eval(ctx));
    out.set(key.is_string() ? key.as_string() : to_str(key), v->eval(ctx));
  }
  return Value(std::move(out));
}

Value Attr::eval(Context& ctx) const {
  Value storage;
  return *ref(ctx, storage);
}

const Value* Attr::ref(Context& ctx, Value& storage) const {
  Value inner;
  const Value* o = obj->ref(ctx, inner);
  if (o->is_map() && !dict_method) {
    if (const Value* v = o->as_map().find(name)) {
      if (o != &inner) return v;
      storage = *v;
      return &storage;
    }
  }
  storage = getattr(ctx, *o, name);
  return &storage;
}

const Value* Attr::probe(Context& ctx, Value& storage) const {
  Value inner;
  const Value* o = obj->probe(ctx, inner);
  if (!o) return nullptr;  // Ansible's undefined chains: x.y of a missing x is missing too
  if (o->is_map() && !dict_method) {
    const Value* v = o->as_map().find(name);
    if (!v || o != &inner) return v;
    storage = *v;
    return &storage;
  }
  storage = getattr(ctx, *o, name);
  return &storage;
}

Value Item::eval(Context& ctx) const {
  Value o = obj->eval(ctx);
  Value r = getitem(ctx, o, key->eval(ctx));
  return o.is_string() && o.is_secret() && r.is_string() ? tainted(std::move(r)) : r;
}

namespace {

std::int64_t slice_index(const Value& v, std::int64_t fallback) {
  if (v.is_null()) return fallback;
  if (!v.is_int() && !v.is_bool())
    throw TemplateError("slice indices must be integers or None or have an __index__ method");
  return to_int(v);
}

// Python's slice.indices(len) and the walk over it.
template <class F>
void walk_slice(std::int64_t len, const Value& vstart, const Value& vstop, const Value& vstep, F&& take) {
  std::int64_t step = slice_index(vstep, 1);
  if (step == 0) throw TemplateError("slice step cannot be zero");
  std::int64_t lo = step > 0 ? 0 : -1, hi = step > 0 ? len : len - 1;
  auto clamp = [&](const Value& v, std::int64_t dflt) {
    if (v.is_null()) return dflt;
    std::int64_t i = slice_index(v, 0);
    if (i < 0) i += len;
    return std::clamp(i, lo, hi);
  };
  std::int64_t start = clamp(vstart, step > 0 ? 0 : len - 1);
  std::int64_t stop = clamp(vstop, step > 0 ? len : -1);
  for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) take(static_cast<std::size_t>(i));
}

}  // namespace

Value SliceExpr::eval(Context& ctx) const {
  Value o = require(obj->eval(ctx));
  Value a = start ? require(start->eval(ctx)) : Value();
  Value b = stop ? require(stop->eval(ctx)) : Value();
  Value c = step ? require(step->eval(ctx)) : Value();
  if (o.is_string()) {
    auto chars = utf8_chars(o.as_string());
    std::string out;
    walk_slice(static_cast<std::int64_t>(chars.size()), a, b, c, [&](std::size_t i) { out += chars[i]; });
    Value r(std::move(out));
    return o.is_secret() ? tainted(std::move(r)) : r;
  }
  if (o.is_list()) {
    const List& l = o.as_list();
    List out;
    walk_slice(static_cast<std::int64_t>(l.size()), a, b, c, [&](std::size_t i) { out.push_back(l[i]); });
    return same_sequence_kind(o, std::move(out));
  }
  throw TemplateError("'" + py_type(o) + "' object is not subscriptable");
}

CallArgs eval_args(Context& ctx, const Args& args) {
  CallArgs out;
  for (const Arg& a : args) {
    switch (a.kind) {
      case Arg::positional: out.positional.push_back(a.value->eval(ctx)); break;
      case Arg::keyword: out.keyword.set(a.name, a.value->eval(ctx)); break;
      case Arg::star:
        for (Value& v : iterate(require(a.value->eval(ctx)))) out.positional.push_back(std::move(v));
        break;
      case Arg::starstar: {
        Value m = require(a.value->eval(ctx));
        if (!m.is_map()) throw TemplateError("argument after ** must be a mapping, not " + py_type(m));
        for (const auto& [k, v] : m.as_map()) out.keyword.set(k, v);
        break;
      }
    }
  }
  return out;
}

// `ns.attr` as a place to change in place (ns.list.append(x)), or nullptr.
static Value* namespace_slot(Context& ctx, const Attr& attr) {
  Value ns = attr.obj->eval(ctx);
  if (!ns.is_object()) return nullptr;
  auto* obj = dynamic_cast<NamespaceObject*>(ns.as_object().get());
  return obj ? obj->attrs.find(attr.name) : nullptr;
}

Value Call::eval(Context& ctx) const {
  if (auto* attr = dynamic_cast<const Attr*>(callee.get())) {
    // A method call: find the receiver in place so list.append()/dict.update() change the variable.
    Value temp;
    Value* self = nullptr;
    if (auto* n = dynamic_cast<const Name*>(attr->obj.get())) self = ctx.find_mutable(n->name);
    else if (auto* inner = dynamic_cast<const Attr*>(attr->obj.get())) self = namespace_slot(ctx, *inner);
    if (!self) {
      temp = attr->obj->eval(ctx);
      self = &temp;
    }
    if (self->is_string() || self->is_list() || self->is_map()) {
      CallArgs args = eval_args(ctx, this->args);
      bool found = false;
      bool secret = self->contains_secret() || any_secret(args);
      Value r = call_method(ctx, *self, attr->name, args, &found);
      if (found) return secret ? tainted(std::move(r)) : r;
    }
    Value fn = getattr(ctx, *self, attr->name);
    CallArgs args = eval_args(ctx, this->args);
    return call_value(ctx, fn, args);
  }
  Value fn = callee->eval(ctx);
  CallArgs args = eval_args(ctx, this->args);
  return call_value(ctx, fn, args);
}

Value call_value(Context& ctx, const Value& callee, CallArgs& args) {
  require(callee);
  if (callee.is_object())
    if (auto* t = as_template_object(callee); t && t->callable()) {
      bool secret = any_secret(args);
      Value r = t->call(ctx, args);
      return secret ? tainted(std::move(r)) : r;
    }
  throw TemplateError("'" + py_type(callee) + "' object is not callable");
}

bool is_callable(const Value& v) {
  if (!v.is_object()) return false;
  auto* t = as_template_object(v);
  return t && t->callable();
}

std::optional<CallArgs> constant_args(const Args& args) {
  CallArgs out;
  for (const Arg& a : args) {
    auto* literal = dynamic_cast<const Literal*>(a.value.get());
    if (!literal) return std::nullopt;
    if (a.kind == Arg::positional) out.positional.push_back(literal->value);
    else if (a.kind == Arg::keyword) out.keyword.set(a.name, literal->value);
    else return std::nullopt;
  }
  return out;
}

Value FilterExpr::apply(Context& ctx, const Value& in) const {
  CallArgs evaluated;
  const CallArgs& a = constants ? *constants : (evaluated = eval_args(ctx, args));
  Value r;
  if (builtin) {
    if (!accepts_undefined) require(in);
    r = builtin(ctx, in, a);
  } else {
    r = apply_filter(ctx, name, in, a);
  }
  return in.contains_secret() || any_secret(a) ? tainted(std::move(r)) : r;
}

// What a probed input that is missing stands for; `default` and `defined` only ask whether it
// is undefined, never for its message.
static const Value& missing_value() {
  static const Value k_missing = make_undefined("a missing value");
  return k_missing;
}

Value FilterExpr::eval(Context& ctx) const {
  Value storage;
  if (probes_input) {
    const Value* in = input->probe(ctx, storage);
    return apply(ctx, in ? *in : missing_value());
  }
  return apply(ctx, *input->ref(ctx, storage));
}

Value TestExpr::eval(Context& ctx) const {
  Value storage;
  const Value* probed = probes_input ? input->probe(ctx, storage) : input->ref(ctx, storage);
  const Value& in = probed ? *probed : missing_value();
  CallArgs evaluated;
  const CallArgs& a = constants ? *constants : (evaluated = eval_args(ctx, args));
  if (builtin) {
    if (!accepts_undefined) require(in);
    return Value(builtin(ctx, in, a) != negated);
  }
  return Value(apply_test(ctx, name, in, a) != negated);
}

Value Binary::eval(Context& ctx) const {
  Value a = left->eval(ctx);
  Value b = right->eval(ctx);
  Value r = apply(a, b);
  return a.contains_secret() || b.contains_secret() ? tainted(std::move(r)) : r;
}

Value Binary::apply(const Value& a, const Value& b) const {
  switch (op) {
    case BinOp::add: return py_add(a, b);
    case BinOp::sub: return py_sub(a, b);
    case BinOp::mul: return py_mul(a, b);
    case BinOp::div: return py_div(a, b);
    case BinOp::floordiv: return py_floordiv(a, b);
    case BinOp::mod: return py_mod(a, b);
    case BinOp::pow: return py_pow(a, b);
  }
  return Value();
}

Value Concat::eval(Context& ctx) const {
  std::string out;
  bool secret = false;
  for (const auto& p : parts) {
    Value v = p->eval(ctx);
    secret = secret || v.contains_secret();
    append_str(out, v);
  }
  Value r(std::move(out));
  if (secret) r.add_mark(Mark::secret);
  return r;
}

static bool compare_once(CmpOp op, const Value& a, const Value& b) {
  switch (op) {
    case CmpOp::eq: return require(a) == require(b);
    case CmpOp::ne: return require(a) != require(b);
    case CmpOp::lt: return py_compare(a, b, "<") < 0;
    case CmpOp::le: return py_compare(a, b, "<=") <= 0;
    case CmpOp::gt: return py_compare(a, b, ">") > 0;
    case CmpOp::ge: return py_compare(a, b, ">=") >= 0;
    case CmpOp::in: return py_in(a, b);
    case CmpOp::not_in: return !py_in(a, b);
  }
  return false;
}

Value Compare::eval(Context& ctx) const {
  Value a = first->eval(ctx);
  for (const auto& [op, e] : rest) {
    Value b = e->eval(ctx);
    if (!compare_once(op, a, b)) return Value(false);
    a = std::move(b);
  }
  return Value(true);
}

Value Logical::eval(Context& ctx) const {
  Value a = left->eval(ctx);
  if (py_truthy(a) != is_and) return a;
  return right->eval(ctx);
}

Value Not::eval(Context& ctx) const { return Value(!py_truthy(operand->eval(ctx))); }

Value Unary::eval(Context& ctx) const {
  Value v = operand->eval(ctx);
  if (negative) return py_neg(v);
  require(v);
  if (!v.is_number() && !v.is_bool()) throw TemplateError("bad operand type for unary +: '" + py_type(v) + "'");
  return v.is_bool() ? Value(to_int(v)) : v;
}

Value CondExpr::eval(Context& ctx) const {
  if (py_truthy(test->eval(ctx))) return then->eval(ctx);
  if (otherwise) return otherwise->eval(ctx);
  return Value(std::make_shared<Undefined>(
      "the inline if-expression on line " + std::to_string(line) + " evaluated to false and no else section was defined.",
      true));
}

// ---------------------------------------------------------------- statements
void render_body(const Body& body, Context& ctx, std::string& out) {
  for (const auto& s : body) {
    try {
      s->render(ctx, out);
    } catch (const TemplateError&) {
      if (ctx.error_line == 0) ctx.error_line = s->line;
      throw;
    }
  }
}

void OutputStmt::render(Context& ctx, std::string& out) const {
  Value storage;
  const Value& v = *expr->ref(ctx, storage);
  if (v.is_null()) return;  // Ansible's finalize prints None as ""
  if (v.is_string()) {
    if (v.is_secret()) ctx.secret = true;
    out += v.as_string();
    return;
  }
  if ((v.is_list() || v.is_map()) && v.contains_secret()) ctx.secret = true;
  if (auto* u = as_undefined(v); u && u->soft) return;
  append_str(out, v);
}

void IfStmt::render(Context& ctx, std::string& out) const {
  for (const auto& [test, body] : branches) {
    if (py_truthy(test->eval(ctx))) return render_body(body, ctx, out);
  }
  render_body(otherwise, ctx, out);
}

namespace {

void bind_targets(Scope& scope, const std::vector<std::string>& targets, bool unpack, const Value& item) {
  if (!unpack) return scope.set(targets[0], item);
  require(item);
  List parts = iterate(item);
  if (parts.size() != targets.size()) {
    if (parts.size() > targets.size())
      throw TemplateError("too many values to unpack (expected " + std::to_string(targets.size()) + ")");
    throw TemplateError("not enough values to unpack (expected " + std::to_string(targets.size()) + ", got " +
                        std::to_string(parts.size()) + ")");
  }
  for (std::size_t i = 0; i < targets.size(); ++i) scope.set(targets[i], parts[i]);
}

struct ScopeGuard {
  ScopeGuard(Context& c, Scope& s) : ctx(c), saved(c.scope) {
    s.parent = c.scope;
    c.scope = &s;
  }
  ~ScopeGuard() { ctx.scope = saved; }
  Context& ctx;
  Scope* saved;
};

}  // namespace

void ForStmt::render(Context& ctx, std::string& out) const { run(ctx, iter->eval(ctx), out, 0); }

void ForStmt::run(Context& ctx, const Value& iterable, std::string& out, int depth) const {
  if (auto* u = as_undefined(iterable); u && !u->soft) u->fail();
  Value seq = as_undefined(iterable) ? Value(List{}) : iterable.is_list() ? iterable : Value(iterate(iterable));
  Scope scope;
  ScopeGuard guard(ctx, scope);
  if (filter) {
    List items = seq.as_list();
    List kept;
    for (Value& item : items) {
      bind_targets(scope, targets, unpack, item);
      if (py_truthy(filter->eval(ctx))) kept.push_back(std::move(item));
    }
    seq = Value(std::move(kept));
    scope.vars.clear();
  }
  if (seq.as_list().empty()) {
    render_body(otherwise, ctx, out);
    return;
  }
  auto loop = std::make_shared<LoopObject>();
  loop->self = loop;
  loop->seq = std::move(seq);
  loop->depth0 = depth;
  loop->recursive = recursive ? this : nullptr;
  scope.set("loop", Value(loop));
  const List& items = loop->items();
  for (std::size_t i = 0; i < items.size(); ++i) {
    loop->index0 = i;
    bind_targets(scope, targets, unpack, items[i]);
    render_body(body, ctx, out);
  }
}

void SetStmt::render(Context& ctx, std::string& out) const {
  (void)out;
  Value v;
  if (value) {
    v = value->eval(ctx);
  } else {
    std::string text;
    render_body(body, ctx, text);
    v = Value(std::move(text));
    for (const auto& f : filters) v = f->apply(ctx, v);
  }
  if (!attribute.empty()) {
    Value ns = ctx.lookup(targets[0]);
    auto* obj = ns.is_object() ? dynamic_cast<NamespaceObject*>(ns.as_object().get()) : nullptr;
    if (!obj) throw TemplateError("can only assign attributes of namespace objects");
    obj->attrs.set(attribute, std::move(v));
    return;
  }
  if (!unpack) return ctx.scope->set(targets[0], std::move(v));
  bind_targets(*ctx.scope, targets, true, v);
}

void MacroStmt::render(Context& ctx, std::string&) const {
  ctx.scope->set(name, Value(std::make_shared<MacroObject>(this, ctx.scope)));
}

void CallBlockStmt::render(Context& ctx, std::string& out) const {
  Value fn = call->callee->eval(ctx);
  CallArgs args = eval_args(ctx, call->args);
  args.keyword.set("caller", Value(std::make_shared<MacroObject>(&caller, ctx.scope)));
  append_str(out, call_value(ctx, fn, args));
}

void FilterBlockStmt::render(Context& ctx, std::string& out) const {
  std::string text;
  render_body(body, ctx, text);
  Value v(std::move(text));
  for (const auto& f : filters) v = f->apply(ctx, v);
  append_str(out, v);
}

static std::shared_ptr<const Template> load_or_fail(Context& ctx, const Value& name, bool ignore_missing) {
  if (name.is_list()) {
    for (const Value& n : name.as_list())
      if (auto t = ctx.env.load_template(to_str(n))) return t;
    if (ignore_missing) return nullptr;
    throw TemplateError("Tried to load templates " + to_repr(name) + " but none of them could be found");
  }
  auto t = ctx.env.load_template(to_str(require(name)));
  if (!t && !ignore_missing) throw TemplateError("the template file " + to_str(name) + " could not be found");
  return t;
}

void IncludeStmt::render(Context& ctx, std::string& out) const {
  auto t = load_or_fail(ctx, name->eval(ctx), ignore_missing);
  if (!t) return;
  if (++ctx.depth > k_max_depth) throw TemplateError("maximum recursion depth exceeded in include");
  ctx.keep.push_back(t);
  Scope scope;
  scope.isolated = !with_context;
  {
    ScopeGuard guard(ctx, scope);
    if (!with_context) scope.parent = nullptr;
    try {
      render_template(*t, ctx, out);
    } catch (const TemplateError&) {
      if (ctx.error_template.empty()) ctx.error_template = t->name;
      throw;
    }
  }
  --ctx.depth;
}

void ImportStmt::render(Context& ctx, std::string&) const {
  Value n = name->eval(ctx);
  auto t = load_or_fail(ctx, n, false);
  ctx.keep.push_back(t);
  Scope& scope = ctx.owned.emplace_back();
  scope.isolated = !with_context;
  {
    ScopeGuard guard(ctx, scope);
    if (!with_context) scope.parent = nullptr;
    std::string discard;
    render_template(*t, ctx, discard);
  }
  if (!target.empty()) {
    ctx.scope->set(target, Value(std::make_shared<ModuleObject>(&scope, to_str(n))));
    return;
  }
  for (const auto& [n2, alias] : names) {
    Value* v = scope.find_local(n2);
    if (!v) {
      ctx.scope->set(alias, make_undefined("the template " + to_repr(n) + " (imported on line " + std::to_string(line) +
                                           ") does not export the requested name " + to_repr(Value(n2))));
      continue;
    }
    ctx.scope->set(alias, *v);
  }
}

void WithStmt::render(Context& ctx, std::string& out) const {
  Scope scope;
  std::vector<std::pair<std::string, Value>> values;
  for (const auto& [n, e] : assignments) values.emplace_back(n, e->eval(ctx));
  ScopeGuard guard(ctx, scope);
  for (auto& [n, v] : values) scope.set(n, std::move(v));
  render_body(body, ctx, out);
}

// ---------------------------------------------------------------- objects
Value MacroObject::call(Context& ctx, CallArgs& args) {
  const MacroStmt& m = *m_macro;
  if (++ctx.depth > k_max_depth) throw TemplateError("maximum recursion depth exceeded");
  Scope scope;
  scope.parent = m_closure;
  Scope* saved = ctx.scope;
  ctx.scope = &scope;
  struct Restore {
    Context& c;
    Scope* s;
    ~Restore() {
      c.scope = s;
      --c.depth;
    }
  } restore{ctx, saved};
  if (args.positional.size() > m.params.size() && !m.uses_varargs)
    throw TemplateError("macro '" + m.name + "' takes not more than " + std::to_string(m.params.size()) +
                        " argument(s)");
  for (std::size_t i = 0; i < m.params.size(); ++i) {
    const MacroParam& p = m.params[i];
    if (i < args.positional.size()) {
      if (args.keyword.contains(p.name))
        throw TemplateError("macro '" + m.name + "' got multiple values for argument '" + p.name + "'");
      scope.set(p.name, args.positional[i]);
    } else if (Value* kw = args.keyword.find(p.name)) {
      scope.set(p.name, *kw);
      args.keyword.erase(p.name);
    } else if (p.default_value) {
      scope.set(p.name, p.default_value->eval(ctx));
    } else {
      scope.set(p.name, make_undefined("parameter '" + p.name + "' was not provided"));
    }
  }
  Value caller;
  if (Value* c = args.keyword.find("caller")) {
    caller = *c;
    args.keyword.erase("caller");
  }
  if (m.uses_caller) scope.set("caller", caller.is_null() ? make_undefined("No caller defined") : caller);
  else if (!caller.is_null())
    throw TemplateError("macro '" + m.name + "' was invoked with two values for the special caller argument. This is most likely a bug.");
  if (m.uses_varargs) {
    List rest;
    for (std::size_t i = m.params.size(); i < args.positional.size(); ++i) rest.push_back(args.positional[i]);
    scope.set("varargs", make_tuple(std::move(rest)));
  }
  if (m.uses_kwargs) {
    scope.set("kwargs", Value(args.keyword));
  } else if (!args.keyword.empty()) {
    throw TemplateError("macro '" + m.name + "' takes no keyword argument '" + args.keyword.entries()[0].first + "'");
  }
  std::string out;
  render_body(m.body, ctx, out);
  return Value(std::move(out));
}

std::optional<Value> MacroObject::attribute(Context&, std::string_view name) {
  if (name == "name") return Value(m_macro->name);
  if (name == "arguments") {
    List l;
    for (const auto& p : m_macro->params) l.emplace_back(p.name);
    return make_tuple(std::move(l));
  }
  if (name == "catch_kwargs") return Value(m_macro->uses_kwargs);
  if (name == "catch_varargs") return Value(m_macro->uses_varargs);
  if (name == "caller") return Value(m_macro->uses_caller);
  return std::nullopt;
}

std::optional<Value> LoopObject::attribute(Context& ctx, std::string_view name) {
  const auto n = static_cast<std::int64_t>(items().size());
  const auto i = static_cast<std::int64_t>(index0);
  if (name == "index") return Value(i + 1);
  if (name == "index0") return Value(i);
  if (name == "revindex") return Value(n - i);
  if (name == "revindex0") return Value(n - i - 1);
  if (name == "first") return Value(i == 0);
  if (name == "last") return Value(i == n - 1);
  if (name == "length") return Value(n);
  if (name == "depth") return Value(depth0 + 1);
  if (name == "depth0") return Value(depth0);
  if (name == "previtem")
    return i > 0 ? items()[index0 - 1] : make_undefined("there is no previous item");
  if (name == "nextitem")
    return i + 1 < n ? items()[index0 + 1] : make_undefined("there is no next item");
  if (name == "cycle" || name == "changed") {
    (void)ctx;
    return Value(std::make_shared<BoundMethod>(Value(self.lock()), std::string(name)));
  }
  return std::nullopt;
}

Value LoopObject::call(Context& ctx, CallArgs& args) {
  if (!recursive) throw TemplateError("The loop must have the 'recursive' marker to be called recursively.");
  if (args.positional.size() != 1) throw TemplateError("loop() takes exactly one argument");
  std::string out;
  if (++ctx.depth > k_max_depth) throw TemplateError("maximum recursion depth exceeded");
  recursive->run(ctx, args.positional[0], out, depth0 + 1);
  --ctx.depth;
  return Value(std::move(out));
}

// loop.cycle(...) / loop.changed(...) arrive as bound methods of the loop object.
static Value loop_method(LoopObject& loop, std::string_view name, CallArgs& args) {
  if (name == "cycle") {
    if (args.positional.empty()) throw TemplateError("no items for cycling given");
    return args.positional[loop.index0 % args.positional.size()];
  }
  Value now(args.positional);
  if (loop.last_changed && *loop.last_changed == now) return Value(false);
  loop.last_changed = now;
  return Value(true);
}

Value BoundMethod::call(Context& ctx, CallArgs& args) {
  if (m_self.is_object()) {
    if (auto* loop = dynamic_cast<LoopObject*>(m_self.as_object().get())) return loop_method(*loop, m_name, args);
    if (auto* cyc = dynamic_cast<CyclerObject*>(m_self.as_object().get())) {
      if (m_name == "reset") {
        cyc->pos = 0;
        return Value();
      }
      Value v = cyc->items[cyc->pos];
      cyc->pos = (cyc->pos + 1) % cyc->items.size();
      return v;
    }
    if (auto* t = as_template_object(m_self))
      if (auto r = t->invoke_method(ctx, m_name, args)) return *r;
  }
  bool found = false;
  Value r = call_method(ctx, m_self, m_name, args, &found);
  if (!found) throw TemplateError("'" + py_type(m_self) + "' object has no attribute '" + m_name + "'");
  return r;
}

std::optional<Value> CyclerObject::attribute(Context&, std::string_view name) {
  if (name == "current") return items[pos];
  if (name == "next" || name == "reset")
    return Value(std::make_shared<BoundMethod>(Value(self.lock()), std::string(name)));
  return std::nullopt;
}

std::string NamespaceObject::str() const {
  std::string out = "<Namespace {";
  bool first = true;
  for (const auto& [k, v] : attrs) {
    out += (first ? "'" : ", '") + k + "': " + to_repr(v);
    first = false;
  }
  return out + "}>";
}

// ---------------------------------------------------------------- attribute and item access
namespace {

}  // namespace

bool is_dict_method(std::string_view n) {
  if (n.size() < 3 || n.size() > 10 || std::string_view("cgikpsuv").find(n[0]) == std::string_view::npos) return false;
  static const std::string_view k_names[] = {"clear", "copy", "get", "items", "keys", "pop", "popitem",
                                             "setdefault", "update", "values"};
  return std::find(std::begin(k_names), std::end(k_names), n) != std::end(k_names);
}

namespace {

std::string object_desc(const Value& v) {
  if (v.is_null()) return "None";
  return py_type(v) + " object";
}

Value no_attribute(const Value& obj, std::string_view name) {
  return Value(std::make_shared<Undefined>(obj, std::string(name)));
}

}  // namespace

std::string Undefined::message() const {
  if (!m_attribute.empty() || m_message.empty())
    return "'" + object_desc(m_obj) + "' has no attribute '" + m_attribute + "'";
  return m_message;
}

Value getattr(Context& ctx, const Value& obj, std::string_view name) {
  switch (obj.kind()) {
    case Kind::map:
      if (is_dict_method(name)) return Value(std::make_shared<BoundMethod>(obj, std::string(name)));
      if (const Value* v = obj.as_map().find(name)) return *v;
      return no_attribute(obj, name);
    case Kind::object: {
      if (as_undefined(obj)) return obj;  // Ansible's undefined chains
      if (auto* t = as_template_object(obj)) {
        if (auto v = t->attribute(ctx, name)) return *v;
      } else if (auto* m = as_mapping_object(obj)) {
        if (const Value* v = m->find(name)) return *v;
      }
      return no_attribute(obj, name);
    }
    case Kind::string:
    case Kind::list:
      if (has_method(obj, name)) return Value(std::make_shared<BoundMethod>(obj, std::string(name)));
      return no_attribute(obj, name);
    default: return no_attribute(obj, name);
  }
}

Value getitem(Context& ctx, const Value& obj, const Value& key) {
  if (is_undefined(obj)) return obj;  // Ansible's undefined chains
  require(key);
  switch (obj.kind()) {
    case Kind::map:
      if (key.is_string()) {
        if (const Value* v = obj.as_map().find(key.as_string())) return *v;
        return no_attribute(obj, key.as_string());
      }
      if (const Value* v = obj.as_map().find(to_str(key))) return *v;
      return make_undefined("'dict object' has no attribute " + to_repr(key));
    case Kind::list:
    case Kind::string: {
      if (key.is_string()) return getattr(ctx, obj, key.as_string());
      if (!key.is_int() && !key.is_bool())
        return make_undefined(object_desc(obj) + " has no element " + to_repr(key));
      std::int64_t i = to_int(key);
      if (obj.is_list()) {
        const auto n = static_cast<std::int64_t>(obj.as_list().size());
        if (i < 0) i += n;
        if (i < 0 || i >= n) return make_undefined("list object has no element " + to_str(key));
        return obj.as_list()[static_cast<std::size_t>(i)];
      }
      auto chars = utf8_chars(obj.as_string());
      const auto n = static_cast<std::int64_t>(chars.size());
      if (i < 0) i += n;
      if (i < 0 || i >= n) return make_undefined("str object has no element " + to_str(key));
      return Value(chars[static_cast<std::size_t>(i)]);
    }
    case Kind::object:
      if (key.is_string()) return getattr(ctx, obj, key.as_string());
      [[fallthrough]];
    default: return make_undefined(object_desc(obj) + " has no element " + to_repr(key));
  }
}

// ---------------------------------------------------------------- compile cache
namespace {

struct CacheKey {
  std::string source;
  bool trim, lstrip, keep, escape;
  bool operator==(const CacheKey&) const = default;
};
struct CacheKeyHash {
  std::size_t operator()(const CacheKey& k) const {
    return std::hash<std::string>()(k.source) ^ (k.trim ? 1u : 0u) ^ (k.lstrip ? 2u : 0u) ^ (k.keep ? 4u : 0u) ^
           (k.escape ? 8u : 0u);
  }
};

constexpr std::size_t k_cache_limit = 20000;

template <class V, class Make>
std::shared_ptr<const V> cached(std::unordered_map<CacheKey, std::shared_ptr<const V>, CacheKeyHash>& cache,
                                std::shared_mutex& mutex, CacheKey key, Make&& make) {
  {
    std::shared_lock lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  std::shared_ptr<const V> made = make();
  std::unique_lock lock(mutex);
  if (cache.size() >= k_cache_limit) cache.clear();
  return cache.emplace(std::move(key), std::move(made)).first->second;
}

}  // namespace

std::shared_ptr<const Template> compile(std::string_view source, const std::string& name, const LexOptions& options) {
  static std::unordered_map<CacheKey, std::shared_ptr<const Template>, CacheKeyHash> cache;
  static std::shared_mutex mutex;
  std::string text(source);
  if (!options.default_delimiters())  // other delimiters: another template from the same text
    text = "\x01" + options.var_open + "\x01" + options.var_close + "\x01" + options.block_open + "\x01" +
           options.block_close + "\x01" + options.comment_open + "\x01" + options.comment_close + "\x01" + text;
  CacheKey key{std::move(text), options.trim_blocks, options.lstrip_blocks, options.keep_trailing_newline,
               options.escape_backslashes};
  return cached(cache, mutex, std::move(key), [&] {
    auto t = std::make_shared<Template>();
    t->name = name;
    parse_template(lex(source, options), *t);
    if (t->body.size() == 1)
      if (auto* o = dynamic_cast<const OutputStmt*>(t->body[0].get())) t->single_expression = o->expr.get();
    return std::shared_ptr<const Template>(std::move(t));
  });
}

std::shared_ptr<const Expr> compile_expression(std::string_view source) {
  static std::unordered_map<CacheKey, std::shared_ptr<const Expr>, CacheKeyHash> cache;
  static std::shared_mutex mutex;
  CacheKey key{std::string(source), false, false, false, false};
  return cached(cache, mutex, std::move(key), [&] {
    std::string wrapped = "{{" + std::string(source) + "}}";
    std::vector<Token> tokens = lex(wrapped, LexOptions{false, false, true});
    if (tokens.size() < 3 || tokens.front().type != Tok::var_begin || tokens[tokens.size() - 2].type != Tok::var_end)
      throw TemplateError("template error while templating string: unexpected '}' in expression: " + std::string(source));
    std::vector<Token> inner(std::make_move_iterator(tokens.begin() + 1), std::make_move_iterator(tokens.end() - 2));
    inner.push_back({Tok::eof, "", 1});
    return std::shared_ptr<const Expr>(parse_expression_tokens(std::move(inner)));
  });
}

}  // namespace drover::tmpl::detail
