#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/template/filter_api.hpp"
#include "core/template/templar.hpp"
#include "core/value/json.hpp"
#include "plugins/lookup/lookup_table.hpp"

using namespace drover;
using namespace drover::tmpl;

namespace {

namespace fs = std::filesystem;

// A temp dir with files/, templates/ and a top-level file.
struct Playground {
  fs::path root;
  Map vars;
  LookupContext ctx;
  Playground() {
    char path[] = "/tmp/drover-lookup-test-XXXXXX";
    REQUIRE(::mkdtemp(path) != nullptr);
    root = path;
    write("files/a.txt", "in files\n\n");
    write("b.txt", "top\n");
    write("templates/t.j2", "Hello {{ name }}");
    vars.set("dv_one", Value(1));
    vars.set("other", Value("x"));
    ctx.search_paths = {root.string()};
    ctx.render = [](const std::string& s) { return "rendered:" + s; };
    ctx.variable = [this](std::string_view n) { return vars.find(n); };
    ctx.variable_names = [this] {
      std::vector<std::string> names;
      for (const auto& e : vars) names.push_back(e.first);
      return names;
    };
    ctx.inventory_hostnames = [](const std::string& pattern) {
      return pattern == "web" ? std::vector<std::string>{"web1", "web2"} : std::vector<std::string>{};
    };
  }
  ~Playground() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((root / rel).parent_path());
    std::ofstream(root / rel) << text;
  }
  std::string read(const std::string& rel) {
    std::ifstream in(root / rel);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  List run(std::string_view name, List terms, Map kwargs = {}) {
    for (const LookupRow& row : lookup::lookup_table())
      if (row.name == name) return row.fn(terms, kwargs, ctx);
    FAIL("no lookup " << name);
    return {};
  }
};

std::string json(const List& l) { return dump_json(Value(l)); }

}  // namespace

TEST_CASE("the lookup table is alphabetized") {
  auto rows = lookup::lookup_table();
  for (std::size_t i = 1; i < rows.size(); ++i) CHECK(rows[i - 1].name < rows[i].name);
}

TEST_CASE("the file lookup searches files/ then the directory and strips trailing space") {
  Playground p;
  CHECK(json(p.run("file", {"a.txt", "b.txt"})) == R"(["in files", "top"])");
  CHECK(json(p.run("file", {"a.txt"}, Map{{"rstrip", false}})) == R"(["in files\n\n"])");
  CHECK_THROWS_WITH_AS(p.run("file", {"none.txt"}), "could not locate file in lookup: none.txt", TemplateError);
}

TEST_CASE("the template lookup finds templates/ and renders through the context") {
  Playground p;
  CHECK(json(p.run("template", {"t.j2"})) == R"(["rendered:Hello {{ name }}"])");
  CHECK_THROWS_AS(p.run("template", {"missing.j2"}), TemplateError);
}

TEST_CASE("first_found returns the first existing candidate or fails unless skip is set") {
  Playground p;
  List found = p.run("first_found", {"nope", "a.txt"});
  REQUIRE(found.size() == 1);
  CHECK(found[0].as_string() == (p.root / "files/a.txt").string());
  CHECK(p.run("first_found", {Map{{"files", Value::list({"nope"})}, {"skip", true}}}).empty());
  CHECK_THROWS_WITH_AS(p.run("first_found", {"nope"}), "No file was found when using first_found.", TemplateError);
}

TEST_CASE("fileglob lists matching regular files") {
  Playground p;
  List found = p.run("fileglob", {"*.txt"});
  REQUIRE(found.size() == 1);
  CHECK(found[0].as_string() == (p.root / "files/a.txt").string());
}

TEST_CASE("pipe and lines run a shell command in the base directory and fail on a non-zero status") {
  Playground p;
  CHECK(json(p.run("pipe", {"cat b.txt; echo"})) == R"(["top"])");
  CHECK(json(p.run("lines", {"printf 'x\\ny\\n'"})) == R"(["x", "y"])");
  CHECK_THROWS_WITH_AS(p.run("pipe", {"exit 2"}), "lookup_plugin.pipe(exit 2) returned 2", TemplateError);
}

