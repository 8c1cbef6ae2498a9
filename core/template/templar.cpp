// The Templar: Ansible's templating entry points over the engine (lazy variables with cycle
// detection, native single-expression results, trailing newlines, the #jinja2: header, omit).
#include "core/template/templar.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cctype>
#include <cmath>
#include <mutex>
#include <random>

#include <openssl/crypto.h>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/secrets/redactor.hpp"
#include "core/secrets/secrets_options.hpp"
#include "core/secrets/vault.hpp"
#include "core/template/engine.hpp"
#include "core/template/render_options.hpp"
#include "core/value/marks.hpp"
#include "core/value/python_literal.hpp"
#include "core/value/python_repr.hpp"
#include "core/value/text.hpp"
#include "core/template/nodes.hpp"

namespace drover::tmpl {

std::vector<std::string> MapVariables::names() const {
  std::vector<std::string> out;
  if (m_map.is_map())
    for (const auto& [k, v] : m_map.as_map()) out.push_back(k);
  return out;
}

namespace detail {

namespace {

bool scan_for_templates(const Value& v);

// Large containers (facts, long lists) are scanned once per process, remembered by address. The
// cache holds a reference to each container it remembers, so any later write to it copies first
// (copy-on-write) and a remembered address never changes content.
bool needs_templating(const Value& v) {
  constexpr std::size_t k_large = 32, k_limit = 4096;
  bool large = (v.is_list() && v.as_list().size() >= k_large) || (v.is_map() && v.as_map().size() >= k_large);
  if (!large) return scan_for_templates(v);
  const void* key = v.is_list() ? static_cast<const void*>(&v.as_list()) : static_cast<const void*>(&v.as_map());
  static std::mutex mutex;
  static std::unordered_map<const void*, std::pair<Value, bool>> cache;
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second.second;
  }
  bool result = scan_for_templates(v);
  std::lock_guard lock(mutex);
  if (cache.size() >= k_limit) cache.clear();
  cache.emplace(key, std::make_pair(v, result));
  return result;
}

bool scan_for_templates(const Value& v) {
  switch (v.kind()) {
    case Kind::string:
      return has_mark(v.mark(), Mark::vault) || (!v.is_unsafe() && Templar::is_template(v.as_string()));
    case Kind::list:
      return std::any_of(v.as_list().begin(), v.as_list().end(), needs_templating);
    case Kind::map:
      for (const auto& [k, x] : v.as_map())
        if ((!v.is_unsafe() && Templar::is_template(k)) || needs_templating(x)) return true;
      return false;
    default: return false;
  }
}

std::size_t trailing_newlines(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && s[s.size() - 1 - n] == '\n') ++n;
  return n;
}

// One `key: value` of a `#jinja2:` header. Ansible sets the environment attribute to
// ast.literal_eval(value), and Jinja2 reads the three whitespace options by truthiness: True, 1
// and 'yes' turn one on; False, 0 and None off; a bare true or yes is an error, as in Ansible.
void apply_header_option(std::string_view pair, LexOptions& options) {
  std::size_t colon = pair.find(':');
  if (colon == std::string_view::npos)
    throw TemplateError("failed to parse jinja2 override '" + std::string(trim(pair)) +
                        "'. Did you use something different from colon as key-value separator?");
  std::string_view key = trim(pair.substr(0, colon));
  std::string_view text = trim(pair.substr(colon + 1));
  std::optional<Value> value = literal_eval(text);
  if (!value)
    throw TemplateError("the jinja2 override " + std::string(key) + ": " + std::string(text) +
                        " is not a Python literal (write True or False)");
  static const std::array<std::pair<std::string_view, std::string LexOptions::*>, 6> k_delimiters = {{
      {"variable_start_string", &LexOptions::var_open},
      {"variable_end_string", &LexOptions::var_close},
      {"block_start_string", &LexOptions::block_open},
      {"block_end_string", &LexOptions::block_close},
      {"comment_start_string", &LexOptions::comment_open},
      {"comment_end_string", &LexOptions::comment_close},
  }};
  for (const auto& [name, member] : k_delimiters)
    if (key == name) {
      if (!value->is_string() || value->as_string().empty())
        throw TemplateError("the jinja2 override " + std::string(key) + " must be a non-empty string");
      options.*member = value->as_string();
      return;
    }
  bool on = value->truthy();
  if (key == "trim_blocks") options.trim_blocks = on;
  else if (key == "lstrip_blocks") options.lstrip_blocks = on;
  else if (key == "keep_trailing_newline") options.keep_trailing_newline = on;
}

// Ansible's `#jinja2: trim_blocks: False, lstrip_blocks: True` first line: applies it and returns
// the template after it.
std::string_view apply_header(std::string_view source, LexOptions& options) {
  if (source.rfind("#jinja2:", 0) != 0) return source;
  std::size_t nl = source.find('\n');
  std::string_view line = source.substr(8, nl == std::string_view::npos ? std::string_view::npos : nl - 8);
  for (std::size_t start = 0;;) {
    std::size_t comma = line.find(',', start);
    apply_header_option(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start),
                        options);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return nl == std::string_view::npos ? std::string_view() : source.substr(nl + 1);
}

}  // namespace

