// assemble, the target half (remote_src, Ansible's default): the files of a directory on the
// target, in name order, joined into one file. The control half (plugins/action/assemble.cpp)
// joins the fragments on the control node instead when remote_src is false; both join them with
// core/value/fragments' assemble_fragments.
#include <algorithm>
#include <array>
#include <filesystem>

#include "core/value/fragments.hpp"
#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/edit.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/hash.hpp"

namespace drover::modules {

namespace {

namespace fs = std::filesystem;

const std::array k_spec{
    ArgSpec{.name = "src", .type = ArgType::path, .required = Required::yes, .description = "The directory of fragments, joined in the order of their names."},
    ArgSpec{.name = "delimiter", .description = "A line put between fragments (escape sequences such as \\n are decoded)."},
    ArgSpec{.name = "dest", .type = ArgType::path, .required = Required::yes, .description = "The file to write."},
    ArgSpec{.name = "backup", .type = ArgType::boolean, .default_value = false, .description = "Keep a copy of the old file (with a timestamp in its name) before changing it."},
    ArgSpec{.name = "remote_src", .type = ArgType::boolean, .default_value = true, .description = "Whether src is on the target (true) or on the control node (false: the action joins the fragments there and copies the result)."},
    ArgSpec{.name = "regexp", .description = "Only fragments whose names match this regular expression (Python re syntax) are joined."},
    ArgSpec{.name = "ignore_hidden", .type = ArgType::boolean, .default_value = false, .description = "Skip fragments whose names start with a dot."},
    ArgSpec{.name = "validate", .description = "A command that checks the new file before it replaces the old one; %s is the temp file's path. When it fails, the old file stays as it was."},
    ArgSpec{.name = "decrypt", .type = ArgType::boolean, .description = "With remote_src false: decrypt vault-encrypted fragments (default true)."},
    ArgSpec{.name = "follow", .type = ArgType::boolean, .description = "Accepted for Ansible compatibility (the destination's links are followed as the file module does)."},
    ArgSpec{.name = "mode", .type = ArgType::raw, .description = "The permissions the file gets: an octal string such as \"0644\" (quote it), or symbolic (\"u=rw,g=r,o=r\"). Without it the file keeps its mode, or gets the umask's when created."},
    ArgSpec{.name = "owner", .description = "The user that should own the file (name or uid). Without it the owner is left as it is."},
    ArgSpec{.name = "group", .description = "The group that should own the file (name or gid). Without it the group is left as it is."},
    ArgSpec{.name = "unsafe_writes", .type = ArgType::boolean, .description = "Accepted for Ansible compatibility; drover always writes atomically (a temp file renamed over the destination)."},
    ArgSpec{.name = "attributes", .aliases = {"attr"}, .description = "The file's attributes as chattr sets them (for example \"+i\"). Not supported by drover yet: giving it fails clearly."},
};

}  // namespace

json run_assemble(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "assemble");
  if (is_set(args, "attributes")) throw ModuleFailure("drover's assemble does not set file attributes (chattr) yet");
  if (ctx.checking()) return {{"skipped", true}, {"changed", false}, {"msg", "remote module (assemble) does not support check mode"}};
  std::string src = arg_string(args, "src"), dest = arg_string(args, "dest");
  json result = {{"src", src}, {"dest", dest}};
  if (!fs::exists(src)) throw ModuleFailure("Source (" + src + ") does not exist");
  if (!fs::is_directory(src)) throw ModuleFailure("Source (" + src + ") is not a directory");
  std::optional<Regex> regexp;
  if (is_set(args, "regexp")) {
    try {
      regexp.emplace(arg_string(args, "regexp"));
    } catch (const RegexError& error) {
      throw ModuleFailure("Invalid Regexp (" + std::string(error.what()) + ") in \"" + arg_string(args, "regexp") + "\"");
    }
  }
  std::string validate = arg_string(args, "validate");
  if (!validate.empty() && validate.find("%s") == std::string::npos)
    throw ModuleFailure("validate must contain %s: " + validate);

  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(src)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  std::vector<std::string> fragments;
  for (const auto& name : names) {
    if (regexp && !regexp->search(name)) continue;
    std::string fragment = (fs::path(src) / name).string();
    if (!fs::is_regular_file(fragment) || (arg_bool(args, "ignore_hidden") && name.starts_with("."))) continue;
    auto content = read_file(fragment);
    if (!content) throw ModuleFailure("Unable to read fragment " + fragment);
    fragments.push_back(*content);
  }
  std::string assembled;
  try {
    assembled = assemble_fragments(fragments, arg_string(args, "delimiter"));
  } catch (const std::invalid_argument& error) {
    throw ModuleFailure("delimiter: " + std::string(error.what()));
  }
  std::string checksum = hex_digest(HashAlgorithm::sha1, assembled);
  result["checksum"] = checksum;
  result["md5sum"] = hex_digest(HashAlgorithm::md5, assembled);
  bool changed = false;
  if (file_hex_digest(HashAlgorithm::sha1, dest) != checksum) {
    // Ansible's order: validate, then back up, then move into place
    AtomicFile file(real_path(dest));
    file.write(assembled);
    if (!validate.empty()) {
      ProcessResult process = run_validation(validate, file.temp_path());
      result["validation"] = {{"rc", process.rc}, {"stdout", process.stdout_text}, {"stderr", process.stderr_text}};
    }
    if (arg_bool(args, "backup") && fs::exists(dest)) result["backup_file"] = backup_file(dest);
    file.commit();
    changed = true;
  }
  json no_diff;
  result["changed"] = apply_file_attributes(dest, args, ctx, no_diff) || changed;
  result["msg"] = "OK";
  add_path_info(result, dest);
  return result;
}

namespace {
const std::array<ReturnDoc, 4> k_assemble_returns{{
    ReturnDoc{"dest", "str", "success", "The file written."},
    ReturnDoc{"checksum", "str", "success", "SHA-1 of the new file."},
    ReturnDoc{"size", "int", "success", "Its size in bytes."},
    ReturnDoc{"backup_file", "str", "changed and backup was requested", "The backup copy of the old file (its name with a timestamp)."},
}};
}  // namespace

const ModuleDoc assemble_doc{
    .description = "Joins the files of a directory, in the order of their names, into one file.\nThe fragments can be on the target (remote_src, the default) or on the control node.",
    .options = k_spec,
    .returns = k_assemble_returns,
    .example = "- name: Build sshd_config from its fragments\n  ansible.builtin.assemble:\n    src: /etc/ssh/conf.d\n    dest: /etc/ssh/sshd_config\n    mode: \"0600\"\n    validate: /usr/sbin/sshd -t -f %s\n",
};

}  // namespace drover::modules
