// The parser: tokens → tree, one function per grammar production, following Jinja2's parser
// (precedence: or < and < not < compare < + - < ~ < * / // % < ** < unary < postfix/filters).
#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "core/template/nodes.hpp"

namespace drover::tmpl::detail {
namespace {

const char* describe(Tok t) {
  switch (t) {
    case Tok::var_end: return "end of print statement";
    case Tok::block_end: return "end of statement block";
    case Tok::eof: return "end of template";
    default: return nullptr;
  }
}

// How deep a template's tree may nest: brackets, `not`/`-` chains, statement blocks and chains
// of operators, attributes or filters each add a level, and the tree is built and evaluated
// recursively, so deeper input would overflow the stack. Jinja2 itself gives up near 100 nested
// brackets (Python's recursion limit).
constexpr int k_max_nesting = 400;

class Parser {
public:
  Parser(std::vector<Token> tokens, std::string name) : m_t(std::move(tokens)), m_name(std::move(name)) {}

  void parse_all(Template& t) {
    // Jinja2 guards the output of any template that has an `extends` anywhere in it.
    for (std::size_t i = 0; i + 1 < m_t.size(); ++i)
      if (m_t[i].type == Tok::block_begin && m_t[i + 1].type == Tok::name && m_t[i + 1].text == "extends")
        m_has_extends = true;
    t.body = parse_body({});
    t.blocks = std::move(m_blocks);
    t.extends = m_has_extends;
  }

  ExprPtr parse_bare_expression() {
    ExprPtr e = parse_tuple();
    if (cur().type != Tok::eof) fail_unexpected("end of expression");
    return e;
  }

private:
  std::vector<Token> m_t;
  std::size_t m_i = 0;
  std::string m_name;
  std::vector<std::string> m_end_stack;  // open block tags, innermost last
  std::vector<MacroStmt*> m_macros;      // macros being parsed (for caller/varargs/kwargs)
  std::vector<const BlockStmt*> m_blocks;  // blocks parsed so far, in source order
  bool m_has_extends = false;
  int m_depth = 0;  // the nesting levels open at the current token (see k_max_nesting)

  // Counts nesting levels for the scope of a parse function; each link() adds one more (a link
  // of an operator or filter chain).
  class Nesting {
  public:
    explicit Nesting(Parser& p) : m_p(p) {}
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;
    ~Nesting() { m_p.m_depth -= m_links; }
    void link() {
      ++m_links;
      if (++m_p.m_depth > k_max_nesting)
        m_p.fail("the template nests deeper than " + std::to_string(k_max_nesting) +
                 " levels (brackets, blocks or chained operators); split it into smaller expressions");
    }

  private:
    Parser& m_p;
    int m_links = 0;
  };

  const Token& cur() const { return m_t[m_i]; }
  const Token& peek(std::size_t n = 1) const { return m_t[std::min(m_i + n, m_t.size() - 1)]; }
  bool at_op(const char* op) const { return cur().type == Tok::op && cur().text == op; }
  bool at_name(const char* n) const { return cur().type == Tok::name && cur().text == n; }
  bool skip_op(const char* op) {
    if (!at_op(op)) return false;
    ++m_i;
    return true;
  }
  bool skip_name(const char* n) {
    if (!at_name(n)) return false;
    ++m_i;
    return true;
  }

  [[noreturn]] void fail(const std::string& msg) const {
    throw TemplateError("template error while templating string: " + msg + ". line " + std::to_string(cur().line));
  }
  std::string token_text(const Token& t) const {
    if (const char* d = describe(t.type)) return d;
    if (t.type == Tok::block_begin) return "begin of statement block";
    if (t.type == Tok::var_begin) return "begin of print statement";
    if (t.type == Tok::string) return "string";
    return t.text;
  }
  [[noreturn]] void fail_unexpected(const std::string& expected) const {
    fail("expected token '" + expected + "', got '" + token_text(cur()) + "'");
  }
  void expect_op(const char* op) {
    if (!skip_op(op)) fail_unexpected(op);
  }
  void expect(Tok type) {
    if (cur().type != type) fail_unexpected(describe(type) ? describe(type) : "token");
    ++m_i;
  }
  std::string expect_name() {
    if (cur().type != Tok::name) fail_unexpected("name");
    return m_t[m_i++].text;
  }
  template <class T>
  std::unique_ptr<T> node() {
    auto n = std::make_unique<T>();
    n->line = cur().line;
    return n;
  }