class RootScope : public Environment {
public:
  RootScope(Templar& owner, const Variables& vars, TemplateOptions options)
      : m_owner(owner), m_vars(vars), m_options(std::move(options)) {}

  const Value* root_find(std::string_view name) override {
    if (auto it = m_resolved.find(name); it != m_resolved.end()) return &it->second;
    const Value* raw = m_vars.find(name);
    if (!raw) return nullptr;
    if (!needs_templating(*raw)) return raw;
    std::string key(name);
    if (std::find(m_resolving.begin(), m_resolving.end(), key) != m_resolving.end())
      throw TemplateError("recursive loop detected in template: " + key);
    m_resolving.push_back(key);
    Value resolved;
    try {
      resolved = m_owner.template_value(*raw);
    } catch (...) {
      m_resolving.pop_back();
      throw;
    }
    m_resolving.pop_back();
    return &m_resolved.emplace(std::move(key), std::move(resolved)).first->second;
  }

  std::vector<std::string> root_names() override { return m_vars.names(); }

  std::shared_ptr<const Template> load_template(const std::string& name) override {
    std::vector<std::string> candidates;
    if (!name.empty() && name[0] == '/') candidates.push_back(name);
    for (const auto& dir : m_options.search_paths) {
      candidates.push_back(dir + "/templates/" + name);
      candidates.push_back(dir + "/" + name);
    }
    for (const auto& path : candidates) {
      if (auto text = read_file(path)) {
        LexOptions options;
        std::string_view body = apply_header(*text, options);
        return compile(body, name, options);
      }
    }
    return nullptr;
  }

  LookupContext lookup_context() override {
    LookupContext lc;
    lc.search_paths = m_options.search_paths;
    lc.render = [this](const std::string& source) { return m_owner.render(source); };
    lc.render_file = [this](const std::string& source, const std::string& name) { return m_owner.render(source, name); };
    lc.variable = [this](std::string_view name) { return m_owner.variable(name); };
    lc.variable_names = [this] { return m_vars.names(); };
    lc.inventory_hostnames = m_options.inventory_hostnames;
    return lc;
  }

  std::span<const LookupRow> lookups() const override { return m_options.lookups; }

  std::string render_text(const std::string& source) override { return m_owner.render(source); }

  ResultTypes result_types() const { return m_options.result_types; }
  // The variable as given, before any templating (nullptr when undefined).
  const Value* raw_find(std::string_view name) const { return m_vars.find(name); }

  // Runs `fn` with a fresh context on the root scope.
  template <class F>
  auto with_context(F&& fn) {
    Scope root;
    Context ctx(*this, &root);
    return fn(ctx);
  }

private:
  Templar& m_owner;
  const Variables& m_vars;
  TemplateOptions m_options;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Value, Hash, std::equal_to<>> m_resolved;
  std::vector<std::string> m_resolving;
};

}  // namespace detail

using namespace detail;

Templar::Templar(const Variables& vars, TemplateOptions options)
    : m_root(std::make_unique<RootScope>(*this, vars, std::move(options))) {}

Templar::~Templar() = default;

std::span<const LookupRow> Templar::lookups() const { return m_root->lookups(); }

bool Templar::is_template(std::string_view s) {
  for (std::size_t p = s.find('{'); p != std::string_view::npos && p + 1 < s.size(); p = s.find('{', p + 1)) {
    char c = s[p + 1];
    if (c == '{' || c == '%' || c == '#') return true;
  }
  return false;
}

const std::string& Templar::omit_token() {
  static const std::string k_token = [] {
    std::random_device rd;
    std::mt19937_64 gen(rd());
    std::string hex;
    const char* digits = "0123456789abcdef";
    for (int i = 0; i < 40; ++i) hex += digits[gen() % 16];
    return "__omit_place_holder__" + hex;
  }();
  return k_token;
}

