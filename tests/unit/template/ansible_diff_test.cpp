// Differential suite: every case of tests/diff/ansible/cases.json is rendered by ansible-playbook
// (one run, one looping debug task; a case that fails in Ansible yields no "R:" result because the
// lookup runs with errors='warn', and its message goes to ansible.log) and computed by drover's filter/test/lookup functions; the
// JSON results must be equal, and a case Ansible fails must fail in drover too.
// See tests/diff/ansible/README.md. Skips loudly when ansible-playbook is not installed.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/template/ansible_support.hpp"
#include "core/template/templar.hpp"
#include "core/value/json.hpp"
#include "plugins/lookup/lookup_support.hpp"
#include "plugins/lookup/lookup_table.hpp"

using namespace drover;
using namespace drover::tmpl;

namespace {

namespace fs = std::filesystem;

struct Outcome {
  bool failed = false;
  std::string text;  // JSON of the result, or the error message
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

void write_fixtures(const fs::path& dir) {
  spit(dir / "files/hello.txt", "hello file\n\n");
  spit(dir / "files/spaced.txt", "  \n spaced  \n");
  spit(dir / "top.txt", "top level\n");
  spit(dir / "templates/plain.j2", "plain template text\n");
  spit(dir / "existing_pw", "s3cret\n");
  spit(dir / "existing_pw_salted", "s3cret salt=abcdefgh12345678\n");
  spit(dir / "files/users.ini",
       "[DEFAULT]\ndomain = example.org\n\n[global]\nuser = alice\nUser2 = Bob\npath = /home/%(user)s\n"
       "pct = 100%%\n\n[integration]\nuser = carol\nhost1 = h1\nhost2: h2\nmulti = first\n  second\n");
  spit(dir / "files/app.properties", "name=drover\nport: 8080\n");
  spit(dir / "files/flags.ini", "[global]\nflag\nother = 1\n");
  spit(dir / "files/users.csv", "alice,1000,admin\nbob,1001,\"quoted, field\"\n");
  spit(dir / "files/users.tsv", "alice\t1000\nbob\t1001\n");
}

Map fixture_vars() {
  Map vars;
  vars.set("dv_alpha", Value("A"));
  vars.set("dv_list", Value::list({1, 2}));
  vars.set("dv_lambda", Value("x"));
  return vars;
}

std::string kind_of(const Value& c) {
  for (const char* k : {"f", "t", "l"})
    if (c.find(k)) return k;
  return "";
}

std::string expression_for(const Value& c, std::size_t i) {
  std::string n = std::to_string(i);
  std::string kind = kind_of(c);
  std::string name = c.get_string(kind);
  std::string call = "(*a_" + n + ", **k_" + n + ")";
  std::string expr;
  if (kind == "f") expr = "(in_" + n + " | " + name + call + ")";
  else if (kind == "t") expr = "((in_" + n + " is " + name + call + ") | ternary(true, false))";
  else expr = "query('" + name + "', *a_" + n + ", **k_" + n + ")";
  if (c.get_string("post") == "string") expr = "(" + expr + " | string)";
  return "R:{{ " + expr + " | to_json }}";
}

Value playbook_vars(const List& cases) {
  Map vars = fixture_vars();
  vars.set("case_count", Value(cases.size()));
  for (std::size_t i = 0; i < cases.size(); ++i) {
    std::string n = std::to_string(i);
    vars.set("in_" + n, cases[i].get("in"));
    vars.set("a_" + n, cases[i].find("args") ? cases[i].get("args") : Value::list());
    vars.set("k_" + n, cases[i].find("kw") ? cases[i].get("kw") : Value::map());
    vars.set("case_" + n, Value(expression_for(cases[i], i)));
  }
  return Value(std::move(vars));
}

const char* k_playbook = R"(- hosts: localhost
  gather_facts: false
  vars_files: [cases_vars.json]
  tasks:
    - name: render every case
      debug:
        msg: "{{ lookup('vars', 'case_' ~ item, errors='warn') }}"
      loop: "{{ range(case_count | int) | list }}"
      register: rendered
      ignore_errors: true
    - name: write the results
      copy:
        dest: "{{ playbook_dir }}/results.json"
        content: "{{ rendered.results | to_json }}"
)";

std::vector<Outcome> run_ansible(const fs::path& dir, const List& cases) {
  spit(dir / "cases_vars.json", dump_json(playbook_vars(cases), {.indent = 1}));
  spit(dir / "playbook.yml", k_playbook);
  std::string env =
      "ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false "
      "ANSIBLE_DEPRECATION_WARNINGS=false ANSIBLE_RETRY_FILES_ENABLED=false ANSIBLE_STDOUT_CALLBACK=minimal "
      "ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_HOME='" + (dir / ".ansible").string() +
      "' ANSIBLE_LOCAL_TEMP='" + (dir / ".ansible/tmp").string() + "' ";
  auto r = lookup::run_shell(env + "ansible-playbook -i localhost, -c local playbook.yml > ansible.log 2>&1", dir.string());
  INFO("ansible-playbook log: " << (dir / "ansible.log").string());
  REQUIRE(r.rc == 0);
  Value results = parse_json(slurp(dir / "results.json"), "results.json");
  std::vector<Outcome> out;
  for (const Value& item : results.as_list()) {
    Outcome o;
    o.failed = item.get_truthy("failed");
    std::string msg = item.get_string("msg");
    if (!o.failed && msg.rfind("R:", 0) == 0) o.text = msg.substr(2);
    else o.failed = true, o.text = msg;
    out.push_back(o);
  }
  return out;
}

template <typename Row>
const Row* find_row(std::span<const Row> rows, const std::string& name) {
  for (const Row& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

Outcome run_drover(const Value& c, LookupContext& ctx) {
  CallArgs args;
  if (const Value* a = c.find("args")) args.positional = a->as_list();
  if (const Value* k = c.find("kw")) args.keyword = k->as_map();
  std::string kind = kind_of(c);
  std::string name = c.get_string(kind);
  Outcome o;
  try {
    Value result;
    if (kind == "f") {
      const FilterRow* row = find_row(ansible_filters(), name);
      if (!row) throw TemplateError("no filter named '" + name + "'");
      result = row->fn(c.get("in"), args);
    } else if (kind == "t") {
      const TestRow* row = find_row(ansible_tests(), name);
      if (!row) throw TemplateError("no test named '" + name + "'");
      result = Value(row->fn(c.get("in"), args));
    } else {
      const LookupRow* row = find_row(lookup::lookup_table(), name);
      if (!row) throw TemplateError("no lookup named '" + name + "'");
      result = Value(row->fn(args.positional, args.keyword, ctx));
    }
    if (c.get_string("post") == "string") result = Value(python_str(result));
    o.text = dump_json(result, {.ensure_ascii = true});
  } catch (const TemplateError& e) {
    o.failed = true;
    o.text = e.what();
  }
  return o;
}

// The same case_N template rendered by drover's engine with the same variables.
Outcome run_engine(Templar& templar, std::size_t i) {
  Outcome o;
  try {
    const Value* source = templar.variable("case_" + std::to_string(i));
    REQUIRE(source != nullptr);
    std::string text = python_str(*source);
    if (text.rfind("R:", 0) != 0) throw TemplateError("no R: prefix in " + text);
    o.text = text.substr(2);
  } catch (const TemplateError& e) {
    o.failed = true;
    o.text = e.what();
  }
  return o;
}

std::string normalized(std::string text, const std::string& root, const Value& c) {
  for (std::size_t at; (at = text.find(root)) != std::string::npos;) text.replace(at, root.size(), "ROOT");
  if (c.get_truthy("sort")) {
    Value v = parse_json(text, "result");
    if (v.is_list()) {
      List items = v.as_list();
      std::sort(items.begin(), items.end(), [](const Value& a, const Value& b) { return dump_json(a) < dump_json(b); });
      text = dump_json(Value(std::move(items)));
    }
  }
  return text;
}

fs::path source_dir() {
  if (const char* env = std::getenv("DROVER_SOURCE_DIR")) return env;
  return DROVER_SOURCE_DIR;
}

}  // namespace

TEST_CASE("Ansible's filters, tests and lookups give the same results in drover as in ansible-playbook") {
  if (lookup::run_shell("command -v ansible-playbook >/dev/null", ".").rc != 0) {
    WARN_MESSAGE(false, "SKIPPED: ansible-playbook is not installed; the Ansible differential suite did not run");
    return;
  }
  Value cases = parse_json(slurp(source_dir() / "tests/diff/ansible/cases.json"), "cases.json");
  REQUIRE(cases.is_list());
  CHECK(cases.as_list().size() >= 150);

  char tmpl_path[] = "/tmp/drover-ansible-diff-XXXXXX";
  REQUIRE(::mkdtemp(tmpl_path) != nullptr);
  fs::path root = tmpl_path;
  fs::path ansible_dir = root / "ansible", drover_dir = root / "drover";
  write_fixtures(ansible_dir);
  write_fixtures(drover_dir);
  ::setenv("DROVER_DIFF_ENV", "from the environment", 1);
  ::unsetenv("DROVER_DIFF_UNSET");

  std::vector<Outcome> expected = run_ansible(ansible_dir, cases.as_list());
  REQUIRE(expected.size() == cases.as_list().size());

  Map vars = fixture_vars();
  LookupContext ctx;
  ctx.search_paths = {drover_dir.string()};
  ctx.render = [](const std::string& text) { return text; };  // the fixtures hold no template syntax
  ctx.variable = [&vars](std::string_view name) { return vars.find(name); };
  ctx.variable_names = [&vars] {
    std::vector<std::string> names;
    for (const auto& [k, v] : vars) names.push_back(k);
    return names;
  };

  MapVariables engine_vars(playbook_vars(cases.as_list()));
  TemplateOptions options;
  options.search_paths = {drover_dir.string()};
  options.lookups = lookup::lookup_table();
  Templar templar(engine_vars, options);

  std::size_t agreed = 0, engine_agreed = 0;
  std::ostringstream report, engine_report;
  auto same = [&](const Outcome& want, const Outcome& got, const Value& c) {
    return want.failed == got.failed &&
           (want.failed || normalized(want.text, ansible_dir.string(), c) == normalized(got.text, drover_dir.string(), c));
  };
  auto describe = [&](std::ostream& out, std::size_t i, const Value& c, const Outcome& want, const Outcome& got) {
    out << "case " << i << " " << dump_json(c) << "\n  ansible: " << (want.failed ? "FAILED " : "") << want.text
        << "\n  drover:  " << (got.failed ? "FAILED " : "") << got.text << "\n";
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Value& c = cases.as_list()[i];
    Outcome got = run_drover(c, ctx);
    if (same(expected[i], got, c)) ++agreed;
    else describe(report, i, c, expected[i], got);
    Outcome rendered = run_engine(templar, i);
    if (same(expected[i], rendered, c)) ++engine_agreed;
    else describe(engine_report, i, c, expected[i], rendered);
  }
  spit(root / "report.txt", report.str());
  spit(root / "engine_report.txt", engine_report.str());
  MESSAGE(agreed << " of " << expected.size() << " cases agree with Ansible (functions called directly); "
                 << engine_agreed << " agree through the template engine; work dir " << root.string());
  CHECK_MESSAGE(agreed == expected.size(), report.str());
  CHECK_MESSAGE(engine_agreed == expected.size(), engine_report.str());
  if (agreed == expected.size() && engine_agreed == expected.size()) fs::remove_all(root);
}
