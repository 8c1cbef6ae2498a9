// script, as Ansible 2.14's script action: a control-node file put into a fresh temp directory on
// the target (mode 0700) and run there through the shell with its arguments, then removed.
// creates/removes are checked on the target first; check mode runs nothing.
#include <filesystem>

#include "core/fs.hpp"
#include "core/secrets/crypto.hpp"
#include "core/secrets/secrets_options.hpp"
#include "core/secrets/vault.hpp"
#include "core/value/shlex.hpp"
#include "plugins/action/action.hpp"

namespace drover::action {

namespace fs = std::filesystem;

namespace {

Value skipped_result(const std::string& msg, bool changed = false) {
  Map m;
  m.set("changed", changed);
  m.set("skipped", true);
  m.set("msg", msg);
  return Value(std::move(m));
}

bool remote_exists(ActionContext& ctx, const std::string& path) {
  Map args;
  args.set("path", path);
  args.set("follow", true);
  args.set("get_checksum", false);
  args.set("get_mime", false);
  args.set("get_attributes", false);
  return ctx.run_module("stat", Value(std::move(args))).get("stat").get_truthy("exists");
}

// The script's bytes, decrypted when it is Ansible Vault text; nullopt with `error` set otherwise.
std::optional<std::string> script_content(ActionContext& ctx, const std::string& name, std::string& error) {
  std::string path = find_file(ctx.search_paths, "files", name);
  if (path.empty()) {
    error = "Could not find or access '" + name + "' on the Ansible Controller.";
    return std::nullopt;
  }
  std::optional<std::string> content = read_file(path);
  if (!content) {
    error = "Could not read '" + path + "'";
    return std::nullopt;
  }
  if (!bool_arg(ctx.args, "decrypt", true) || !secrets::is_vault_text(*content)) return content;
  if (secrets::vault_secrets().empty()) {
    error = "A vault password or secret must be specified to decrypt " + path;  // Ansible's words
    return std::nullopt;
  }
  try {
    return secrets::vault_decrypt(*content, secrets::vault_secrets(), path);
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

// Uploads the script to a new temp directory on the target; returns that directory (empty, with
// `failure` set, when it fails).
std::string upload(ActionContext& ctx, const std::string& name, const std::string& content, Value& failure) {
  Map temp_args;
  temp_args.set("state", "directory");
  temp_args.set("prefix", "drover-script.");
  Value temp = ctx.run_module("tempfile", Value(std::move(temp_args)));
  if (temp.get_truthy("failed")) {
    failure = temp;
    return "";
  }
  std::string dir = temp.get_string("path");
  Map copy_args;
  copy_args.set("dest", dir + "/" + name);
  copy_args.set("content_b64", secrets::base64_encode(content));
  copy_args.set("mode", "0700");
  Value copied = ctx.run_module("copy", Value(std::move(copy_args)));
  if (copied.get_truthy("failed")) failure = copied;
  return dir;
}

void remove_remote(ActionContext& ctx, const std::string& dir) {
  Map args;
  args.set("path", dir);
  args.set("state", "absent");
  ctx.run_module("file", Value(std::move(args)));
}

// The command line: the raw text with the script's name replaced by its path on the target (as
// Ansible replaces it: every occurrence of the first word), after `executable` when given.
std::string command_line(const std::string& raw, const std::string& first, const std::string& remote_path,
                         const std::string& executable) {
  std::string command = raw;
  for (std::size_t at = command.find(first); at != std::string::npos; at = command.find(first, at + remote_path.size()))
    command.replace(at, first.size(), remote_path);
  return executable.empty() ? command : executable + " " + command;
}

List split_lines(const std::string& text) {
  List lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find_first_of("\r\n", start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(Value(text.substr(start, end - start)));
    start = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
  }
  return lines;
}

// Runs the command through the connection's shell, as Ansible's _low_level_execute_command does
// (output kept as it was written, become as the task asks).
Value run_uploaded(ActionContext& ctx, const std::string& command) {
  std::string chdir = ctx.args.get_string("chdir");
  connection::ExecResult r = ctx.run_raw(chdir.empty() ? command : "cd " + connection::shell_quote(chdir) + " && " + command);
  Map m;
  m.set("changed", true);
  m.set("rc", static_cast<std::int64_t>(r.rc));
  m.set("stdout", r.out);
  m.set("stdout_lines", Value(split_lines(r.out)));
  m.set("stderr", r.err);
  m.set("stderr_lines", Value(split_lines(r.err)));
  if (r.rc != 0) {
    m.set("failed", true);
    m.set("msg", "non-zero return code");
  }
  return Value(std::move(m));
}

}  // namespace

Value run_script(ActionContext& ctx) {
  std::string creates = ctx.args.get_string("creates");
  if (!creates.empty() && remote_exists(ctx, creates)) return skipped_result(creates + " exists, matching creates option");
  std::string removes = ctx.args.get_string("removes");
  if (!removes.empty() && !remote_exists(ctx, removes))
    return skipped_result(removes + " does not exist, matching removes option");
  std::string chdir = ctx.args.get_string("chdir");
  if (!chdir.empty() && !chdir.starts_with("/"))
    return failed_result("chdir " + chdir + " must be an absolute path for a Unix-aware remote node");

  std::string raw = ctx.args.get_string("_raw_params", ctx.args.get_string("cmd"));
  std::vector<std::string> parts;
  try {
    parts = shlex_split(raw, ShlexComments::literal);
  } catch (const std::exception& e) {
    return failed_result(std::string("script: ") + e.what());
  }
  if (parts.empty()) return failed_result("script needs the path of a local script, e.g. `script: files/setup.sh --flag`");
  std::string error;
  std::optional<std::string> content = script_content(ctx, parts[0], error);
  if (!content) return failed_result(error);
  if (ctx.check_mode) {
    if (!creates.empty() || !removes.empty()) {
      Map m;
      m.set("changed", true);
      return Value(std::move(m));
    }
    return skipped_result("Check mode is not supported for this task.");
  }

  Value failure;
  std::string name = fs::path(parts[0]).filename().string();
  std::string dir = upload(ctx, name, *content, failure);
  if (dir.empty()) return failure;
  Value result = failure.is_null()
                     ? run_uploaded(ctx, command_line(raw, parts[0], dir + "/" + name, ctx.args.get_string("executable")))
                     : failure;
  remove_remote(ctx, dir);
  return result;
}

namespace {
constexpr OptionDoc k_script_options[] = {
    OptionDoc{.name = "free_form", .type = "str", .description = "The local script followed by its arguments."},
    OptionDoc{.name = "cmd", .type = "str", .description = "The same as free_form, as a named option."},
    OptionDoc{.name = "creates", .type = "str", .description = "Do not run when this file exists on the target."},
    OptionDoc{.name = "removes", .type = "str", .description = "Run only when this file exists on the target."},
    OptionDoc{.name = "chdir", .type = "str", .description = "The directory on the target to run the script in."},
    OptionDoc{.name = "executable", .type = "str", .description = "The program to run the script with (else the script itself, by its #! line)."},
    OptionDoc{.name = "decrypt", .type = "bool", .description = "Decrypt a vault-encrypted script before sending it.", .default_value = "true"},
};
constexpr ReturnFieldDoc k_script_returns[] = {
    ReturnFieldDoc{"rc", "int", "always", "The exit status of the script."},
    ReturnFieldDoc{"stdout", "str", "always", "What the script wrote to its standard output."},
    ReturnFieldDoc{"stderr", "str", "always", "What the script wrote to its standard error."},
};
}  // namespace

// closed_options is false: the action checks its own arguments (or takes a free form).
const ActionDoc script_doc{
    .description = "Copies a script from the control node (found in the files/ search path) to a temporary directory on the target, runs it there with its arguments, and removes it.",
    .options = k_script_options,
    .returns = k_script_returns,
    .example = "- ansible.builtin.script: scripts/setup.sh --verbose\n  args:\n    creates: /etc/setup-done\n",
    .closed_options = false};

}  // namespace drover::action
