#include "core/playbook/roles.hpp"

#include <algorithm>
#include <filesystem>

#include "core/secrets/vars_file.hpp"

namespace drover::playbook {

namespace fs = std::filesystem;

namespace {

std::string normalized(const fs::path& p) { return fs::absolute(p).lexically_normal().string(); }

bool has_vars_extension(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext.empty() || ext == ".yml" || ext == ".yaml" || ext == ".json";
}

}  // namespace

std::string find_role_dir(const std::string& name, const RoleSearch& search, const std::string& sibling_dir,
                          const SourceLocation& where) {
  std::vector<std::string> dirs{(fs::path(search.playbook_dir) / "roles").string()};
  dirs.insert(dirs.end(), search.roles_path.begin(), search.roles_path.end());
  if (!sibling_dir.empty()) dirs.push_back(sibling_dir);
  dirs.push_back(search.playbook_dir);
  for (const auto& dir : dirs)
    if (fs::is_directory(fs::path(dir) / name)) return normalized(fs::path(dir) / name);
  if (fs::path(name).is_absolute() && fs::is_directory(name)) return normalized(name);
  std::string searched;
  for (const auto& dir : dirs) searched += (searched.empty() ? "" : ":") + dir;
  throw RoleNotFound(where, "the role '" + name + "' was not found in " + searched,
                    "put the role in a roles/ folder beside the playbook, or add its folder to roles_path "
                    "(DROVER_ROLES_PATH or ANSIBLE_ROLES_PATH)",
                    ExitCode::error);
}

std::string role_file(const std::string& role_dir, const std::string& subdir, const std::string& from) {
  const fs::path base = fs::path(role_dir) / subdir / (from.empty() ? "main" : from);
  for (const char* ext : {"", ".yml", ".yaml", ".json"}) {
    fs::path p = base;
    p += ext;
    if (fs::is_regular_file(p)) return p.string();
  }
  return "";
}

Value load_role_vars(const std::string& role_dir, const std::string& subdir, const std::string& from) {
  const std::string name = from.empty() ? "main" : from;
  const fs::path dir = fs::path(role_dir) / subdir / name;
  if (name == "main" && fs::is_directory(dir)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file() && has_vars_extension(entry.path())) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    Value merged = Value::map();
    for (const auto& f : files) merged = combine_vars(merged, secrets::load_vars_file(f.string()));
    return merged;
  }
  const std::string file = role_file(role_dir, subdir, name);
  if (file.empty()) return Value::map();
  Value v = secrets::load_vars_file(file);
  return v.is_map() ? v : Value::map();
}

}  // namespace drover::playbook