  // ------------------------------------------------------------ statements
  // Parses until a `{% tag %}` with tag in `ends`; leaves m_i at that tag's name.
  Body parse_body(std::initializer_list<const char*> ends) {
    Nesting nesting(*this);
    nesting.link();
    Body body;
    while (true) {
      const Token& t = cur();
      if (t.type == Tok::eof) {
        if (ends.size() == 0) return body;
        fail_eof(ends);
      }
      if (t.type == Tok::data) {
        auto s = node<TextStmt>();
        s->text = t.text;
        ++m_i;
        body.push_back(guard_output(std::move(s)));
      } else if (t.type == Tok::var_begin) {
        ++m_i;
        auto s = node<OutputStmt>();
        s->expr = parse_tuple();
        expect(Tok::var_end);
        body.push_back(guard_output(std::move(s)));
      } else if (t.type == Tok::block_begin) {
        ++m_i;
        if (cur().type == Tok::name)
          for (const char* e : ends)
            if (cur().text == e) return body;
        if (StmtPtr s = parse_statement()) body.push_back(std::move(s));
      } else {
        fail("unexpected '" + token_text(t) + "'");
      }
    }
  }

  // True when every open tag is one of `tags`: the statement being parsed shares the template
  // root's frame (Jinja2's `toplevel` for {"if"}, its output check for {"if", "for", ...}).
  bool open_tags_within(std::initializer_list<std::string_view> tags, std::size_t ignore_innermost = 0) const {
    for (std::size_t i = 0; i + ignore_innermost < m_end_stack.size(); ++i)
      if (std::find(tags.begin(), tags.end(), m_end_stack[i]) == tags.end()) return false;
    return true;
  }

  // Wraps text or `{{ }}` of a template with an `extends` so that it is dropped once the parent is
  // known; macro, call, set and block bodies are never dropped, nor what an include, a block or a
  // filter block writes (Jinja2 guards its Output nodes only).
  StmtPtr guard_output(StmtPtr s) {
    if (!m_has_extends || !open_tags_within({"if", "for", "with", "filter"})) return s;
    auto g = std::make_unique<ParentGuardStmt>();
    g->line = s->line;
    g->inner = std::move(s);
    return g;
  }

  [[noreturn]] void fail_eof(std::initializer_list<const char*> ends) const {
    std::string msg = "Unexpected end of template. Jinja was looking for the following tags: ";
    bool first = true;
    for (const char* e : ends) {
      msg += std::string(first ? "" : " or ") + "'" + e + "'";
      first = false;
    }
    msg += ". The innermost block that needs to be closed is '" + (m_end_stack.empty() ? "" : m_end_stack.back()) + "'";
    fail(msg);
  }

  // Consumes `{% endX %}` after parse_body stopped on it.
  void end_tag() {
    ++m_i;
    expect(Tok::block_end);
  }

  StmtPtr parse_statement() {
    using Fn = StmtPtr (Parser::*)();
    static const std::unordered_map<std::string_view, Fn> k_statements = {
        {"block", &Parser::parse_block}, {"call", &Parser::parse_call_block},
        {"do", &Parser::parse_do},       {"extends", &Parser::parse_extends},
        {"filter", &Parser::parse_filter_block},
        {"for", &Parser::parse_for},     {"from", &Parser::parse_from},
        {"if", &Parser::parse_if},       {"import", &Parser::parse_import},
        {"include", &Parser::parse_include}, {"macro", &Parser::parse_macro},
        {"set", &Parser::parse_set},     {"with", &Parser::parse_with},
    };
    if (cur().type != Tok::name) fail("tag name expected");
    auto it = k_statements.find(cur().text);
    if (it == k_statements.end()) {
      if (!m_end_stack.empty())
        fail("Encountered unknown tag '" + cur().text + "'. Jinja was looking for the following tags: 'end" +
             m_end_stack.back() + "'. The innermost block that needs to be closed is '" + m_end_stack.back() + "'");
      fail("Encountered unknown tag '" + cur().text + "'");
    }
    m_end_stack.push_back(cur().text);
    ++m_i;
    StmtPtr s = (this->*(it->second))();
    m_end_stack.pop_back();
    return s;
  }

