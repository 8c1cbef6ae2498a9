// unarchive, as Ansible 2.14's unarchive action: `creates` is checked on the target first; dest
// must be an existing directory there; a control-node src (found in files/, decrypted when it is
// vault text) travels with the request (base64, as copy's content_b64), and the runner's
// unarchive writes it into a private temp directory as "source", unpacks it and removes it — in
// check mode too, where Ansible also transfers it. With remote_src the module gets src as it is
// (a path or a URL the target downloads).
#include "core/secrets/crypto.hpp"
#include "plugins/action/action.hpp"

namespace drover::action {

namespace {

Value remote_stat(ActionContext& ctx, const std::string& path) {
  Map args;
  args.set("path", path);
  args.set("follow", true);
  args.set("get_checksum", false);
  args.set("get_mime", false);
  args.set("get_attributes", false);
  return ctx.run_module("stat", Value(std::move(args)));
}

// The archive's bytes (decrypted vault text when decrypt is on); nullopt with `error` set.
std::optional<std::string> archive_content(ActionContext& ctx, const std::string& name, std::string& error) {
  std::string path = find_file(ctx.search_paths, "files", name);
  if (path.empty()) {
    error = "Could not find or access '" + name + "' on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option";
    return std::nullopt;
  }
  return local_content(path, bool_arg(ctx.args, "decrypt", true), error);
}

}  // namespace

Value run_unarchive(ActionContext& ctx) {
  Value args = ctx.args;
  Map& m = args.mutable_map();
  bool remote_src = bool_arg(args, "remote_src");
  if (args.find("copy")) {
    if (args.find("remote_src")) return failed_result("parameters are mutually exclusive: ('copy', 'remote_src')");
    remote_src = !bool_arg(args, "copy", true);
    m.erase("copy");
    m.set("remote_src", remote_src);
  }
  const Value* src = args.find("src");
  const Value* dest_value = args.find("dest");
  if (!src || src->is_null() || !dest_value || dest_value->is_null()) return failed_result("src (or content) and dest are required");
  std::string creates = args.get_string("creates");
  if (!creates.empty() && remote_stat(ctx, creates).get("stat").get_truthy("exists")) {
    Map skipped;
    skipped.set("changed", false);
    skipped.set("skipped", true);
    skipped.set("msg", "skipped, since " + creates + " exists");
    return Value(std::move(skipped));
  }

  std::optional<std::string> content;
  if (!remote_src) {
    std::string error;
    content = archive_content(ctx, src->is_string() ? src->as_string() : "", error);
    if (!content) return failed_result(error);
  }
  std::string dest = args.get_string("dest");
  Value st = remote_stat(ctx, dest);
  if (st.get_truthy("failed")) return st;
  if (!st.get("stat").get_truthy("exists") || !st.get("stat").get_truthy("isdir"))
    return failed_result("dest '" + dest + "' must be an existing dir");

  m.erase("decrypt");
  if (content) m.set("_content_b64", secrets::base64_encode(*content));
  return ctx.run_module("unarchive", args);
}

}  // namespace drover::action
