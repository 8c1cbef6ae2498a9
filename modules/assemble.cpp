// assemble, the target half (remote_src, Ansible's default): the files of a directory on the
// target, in name order, joined into one file. The control half (plugins/action/assemble.cpp)
// joins the fragments on the control node instead when remote_src is false; both join them with
// core/value/fragments' assemble_fragments.
#include <algorithm>
#include <array>
#include <filesystem>

#include "core/value/fragments.hpp"
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
    ArgSpec{.name = "src", .type = ArgType::path, .required = Required::yes},
    ArgSpec{.name = "delimiter"},
    ArgSpec{.name = "dest", .type = ArgType::path, .required = Required::yes},
    ArgSpec{.name = "backup", .type = ArgType::boolean, .default_value = false},
    ArgSpec{.name = "remote_src", .type = ArgType::boolean, .default_value = true},
    ArgSpec{.name = "regexp"},
    ArgSpec{.name = "ignore_hidden", .type = ArgType::boolean, .default_value = false},
    ArgSpec{.name = "validate"},
    ArgSpec{.name = "decrypt", .type = ArgType::boolean},
    ArgSpec{.name = "follow", .type = ArgType::boolean},
    ArgSpec{.name = "mode", .type = ArgType::raw},
    ArgSpec{.name = "owner"},
    ArgSpec{.name = "group"},
    ArgSpec{.name = "unsafe_writes", .type = ArgType::boolean},
    ArgSpec{.name = "attributes", .aliases = {"attr"}},
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

}  // namespace drover::modules