  StmtPtr parse_if() {
    auto s = node<IfStmt>();
    while (true) {
      ExprPtr test = parse_tuple();
      expect(Tok::block_end);
      Body body = parse_body({"elif", "else", "endif"});
      s->branches.emplace_back(std::move(test), std::move(body));
      std::string tag = m_t[m_i++].text;
      if (tag == "elif") continue;
      if (tag == "else") {
        expect(Tok::block_end);
        s->otherwise = parse_body({"endif"});
        end_tag();
      } else {
        expect(Tok::block_end);
      }
      return s;
    }
  }

  std::vector<std::string> parse_assign_targets(bool& unpack) {
    std::vector<std::string> names;
    unpack = false;
    bool paren = skip_op("(");
    names.push_back(expect_name());
    while (skip_op(",")) {
      unpack = true;
      if (cur().type != Tok::name) break;
      names.push_back(expect_name());
    }
    if (paren) {
      expect_op(")");
      unpack = true;
    }
    return names;
  }

  StmtPtr parse_for() {
    auto s = node<ForStmt>();
    s->targets = parse_assign_targets(s->unpack);
    if (!skip_name("in")) fail_unexpected("in");
    s->iter = parse_tuple(/*no_condexpr=*/true);
    if (skip_name("if")) s->filter = parse_tuple();
    if (skip_name("recursive")) s->recursive = true;
    expect(Tok::block_end);
    s->body = parse_body({"endfor", "else"});
    if (m_t[m_i++].text == "else") {
      expect(Tok::block_end);
      s->otherwise = parse_body({"endfor"});
      end_tag();
    } else {
      expect(Tok::block_end);
    }
    return s;
  }

  StmtPtr parse_set() {
    auto s = node<SetStmt>();
    if (cur().type == Tok::name && peek().type == Tok::op && peek().text == ".") {
      s->targets.push_back(expect_name());
      ++m_i;
      s->attribute = expect_name();
    } else {
      s->targets = parse_assign_targets(s->unpack);
    }
    if (skip_op("=")) {
      s->value = parse_tuple();
      expect(Tok::block_end);
      return s;
    }
    while (skip_op("|")) s->filters.push_back(parse_filter_call(nullptr));
    expect(Tok::block_end);
    s->body = parse_body({"endset"});
    end_tag();
    return s;
  }

  void parse_signature(MacroStmt& m) {
    expect_op("(");
    while (!at_op(")")) {
      if (!m.params.empty()) expect_op(",");
      if (at_op(")")) break;
      MacroParam p;
      p.name = expect_name();
      if (skip_op("=")) p.default_value = parse_expression();
      else if (!m.params.empty() && m.params.back().default_value)
        fail("non-default argument follows default argument");
      m.params.push_back(std::move(p));
    }
    ++m_i;
  }

  void parse_macro_body(MacroStmt& m, const char* end) {
    m_macros.push_back(&m);
    m.body = parse_body({end});
    m_macros.pop_back();
    end_tag();
  }

  StmtPtr parse_macro() {
    auto s = node<MacroStmt>();
    s->name = expect_name();
    parse_signature(*s);
    expect(Tok::block_end);
    parse_macro_body(*s, "endmacro");
    return s;
  }

  StmtPtr parse_call_block() {
    auto s = node<CallBlockStmt>();
    s->caller.name = "caller";
    if (at_op("(")) parse_signature(s->caller);
    ExprPtr call = parse_expression();
    auto* as_call = dynamic_cast<Call*>(call.get());
    if (!as_call) fail("expected call");
    call.release();
    s->call.reset(as_call);
    expect(Tok::block_end);
    parse_macro_body(s->caller, "endcall");
    return s;
  }

  StmtPtr parse_filter_block() {
    auto s = node<FilterBlockStmt>();
    do s->filters.push_back(parse_filter_call(nullptr));
    while (skip_op("|"));
    expect(Tok::block_end);
    s->body = parse_body({"endfilter"});
    end_tag();
    return s;
  }

