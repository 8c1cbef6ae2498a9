#include <doctest/doctest.h>

#include "core/playbook/task.hpp"
#include "core/template/templar.hpp"
#include "core/value/python_literal.hpp"
#include "plugins/action/action.hpp"

using namespace drover;

namespace {

// The debug action's result for `var: <expression>` with `x: [1]` defined.
Value debug_var(const std::string& expression) {
  playbook::Task task;
  task.action = "debug";
  tmpl::MapVariables vars(literal_eval("{'x': [1]}").value());
  tmpl::Templar templar(vars);
  action::ActionContext ctx{.task = task, .args = Value(Map{{"var", Value(expression)}}), .templar = templar, .vars = vars};
  return action::run_debug(ctx);
}

}  // namespace

TEST_CASE("debug var shows an undefined expression as VARIABLE IS NOT DEFINED!") {
  CHECK(debug_var("x").get("x") == Value::list({1}));
  CHECK(debug_var("nope").get_string("nope") == "VARIABLE IS NOT DEFINED!");
  CHECK(debug_var("x.nope").get_string("x.nope") == "VARIABLE IS NOT DEFINED!");
}

// Regression: every template error read as "not defined"; in Ansible only an undefined variable
// does, and a filter's own error fails the task with its message.
TEST_CASE("debug var fails the task with a filter's own error") {
  Value r = debug_var("'http://h/' | urlsplit('bad_filter')");
  CHECK(r.get("failed") == Value(true));
  CHECK(r.get_string("msg") == "urlsplit: unknown URL component: bad_filter");
}
