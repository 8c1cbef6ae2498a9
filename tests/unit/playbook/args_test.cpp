#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/playbook/args.hpp"
#include "core/playbook/parser.hpp"

using namespace drover;
using namespace drover::playbook;

namespace {

bool any_action(std::string_view) { return true; }

Value raw_params_of(const std::string& task_yaml) {
  return parse_task(YAML::Load(task_yaml), "task.yml", any_action).args.get("_raw_params");
}

}  // namespace

// Expected tokens and maps are what ansible.parsing.splitter (ansible-core 2.14) returns for the
// same text.
TEST_CASE("split_args keeps newlines and extra spaces at the end of the token before them") {
  CHECK(split_args("X=1\necho $X\n  indented  two\n") ==
        std::vector<std::string>{"X=1\n", "echo", "$X\n ", "indented ", "two\n"});
  CHECK(split_args("x  y") == std::vector<std::string>{"x ", "y"});
  CHECK(split_args("echo \"a\nb\" c") == std::vector<std::string>{"echo", "\"a\nb\"", "c"});
}

TEST_CASE("split_args drops a lone continuation backslash and its newline") {
  CHECK(split_args("echo a \\\n  b") == std::vector<std::string>{"echo", "a ", "b"});
}

TEST_CASE("split_args splits on spaces and newlines only, as Ansible does") {
  CHECK(split_args("a=b\tc=d") == std::vector<std::string>{"a=b\tc=d"});
  CHECK(parse_kv("a=b\tc=d", ArgStyle::key_value).get("a") == Value("b\tc=d"));
}

TEST_CASE("split_args glues a template block split over lines as Ansible does") {
  // Ansible doubles the newline when a line inside the block holds a single word.
  CHECK(split_args("a {{\nb\nc }} d") == std::vector<std::string>{"a", "{{\n\nb\nc }}", "d"});
}

TEST_CASE("split_args ignores white space before the first token") {
  CHECK(split_args("  x") == std::vector<std::string>{"x"});
}

TEST_CASE("regression: a multi-line free-form shell script keeps its lines in _raw_params") {
  Value v = parse_kv("X=1\necho $X\n  indented  two\n", ArgStyle::free_form);
  CHECK(v.get("_raw_params") == Value("X=1\necho $X\n  indented  two\n"));
  Value c = parse_kv("echo hi\ncreates=/tmp/x\n", ArgStyle::free_form);
  CHECK(c.get("_raw_params") == Value("echo hi\n"));
  CHECK(c.get("creates") == Value("/tmp/x"));
  CHECK(parse_kv("echo a \\\n  b", ArgStyle::free_form).get("_raw_params") == Value("echo a  b"));
}

TEST_CASE("k=v pairs on separate lines are separate arguments") {
  Value v = parse_kv("a=1\nb=\"x y\"\n", ArgStyle::key_value);
  CHECK(v.get("a") == Value("1"));
  CHECK(v.get("b") == Value("x y"));
}

TEST_CASE("regression: a task's shell: | block reaches _raw_params line by line") {
  CHECK(raw_params_of("shell: |\n  GREETING=hello\n  echo start\n  echo \"$GREETING world\"\n") ==
        Value("GREETING=hello\necho start\necho \"$GREETING world\"\n"));
  CHECK(raw_params_of("command: |\n  printf '%s\\n'\n    a b\n") == Value("printf '%s\\n'\n  a b\n"));
}
