// The differential suite: every case in tests/diff/jinja/cases.txt is rendered by drover and by
// Debian's Python Jinja2 (one /usr/bin/python3 process for all cases, JSON in and out), configured
// as Ansible configures it; outputs must agree byte for byte and failures must fail in both.
// Undefined-variable errors must carry the same message.
//
// cases.txt: a line "- TEMPLATE" is a one-line case; "=== title" starts a multi-line case that runs
// to a line "===" (the newline before that line is not part of the case; write "=== title +nl" to
// keep it). Lines starting with "#" between cases are comments.
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "core/template/templar.hpp"
#include "core/value/json.hpp"

using namespace drover;

namespace {

const std::string k_python = "/usr/bin/python3";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Case {
  int line;
  std::string source;
};

std::vector<Case> load_cases(const std::filesystem::path& file) {
  std::vector<Case> cases;
  std::istringstream in(slurp(file));
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("- ", 0) == 0) {
      cases.push_back({n, line.substr(2)});
    } else if (line.rfind("=== ", 0) == 0) {
      bool keep_nl = line.size() >= 3 && line.compare(line.size() - 3, 3, "+nl") == 0;
      Case c{n, ""};
      bool first = true;
      while (std::getline(in, line)) {
        ++n;
        if (line == "===") break;
        if (!first) c.source += '\n';
        c.source += line;
        first = false;
      }
      if (keep_nl) c.source += '\n';
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

bool python_jinja_available() {
  if (access(k_python.c_str(), X_OK) != 0) return false;
  return std::system((k_python + " -c 'import jinja2' 2>/dev/null").c_str()) == 0;
}

}  // namespace

TEST_CASE("drover renders every differential case exactly as Python's Jinja2 does") {
  std::filesystem::path dir = std::filesystem::path(DROVER_SOURCE_DIR) / "tests/diff/jinja";
  if (!python_jinja_available()) {
    WARN_MESSAGE(false, "SKIPPED: /usr/bin/python3 with jinja2 is not installed; the Jinja2 differential suite did not run");
    return;
  }
  std::vector<Case> cases = load_cases(dir / "cases.txt");
  REQUIRE(cases.size() >= 400);
  Value vars = parse_json(slurp(dir / "vars.json"), "vars.json");

  Json request;
  request["vars"] = to_json(vars);
  request["templates_dir"] = (dir / "templates").string();
  request["cases"] = Json::array();
  for (const auto& c : cases) request["cases"].push_back(c.source);
  auto tmp = std::filesystem::temp_directory_path() / ("drover-jinja-diff-" + std::to_string(getpid()));
  std::filesystem::create_directories(tmp);
  { std::ofstream(tmp / "in.json") << request.dump(); }
  std::string cmd = k_python + " " + (dir / "render.py").string() + " < " + (tmp / "in.json").string() + " > " +
                    (tmp / "out.json").string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  Json expected = Json::parse(slurp(tmp / "out.json"));
  REQUIRE(expected.size() == cases.size());

  tmpl::MapVariables variables(vars);
  tmpl::TemplateOptions options;
  options.search_paths.push_back(dir.string());
  tmpl::Templar templar(variables, options);
  int failures = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Json& want = expected[i];
    bool ok = true;
    std::string got, error;
    try {
      got = templar.render(cases[i].source);
    } catch (const tmpl::TemplateError& e) {
      ok = false;
      error = e.what();
    }
    bool same = ok == want["ok"].get<bool>();
    if (same && ok) same = got == want["out"].get<std::string>();
    if (same && !ok && want["type"] == "UndefinedError") same = error == want["error"].get<std::string>();
    if (!same) {
      ++failures;
      std::string w = want["ok"].get<bool>() ? "out: " + Json(want["out"]).dump()
                                             : "error (" + want["type"].get<std::string>() + "): " + want["error"].get<std::string>();
      std::string g = ok ? "out: " + Json(got).dump() : "error: " + error;
      FAIL_CHECK("cases.txt:" << cases[i].line << ": " << Json(cases[i].source).dump() << "\n  python " << w
                                  << "\n  drover " << g);
    }
  }
  std::filesystem::remove_all(tmp);
  MESSAGE(cases.size() << " Jinja2 differential cases, " << failures << " differ");
}
