// Finding roles and reading their files, as Ansible 2.14 does (playbook/role/definition.py and
// role/__init__.py). The parser assembles Role objects and their tasks from these pieces.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/value/value.hpp"

namespace drover::playbook {

// Where role names are looked up: <playbook_dir>/roles, each roles_path entry (roles_path config,
// DROVER_ROLES_PATH / ANSIBLE_ROLES_PATH), the including role's folder (for dependencies), then
// the playbook's folder.
struct RoleSearch {
  std::string playbook_dir;
  std::vector<std::string> roles_path;
};

// A role name that no searched folder holds. include_role fails its hosts with it (Ansible's
// AnsibleError); anywhere else it ends the run as any SourceError.
class RoleNotFound : public SourceError {
public:
  using SourceError::SourceError;
};

// The directory of role `name` (a plain name, a `namespace.name` directory, or a path), absolute
// and normalized. Throws SourceError at `where` with Ansible's words and the folders it searched:
// "the role 'x' was not found in /pb/roles:/etc/ansible/roles:/pb" (a RoleNotFound).
std::string find_role_dir(const std::string& name, const RoleSearch& search, const std::string& sibling_dir,
                          const SourceLocation& where);

// The YAML file `from` (default "main") of a role's `subdir`: `from` as given, or with .yml,
// .yaml or .json, as Ansible tries them; "" when there is none.
std::string role_file(const std::string& role_dir, const std::string& subdir, const std::string& from);

// A role's defaults/ or vars/: the `from` file, or, for "main", a main/ directory whose files
// are merged in name order. An empty map when the role has none. Encrypted files decrypt here.
Value load_role_vars(const std::string& role_dir, const std::string& subdir, const std::string& from);

}  // namespace drover::playbook
