// Template inheritance as Jinja2 3.1 does it: `extends`, `block`, `super()`, `self`.
//
// A render keeps one Inheritance: every block name maps to its definitions, most derived first.
// The body of the rendered template runs first; an executed `extends` loads the parent, appends
// the parent's definitions and from then on the body's output is dropped (ParentGuardStmt, placed
// by the parser); when the body ends the parent's body runs in the same variables, and so on up the
// chain. A block renders its most derived definition with names resolved in the template's
// variables (not in the loop or macro around it) unless it is `scoped`.
#include <utility>

#include "core/template/objects.hpp"

namespace drover::tmpl::detail {
namespace {

constexpr int k_max_block_depth = 200;

void render_definition(Context& ctx, const std::shared_ptr<Inheritance>& inheritance, std::size_t chain,
                       std::size_t index, Scope* context, std::string& out);

// `super` and `self.name`: one definition of a block, callable to render it. It shares the
// render's Inheritance, so it stays usable when stored in a variable that outlives the block
// (an imported template's `{% set me = self %}`).
class BlockReference final : public TemplateObject {
public:
  BlockReference(std::shared_ptr<Inheritance> inheritance, std::size_t chain, std::size_t index, Scope* context)
      : m_inheritance(std::move(inheritance)), m_chain(chain), m_index(index), m_context(context) {}
  std::string type_name() const override { return "BlockReference"; }
  bool callable() const override { return true; }
  Value call(Context& ctx, CallArgs&) override {
    std::string out;
    render_definition(ctx, m_inheritance, m_chain, m_index, m_context, out);
    return Value(std::move(out));
  }
  std::optional<Value> attribute(Context&, std::string_view name) override {
    if (name != "super") return std::nullopt;
    return parent_of(m_inheritance, m_chain, m_index, m_context);
  }

  // The definition after `index` in the chain, or Jinja2's undefined when there is none.
  static Value parent_of(const std::shared_ptr<Inheritance>& inheritance, std::size_t chain, std::size_t index,
                         Scope* context) {
    const Inheritance::Chain& c = inheritance->blocks[chain];
    if (index + 1 >= c.definitions.size())
      return make_undefined("there is no parent block called '" + std::string(c.name) + "'.");
    return Value(std::make_shared<BlockReference>(inheritance, chain, index + 1, context));
  }

private:
  std::shared_ptr<Inheritance> m_inheritance;
  std::size_t m_chain;  // an index: `extends` may still add chains
  std::size_t m_index;
  Scope* m_context;
};

// `self`: the blocks of the template being rendered, by name.
class TemplateReference final : public TemplateObject {
public:
  explicit TemplateReference(std::shared_ptr<Inheritance> inheritance) : m_inheritance(std::move(inheritance)) {}
  std::string type_name() const override { return "jinja2.runtime.TemplateReference"; }
  std::optional<Value> attribute(Context&, std::string_view name) override {
    std::size_t chain = m_inheritance ? m_inheritance->find(name) : std::string_view::npos;
    if (chain == std::string_view::npos) return std::nullopt;
    return Value(std::make_shared<BlockReference>(m_inheritance, chain, 0, m_inheritance->context));
  }

private:
  std::shared_ptr<Inheritance> m_inheritance;  // null for a template without blocks or extends
};

// Puts the render position back when a template or a block ends (normally or by an error).
struct Restore {
  Context& ctx;
  Scope* scope = ctx.scope;
  std::shared_ptr<Inheritance> inheritance = ctx.inheritance;
  Inheritance* rebound = nullptr;  // whose context a block replaced, and the context it had
  Scope* rebound_context = nullptr;
  ~Restore() {
    ctx.scope = scope;
    ctx.inheritance = inheritance;
    if (rebound) rebound->context = rebound_context;
  }
};

void render_definition(Context& ctx, const std::shared_ptr<Inheritance>& inheritance, std::size_t chain,
                       std::size_t index, Scope* context, std::string& out) {
  if (++ctx.depth > k_max_block_depth) throw TemplateError("maximum recursion depth exceeded");
  Scope scope;
  scope.parent = context;
  scope.set("super", BlockReference::parent_of(inheritance, chain, index, context));
  {
    // Inside the block, `context` is what nested blocks and `self` resolve names in (for a
    // scoped block: the variables at its call site), as Jinja2 passes a derived context on.
    Restore restore{ctx};
    restore.rebound = inheritance.get();
    restore.rebound_context = std::exchange(inheritance->context, context);
    ctx.scope = &scope;
    ctx.inheritance = inheritance;
    render_body(inheritance->blocks[chain].definitions[index]->body, ctx, out);
  }
  --ctx.depth;
}

}  // namespace

void render_template(const Template& t, Context& ctx, std::string& out) {
  Restore restore{ctx};
  if (t.blocks.empty() && !t.extends) {  // most templates: nothing to allocate
    ctx.inheritance = nullptr;
    return render_body(t.body, ctx, out);
  }
  auto inheritance = std::make_shared<Inheritance>();
  inheritance->context = ctx.scope;
  for (const BlockStmt* b : t.blocks) inheritance->blocks.push_back({b->name, {b}});
  ctx.inheritance = inheritance;
  render_body(t.body, ctx, out);
  // Each parent's body starts with no parent of its own, as Jinja2's root render functions do.
  while (inheritance->parent) {
    std::shared_ptr<const Template> parent = std::move(inheritance->parent);
    inheritance->parent = nullptr;
    render_body(parent->body, ctx, out);
  }
}

void BlockStmt::render(Context& ctx, std::string& out) const {
  std::shared_ptr<Inheritance> inheritance = ctx.inheritance;
  std::size_t chain = inheritance ? inheritance->find(name) : std::string_view::npos;
  if (chain == std::string_view::npos) return render_body(body, ctx, out);  // a macro's block, imported
  if (toplevel && inheritance->parent) return;
  if (required && inheritance->blocks[chain].definitions.size() <= 1)
    throw TemplateError("Required block '" + name + "' not found");
  render_definition(ctx, inheritance, chain, 0, scoped ? ctx.scope : inheritance->context, out);
}

void ExtendsStmt::render(Context& ctx, std::string&) const {
  if (!ctx.inheritance) throw TemplateError("cannot use extend from a non top-level scope");
  Inheritance& inheritance = *ctx.inheritance;
  if (inheritance.parent) throw TemplateError("extended multiple times");
  std::string parent_name = to_str(require(name->eval(ctx)));
  std::shared_ptr<const Template> parent = ctx.env.load_template(parent_name);
  if (!parent) throw TemplateError("the template file " + parent_name + " could not be found");
  ctx.keep.push_back(parent);
  for (const BlockStmt* b : parent->blocks) {
    std::size_t chain = inheritance.find(b->name);
    if (chain != std::string_view::npos) inheritance.blocks[chain].definitions.push_back(b);
    else inheritance.blocks.push_back({b->name, {b}});
  }
  inheritance.parent = std::move(parent);
}

void ParentGuardStmt::render(Context& ctx, std::string& out) const {
  if (!ctx.inheritance || !ctx.inheritance->parent) inner->render(ctx, out);
}

Value SelfName::eval(Context& ctx) const {
  Value storage;
  return *ref(ctx, storage);
}

const Value* SelfName::ref(Context& ctx, Value& storage) const {
  if (const Value* v = ctx.find(name, storage)) return v;
  storage = Value(std::make_shared<TemplateReference>(ctx.inheritance));
  return &storage;
}

}  // namespace drover::tmpl::detail