  StmtPtr parse_block() {
    auto s = node<BlockStmt>();
    s->name = expect_name();
    s->scoped = skip_name("scoped");
    s->required = skip_name("required");
    s->toplevel = open_tags_within({"if"}, 1);
    if (at_op("-"))
      fail("Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an "
           "underscore instead.");
    for (const BlockStmt* b : m_blocks)
      if (b->name == s->name) fail("block '" + s->name + "' defined twice");
    m_blocks.push_back(s.get());
    expect(Tok::block_end);
    s->body = parse_body({"endblock"});
    if (s->required && !only_whitespace(s->body)) fail("Required blocks can only contain comments or whitespace");
    ++m_i;
    if (cur().type == Tok::name && cur().text == s->name) ++m_i;
    expect(Tok::block_end);
    return s;
  }

  static bool only_whitespace(const Body& body) {
    for (const auto& st : body) {
      auto* text = dynamic_cast<const TextStmt*>(st.get());
      if (!text || text->text.find_first_not_of(" \t\n\r\f\v") != std::string::npos) return false;
    }
    return true;
  }

  StmtPtr parse_extends() {
    if (!open_tags_within({"if"}, 1)) fail("cannot use extend from a non top-level scope");
    auto s = node<ExtendsStmt>();
    s->name = parse_expression();
    expect(Tok::block_end);
    return s;
  }

  StmtPtr parse_with() {
    auto s = node<WithStmt>();
    while (cur().type != Tok::block_end) {
      if (!s->assignments.empty()) expect_op(",");
      std::string n = expect_name();
      expect_op("=");
      s->assignments.emplace_back(std::move(n), parse_expression());
    }
    expect(Tok::block_end);
    s->body = parse_body({"endwith"});
    end_tag();
    return s;
  }

  StmtPtr parse_do() {
    auto s = node<DoStmt>();
    s->expr = parse_tuple();
    expect(Tok::block_end);
    return s;
  }

  // `with context` / `without context` after include/import.
  bool parse_context_modifier(bool fallback) {
    if ((at_name("with") || at_name("without")) && peek().type == Tok::name && peek().text == "context") {
      bool with = cur().text == "with";
      m_i += 2;
      return with;
    }
    return fallback;
  }

  StmtPtr parse_include() {
    auto s = node<IncludeStmt>();
    s->name = parse_expression();
    if (at_name("ignore") && peek().type == Tok::name && peek().text == "missing") {
      m_i += 2;
      s->ignore_missing = true;
    }
    s->with_context = parse_context_modifier(true);
    expect(Tok::block_end);
    return s;
  }

  StmtPtr parse_import() {
    auto s = node<ImportStmt>();
    s->name = parse_expression();
    if (!skip_name("as")) fail_unexpected("as");
    s->target = expect_name();
    s->with_context = parse_context_modifier(false);
    expect(Tok::block_end);
    return s;
  }

  StmtPtr parse_from() {
    auto s = node<ImportStmt>();
    s->name = parse_expression();
    if (!skip_name("import")) fail_unexpected("import");
    while (cur().type != Tok::block_end) {
      if (at_name("with") || at_name("without")) {
        s->with_context = parse_context_modifier(false);
        break;
      }
      if (!s->names.empty()) {
        expect_op(",");
        if (cur().type == Tok::block_end) break;
        if (at_name("with") || at_name("without")) {
          s->with_context = parse_context_modifier(false);
          break;
        }
      }
      std::string n = expect_name();
      std::string alias = n;
      if (skip_name("as")) alias = expect_name();
      s->names.emplace_back(std::move(n), std::move(alias));
    }
    expect(Tok::block_end);
    return s;
  }

  // ------------------------------------------------------------ expressions
  // A comma-separated list without brackets becomes a tuple (`{{ 1, 2 }}`, `for` targets' iter).
  ExprPtr parse_tuple(bool no_condexpr = false) {
    int line = cur().line;
    ExprPtr first = no_condexpr ? parse_or() : parse_expression();
    if (!at_op(",")) return first;
    auto t = std::make_unique<ListExpr>();
    t->line = line;
    t->tuple = true;
    t->items.push_back(std::move(first));
    while (skip_op(",")) {
      if (!starts_expression()) break;
      t->items.push_back(no_condexpr ? parse_or() : parse_expression());
    }
    return t;
  }

  bool starts_expression() const {
    const Token& t = cur();
    if (t.type == Tok::name) return t.text != "in" && t.text != "if" && t.text != "recursive";
    if (t.type == Tok::op) return t.text == "(" || t.text == "[" || t.text == "{" || t.text == "-" || t.text == "+";
    return t.type == Tok::string || t.type == Tok::integer || t.type == Tok::floating;
  }