const Value* Templar::variable(std::string_view name) {
  if (const Value* v = m_root->root_find(name)) return v;
  return nullptr;
}

namespace {

// Ansible's SINGLE_VAR pattern `^{{\s*(\w*)\s*}}$` (Python's `$` also matches before a final
// newline): the variable's name, or "" when `text` is not that shape.
std::string_view single_variable(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.size() < 4 || text.substr(0, 2) != "{{" || text.substr(text.size() - 2) != "}}") return {};
  std::string_view inner = text.substr(2, text.size() - 4);
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!inner.empty() && space(inner.front())) inner.remove_prefix(1);
  while (!inner.empty() && space(inner.back())) inner.remove_suffix(1);
  for (char c : inner)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80))) return {};
  return inner;
}

// Ansible's STRING_TYPE_FILTERS: their output is kept as text, never literal-evaluated.
bool is_string_type_filter(const Expr* e) {
  auto* f = dynamic_cast<const FilterExpr*>(e);
  if (!f) return false;
  std::string_view name = f->name;
  if (name.rfind("ansible.builtin.", 0) == 0) name.remove_prefix(16);
  for (std::string_view k : {"string", "to_json", "to_nice_json", "to_yaml", "to_nice_yaml", "ppretty", "json"})
    if (name == k) return true;
  return false;
}

// True when Python's repr of v reads back as v (so Ansible's str()-then-literal_eval round trip
// is the identity and can be skipped).
bool round_trips(const Value& v) {
  switch (v.kind()) {
    case Kind::null:
    case Kind::boolean:
    case Kind::integer:
    case Kind::string: return true;
    case Kind::floating: return std::isfinite(v.as_float());
    case Kind::list: return std::all_of(v.as_list().begin(), v.as_list().end(), round_trips);
    case Kind::map:
      for (const auto& [k, x] : v.as_map())
        if (!round_trips(x)) return false;
      return true;
    default: return false;
  }
}

// hostvars and its per-host entries as plain dicts: what their repr() spells in Ansible.
Value plain_mapping(const MappingObject& m, int depth = 0) {
  Map out;
  for (const auto& key : m.keys()) {
    const Value* v = m.find(key);
    if (!v) continue;
    const MappingObject* inner = as_mapping_object(*v);
    out.set(key, inner && depth < 8 ? plain_mapping(*inner, depth + 1) : *v);
  }
  return Value(std::move(out));
}

// The literal step of ansible_eval_concat: text that starts with [ or { or is True/False becomes
// the Python (or JSON-named) literal it spells; other text stays text. `source` carries the marks.
Value ansible_text_result(const Value& source) {
  const std::string& text = source.as_string();
  bool looks = (!text.empty() && (text[0] == '[' || text[0] == '{')) || text == "True" || text == "False";
  if (!looks) return source;
  auto parsed = literal_eval(text, LiteralNames::python_and_json);
  if (!parsed) return source;
  Value out = std::move(*parsed);
  if (source.is_unsafe()) out = mark_deep(std::move(out), Mark::unsafe);
  if (source.is_secret()) out = mark_deep(std::move(out), Mark::secret);
  return out;
}

// The literal step of ansible_native_concat: any text that is a Python literal becomes its value;
// a string literal keeps its quotes (`"'a'"` stays `'a'`).
Value native_text_result(const Value& source) {
  const std::string& text = source.as_string();
  auto parsed = literal_eval(text);
  if (!parsed) return source;
  Value out = std::move(*parsed);
  if (out.is_string()) out = Value(text.substr(0, 1) + out.as_string() + text.substr(0, 1));
  if (source.is_unsafe()) out = mark_deep(std::move(out), Mark::unsafe);
  if (source.is_secret()) out = mark_deep(std::move(out), Mark::secret);
  return out;
}

