// copy, the target half: content (or content_b64, or a src already on the target) to dest.
// Query: checksum of dest vs the new data, attributes. Apply: backup, atomic write with
// validation, then mode/owner/group.
#include <array>
#include <vector>
#include <filesystem>

#include <sys/stat.h>
#include <unistd.h>

#include "modules/copy_directory.hpp"
#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/diff.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/hash.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "src", .type = ArgType::path, .description = "The file or directory on the control node to copy (or on the target with remote_src). A directory ending in / copies its content, without it the directory itself."},
    ArgSpec{.name = "content", .no_log = true, .description = "The text to write instead of src."},
    ArgSpec{.name = "content_b64", .no_log = true, .description = "The content base64-encoded (how the control half sends a local file; binary-safe)."},
    ArgSpec{.name = "dest", .type = ArgType::path, .required = Required::yes, .description = "Where to write on the target. Ending in /, or an existing directory: the file goes inside it."},
    ArgSpec{.name = "backup", .type = ArgType::boolean, .default_value = false, .description = "Keep a copy of the old file (with a timestamp in its name) before changing it."},
    ArgSpec{.name = "force", .type = ArgType::boolean, .default_value = true, .aliases = {"thirsty"}, .description = "Replace the file when its content differs. false: only write when it does not exist."},
    ArgSpec{.name = "validate", .description = "A command that checks the new file before it replaces the old one; %s is the temp file's path. When it fails, the old file stays as it was."},
    ArgSpec{.name = "checksum", .description = "The SHA-1 the content must have; the copy fails when it does not."},
    ArgSpec{.name = "follow", .type = ArgType::boolean, .default_value = false, .description = "Follow links at dest."},
    ArgSpec{.name = "remote_src", .type = ArgType::boolean, .description = "src is on the target, not on the control node."},
    ArgSpec{.name = "local_follow", .type = ArgType::boolean, .description = "Follow links in src on the control node (default true)."},
    ArgSpec{.name = "directory_mode", .type = ArgType::raw, .description = "The mode of directories a recursive copy creates."},
    ArgSpec{.name = "decrypt", .type = ArgType::boolean, .description = "Decrypt vault-encrypted source files on the control node (default true)."},
    ArgSpec{.name = "_original_basename"},
    ArgSpec{.name = "mode", .type = ArgType::raw, .description = "The permissions the file gets: an octal string such as \"0644\" (quote it), or symbolic (\"u=rw,g=r,o=r\"). Without it the file keeps its mode, or gets the umask's when created."},
    ArgSpec{.name = "owner", .description = "The user that should own the file (name or uid). Without it the owner is left as it is."},
    ArgSpec{.name = "group", .description = "The group that should own the file (name or gid). Without it the group is left as it is."},
    ArgSpec{.name = "unsafe_writes", .type = ArgType::boolean, .description = "Accepted for Ansible compatibility; drover always writes atomically (a temp file renamed over the destination)."},
    ArgSpec{.name = "attributes", .aliases = {"attr"}, .description = "The file's attributes as chattr sets them (for example \"+i\"). Not supported by drover yet: giving it fails clearly."},
};

struct NewContent {
  std::string data;
  std::string source;  // the src path, or empty for content
};

NewContent new_content(const json& args) {
  int given = is_set(args, "content") + is_set(args, "content_b64") + is_set(args, "src");
  if (given == 0) throw ModuleFailure("src (or content) is required");
  if (given > 1) throw ModuleFailure("src and content are mutually exclusive");
  if (is_set(args, "content")) return {arg_string(args, "content"), ""};
  if (is_set(args, "content_b64")) return {base64_decode(arg_string(args, "content_b64")), ""};
  std::string src = arg_string(args, "src");
  struct stat st{};
  if (::stat(src.c_str(), &st) != 0) throw ModuleFailure("Source " + src + " not found");
  if (::access(src.c_str(), R_OK) != 0) throw ModuleFailure("Source " + src + " not readable");
  if (!S_ISREG(st.st_mode)) throw ModuleFailure("Cannot copy invalid source '" + src + "': not a file");
  auto data = read_file(src);
  if (!data) throw ModuleFailure("Source " + src + " not readable");
  return {*data, src};
}