TEST_CASE("env, vars, varnames and inventory_hostnames read the run") {
  Playground p;
  ::setenv("DROVER_LOOKUP_TEST", "set", 1);
  CHECK(json(p.run("env", {"DROVER_LOOKUP_TEST", "DROVER_LOOKUP_UNSET"})) == R"(["set", ""])");
  CHECK(json(p.run("env", {"DROVER_LOOKUP_UNSET"}, Map{{"default", "d"}})) == R"(["d"])");
  CHECK(json(p.run("vars", {"dv_one"})) == "[1]");
  CHECK(json(p.run("vars", {"nope"}, Map{{"default", 0}})) == "[0]");
  CHECK_THROWS_WITH_AS(p.run("vars", {"nope"}), "No variable found with this name: nope", UndefinedError);
  CHECK(json(p.run("varnames", {"^dv_"})) == R"(["dv_one"])");
  CHECK(json(p.run("inventory_hostnames", {"web"})) == R"(["web1", "web2"])");
}

TEST_CASE("list lookups shape their terms as with_items, with_dict, with_nested ... do") {
  Playground p;
  CHECK(json(p.run("items", {Value::list({1, 2}), 3})) == "[1, 2, 3]");
  CHECK(json(p.run("dict", {Map{{"a", 1}}})) == R"([{"key": "a", "value": 1}])");
  CHECK(json(p.run("indexed_items", {Value::list({"a", "b"})})) == R"([[0, "a"], [1, "b"]])");
  CHECK(json(p.run("together", {Value::list({1, 2}), Value::list({"a"})})) == R"([[1, "a"], [2, null]])");
  CHECK(json(p.run("nested", {Value::list({1, 2}), Value::list({"a"})})) == R"([[1, "a"], [2, "a"]])");
  Value users = parse_json(R"([{"n": "a", "g": [1, 2]}])", "t");
  CHECK(json(p.run("subelements", {users, "g"})) == R"([[{"n": "a"}, 1], [{"n": "a"}, 2]])");
}

// Regression: skip_missing was read by truthiness, so "no" skipped. Ansible 2.14 reads it with
// boolean(strict=False): only a true word skips (the expected texts are its own).
TEST_CASE("subelements reads skip_missing as Ansible's boolean") {
  Playground p;
  Value users = parse_json(R"([{"n": "a", "g": [1, 2]}, {"n": "b"}])", "t");
  CHECK(json(p.run("subelements", {users, "g", Map{{"skip_missing", "yes"}}})) ==
        R"([[{"n": "a"}, 1], [{"n": "a"}, 2]])");
  for (const Value& flag : {Value("no"), Value("false"), Value(2)})
    CHECK_THROWS_WITH_AS(p.run("subelements", {users, "g", Map{{"skip_missing", flag}}}),
                         "could not find 'g' key in iterated item '{'n': 'b'}'", TemplateError);
}

// Regression: a scalar first term was refused as "first a dict or a list"; Ansible listifies it
// first (lookup('subelements', 9001, 'groups')), so its item is what is refused.
TEST_CASE("subelements listifies a scalar first term and then refuses its item as not a dictionary") {
  Playground p;
  CHECK_THROWS_WITH_AS(p.run("subelements", {9001, "groups"}), "subelements lookup expects a dictionary, got '9001'",
                       TemplateError);
  CHECK_THROWS_WITH_AS(p.run("subelements", {true, Value::list({1})}),
                       "subelements lookup expects a list of two or three items, first a dict or a list, second a "
                       "string pointing to the subkey",
                       TemplateError);
}

// Regression: a with_ loop over one mapping reached the lookups as a one-item list; Ansible hands
// the plugin the dict itself, which with_items iterates (its keys) and with_indexed_items refuses.
TEST_CASE("a with_ loop's mapping reaches items and indexed_items as the mapping Ansible hands them") {
  Playground p;
  p.ctx.terms_mapping = true;
  CHECK(json(p.run("items", {Map{{"a", 1}, {"b", 2}}})) == R"(["a", "b"])");
  CHECK_THROWS_WITH_AS(p.run("indexed_items", {Map{{"a", 1}}}), "with_indexed_items expects a list", TemplateError);
  CHECK_THROWS_WITH_AS(p.run("list", {Map{{"a", 1}}}), "with_list expects a list", TemplateError);
  p.ctx.terms_mapping = false;
  CHECK(json(p.run("indexed_items", {Map{{"a", 1}}})) == R"([[0, {"a": 1}]])");
}