  ExprPtr parse_expression() {
    Nesting nesting(*this);
    nesting.link();
    return parse_condexpr();
  }

  ExprPtr parse_condexpr() {
    Nesting nesting(*this);
    ExprPtr e = parse_or();
    while (at_name("if")) {
      nesting.link();
      auto c = node<CondExpr>();
      ++m_i;
      c->then = std::move(e);
      c->test = parse_or();
      if (skip_name("else")) c->otherwise = parse_condexpr();
      e = std::move(c);
    }
    return e;
  }

  ExprPtr parse_or() {
    Nesting nesting(*this);
    ExprPtr left = parse_and();
    while (at_name("or")) {
      nesting.link();
      auto n = node<Logical>();
      ++m_i;
      n->is_and = false;
      n->left = std::move(left);
      n->right = parse_and();
      left = std::move(n);
    }
    return left;
  }

  ExprPtr parse_and() {
    Nesting nesting(*this);
    ExprPtr left = parse_not();
    while (at_name("and")) {
      nesting.link();
      auto n = node<Logical>();
      ++m_i;
      n->left = std::move(left);
      n->right = parse_not();
      left = std::move(n);
    }
    return left;
  }

  ExprPtr parse_not() {
    if (at_name("not")) {
      Nesting nesting(*this);
      nesting.link();
      auto n = node<Not>();
      ++m_i;
      n->operand = parse_not();
      return n;
    }
    return parse_compare();
  }

  std::optional<CmpOp> compare_op() {
    if (cur().type == Tok::op) {
      static const std::pair<const char*, CmpOp> k_ops[] = {{"==", CmpOp::eq}, {"!=", CmpOp::ne}, {"<", CmpOp::lt},
                                                            {"<=", CmpOp::le}, {">", CmpOp::gt},  {">=", CmpOp::ge}};
      for (auto [text, op] : k_ops)
        if (cur().text == text) {
          ++m_i;
          return op;
        }
      return std::nullopt;
    }
    if (at_name("in")) {
      ++m_i;
      return CmpOp::in;
    }
    if (at_name("not") && peek().type == Tok::name && peek().text == "in") {
      m_i += 2;
      return CmpOp::not_in;
    }
    return std::nullopt;
  }

  ExprPtr parse_compare() {
    int line = cur().line;
    ExprPtr first = parse_math1();
    std::unique_ptr<Compare> cmp;
    while (auto op = compare_op()) {
      if (!cmp) {
        cmp = std::make_unique<Compare>();
        cmp->line = line;
        cmp->first = std::move(first);
      }
      cmp->rest.emplace_back(*op, parse_math1());
    }
    if (cmp) return cmp;
    return first;
  }

  ExprPtr binary(BinOp op, ExprPtr left, ExprPtr right, int line) {
    auto b = std::make_unique<Binary>();
    b->line = line;
    b->op = op;
    b->left = std::move(left);
    b->right = std::move(right);
    return b;
  }

  ExprPtr parse_math1() {
    Nesting nesting(*this);
    ExprPtr left = parse_concat();
    while (at_op("+") || at_op("-")) {
      nesting.link();
      BinOp op = at_op("+") ? BinOp::add : BinOp::sub;
      int line = cur().line;
      ++m_i;
      left = binary(op, std::move(left), parse_concat(), line);
    }
    return left;
  }

  ExprPtr parse_concat() {
    int line = cur().line;
    ExprPtr first = parse_math2();
    if (!at_op("~")) return first;
    auto c = std::make_unique<Concat>();
    c->line = line;
    c->parts.push_back(std::move(first));
    while (skip_op("~")) c->parts.push_back(parse_math2());
    return c;
  }

  ExprPtr parse_math2() {
    Nesting nesting(*this);
    ExprPtr left = parse_pow();
    while (true) {
      BinOp op;
      if (at_op("*")) op = BinOp::mul;
      else if (at_op("/")) op = BinOp::div;
      else if (at_op("//")) op = BinOp::floordiv;
      else if (at_op("%")) op = BinOp::mod;
      else return left;
      nesting.link();
      int line = cur().line;
      ++m_i;
      left = binary(op, std::move(left), parse_pow(), line);
    }
  }

