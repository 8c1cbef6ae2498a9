// assemble's control half. Ansible's action skips in check mode; with remote_src (the default)
// the module joins fragments found on the target; without it the fragments are read here
// (vault-encrypted ones decrypted unless decrypt is false), joined
// as the module joins them (core/value/fragments), and only a different result is sent, as copy's
// content, while an equal one gets its attributes from the file module.
#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/secrets/crypto.hpp"
#include "core/secrets/secrets_options.hpp"
#include "core/secrets/vault.hpp"
#include "core/value/fragments.hpp"
#include "core/value/regex.hpp"
#include "plugins/action/action.hpp"

namespace drover::action {

namespace fs = std::filesystem;

namespace {

struct Fragments {
  std::vector<std::string> contents;
  std::string error;  // empty when every fragment could be read
};

enum class Decrypt { no, yes };

// The fragments, vault-encrypted ones decrypted (with the run's vault secrets) unless `decrypt`
// is off, as Ansible's loader reads them.
Fragments read_fragments(const std::string& dir, const std::optional<Regex>& regexp, bool ignore_hidden,
                         Decrypt decrypt) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  Fragments fragments;
  for (const auto& name : names) {
    if (regexp && !regexp->search(name)) continue;
    std::string path = dir + "/" + name;
    if (!fs::is_regular_file(path) || (ignore_hidden && name.starts_with("."))) continue;
    std::optional<std::string> content = read_file(path);
    if (!content) {
      fragments.error = "Could not read the fragment " + path;
      return fragments;
    }
    if (decrypt == Decrypt::yes && secrets::is_vault_text(*content)) {
      try {
        *content = secrets::vault_decrypt(*content, secrets::vault_secrets(), path);
      } catch (const Fatal& error) {
        fragments.error = error.what();
        return fragments;
      }
    }
    fragments.contents.push_back(std::move(*content));
  }
  return fragments;
}

// dest on the target: whether it exists and its sha1 ("" when it is not a readable file).
struct TargetFile {
  bool exists = false;
  std::string checksum;
};

TargetFile target_file(ActionContext& ctx, const std::string& dest, bool follow) {
  Map stat_args;
  stat_args.set("path", dest);
  stat_args.set("get_checksum", true);
  stat_args.set("checksum_algorithm", "sha1");
  stat_args.set("follow", follow);
  Value st = ctx.run_module("stat", Value(std::move(stat_args)));
  const Value& stat = st.get("stat");
  return {stat.get_truthy("exists"), stat.get_string("checksum")};
}

// Ansible's _get_diff_data for the assembled file: the target's content before (its header only
// when it exists), the new content after, headed by where the fragments came from (Ansible names
// its local temp file there).
Value assembled_diff(ActionContext& ctx, const std::string& dest, bool exists, const std::string& src,
                     const std::string& assembled) {
  Map diff;
  diff.set("before", "");
  if (exists) {
    Map slurp_args;
    slurp_args.set("path", dest);
    Value slurped = ctx.run_module("slurp", Value(std::move(slurp_args)));
    try {
      diff.set("before_header", dest);
      diff.set("before", secrets::python_b64decode(slurped.get_string("content")));
    } catch (const std::invalid_argument&) {
      diff.set("before", "");
    }
  }
  diff.set("after_header", src);
  diff.set("after", assembled);
  return Value(std::move(diff));
}

Value skipped(const std::string& msg) {
  Map m;
  m.set("skipped", true);
  m.set("changed", false);
  m.set("msg", msg);
  return Value(std::move(m));
}

Value assemble_here(ActionContext& ctx) {
  std::string src_name = ctx.args.get_string("src");
  std::string src = find_file(ctx.search_paths, "files", src_name);
  if (src.empty()) return failed_result("Could not find or access '" + src_name + "' on the Ansible Controller.");
  if (!fs::is_directory(src)) return failed_result("Source (" + src + ") is not a directory");
  std::optional<Regex> regexp;
  if (const Value* pattern = ctx.args.find("regexp"); pattern && !pattern->is_null()) {
    try {
      regexp.emplace(ctx.args.get_string("regexp"));
    } catch (const RegexError& error) {
      return failed_result(std::string("regexp: ") + error.what());
    }
  }
  Fragments fragments = read_fragments(src, regexp, bool_arg(ctx.args, "ignore_hidden"),
                                       bool_arg(ctx.args, "decrypt", true) ? Decrypt::yes : Decrypt::no);
  if (!fragments.error.empty()) return failed_result(fragments.error);
  std::string assembled;
  try {
    assembled = assemble_fragments(fragments.contents, ctx.args.get_string("delimiter"));
  } catch (const std::invalid_argument& error) {
    return failed_result(std::string("delimiter: ") + error.what());
  }
  std::string dest = ctx.args.get_string("dest");
  Value args = ctx.args;
  Map& m = args.mutable_map();
  for (const char* option : {"src", "remote_src", "regexp", "delimiter", "ignore_hidden", "decrypt"}) m.erase(option);
  TargetFile target = target_file(ctx, dest, bool_arg(ctx.args, "follow"));
  if (target.checksum != secrets::hex_encode(secrets::sha1(assembled))) {
    Value diff = ctx.diff_mode ? assembled_diff(ctx, dest, target.exists, src, assembled) : Value();
    m.set("content_b64", secrets::base64_encode(assembled));
    Value result = ctx.run_module("copy", args);
    if (ctx.diff_mode && result.is_map()) result.mutable_map().set("diff", diff);
    return result;
  }
  // Ansible hands every remaining argument to the file module here, which then refuses `src`;
  // drover passes the attributes only (docs/differences.md).
  Map file_args;
  file_args.set("path", dest);
  for (const char* key : {"mode", "owner", "group", "unsafe_writes"})
    if (const Value* v = ctx.args.find(key)) file_args.set(key, *v);
  return ctx.run_module("file", Value(std::move(file_args)));
}

}  // namespace

Value run_assemble(ActionContext& ctx) {
  if (ctx.check_mode) return skipped("check mode is not supported for this task.");
  if (!ctx.args.find("src") || !ctx.args.find("dest")) return failed_result("src and dest are required");
  if (bool_arg(ctx.args, "remote_src", true)) return ctx.run_module("assemble", ctx.args);
  return assemble_here(ctx);
}

}  // namespace drover::action
