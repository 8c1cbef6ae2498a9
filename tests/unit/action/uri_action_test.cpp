#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/playbook/task.hpp"
#include "core/template/templar.hpp"
#include "core/value/python_literal.hpp"
#include "plugins/action/action.hpp"

using namespace drover;

namespace {

// Runs the uri action with `args` (files looked for in `search`) against a runner that records
// the module's arguments.
Value uri_args(std::string_view args, std::vector<std::string> search = {}) {
  playbook::Task task;
  task.action = "uri";
  tmpl::MapVariables vars(Value::map());
  tmpl::Templar templar(vars);
  Value sent;
  action::ActionContext ctx{.task = task, .args = literal_eval(args).value(), .templar = templar, .vars = vars};
  ctx.search_paths = std::move(search);
  ctx.run_module = [&sent](const std::string& module, const Value& module_args) {
    CHECK(module == "uri");
    sent = module_args;
    return *literal_eval("{'changed': False}");
  };
  action::run_uri(ctx);
  return sent;
}

}  // namespace

TEST_CASE("uri encodes a JSON or form body on the control node, keeping the order its keys were written in") {
  Value json = uri_args("{'url': 'http://x/', 'body_format': 'json', 'body': {'b': 1, 'a': 'é', 'c': [True, None]}}");
  CHECK(json.get("body") == Value(R"({"b": 1, "a": "\u00e9", "c": [true, null]})"));
  Value form = uri_args("{'url': 'http://x/', 'body_format': 'form-urlencoded', 'body': {'z': 'a b', 'a': ['1', '2']}}");
  CHECK(form.get("body") == *literal_eval("[['z', 'a b'], ['a', ['1', '2']]]"));
  Value text = uri_args("{'url': 'http://x/', 'body_format': 'json', 'body': '{\"k\": 1}'}");
  CHECK(text.get("body") == Value(R"({"k": 1})"));
}

TEST_CASE("uri sends a src from the control node with the request, unless remote_src") {
  auto dir = std::filesystem::temp_directory_path() / ("drover-uri-action-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "files");
  std::ofstream(dir / "files" / "payload.txt") << "hi\n";
  Value sent = uri_args("{'url': 'http://x/', 'method': 'PUT', 'src': 'payload.txt'}", {dir.string()});
  CHECK(sent.find("src") == nullptr);
  CHECK(sent.get("_src_b64") == Value("aGkK"));
  Value remote = uri_args("{'url': 'http://x/', 'src': '/etc/hostname', 'remote_src': True}", {dir.string()});
  CHECK(remote.get("src") == Value("/etc/hostname"));
  CHECK(remote.find("_src_b64") == nullptr);
  std::filesystem::remove_all(dir);
}
