#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/playbook/task.hpp"
#include "core/template/templar.hpp"
#include "core/value/python_literal.hpp"
#include "plugins/action/action.hpp"

using namespace drover;

namespace {

struct ModuleCall {
  std::string module;
  Value args;
};

// Runs the copy action with `args` against a runner that records each module call and answers
// {"changed": true}.
std::vector<ModuleCall> copy_calls(Value args) {
  playbook::Task task;
  task.action = "copy";
  tmpl::MapVariables vars(Value::map());
  tmpl::Templar templar(vars);
  std::vector<ModuleCall> calls;
  action::ActionContext ctx{.task = task, .args = std::move(args), .templar = templar, .vars = vars};
  ctx.run_module = [&calls](const std::string& module, const Value& module_args) {
    calls.push_back({module, module_args});
    return *literal_eval("{'changed': True}");
  };
  action::run_copy(ctx);
  return calls;
}

Value literal(std::string_view text) { return literal_eval(text).value(); }

}  // namespace

// The expected texts are the bytes ansible-playbook 2.14 wrote for the same tasks (copy with
// content: "{{ d }}" and with a YAML mapping as content, -c local).
TEST_CASE("regression: copy content that is a dict or a list is written as json.dumps writes it") {
  auto dict = copy_calls(literal(R"({'dest': '/tmp/x', 'content': {'b': 1, 'a': 'é"x', 'c': [1, 2.5, None, True, 't'], 'z': {'n': '1e20'}}})"));
  REQUIRE(dict.size() == 1);
  CHECK(dict[0].module == "copy");
  CHECK(dict[0].args.get("content") ==
        Value(R"({"b": 1, "a": "\u00e9\"x", "c": [1, 2.5, null, true, "t"], "z": {"n": "1e20"}})"));
  CHECK(dict[0].args.get("dest") == Value("/tmp/x"));

  auto list = copy_calls(literal("{'dest': '/tmp/x', 'content': [1, 'two', {'k': None}, 3.0]}"));
  REQUIRE(list.size() == 1);
  CHECK(list[0].args.get("content") == Value(R"([1, "two", {"k": null}, 3.0])"));

  auto empty = copy_calls(literal("{'dest': '/tmp/x', 'content': {}}"));
  REQUIRE(empty.size() == 1);
  CHECK(empty[0].args.get("content") == Value("{}"));
}

TEST_CASE("copy content that is text or a scalar reaches the module unchanged") {
  auto text = copy_calls(literal("{'dest': '/tmp/x', 'content': '{\"a\": 1}'}"));
  REQUIRE(text.size() == 1);
  CHECK(text[0].args.get("content") == Value(R"({"a": 1})"));
  auto number = copy_calls(literal("{'dest': '/tmp/x', 'content': 5}"));
  REQUIRE(number.size() == 1);
  CHECK(number[0].args.get("content") == Value(std::int64_t{5}));
}
