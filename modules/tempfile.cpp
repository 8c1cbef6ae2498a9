// tempfile, as Ansible 2.14's: a new file (mode 0600) or directory (0700) with a random name,
// made as Python's tempfile.mkstemp/mkdtemp make it. Always changed; no check mode (Ansible's
// module does not support it, so it is skipped there).
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/module_doc.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "state", .default_value = "file", .choices = {"file", "directory"}, .description = "Create a file or a directory."},
    ArgSpec{.name = "path", .type = ArgType::path, .description = "The directory to create it in (the system temporary directory by default)."},
    ArgSpec{.name = "prefix", .default_value = "ansible.", .description = "The start of its name."},
    ArgSpec{.name = "suffix", .default_value = "", .description = "The end of its name."},
};

// Python's tempfile._RandomNameSequence: eight characters from this alphabet.
std::string random_name() {
  static constexpr std::string_view k_alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_";
  std::array<unsigned char, 8> bytes{};
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  urandom.read(reinterpret_cast<char*>(bytes.data()), bytes.size());
  if (!urandom) {
    for (auto& byte : bytes) byte = static_cast<unsigned char>(std::rand());
  }
  std::string name;
  for (unsigned char byte : bytes) name += k_alphabet[byte % k_alphabet.size()];
  return name;
}

bool usable_directory(const std::string& dir) {
  struct stat st{};
  return ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && ::access(dir.c_str(), W_OK | X_OK) == 0;
}

// Python's tempfile.gettempdir(): $TMPDIR, $TEMP, $TMP, /tmp, /var/tmp, /usr/tmp, then the
// working directory.
std::string default_directory() {
  for (const char* name : {"TMPDIR", "TEMP", "TMP"}) {
    const char* value = std::getenv(name);
    if (value && *value && usable_directory(value)) return value;
  }
  for (const char* dir : {"/tmp", "/var/tmp", "/usr/tmp"})
    if (usable_directory(dir)) return dir;
  char cwd[4096];
  return ::getcwd(cwd, sizeof cwd) ? cwd : ".";
}

// os.path.join(dir, name).
std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir.ends_with("/")) return dir + name;
  return dir + "/" + name;
}

// os.path.abspath(dir): mkstemp names files under it (mkdtemp uses the directory as given).
std::string absolute_directory(const std::string& dir) {
  std::string path = std::filesystem::absolute(dir).lexically_normal().string();
  while (path.size() > 1 && path.ends_with("/")) path.pop_back();
  return path;
}

// Python's str(OSError) for a failed call on `path`.
std::string os_error(int error, const std::string& path) {
  return "[Errno " + std::to_string(error) + "] " + std::strerror(error) + ": '" + path + "'";
}

// Creates the file or directory under a fresh random name; retries on a name already taken, as
// Python does (up to TMP_MAX times).
std::string create(const std::string& dir, const std::string& prefix, const std::string& suffix, bool directory) {
  for (int attempt = 0; attempt < 10000; ++attempt) {
    std::string path = join_path(dir, prefix + random_name() + suffix);
    int rc = -1;
    if (directory) {
      rc = ::mkdir(path.c_str(), 0700);
    } else {
      rc = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (rc >= 0) ::close(rc);
    }
    if (rc >= 0) return path;
    if (errno != EEXIST) throw ModuleFailure(os_error(errno, path));
  }
  throw ModuleFailure("[Errno 17] No usable temporary file name found");
}

}  // namespace

json run_tempfile(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "tempfile");
  if (ctx.checking()) return check_mode_unsupported("tempfile");
  std::string dir = is_set(args, "path") ? arg_string(args, "path") : default_directory();
  bool directory = arg_string(args, "state") == "directory";
  if (!directory) dir = absolute_directory(dir);
  std::string path = create(dir, arg_string(args, "prefix"), arg_string(args, "suffix"), directory);
  json result = {{"changed", true}, {"path", path}};
  add_path_info(result, path);
  return result;
}

namespace {
const ReturnDoc k_tempfile_returns[] = {
    ReturnDoc{"path", "str", "success", "The file or directory created."},
};
}  // namespace

const ModuleDoc tempfile_doc{
    .description = "Creates a uniquely named temporary file or directory and returns its path. It is not removed afterwards: remove it with the file module.",
    .options = k_spec,
    .returns = k_tempfile_returns,
    .example = "- ansible.builtin.tempfile:\n    state: directory\n    suffix: build\n  register: build_dir\n",
};

}  // namespace drover::modules