// A dest ending in "/" (a file of a recursive copy: _original_basename is its relative path) gets
// its missing directories, as Ansible's module makes them: directory_mode (else the umask's mode),
// owner and group on each new one. Returns whether it made (or in check mode would make) any.
bool make_parent_directories(const json& args, const std::string& dest, const ModuleContext& ctx) {
  namespace fs = std::filesystem;
  fs::path parent = fs::path(dest).parent_path();
  std::error_code error;
  if (parent.empty() || fs::exists(parent, error)) return false;
  if (ctx.checking()) return true;
  std::vector<fs::path> created;
  for (fs::path dir = parent; !dir.empty() && !fs::exists(dir, error); dir = dir.parent_path()) created.push_back(dir);
  fs::create_directories(parent, error);
  if (error) throw ModuleFailure("Could not create the directory " + parent.string() + ": " + error.message());
  json dir_args = {{"mode", args["directory_mode"]}, {"owner", args["owner"]}, {"group", args["group"]}};
  json no_diff;
  for (auto it = created.rbegin(); it != created.rend(); ++it) apply_file_attributes(it->string(), dir_args, ctx, no_diff);
  return true;
}

// Resolves a directory dest (or one ending in "/") to the file inside it; follows links when asked.
std::string resolve_dest(const json& args, const NewContent& content) {
  std::string dest = arg_string(args, "dest");
  if (dest.ends_with("/") || std::filesystem::is_directory(dest)) {
    // content from the control node's src file arrives with its name in _original_basename
    if (content.source.empty() && !is_set(args, "_original_basename"))
      throw ModuleFailure("can not use content with a dir as dest");
    std::string base = is_set(args, "_original_basename") ? arg_string(args, "_original_basename")
                                                          : std::filesystem::path(content.source).filename().string();
    dest = (std::filesystem::path(dest) / base).string();
  }
  std::error_code error;
  if (arg_bool(args, "follow") && std::filesystem::is_symlink(dest, error)) {
    auto target = std::filesystem::canonical(dest, error);
    if (!error) dest = target.string();
  }
  return dest;
}

void check_destination(const std::string& dest) {
  std::string dir = std::filesystem::path(dest).parent_path().string();
  if (dir.empty()) dir = ".";
  if (!std::filesystem::is_directory(dir)) throw ModuleFailure("Destination directory " + dir + " does not exist");
  if (::access(dir.c_str(), W_OK) != 0) throw ModuleFailure("Destination " + dir + " not writable");
}

void validate(const std::string& command, const std::string& temp_path) {
  auto at = command.find("%s");
  if (at == std::string::npos) throw ModuleFailure("validate must contain %s: " + command);
  std::string line = command;
  while ((at = line.find("%s")) != std::string::npos) line.replace(at, 2, temp_path);
  ProcessSpec spec;
  spec.argv = shlex_split(line);
  ProcessResult process = run_process(spec);
  if (process.start_failure != StartFailure::none)
    throw ModuleFailure("failed to validate", {{"exit_status", process.rc}, {"stdout", ""}, {"stderr", process.error}});
  if (process.rc != 0)
    throw ModuleFailure("failed to validate", {{"exit_status", process.rc},
                                               {"stdout", process.stdout_text},
                                               {"stderr", process.stderr_text}});
}

void write_dest(const json& args, const std::string& dest, const std::string& data, bool exists, json& result) {
  if (exists && arg_bool(args, "backup")) result["backup_file"] = backup_file(dest);
  AtomicFile file(dest);
  file.write(data);
  if (is_set(args, "validate")) validate(arg_string(args, "validate"), file.temp_path());
  file.commit();
}

