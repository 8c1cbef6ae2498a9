// slurp: a file's content, base64-encoded, as Ansible's slurp.
#include <array>
#include <cerrno>
#include <cstring>

#include <sys/stat.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {
const std::array k_spec{
    ArgSpec{.name = "src", .type = ArgType::path, .required = Required::yes, .aliases = {"path"}, .description = "The file to read."},
};
}  // namespace

json run_slurp(const json& raw_args, const ModuleContext&) {
  json args = check_args(raw_args, k_spec, "slurp");
  std::string source = arg_string(args, "src");
  struct stat st{};
  if (::stat(source.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw ModuleFailure("source is a directory and must be a file: " + source);
  std::optional<std::string> content = read_file(source);
  if (!content) {
    int error = errno;
    if (error == ENOENT) throw ModuleFailure("file not found: " + source);
    if (error == EACCES) throw ModuleFailure("file is not readable: " + source);
    throw ModuleFailure("unable to slurp file: " + std::string(std::strerror(error)));
  }
  return {{"content", base64_encode(*content)}, {"source", source}, {"encoding", "base64"}, {"changed", false}};
}

namespace {
const std::array<ReturnDoc, 3> k_slurp_returns{{
    ReturnDoc{"content", "str", "success", "The file's content, base64-encoded."},
    ReturnDoc{"encoding", "str", "success", "Always base64."},
    ReturnDoc{"source", "str", "success", "The file read."},
}};
}  // namespace

const ModuleDoc slurp_doc{
    .description = "Reads a file from the target and returns its content base64-encoded (b64decode decodes it).",
    .options = k_spec,
    .returns = k_slurp_returns,
    .example = "- ansible.builtin.slurp:\n    src: /etc/machine-id\n  register: machine_id\n",
};

}  // namespace drover::modules