TEST_CASE("sequence accepts key=value and the short form, and checks its arguments") {
  Playground p;
  CHECK(json(p.run("sequence", {"start=1 end=3"})) == R"(["1", "2", "3"])");
  CHECK(json(p.run("sequence", {"0-8/4:h%02d"})) == R"(["h00", "h04", "h08"])");
  CHECK(json(p.run("sequence", {"count=2 start=5 format=0x%x"})) == R"(["0x5", "0x6"])");
  CHECK_THROWS_WITH_AS(p.run("sequence", {"start=3 end=1"}), "to count backwards make stride negative", TemplateError);
  CHECK_THROWS_WITH_AS(p.run("sequence", {"start=1"}), "must specify count or end in with_sequence", TemplateError);
}

TEST_CASE("the password lookup creates the file once and then reuses it") {
  Playground p;
  List first = p.run("password", {"creds/db length=12 chars=digits"});
  REQUIRE(first.size() == 1);
  std::string pw = first[0].as_string();
  CHECK(pw.size() == 12);
  CHECK(pw.find_first_not_of("0123456789") == std::string::npos);
  CHECK(p.read("creds/db") == pw + "\n");
  CHECK((fs::status(p.root / "creds/db").permissions() == (fs::perms::owner_read | fs::perms::owner_write)));
  CHECK(p.run("password", {"creds/db length=30"})[0].as_string() == pw);
  // Python's random.Random("fixed") picks these
  CHECK(p.run("password", {"/dev/null length=6 chars=digits seed=fixed"})[0] ==
        p.run("password", {"/dev/null length=6 chars=digits seed=fixed"})[0]);
}

TEST_CASE("the password lookup with encrypt stores a salt and returns a crypt hash") {
  Playground p;
  p.write("pw", "s3cret\n");
  std::string h = p.run("password", {"pw encrypt=sha512_crypt"})[0].as_string();
  CHECK(h.rfind("$6$rounds=656000$", 0) == 0);
  std::string stored = p.read("pw");
  CHECK(stored.rfind("s3cret salt=", 0) == 0);
  CHECK(p.run("password", {"pw encrypt=sha512_crypt"})[0].as_string() == h);
  CHECK(p.run("password", {"pw"})[0].as_string() == "s3cret");
}

TEST_CASE("the ini lookup reads configparser's format: DEFAULT keys, interpolation, lowercased keys") {
  Playground p;
  p.write("files/a.ini", "[DEFAULT]\nd = D\n[global]\nUser = ann\nhome = /h/%(user)s\nbad = 5%\nlong = one\n  two\n");
  CHECK(json(p.run("ini", {"user", "d", "home", "long"}, Map{{"file", "a.ini"}})) == R"(["ann", "D", "/h/ann", "one\ntwo"])");
  CHECK(json(p.run("ini", {"none"}, Map{{"file", "a.ini"}, {"default", "x"}})) == R"(["x"])");
  CHECK_THROWS_WITH_AS(p.run("ini", {"bad"}, Map{{"file", "a.ini"}}), "'%' must be followed by '%' or '(', found: '%'",
                       TemplateError);
  CHECK_THROWS_WITH_AS(p.run("ini", {"user"}, Map{{"file", "a.ini"}, {"section", "s"}}), "No section 's' in a.ini",
                       TemplateError);
  CHECK_THROWS_WITH_AS(p.run("ini", {"user"}, Map{{"file", "a.ini"}, {"bogus", 1}}),
                       "Invalid option 'bogus' for the ini lookup", TemplateError);
}