  ExprPtr parse_pow() {
    Nesting nesting(*this);
    ExprPtr left = parse_unary();
    while (at_op("**")) {
      nesting.link();
      int line = cur().line;
      ++m_i;
      left = binary(BinOp::pow, std::move(left), parse_unary(), line);
    }
    return left;
  }

  ExprPtr parse_unary(bool with_filter = true) {
    ExprPtr e;
    Nesting nesting(*this);
    if (at_op("-") || at_op("+")) {
      nesting.link();
      auto u = node<Unary>();
      u->negative = at_op("-");
      ++m_i;
      u->operand = parse_unary(false);
      e = std::move(u);
    } else {
      e = parse_primary();
    }
    e = parse_postfix(std::move(e));
    if (with_filter) e = parse_filter_expr(std::move(e));
    return e;
  }

  void note_name(const std::string& n) {
    if (m_macros.empty()) return;
    MacroStmt* m = m_macros.back();
    if (n == "caller") m->uses_caller = true;
    else if (n == "varargs") m->uses_varargs = true;
    else if (n == "kwargs") m->uses_kwargs = true;
  }

  ExprPtr parse_primary() {
    const Token& t = cur();
    int line = t.line;
    ExprPtr e;
    switch (t.type) {
      case Tok::name: {
        ++m_i;
        if (t.text == "true" || t.text == "True") e = std::make_unique<Literal>(Value(true));
        else if (t.text == "false" || t.text == "False") e = std::make_unique<Literal>(Value(false));
        else if (t.text == "none" || t.text == "None") e = std::make_unique<Literal>(Value());
        else {
          note_name(t.text);
          if (t.text == "self") e = std::make_unique<SelfName>();
          else e = std::make_unique<Name>(t.text);
        }
        break;
      }
      case Tok::string: {
        std::string s;
        while (cur().type == Tok::string) s += m_t[m_i++].text;
        e = std::make_unique<Literal>(Value(std::move(s)));
        break;
      }
      case Tok::integer: ++m_i; e = std::make_unique<Literal>(Value(t.ival)); break;
      case Tok::floating: ++m_i; e = std::make_unique<Literal>(Value(t.fval)); break;
      case Tok::op:
        if (t.text == "(") e = parse_paren();
        else if (t.text == "[") e = parse_list();
        else if (t.text == "{") e = parse_dict();
        else fail("unexpected '" + t.text + "'");
        break;
      default: fail("unexpected '" + token_text(t) + "'");
    }
    e->line = line;
    return e;
  }

  ExprPtr parse_paren() {
    ++m_i;
    if (skip_op(")")) {
      auto t = std::make_unique<ListExpr>();
      t->tuple = true;
      return t;
    }
    ExprPtr first = parse_expression();
    if (skip_op(")")) return first;
    auto t = std::make_unique<ListExpr>();
    t->tuple = true;
    t->items.push_back(std::move(first));
    while (skip_op(",")) {
      if (at_op(")")) break;
      t->items.push_back(parse_expression());
    }
    expect_op(")");
    return t;
  }

  ExprPtr parse_list() {
    ++m_i;
    auto l = std::make_unique<ListExpr>();
    while (!at_op("]")) {
      if (!l->items.empty()) expect_op(",");
      if (at_op("]")) break;
      l->items.push_back(parse_expression());
    }
    ++m_i;
    return l;
  }

  ExprPtr parse_dict() {
    ++m_i;
    auto d = std::make_unique<DictExpr>();
    while (!at_op("}")) {
      if (!d->items.empty()) expect_op(",");
      if (at_op("}")) break;
      ExprPtr k = parse_expression();
      expect_op(":");
      d->items.emplace_back(std::move(k), parse_expression());
    }
    ++m_i;
    return d;
  }

  ExprPtr parse_postfix(ExprPtr e) {
    Nesting nesting(*this);
    while (true) {
      nesting.link();
      int line = cur().line;
      if (at_op(".")) {
        ++m_i;
        if (cur().type == Tok::integer) {
          auto it = std::make_unique<Item>();
          it->obj = std::move(e);
          it->key = std::make_unique<Literal>(Value(m_t[m_i++].ival));
          e = std::move(it);
        } else {
          e = std::make_unique<Attr>(std::move(e), expect_name());
        }
      } else if (at_op("[")) {
        e = parse_subscript(std::move(e));
      } else if (at_op("(")) {
        e = parse_call(std::move(e));
      } else {
        return e;
      }
      e->line = line;
    }
  }