// mode=preserve: the source file's mode, when the source is a file on the target; else leave it.
json preserve_mode(json args, const NewContent& content) {
  if (args["mode"] != "preserve") return args;
  struct stat st{};
  if (!content.source.empty() && ::stat(content.source.c_str(), &st) == 0) args["mode"] = st.st_mode & 07777;
  else args["mode"] = nullptr;
  return args;
}

}  // namespace

json run_copy(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "copy");
  if (is_set(args, "attributes")) throw ModuleFailure("drover's copy does not set file attributes (chattr) yet");
  if (is_set(args, "src") && !is_set(args, "content") && !is_set(args, "content_b64") &&
      std::filesystem::is_directory(arg_string(args, "src"))) {
    if (!arg_bool(args, "remote_src"))
      throw ModuleFailure("src " + arg_string(args, "src") + " is a directory: copy a directory with remote_src=true");
    return copy_remote_directory(args, ctx);
  }
  NewContent content = new_content(args);
  std::string dest = resolve_dest(args, content);
  bool made_directories = arg_string(args, "dest").ends_with("/") && make_parent_directories(args, dest, ctx);
  std::string checksum = hex_digest(HashAlgorithm::sha1, content.data);
  json result = {{"dest", dest}, {"checksum", checksum}, {"md5sum", hex_digest(HashAlgorithm::md5, content.data)},
                 {"changed", false}};
  if (!content.source.empty()) result["src"] = content.source;
  if (is_set(args, "checksum") && arg_string(args, "checksum") != checksum)
    throw ModuleFailure("Copied file does not match the expected checksum. Transfer failed.",
                        {{"checksum", checksum}, {"expected_checksum", arg_string(args, "checksum")}});
  bool exists = std::filesystem::exists(dest);
  if (exists && !arg_bool(args, "force")) {
    result["msg"] = "file already exists";
    return result;
  }
  if (!exists && !(made_directories && ctx.checking())) check_destination(dest);
  std::optional<std::string> before = exists ? read_file(dest) : std::string();
  bool content_changed = !exists || !before || hex_digest(HashAlgorithm::sha1, *before) != checksum;
  if (content_changed) {
    if (ctx.diffing()) result["diff"] = content_diff(before.value_or(""), content.data, dest, dest);
    if (!ctx.checking()) write_dest(args, dest, content.data, exists, result);
  }
  json attrs_diff = state_diff(dest);
  bool attrs_changed = apply_file_attributes(dest, preserve_mode(args, content), ctx, attrs_diff);
  result["changed"] = content_changed || attrs_changed || made_directories;
  if (!content_changed) {
    // Ansible's copy hands an unchanged file to the file module: its result has path and that diff.
    result.erase("md5sum");
    result["path"] = dest;
    result["diff"] = attrs_diff;
  }
  add_path_info(result, dest);
  return result;
}

namespace {
const std::array<ReturnDoc, 5> k_copy_returns{{
    ReturnDoc{"dest", "str", "success", "The file written."},
    ReturnDoc{"src", "str", "changed", "The temp file the content came from."},
    ReturnDoc{"checksum", "str", "success", "SHA-1 of the file."},
    ReturnDoc{"size", "int", "success", "Its size in bytes."},
    ReturnDoc{"backup_file", "str", "changed and backup was requested", "The backup copy of the old file (its name with a timestamp)."},
}};
}  // namespace

const ModuleDoc copy_doc{
    .description = "Copies a file or a directory tree from the control node (or from the target with remote_src), or writes content, to a path on the target.\nThe file is replaced atomically and only when its content differs.",
    .options = k_spec,
    .returns = k_copy_returns,
    .example = "- name: Install the MOTD\n  ansible.builtin.copy:\n    content: \"Authorized use only\\n\"\n    dest: /etc/motd\n    mode: \"0644\"\n",
};

}  // namespace drover::modules