// One `{{ expr }}`'s value as ansible_eval_concat returns it (the value is already evaluated).
Value ansible_single_result(Value v, const Expr* expr) {
  if (v.is_null()) return Value("");  // Ansible's finalize
  if (v.is_bool()) return v;          // "True"/"False" read back as the bool
  if (v.is_string()) return is_string_type_filter(expr) ? v : ansible_text_result(v);
  if (v.is_object()) {
    const MappingObject* m = as_mapping_object(v);
    if (!m) return ansible_text_result(Value(to_str(v)));
    v = plain_mapping(*m);
  }
  if (v.is_number()) return Value(to_str(v));
  // A tuple's text starts with "(", which Ansible does not read back: it stays text. Inside a
  // list or dict it reads back as the tuple it was.
  if (!v.is_tuple() && round_trips(v)) return contains_mark(v, Mark::unsafe) ? mark_deep(std::move(v), Mark::unsafe) : v;
  Value text(to_str(v));
  if (contains_mark(v, Mark::unsafe)) text.add_mark(Mark::unsafe);
  if (contains_mark(v, Mark::secret)) text.add_mark(Mark::secret);
  return ansible_text_result(text);
}

}  // namespace

namespace {

// An inline `!vault` value that reached the engine still encrypted (play, block and task vars,
// module and set_fact arguments, inventory vars): opened when it is read, as Ansible opens its
// AnsibleVaultEncryptedUnicode, and secret from then on.
Value open_inline_vault(const Value& s) {
  std::string plain;
  try {
    plain = secrets::vault_decrypt(s.as_string(), secrets::vault_secrets(), "an inline !vault value");
  } catch (const Fatal& e) {
    throw TemplateError(e.what());
  }
  secrets::Redactor::global().add(plain);
  Value out(plain, Mark::secret);
  OPENSSL_cleanse(plain.data(), plain.size());
  return out;
}

// The engine's syntax errors read "template error while templating string: MSG. line N" (parser)
// or "MSG (line N)" (lexer): Jinja2's message and line, apart.
std::pair<std::string, int> split_syntax_error(std::string_view what) {
  constexpr std::string_view k_prefix = "template error while templating string: ";
  if (what.rfind(k_prefix, 0) == 0) what.remove_prefix(k_prefix.size());
  int line = 0;
  for (std::string_view marker : {". line ", " (line "}) {
    auto p = what.rfind(marker);
    if (p == std::string_view::npos) continue;
    line = std::atoi(std::string(what.substr(p + marker.size())).c_str());
    what = what.substr(0, p);
    break;
  }
  return {std::string(what), line};
}

std::shared_ptr<const Template> compile_string(const std::string& text) {
  LexOptions options;
  options.escape_backslashes = true;  // a playbook string, not a template file
  try {
    return compile(text, "<string>", options);
  } catch (const TemplateError& e) {
    auto [message, line] = split_syntax_error(e.what());
    throw TemplateSyntaxError(message, line, text);
  }
}

}  // namespace

void Templar::check_syntax(std::string_view text, Expression kind) {
  if (kind == Expression::templated) {
    compile_string(std::string(text));
    return;
  }
  try {
    compile_expression(text);
  } catch (const TemplateError& e) {
    auto [message, line] = split_syntax_error(e.what());
    throw TemplateSyntaxError(message, line, std::string(text));
  }
}

Value Templar::template_string(const Value& s) {
  if (has_mark(s.mark(), Mark::vault)) return open_inline_vault(s);
  if (s.is_unsafe() || !is_template(s.as_string())) return s;
  const std::string& text = s.as_string();
  // Ansible returns a variable's bool/number/None as it is, without templating
  std::string_view var = single_variable(text);
  if (!var.empty()) {
    const Value* raw = m_root->raw_find(var);
    if (raw && (raw->is_bool() || raw->is_number() || raw->is_null())) return *raw;
  }
  auto tmpl = compile_string(text);
  bool native = m_root->result_types() == ResultTypes::native;
  Value result = m_root->with_context([&](Context& ctx) -> Value {
    if (tmpl->single_expression) {
      Value v = tmpl->single_expression->eval(ctx);
      if (auto* u = as_undefined(v)) {
        if (u->soft) return native ? Value() : Value("");
        u->fail();
      }
      if (native) {
        if (v.is_string() && !is_string_type_filter(tmpl->single_expression)) return native_text_result(v);
        if (v.is_object() && !as_mapping_object(v)) return Value(to_str(v));
        return v;
      }
      return ansible_single_result(std::move(v), tmpl->single_expression);
    }
    std::string out;
    render_template(*tmpl, ctx, out);
    Value r(std::move(out));
    if (ctx.secret) r.add_mark(Mark::secret);
    return native ? native_text_result(r) : ansible_text_result(r);
  });
  if (result.is_string()) {
    // Ansible keeps the source's trailing newlines on a string result
    std::size_t want = trailing_newlines(text), have = trailing_newlines(result.as_string());
    if (want > have) {
      Mark marks = result.mark();
      result = Value(result.as_string() + std::string(want - have, '\n'));
      result.add_mark(marks);
    }
  }
  if (s.is_secret()) result = mark_deep(std::move(result), Mark::secret);
  return result;
}

