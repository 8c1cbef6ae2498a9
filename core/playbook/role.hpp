// A role as one use of it in a play loaded it: where it lives, what its files hold, and the
// variable layers its tasks see (Ansible's precedence, vars/manager.py). Plain data, shared by
// every task the role contributed (Task::role), read-only once the playbook is loaded.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/value/value.hpp"

namespace drover::playbook {

struct Role {
  std::string name;  // as found: the directory name ("web", "acme.web"); banners print it
  std::string path;  // the role's directory, absolute and normalized
  Value params = Value::map();  // `- {role: web, port: 80}`: everything that is not a keyword
  bool allow_duplicates = false;  // meta/main.yml

  // The layers a task of this role sees, each merged once at load time.
  Value defaults_layer = Value::map();  // dependencies' defaults < parents' < own defaults
  Value vars_layer = Value::map();      // dependencies' vars < own vars/ < the `vars:` keyword
  Value params_layer = Value::map();    // parents' params < own params (above set_fact)
  Value magic = Value::map();           // role_name, role_path, ansible_role_name, ...

  // What the layers of the roles below this one (its dependencies) are made from.
  std::shared_ptr<const Role> parent;   // the role whose meta or import_role/include_role loaded it
  Value own_defaults = Value::map();    // defaults/
  Value own_vars = Value::map();        // vars/ and the entry's `vars:`
};

}  // namespace drover::playbook
