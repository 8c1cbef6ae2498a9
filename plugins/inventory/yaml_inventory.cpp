// Ansible's YAML inventory (plugins/inventory/yaml.py): top-level keys are groups; each group
// has optional `hosts`, `vars` and `children` mappings, nested to any depth.
#include "core/error.hpp"
#include "core/inventory/host_range.hpp"
#include "core/value/yaml.hpp"
#include "plugins/inventory/registry.hpp"

namespace drover::inventory {

namespace {

class YamlInventoryParser {
public:
  YamlInventoryParser(Inventory& inv, const std::string& file) : m_inv(inv), m_file(file) {}

  void parse(const YAML::Node& root) {
    if (!root || root.IsNull())
      throw SourceError({m_file, 1, 0}, "Parsed empty YAML file", "A YAML inventory starts with `all:`.");
    if (!root.IsMap())
      throw SourceError(location_of(root, m_file),
                        "YAML inventory has invalid structure, it should be a dictionary, got: " + kind(root),
                        "A YAML inventory is a mapping of group names, e.g. `all: {hosts: {web1: }}`.");
    if (root["plugin"])
      throw SourceError(location_of(root, m_file), "Plugin configuration YAML file, not YAML inventory",
                        "drover does not run inventory plugins; list the hosts in INI or YAML instead.");
    for (const auto& kv : root) group(kv.first.Scalar(), kv.second, kv.first);
  }

private:
  Inventory& m_inv;
  std::string m_file;

  static std::string kind(const YAML::Node& n) {
    if (n.IsSequence()) return "list";
    if (n.IsScalar()) return "string";
    return "null";
  }

  std::string group(const std::string& name, const YAML::Node& data, const YAML::Node& at) {
    if (data && !data.IsNull() && !data.IsMap()) {
      warn("Skipping '" + name + "' as this is not a valid group definition (" + location_of(at, m_file).str() + ")");
      return name;
    }
    m_inv.add_group(name);
    if (!data || data.IsNull()) return name;
    for (const char* section : {"vars", "children", "hosts"}) {
      YAML::Node s = data[section];
      if (s && !s.IsNull() && !s.IsMap() && !s.IsScalar())
        throw SourceError(location_of(s, m_file),
                          std::string("Invalid \"") + section + "\" entry for \"" + name +
                              "\" group, requires a dictionary, found \"" + kind(s) + "\" instead.",
                          std::string("Write `") + section + ":` as a mapping (name: value).");
    }
    for (const auto& kv : data) section(name, kv.first.Scalar(), kv.second, kv.first);
    return name;
  }

  void section(const std::string& grp, const std::string& key, const YAML::Node& value, const YAML::Node& at) {
    if (value.IsNull()) return;
    if (value.IsScalar() && (key == "vars" || key == "children" || key == "hosts")) {
      // a bare string is allowed and means {string: None}
      YAML::Node as_map(YAML::NodeType::Map);
      as_map[value.Scalar()] = YAML::Node(YAML::NodeType::Null);
      return section(grp, key, as_map, at);
    }
    if (!value.IsMap()) {
      warn("Skipping key (" + key + ") in group (" + grp + ") as it is not a mapping (" +
           location_of(at, m_file).str() + ")");
      return;
    }
    if (key == "vars") {
      for (const auto& kv : value) m_inv.set_group_var(grp, kv.first.Scalar(), yaml_to_value(kv.second, m_file));
    } else if (key == "children") {
      for (const auto& kv : value) m_inv.add_child(grp, group(kv.first.Scalar(), kv.second, kv.first));
    } else if (key == "hosts") {
      for (const auto& kv : value) hosts(grp, kv.first, kv.second);
    } else {
      warn("Skipping unexpected key (" + key + ") in group (" + grp +
           "), only \"vars\", \"children\" and \"hosts\" are valid (" + location_of(at, m_file).str() + ")");
    }
  }

  void hosts(const std::string& grp, const YAML::Node& key, const YAML::Node& vars) {
    std::string pattern = key.Scalar();
    std::string host = pattern;
    std::optional<int> port;
    if (auto a = parse_address(pattern)) {
      host = a->host;
      port = a->port;
    }
    std::vector<std::string> names{host};
    if (has_range(host)) {
      try {
        names = expand_host_range(host);
      } catch (const RangeError& e) {
        throw SourceError(location_of(key, m_file), std::string("bad host range '") + host + "': " + e.what(),
                          "A range is [begin:end] or [begin:end:step], e.g. web[01:20] or db-[a:c].");
      }
    }
    Value v = vars && !vars.IsNull() ? yaml_to_value(vars, m_file) : Value::map();
    if (!v.is_map())
      throw SourceError(location_of(vars, m_file), "Host '" + pattern + "' must be followed by a mapping of its vars, not a " + v.type_name(),
                        "Write `" + pattern + ":` alone, or with `name: value` lines indented below it.");
    for (const auto& n : names) {
      m_inv.add_host(n, grp, port);
      for (const auto& [k, val] : v.as_map()) m_inv.set_host_var(n, k, val);
    }
  }
};

}  // namespace

void parse_yaml_inventory(Inventory& inv, std::string_view text, const std::string& file) {
  YamlInventoryParser(inv, file).parse(parse_yaml(text, file));
}

}  // namespace drover::inventory
