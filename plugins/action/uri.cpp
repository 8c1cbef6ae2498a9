// uri's control half: a `src` on the control node (remote_src=false) is read here and sent with
// the arguments, as Ansible's uri action transfers it; everything else is the module's.
#include <filesystem>

#include "core/fs.hpp"
#include "core/secrets/crypto.hpp"
#include "plugins/action/action.hpp"

namespace drover::action {

Value run_uri(ActionContext& ctx) {
  const Value* src = ctx.args.find("src");
  if (!src || src->is_null() || bool_arg(ctx.args, "remote_src")) return ctx.run_module("uri", ctx.args);
  std::string name = src->is_string() ? src->as_string() : "";
  std::string path = find_file(ctx.search_paths, "files", name);
  if (path.empty()) return failed_result("Could not find or access '" + name + "' on the Ansible Controller.");
  std::optional<std::string> content = read_file(path);
  if (!content || std::filesystem::is_directory(path)) return failed_result("Could not read '" + path + "'");
  Value args = ctx.args;
  args.mutable_map().erase("src");
  args.mutable_map().set("_src_b64", secrets::base64_encode(*content));
  return ctx.run_module("uri", args);
}

}  // namespace drover::action
