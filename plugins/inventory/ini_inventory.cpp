// Ansible's INI inventory format (plugins/inventory/ini.py in Ansible 2.14), read line by line:
// the first lines belong to [ungrouped]; [g], [g:children] and [g:vars] switch sections.
#include <map>

#include "core/error.hpp"
#include "core/inventory/host_range.hpp"
#include "core/inventory/ini_value.hpp"
#include "core/value/regex.hpp"
#include "core/value/shlex.hpp"
#include "core/value/text.hpp"
#include "plugins/inventory/registry.hpp"

namespace drover::inventory {

namespace {

struct Pending {
  int line = 0;
  std::string state;                 // "vars" or "children"
  std::vector<std::string> parents;  // for children
};

class IniParser {
public:
  IniParser(Inventory& inv, const std::string& file) : m_inv(inv), m_file(file) {}

  void parse(std::string_view text) {
    std::size_t pos = 0;
    while (pos <= text.size()) {
      auto nl = text.find('\n', pos);
      std::string_view raw = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      ++m_line;
      parse_line(raw);
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
    check_pending();
  }

private:
  Inventory& m_inv;
  std::string m_file;
  int m_line = 0;
  int m_column = 1;
  std::string m_group = "ungrouped";
  std::string m_state = "hosts";
  std::map<std::string, Pending> m_pending;
  std::vector<std::string> m_pending_order;

  [[noreturn]] void fail(const std::string& message, const std::string& hint = "") const {
    throw SourceError({m_file, m_line, m_column}, message, hint);
  }

  void parse_line(std::string_view raw) {
    auto b = raw.find_first_not_of(" \t\r\f\v");
    if (b == std::string_view::npos) return;
    auto e = raw.find_last_not_of(" \t\r\f\v");
    std::string line(raw.substr(b, e - b + 1));
    m_column = static_cast<int>(b) + 1;
    if (line[0] == '#' || line[0] == ';') return;
    static const Regex section(R"(\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?)");
    if (auto m = section.fullmatch(line)) return enter_section(std::string(m->group(1)), std::string(m->group(2)));
    if (line.front() == '[' && line.back() == ']')
      fail("Invalid section entry: '" + line +
           "'. Please make sure that there are no spaces in the section entry, and that there are no other "
           "invalid characters");
    if (m_state == "hosts") return host_line(line);
    if (m_state == "vars") return vars_line(line);
    children_line(line);
  }

  void enter_section(const std::string& group, const std::string& state) {
    m_group = group;
    m_state = state.empty() ? "hosts" : state;
    if (m_state != "hosts" && m_state != "children" && m_state != "vars")
      fail("Section [" + group + ":" + state + "] has unknown type: " + state,
           "Use [" + group + "], [" + group + ":children] or [" + group + ":vars].");
    if (!m_inv.find_group(group)) {
      if (m_state == "vars" && !m_pending.count(group)) remember(group, Pending{m_line, "vars", {}});
      m_inv.add_group(group);
    }
    if (m_state != "vars" && m_pending.count(group)) {
      Pending p = m_pending[group];
      forget(group);
      if (p.state == "children")
        for (const auto& parent : p.parents) m_inv.add_child(parent, group);
    }
  }

  void remember(const std::string& group, Pending p) {
    m_pending[group] = std::move(p);
    m_pending_order.push_back(group);
  }
  void forget(const std::string& group) {
    m_pending.erase(group);
    std::erase(m_pending_order, group);
  }

  void host_line(const std::string& line) {
    std::vector<std::string> tokens;
    try {
      tokens = shlex_split(line, ShlexComments::stripped);
    } catch (const std::invalid_argument& e) {
      fail("Error parsing host definition '" + line + "': " + e.what());
    }
    if (tokens.empty()) return;
    auto [names, port] = expand(tokens[0]);
    Map vars;
    for (std::size_t i = 1; i < tokens.size(); ++i) {
      auto eq = tokens[i].find('=');
      if (eq == std::string::npos) {
        m_column += static_cast<int>(line.find(tokens[i]));
        fail("Expected key=value host variable assignment, got: " + tokens[i],
             "Host variables are written name=value after the host name.");
      }
      vars.set(tokens[i].substr(0, eq), ini_value(tokens[i].substr(eq + 1)));
    }
    for (const auto& name : names) {
      m_inv.add_host(name, m_group, port);
      for (const auto& [k, v] : vars) m_inv.set_host_var(name, k, v);
    }
  }

  std::pair<std::vector<std::string>, std::optional<int>> expand(const std::string& pattern) {
    std::string host = pattern;
    std::optional<int> port;
    if (auto a = parse_address(pattern)) {
      host = a->host;
      port = a->port;
    }
    if (!pattern.empty() && pattern.back() == ':' && !port)
      fail("Invalid host pattern '" + pattern +
           "' supplied, ending in ':' is not allowed, this character is reserved to provide a port.");
    std::vector<std::string> names{host};
    if (has_range(host)) {
      try {
        names = expand_host_range(host);
      } catch (const RangeError& e) {
        fail(std::string("bad host range '") + host + "': " + e.what(),
             "A range is [begin:end] or [begin:end:step], e.g. web[01:20] or db-[a:c].");
      }
    }
    for (const auto& n : names)
      if (n == "---")
        fail("Invalid host pattern '" + pattern + "' supplied, '---' is normally a sign this is a YAML file.");
    return {names, port};
  }

  void vars_line(const std::string& line) {
    auto eq = line.find('=');
    if (eq == std::string::npos)
      fail("Expected key=value, got: " + line, "A [group:vars] section holds name=value lines.");
    std::string_view text = line;
    m_inv.set_group_var(m_group, std::string(trim(text.substr(0, eq))), ini_value(trim(text.substr(eq + 1))));
  }

  void children_line(const std::string& line) {
    static const Regex name(R"(([^:\]\s]+)\s*(?:#.*)?)");
    std::optional<RegexMatch> m = name.fullmatch(line);
    if (!m) fail("Expected group name, got: " + line);
    std::string child(m->group(1));
    if (m_inv.find_group(child)) {
      m_inv.add_child(m_group, child);
    } else if (!m_pending.count(child)) {
      remember(child, Pending{m_line, "children", {m_group}});
    } else {
      m_pending[child].parents.push_back(m_group);
    }
  }

  void check_pending() {
    if (m_pending_order.empty()) return;
    const std::string& g = m_pending_order.front();
    const Pending& p = m_pending.at(g);
    m_line = p.line;
    m_column = 0;
    if (p.state == "vars")
      fail("Section [" + g + ":vars] not valid for undefined group: " + g,
           "Declare the group with a [" + g + "] or [" + g + ":children] section, or add it under another "
           "group's :children.");
    fail("Section [" + p.parents.back() + ":children] includes undefined group: " + g,
         "Declare the group with a [" + g + "] section (it may be empty).");
  }
};

}  // namespace

void parse_ini_inventory(Inventory& inv, std::string_view text, const std::string& file) {
  IniParser(inv, file).parse(text);
}

}  // namespace drover::inventory