TEST_CASE("the csvfile lookup returns a column of the first row whose first field is the key") {
  Playground p;
  p.write("files/u.csv", "alice,1,\"a, b\"\nalice,2,x\n");
  CHECK(json(p.run("csvfile", {"alice"}, Map{{"file", "u.csv"}, {"delimiter", ","}, {"col", "2"}})) == R"(["a, b"])");
  CHECK(json(p.run("csvfile", {"bob file=u.csv delimiter=,"})) == "[]");
  CHECK_THROWS_WITH_AS(p.run("csvfile", {"alice"}, Map{{"file", "u.csv"}, {"delimiter", ","}, {"col", "7"}}),
                       "csvfile: list index out of range", TemplateError);
}

TEST_CASE("the config lookup answers Ansible's setting names from drover's configuration") {
  Playground p;
  CHECK(json(p.run("config", {"DEFAULT_BECOME_METHOD"})) == R"(["sudo"])");
  CHECK(json(p.run("config", {"NO_SUCH"}, Map{{"on_missing", "skip"}})) == "[]");
  CHECK_THROWS_WITH_AS(p.run("config", {"NO_SUCH"}), "Unable to find setting NO_SUCH", TemplateError);
  CHECK_THROWS_WITH_AS(p.run("config", {"ssh_args"}, Map{{"plugin_type", "connection"}}),
                       "Both plugin_type and plugin_name are required, cannot use one without the other", TemplateError);
}

TEST_CASE("list returns its terms, random_choice one of them, unvault a plain file as it is") {
  Playground p;
  CHECK(json(p.run("list", {1, Value::list({2})})) == "[1, [2]]");
  CHECK(json(p.run("random_choice", {"only"})) == R"(["only"])");
  CHECK(json(p.run("random_choice", {})) == "[]");
  CHECK(json(p.run("unvault", {"a.txt"})) == R"(["in files\n\n"])");
}

TEST_CASE("the template lookup takes other delimiters and converts {..} text unless convert_data is false") {
  Playground p;
  p.write("templates/delims.txt", "Hello [% my_var %]! {{ kept }} [# gone #]{# not a comment here #}");
  p.write("templates/dict.j2", "{\"foo\": \"{{ 'bar' }}\"}");
  MapVariables vars(Value(Map{{"my_var", Value("world")}}));
  TemplateOptions options;
  options.search_paths = {p.root.string()};
  options.lookups = lookup::lookup_table();
  Templar t(vars, options);
  CHECK(t.template_value(Value("{{ lookup('template', 'delims.txt', variable_start_string='[%', "
                               "variable_end_string='%]', comment_start_string='[#', comment_end_string='#]') }}")) ==
        Value("Hello world! {{ kept }} {# not a comment here #}"));
  CHECK(t.condition("lookup('template', 'dict.j2') is mapping"));
  CHECK(t.condition("lookup('template', 'dict.j2', convert_data=True) is mapping"));
  CHECK(t.condition("lookup('template', 'dict.j2', convert_data=False) is not mapping"));
  CHECK(t.evaluate("lookup('template', 'dict.j2')") == Value(Map{{"foo", Value("bar")}}));
}

TEST_CASE("the config lookup reads a plugin option from the plugin's variables first, typed") {
  Playground p;
  p.ctx.render = [](const std::string& s) { return s; };
  p.vars.set("ansible_ssh_user", Value("lola"));
  p.vars.set("ansible_ssh_port", Value("2022"));
  p.vars.set("ansible_remote_tmp", Value("yolo"));
  CHECK(json(p.run("config", {"remote_user", "port"}, Map{{"plugin_type", "connection"}, {"plugin_name", "ssh"}})) ==
        R"(["lola", 2022])");
  CHECK(json(p.run("config", {"remote_tmp"}, Map{{"plugin_type", "shell"}, {"plugin_name", "sh"}})) == R"(["yolo"])");
  CHECK_THROWS_WITH_AS(p.run("config", {"ConfigManager"}), "Invalid setting \"ConfigManager\" attempted", TemplateError);
  CHECK(p.run("config", {"ANSIBLE_COW_ACCEPTLIST"})[0].as_list().size() == 30);
  CHECK_THROWS_WITH_AS(p.run("config", {"NO_SUCH"}, Map{{"on_missing", "boo"}}),
                       "Invalid value \"boo\" for configuration option \"plugin_type: lookup plugin: config setting: "
                       "on_missing \", valid values are: error, skip, warn",
                       TemplateError);
}
