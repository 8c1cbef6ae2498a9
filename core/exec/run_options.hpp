// Everything the executor needs to know from the command line and the configuration, resolved once.
#pragma once

#include <string>
#include <vector>

#include "core/template/templar.hpp"
#include "core/value/value.hpp"
#include "core/vars/fact_cache.hpp"

namespace drover::exec {

struct RunOptions {
  int forks = 50;
  bool check = false;
  bool diff = false;
  int verbosity = 0;
  std::string limit;                   // -l as given (`web`, `@hosts.txt`); empty = none
  std::vector<std::string> inventory_sources;  // -i (or [defaults] inventory), paths made absolute
  std::string config_file;             // the config file read, absolute; empty = none
  std::vector<std::string> tags;       // -t; empty = all
  std::vector<std::string> skip_tags;  // --skip-tags
  Value extra_vars = Value::map();
  std::string connection;   // -c: overrides ansible_connection when set
  std::string remote_user;  // -u
  std::string private_key;  // --private-key
  int timeout_s = 10;       // -T
  bool host_key_checking = true;
  std::string ssh_common_args, ssh_extra_args;
  bool become = false;      // -b
  std::string become_method = "sudo";
  std::string become_user = "root";
  std::string become_exe;       // [privilege_escalation] become_exe; empty = the method's name
  std::string become_password;  // -K / --become-password-file (marked secret); empty = none
  bool force_handlers = false;       // --force-handlers, [defaults] force_handlers
  std::string strategy = "linear";   // [defaults] strategy: for plays without `strategy:`
  std::string start_at_task;         // --start-at-task
  std::string gathering = "implicit";  // [defaults] gathering: implicit | explicit | smart
  std::vector<std::string> gather_subset;  // [defaults] gather_subset; empty = setup's default (all)
  int gather_timeout = 10;                  // [defaults] gather_timeout
  vars::FactCacheSettings fact_cache;       // [defaults] fact_caching*
  bool flush_cache = false;                 // --flush-cache
  tmpl::ResultTypes result_types = tmpl::ResultTypes::ansible;  // [defaults] jinja2_native
};

}  // namespace drover::exec