  ExprPtr parse_subscript(ExprPtr obj) {
    ++m_i;
    ExprPtr parts[3];
    int colons = 0;
    while (!at_op("]")) {
      if (skip_op(":")) {
        if (++colons > 2) fail("invalid slice");
        continue;
      }
      if (parts[colons]) fail_unexpected("]");
      parts[colons] = parse_expression();
    }
    ++m_i;
    if (colons == 0) {
      if (!parts[0]) fail("expected subscript expression");
      auto it = std::make_unique<Item>();
      it->obj = std::move(obj);
      it->key = std::move(parts[0]);
      return it;
    }
    auto s = std::make_unique<SliceExpr>();
    s->obj = std::move(obj);
    s->start = std::move(parts[0]);
    s->stop = std::move(parts[1]);
    s->step = std::move(parts[2]);
    return s;
  }

  Args parse_args() {
    Args args;
    expect_op("(");
    while (!at_op(")")) {
      if (!args.empty()) {
        expect_op(",");
        if (at_op(")")) break;
      }
      Arg a;
      if (skip_op("**")) a.kind = Arg::starstar;
      else if (skip_op("*")) a.kind = Arg::star;
      else if (cur().type == Tok::name && peek().type == Tok::op && peek().text == "=") {
        a.kind = Arg::keyword;
        a.name = expect_name();
        ++m_i;
      }
      a.value = parse_expression();
      args.push_back(std::move(a));
    }
    ++m_i;
    return args;
  }

  ExprPtr parse_call(ExprPtr callee) {
    auto c = std::make_unique<Call>();
    c->callee = std::move(callee);
    c->args = parse_args();
    return c;
  }

  std::unique_ptr<FilterExpr> parse_filter_call(ExprPtr input) {
    auto f = node<FilterExpr>();
    f->input = std::move(input);
    f->name = expect_name();
    while (skip_op(".")) f->name += "." + expect_name();
    if (at_op("(")) f->args = parse_args();
    f->constants = constant_args(f->args);
    f->builtin = builtin_filter(f->name, &f->accepts_undefined);
    f->probes_input = f->builtin && (f->name == "default" || f->name == "d");
    return f;
  }

  ExprPtr parse_filter_expr(ExprPtr e) {
    Nesting nesting(*this);
    while (true) {
      nesting.link();
      if (skip_op("|")) {
        e = parse_filter_call(std::move(e));
      } else if (at_name("is")) {
        ++m_i;
        e = parse_test(std::move(e));
      } else if (at_op("(")) {
        e = parse_call(std::move(e));
      } else {
        return e;
      }
    }
  }

  ExprPtr parse_test(ExprPtr input) {
    auto t = node<TestExpr>();
    t->input = std::move(input);
    t->negated = skip_name("not");
    t->name = expect_name();
    while (skip_op(".")) t->name += "." + expect_name();
    t->builtin = builtin_test(t->name, &t->accepts_undefined);
    t->probes_input = t->builtin && (t->name == "defined" || t->name == "undefined");
    if (at_op("(")) {
      t->args = parse_args();
    } else if (starts_test_argument()) {
      Arg a;
      ExprPtr arg = parse_primary();
      a.value = parse_postfix(std::move(arg));
      t->args.push_back(std::move(a));
    }
    t->constants = constant_args(t->args);
    return t;
  }

  bool starts_test_argument() const {
    const Token& t = cur();
    if (t.type == Tok::name)
      return t.text != "else" && t.text != "or" && t.text != "and" && t.text != "if" && t.text != "is" &&
             t.text != "in" && t.text != "not";
    if (t.type == Tok::op) return t.text == "[" || t.text == "{" || t.text == "(";
    return t.type == Tok::string || t.type == Tok::integer || t.type == Tok::floating;
  }
};

}  // namespace

void parse_template(std::vector<Token> tokens, Template& t) {
  Parser(std::move(tokens), t.name).parse_all(t);
}

ExprPtr parse_expression_tokens(std::vector<Token> tokens) {
  return Parser(std::move(tokens), "<expression>").parse_bare_expression();
}

}  // namespace drover::tmpl::detail
