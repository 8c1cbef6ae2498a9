// The inventory: hosts, groups with children, their vars, group_vars/host_vars files, and host
// pattern selection, all with Ansible's semantics (see docs/inventory.md).
//
// Plain data plus the queries the engine needs. Sources are parsed by the plugins in
// plugins/inventory/ through the builder methods below (add_group, add_host, add_child,
// set_group_var, set_host_var) and then `reconcile()`d, as Ansible's InventoryData does.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/inventory/inventory_plugin.hpp"
#include "core/value/value.hpp"

namespace drover::inventory {

struct Host {
  std::string name;
  Value vars = Value::map();         // own vars (inventory); a map
  std::vector<std::string> groups;   // direct groups, in the order the host joined them
  bool implicit = false;             // the implicit localhost (not in `all`)
  Value source;                      // inventory file that first named the host, or null
};

struct Group {
  std::string name;
  Value vars = Value::map();         // own vars (inventory); a map
  std::vector<std::string> children, hosts;  // direct, in declaration order
  std::vector<std::string> parents;
  int priority = 1;                  // ansible_group_priority
};

// Receives warnings ("[WARNING]: " is added by the printer). The default prints to stderr.
using WarningSink = std::function<void(const std::string&)>;
void set_warning_sink(WarningSink sink);
void warn(const std::string& message);

class Inventory {
public:
  Inventory();
  Inventory(Inventory&&) noexcept;
  Inventory& operator=(Inventory&&) noexcept;
  ~Inventory();

  // Loads sources (-i values, each a file, a directory, an executable script or a `h1,h2,` list;
  // none → the configured default (config key defaults.inventory), else /etc/ansible/hosts if
  // present, else implicit localhost only). group_vars/ and host_vars/ beside each source are read.
  // Each source is parsed by the first of `plugins` that accepts it (a directory's files, each).
  // Throws SourceError (file:line[:col]) on bad input, Fatal when a source does not exist or
  // no plugin accepts it.
  static Inventory load(const std::vector<std::string>& sources, InventoryPlugins plugins);

  // group_vars/ and host_vars/ in `dir` (beside a playbook); they win over inventory-adjacent ones.
  void add_vars_dir(const std::string& dir);

  // Hosts matching an Ansible host pattern, restricted by `limit` (a pattern too, items `@file`
  // read one pattern a line), in Ansible's order. Throws Fatal on an invalid regex or a missing
  // limit file. A pattern that matches nothing is a warning, not an error.
  std::vector<const Host*> select(const std::string& pattern, const std::string& limit = "") const;

  const Host* find_host(std::string_view name) const;  // includes the implicit localhost
  const Group* find_group(std::string_view name) const;

  // Merged group + host vars as Ansible computes them, plus inventory_hostname,
  // inventory_hostname_short, group_names, inventory_dir, inventory_file.
  Value host_vars(const Host& host) const;
  // The same without the magic variables (what `ansible-inventory --host` prints).
  Value host_json(std::string_view name) const;
  // The `groups` magic variable: {group: [hosts]} for every group, with all and ungrouped.
  Value groups_var() const;
  // Every host of a group, its descendants' included, in Ansible's order.
  std::vector<const Host*> group_hosts(const Group& group) const;

  // ansible-inventory --list JSON (dump it with indent 4, sorted keys) and --graph text.
  Value list_json() const;
  std::string graph(const std::string& group = "all") const;  // throws Fatal on unknown group

  const std::vector<std::unique_ptr<Host>>& hosts() const { return m_hosts; }
  const std::vector<std::unique_ptr<Group>>& groups() const { return m_groups; }

  // --- builder (plugins, add_host, group_by) ---
  Group& add_group(const std::string& name);
  // Adds (or finds) a host, puts it in `group` when not empty, sets ansible_port when given.
  Host& add_host(const std::string& name, const std::string& group = "",
                 std::optional<int> port = std::nullopt);
  // Throws Fatal when this would make a cycle.
  void add_child(const std::string& parent, const std::string& child);
  void set_group_var(const std::string& group, const std::string& key, Value value);
  void set_host_var(const std::string& host, const std::string& key, Value value);
  // The file being parsed (recorded as inventory_file of hosts it names); "" for none.
  void set_current_source(const std::string& path) { m_current_source = path; }
  // Ansible's reconcile_inventory: orphan groups under all, hosts without groups in ungrouped.
  void reconcile();
  // --- changes while a play runs (add_host, group_by), as Ansible's InventoryManager makes them;
  // each returns whether the inventory changed (Ansible reports that as the task's `changed`) ---
  // Adds host `name` (to `all` when new), merges `vars` into its own vars and adds it to
  // `groups` (made when missing), then reconciles.
  bool add_dynamic_host(const std::string& name, const std::vector<std::string>& groups, const Value& vars);
  // Puts `host` into `group` (made when missing) and makes `group` a child of each of `parents`.
  bool add_dynamic_group(const std::string& host, const std::string& group, const std::vector<std::string>& parents);

  // Adds group_vars/host_vars beside an inventory source (`dir` is the source's directory).
  void add_inventory_vars_dir(const std::string& dir);

  // meta: refresh_inventory (Ansible's InventoryManager.refresh_inventory): becomes `fresh` (the
  // sources read again), keeps the playbook's group_vars/host_vars folders, and makes again the
  // changes add_host and group_by made, in their order. Host and Group pointers taken before
  // are invalid afterwards.
  void replace_with_refreshed(Inventory fresh);

private:
  struct DynamicChange {  // one add_dynamic_host or add_dynamic_group call
    std::string host, group;  // group: add_dynamic_group's; empty for add_dynamic_host
    std::vector<std::string> groups;  // add_host's groups, or group_by's parents
    Value vars;
  };
  std::vector<DynamicChange> m_dynamic_changes;
  struct VarsDir;
  std::vector<std::unique_ptr<Host>> m_hosts;
  std::vector<std::unique_ptr<Group>> m_groups;
  std::unordered_map<std::string, Host*> m_host_index;
  std::unordered_map<std::string, Group*> m_group_index;
  std::vector<std::unique_ptr<Host>> m_implicit;  // implicit localhost under its three names
  std::vector<VarsDir> m_inventory_dirs, m_playbook_dirs;
  std::string m_current_source;

  Group* group_ptr(std::string_view name);
  int depth_of(const Group& g) const;
  std::vector<const Group*> host_groups(const Host& h) const;  // direct + ancestors
  std::vector<const Group*> descendants(const Group& g) const;  // self first, breadth-first
  void load_vars_files(VarsDir& dir);
  Value file_vars(const std::vector<VarsDir>& dirs, bool is_group, const std::string& name) const;
  const Host* implicit_host(std::string_view name) const;
  std::vector<const Host*> evaluate(const std::vector<std::string>& patterns) const;
  std::vector<const Host*> match_one(const std::string& pattern) const;
  std::vector<const Host*> enumerate_matches(const std::string& pattern) const;
  void graph_group(const Group& g, int depth, std::vector<std::string>& out) const;
  void list_group(const Group& g, Map& out, std::vector<std::string>& seen) const;
};

// Ansible's split_host_pattern: "a:b", "a,b", "a:&b", "a:!b", keeping `host:port`, IPv6 and
// `[x:y]` subscripts whole.
std::vector<std::string> split_host_pattern(const std::string& pattern);
// fnmatch as Ansible uses it (case-sensitive): *, ?, [seq], [!seq].
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace drover::inventory