Value Templar::template_value(const Value& v) {
  if (!needs_templating(v)) return v;
  switch (v.kind()) {
    case Kind::string: return template_string(v);
    case Kind::list: {
      List out;
      out.reserve(v.as_list().size());
      for (const Value& x : v.as_list()) out.push_back(template_value(x));
      return Value(std::move(out));
    }
    case Kind::map: {
      Map out;
      for (const auto& [k, x] : v.as_map()) {
        // a mapping marked unsafe (wrap_unsafe) has unsafe keys, as Ansible's wrap_var makes them
        std::string key = !v.is_unsafe() && is_template(k) ? to_str(template_string(Value(k))) : k;
        out.set(std::move(key), template_value(x));
      }
      return Value(std::move(out));
    }
    default: return v;
  }
}

// The name render() gets when it is given none: its errors are not prefixed.
constexpr std::string_view k_anonymous = "<template>";

std::string Templar::render(std::string_view source, const std::string& name) {
  LexOptions options;
  std::string_view body = apply_header(source, options);
  std::shared_ptr<const Template> tmpl;
  try {
    tmpl = compile(body, name, options);
  } catch (const TemplateError& e) {
    if (name == k_anonymous) throw;
    auto [message, line] = split_syntax_error(e.what());
    throw TemplateError(name + ":" + std::to_string(line) + ": template error while templating string: " + message);
  }
  return m_root->with_context([&](Context& ctx) {
    std::string out;
    out.reserve(tmpl->size_hint.load(std::memory_order_relaxed));
    try {
      render_template(*tmpl, ctx, out);
    } catch (const TemplateError& e) {
      if (ctx.error_line == 0 || name == k_anonymous) throw;
      std::string where = ctx.error_template.empty() ? name : ctx.error_template;
      std::string msg = where + ":" + std::to_string(ctx.error_line) + ": " + e.what();
      if (dynamic_cast<const UndefinedError*>(&e)) throw UndefinedError(msg);
      throw TemplateError(msg);
    }
    tmpl->size_hint.store(out.size(), std::memory_order_relaxed);
    std::size_t want = trailing_newlines(body), have = trailing_newlines(out);
    if (want > have) out.append(want - have, '\n');
    return out;
  });
}

Value Templar::evaluate(std::string_view expression) {
  auto expr = compile_expression(expression);
  return m_root->with_context([&](Context& ctx) {
    Value v = expr->eval(ctx);
    require(v);
    return v;
  });
}

bool Templar::condition(std::string_view expression) {
  std::string text(expression);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  text.erase(0, text.find_first_not_of(" \t\r\n"));
  if (is_template(text)) {
    Value v = template_string(Value(text));
    if (!v.is_string()) return py_truthy(v);
    text = v.as_string();
    if (text.empty()) return false;
  }
  Value v = evaluate(text);
  return py_truthy(v);
}

Value Templar::wrap_unsafe(Value v) { return mark_deep(std::move(v), Mark::unsafe); }

List Templar::query(std::string_view name, const Value& terms) {
  const LookupRow* row = find_lookup(m_root->lookups(), name);
  if (!row) throw TemplateError("lookup plugin (" + std::string(name) + ") not found");
  LookupContext lc = m_root->lookup_context();
  lc.terms_mapping = terms.is_map();
  return row->fn(terms.is_list() ? terms.as_list() : List{terms}, Map{}, lc);
}

std::string with_jinja2_overrides(std::string_view source,
                                  const std::vector<std::pair<std::string, Value>>& overrides) {
  if (overrides.empty()) return std::string(source);
  std::string pairs;
  for (const auto& [key, value] : overrides) pairs += (pairs.empty() ? "" : ", ") + key + ":" + python_repr(value);
  constexpr std::string_view k_header = "#jinja2:";
  if (source.rfind(k_header, 0) == 0)
    return std::string(k_header) + pairs + ", " + std::string(source.substr(k_header.size()));
  return std::string(k_header) + pairs + "\n" + std::string(source);
}

Value literal_text_result(const Value& text) { return text.is_string() ? ansible_text_result(text) : text; }

}  // namespace drover::tmpl
