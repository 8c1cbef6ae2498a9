// uri's control half: a `src` on the control node (remote_src=false) is read here and sent with
// the arguments, as Ansible's uri action transfers it. A mapping or list `body` is encoded here,
// where its keys are still in the order they were written (the runner's JSON keeps keys sorted):
// json.dumps for body_format=json, [key, value] pairs for form-urlencoded. The rest is the module's.
#include <filesystem>

#include "core/fs.hpp"
#include "core/secrets/crypto.hpp"
#include "core/value/json.hpp"
#include "plugins/action/action.hpp"

namespace drover::action {

namespace {

Value with_ordered_body(Value args) {
  const Value* body = args.find("body");
  if (!body || !(body->is_map() || body->is_list())) return args;
  std::string format = args.get_string("body_format", "raw");
  if (format == "json") {
    args.mutable_map().set("body", dump_json(*body, JsonStyle{.ensure_ascii = true}));
  } else if (format == "form-urlencoded" && body->is_map()) {
    List pairs;
    for (const auto& [key, value] : body->as_map()) pairs.push_back(Value::list({Value(key), value}));
    args.mutable_map().set("body", Value(std::move(pairs)));
  }
  return args;
}

}  // namespace

Value run_uri(ActionContext& ctx) {
  Value args = with_ordered_body(ctx.args);
  const Value* src = args.find("src");
  if (!src || src->is_null() || bool_arg(args, "remote_src")) return ctx.run_module("uri", args);
  std::string name = src->is_string() ? src->as_string() : "";
  std::string path = find_file(ctx.search_paths, "files", name);
  if (path.empty()) return failed_result("Could not find or access '" + name + "' on the Ansible Controller.");
  std::optional<std::string> content = read_file(path);
  if (!content || std::filesystem::is_directory(path)) return failed_result("Could not read '" + path + "'");
  args.mutable_map().erase("src");
  args.mutable_map().set("_src_b64", secrets::base64_encode(*content));
  return ctx.run_module("uri", args);
}

}  // namespace drover::action
