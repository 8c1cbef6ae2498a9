#include "core/inventory/inventory.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "core/error.hpp"
#include "core/inventory/host_range.hpp"
#include "core/secrets/vars_file.hpp"
#include "core/value/regex.hpp"

namespace drover::inventory {

namespace fs = std::filesystem;

namespace {

const char* const k_localhost_names[] = {"localhost", "127.0.0.1", "::1"};

bool is_localhost_name(std::string_view n) {
  for (const char* l : k_localhost_names)
    if (n == l) return true;
  return false;
}

WarningSink& sink() {
  static WarningSink s = [](const std::string& m) { std::cerr << "[WARNING]: " << m << "\n"; };
  return s;
}

// combine_vars: b's keys overwrite a's (dicts merged under hash_behaviour = merge).
void combine_into(Map& into, const Value& from) {
  if (!from.is_map()) return;
  const bool merge = hash_behaviour() == HashBehaviour::merge;
  for (const auto& [k, v] : from.as_map()) {
    const Value* old = merge ? into.find(k) : nullptr;
    into.set(k, old ? merge_recursive(*old, v) : v);
  }
}

}  // namespace

void set_warning_sink(WarningSink s) { sink() = std::move(s); }
void warn(const std::string& message) { sink()(message); }

// group_vars/ and host_vars/ of one directory, loaded for the entities known so far.
struct Inventory::VarsDir {
  std::string dir;
  std::map<std::string, Value> group_files, host_files;
};

Inventory::Inventory() {
  add_group("all");
  add_group("ungrouped");
  add_child("all", "ungrouped");
  for (const char* name : k_localhost_names) {
    auto h = std::make_unique<Host>();
    h->name = name;
    h->implicit = true;
    h->vars.mutable_map().set("ansible_connection", "local");
    m_implicit.push_back(std::move(h));
  }
}
Inventory::Inventory(Inventory&&) noexcept = default;
Inventory& Inventory::operator=(Inventory&&) noexcept = default;
Inventory::~Inventory() = default;

// --- builder -----------------------------------------------------------------------------

Group* Inventory::group_ptr(std::string_view name) {
  auto it = m_group_index.find(std::string(name));
  return it == m_group_index.end() ? nullptr : it->second;
}

Group& Inventory::add_group(const std::string& name) {
  if (Group* g = group_ptr(name)) return *g;
  auto g = std::make_unique<Group>();
  g->name = name;
  Group& ref = *g;
  m_group_index[name] = g.get();
  m_groups.push_back(std::move(g));
  for (auto& d : m_inventory_dirs) load_vars_files(d);
  for (auto& d : m_playbook_dirs) load_vars_files(d);
  return ref;
}

Host& Inventory::add_host(const std::string& name, const std::string& group, std::optional<int> port) {
  Host* h = nullptr;
  if (auto it = m_host_index.find(name); it != m_host_index.end()) {
    h = it->second;
  } else {
    auto owned = std::make_unique<Host>();
    owned->name = name;
    if (!m_current_source.empty()) owned->source = Value(m_current_source);
    h = owned.get();
    m_host_index[name] = h;
    m_hosts.push_back(std::move(owned));
    for (auto& d : m_inventory_dirs) load_vars_files(d);
    for (auto& d : m_playbook_dirs) load_vars_files(d);
  }
  if (port) h->vars.mutable_map().set("ansible_port", *port);
  // A group's hosts and a host's groups change together, here only: the host's list (short) says
  // whether the group's (up to every host: searching it made a 100,000-host range quadratic) has it.
  if (!group.empty() && std::find(h->groups.begin(), h->groups.end(), group) == h->groups.end()) {
    add_group(group).hosts.push_back(name);
    h->groups.push_back(group);
  }
  return *h;
}

void Inventory::add_child(const std::string& parent, const std::string& child) {
  Group& p = add_group(parent);
  Group& c = add_group(child);
  if (parent == child) throw Fatal("Group '" + parent + "' cannot be a child of itself");
  for (const Group* d : descendants(c))
    if (d->name == parent)
      throw Fatal("Adding group '" + child + "' as child to '" + parent + "' creates a recursive dependency loop.");
  if (std::find(p.children.begin(), p.children.end(), child) == p.children.end()) p.children.push_back(child);
  if (std::find(c.parents.begin(), c.parents.end(), parent) == c.parents.end()) c.parents.push_back(parent);
}

void Inventory::set_group_var(const std::string& group, const std::string& key, Value value) {
  Group& g = add_group(group);
  if (key == "ansible_group_priority") {
    if (value.is_int()) {
      g.priority = static_cast<int>(value.as_int());
    } else {
      try {
        g.priority = std::stoi(value.is_string() ? value.as_string() : "x");
      } catch (const std::exception&) {
        throw Fatal("ansible_group_priority of group '" + group + "' must be an integer");
      }
    }
    return;
  }
  g.vars.mutable_map().set(key, std::move(value));
}

void Inventory::set_host_var(const std::string& host, const std::string& key, Value value) {
  add_host(host).vars.mutable_map().set(key, std::move(value));
}

void Inventory::replace_with_refreshed(Inventory fresh) {
  std::vector<DynamicChange> changes = std::move(m_dynamic_changes);
  std::vector<VarsDir> playbook_dirs = std::move(m_playbook_dirs);
  *this = std::move(fresh);
  m_playbook_dirs = std::move(playbook_dirs);
  for (const DynamicChange& c : changes) {
    if (c.group.empty()) add_dynamic_host(c.host, c.groups, c.vars);
    else add_dynamic_group(c.host, c.group, c.groups);
  }
}

bool Inventory::add_dynamic_host(const std::string& name, const std::vector<std::string>& groups,
                                 const Value& vars) {
  m_dynamic_changes.push_back({name, "", groups, vars});
  bool changed = find_host(name) == nullptr || find_host(name)->implicit;
  Host& h = add_host(name, changed ? "all" : "");
  if (vars.is_map()) {
    for (const auto& [k, v] : vars.as_map()) {
      const Value* old = h.vars.find(k);
      if (old && *old == v) continue;
      h.vars.mutable_map().set(k, v);
      changed = true;
    }
  }
  for (const auto& group : groups) {
    if (!group_ptr(group)) changed = true;
    Group& g = add_group(group);
    if (std::find(g.hosts.begin(), g.hosts.end(), name) != g.hosts.end()) continue;
    add_host(name, group);
    changed = true;
  }
  if (changed) reconcile();
  return changed;
}

bool Inventory::add_dynamic_group(const std::string& host, const std::string& group,
                                  const std::vector<std::string>& parents) {
  m_dynamic_changes.push_back({host, group, parents, Value()});
  bool changed = false;
  add_group(group);
  for (const auto& parent : parents) {
    if (!group_ptr(parent)) changed = true;
    Group& p = add_group(parent);
    if (std::find(p.children.begin(), p.children.end(), group) == p.children.end()) {
      add_child(parent, group);
      changed = true;
    }
  }
  Group& g = *group_ptr(group);
  if (std::find(g.hosts.begin(), g.hosts.end(), host) == g.hosts.end()) {
    add_host(host, group);
    changed = true;
  }
  reconcile();
  return changed;
}

void Inventory::reconcile() {
  for (auto& g : m_groups)
    if (g->name != "all" && g->parents.empty()) add_child("all", g->name);
  Group& ungrouped = *group_ptr("ungrouped");
  for (auto& h : m_hosts) {
    auto& gs = h->groups;
    bool in_ungrouped = std::find(gs.begin(), gs.end(), "ungrouped") != gs.end();
    bool only_all = gs.empty() || (gs.size() == 1 && gs[0] == "all");
    if (in_ungrouped) {
      bool others = std::any_of(gs.begin(), gs.end(), [](auto& n) { return n != "all" && n != "ungrouped"; });
      if (others) {
        gs.erase(std::remove(gs.begin(), gs.end(), "ungrouped"), gs.end());
        auto& uh = ungrouped.hosts;
        uh.erase(std::remove(uh.begin(), uh.end(), h->name), uh.end());
      }
    } else if (only_all) {
      add_host(h->name, "ungrouped");
    }
  }
  for (auto& g : m_groups)
    if (m_host_index.count(g->name)) warn("Found both group and host with same name: " + g->name);
}

// --- group_vars / host_vars --------------------------------------------------------------

namespace {

bool vars_extension_ok(const fs::path& p) {
  auto ext = p.extension().string();
  return ext.empty() || ext == ".yml" || ext == ".yaml" || ext == ".json";
}

void collect_dir_files(const fs::path& dir, std::vector<fs::path>& out) {
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const auto& p : entries) {
    auto name = p.filename().string();
    if (name.empty() || name[0] == '.' || name.back() == '~') continue;
    if (fs::is_directory(p))
      collect_dir_files(p, out);
    else if (vars_extension_ok(p))
      out.push_back(p);
  }
}

// Ansible's find_vars_files: NAME, NAME.yml, NAME.yaml, NAME.json — the first that exists; a
// directory contributes every vars file under it, sorted.
std::vector<fs::path> find_vars_files(const fs::path& base, const std::string& name) {
  std::vector<fs::path> out;
  for (const char* ext : {"", ".yml", ".yaml", ".json"}) {
    fs::path p = base / (name + ext);
    std::error_code ec;
    if (!fs::exists(p, ec)) continue;
    if (fs::is_directory(p))
      collect_dir_files(p, out);
    else
      out.push_back(p);
    break;
  }
  return out;
}

Value load_entity_vars(const fs::path& base, const std::string& name) {
  std::vector<fs::path> files = find_vars_files(base, name);
  if (files.empty()) return Value();
  Map merged;
  for (const auto& f : files) {
    Value v = secrets::load_vars_file(f.string());
    if (v.is_null()) continue;
    if (!v.is_map())
      throw Fatal(f.string() + ": a vars file must hold a mapping of variable names to values, not a " +
                  v.type_name());
    combine_into(merged, v);
  }
  return Value(std::move(merged));
}

}  // namespace

void Inventory::load_vars_files(VarsDir& d) {
  fs::path gv = fs::path(d.dir) / "group_vars", hv = fs::path(d.dir) / "host_vars";
  std::error_code ec;
  bool has_gv = fs::is_directory(gv, ec), has_hv = fs::is_directory(hv, ec);
  if (has_gv)
    for (auto& g : m_groups)
      if (!d.group_files.count(g->name)) d.group_files[g->name] = load_entity_vars(gv, g->name);
  if (has_hv) {
    auto load_host = [&](const std::string& n) {
      if (!d.host_files.count(n)) d.host_files[n] = load_entity_vars(hv, n);
    };
    for (auto& h : m_hosts) load_host(h->name);
    for (auto& h : m_implicit) load_host(h->name);
  }
}

void Inventory::add_inventory_vars_dir(const std::string& dir) {
  m_inventory_dirs.push_back(VarsDir{dir, {}, {}});
  load_vars_files(m_inventory_dirs.back());
}

void Inventory::add_vars_dir(const std::string& dir) {
  m_playbook_dirs.push_back(VarsDir{dir, {}, {}});
  load_vars_files(m_playbook_dirs.back());
}

Value Inventory::file_vars(const std::vector<VarsDir>& dirs, bool is_group, const std::string& name) const {
  Map out;
  for (const auto& d : dirs) {
    const auto& files = is_group ? d.group_files : d.host_files;
    if (auto it = files.find(name); it != files.end()) combine_into(out, it->second);
  }
  return Value(std::move(out));
}

// --- structure queries -------------------------------------------------------------------

const Host* Inventory::implicit_host(std::string_view name) const {
  for (const auto& h : m_implicit)
    if (h->name == name) return h.get();
  return nullptr;
}

const Host* Inventory::find_host(std::string_view name) const {
  auto it = m_host_index.find(std::string(name));
  if (it != m_host_index.end()) return it->second;
  return implicit_host(name);
}

const Group* Inventory::find_group(std::string_view name) const {
  auto it = m_group_index.find(std::string(name));
  return it == m_group_index.end() ? nullptr : it->second;
}

int Inventory::depth_of(const Group& g) const {
  // longest path from a root; the graph is acyclic (add_child refuses cycles)
  int best = 0;
  for (const auto& p : g.parents)
    if (const Group* pg = find_group(p)) best = std::max(best, depth_of(*pg) + 1);
  return best;
}

std::vector<const Group*> Inventory::descendants(const Group& g) const {
  // Ansible's _walk_relationship(preserve_ordering=True): self, direct children, then each
  // further level in discovery order.
  std::vector<const Group*> ordered{&g};
  std::set<const Group*> seen{&g};
  std::vector<const Group*> level{&g};
  while (!level.empty()) {
    std::vector<const Group*> next;
    for (const Group* cur : level)
      for (const auto& cn : cur->children) {
        const Group* c = find_group(cn);
        if (c && seen.insert(c).second) {
          ordered.push_back(c);
          next.push_back(c);
        }
      }
    level = std::move(next);
  }
  return ordered;
}

std::vector<const Host*> Inventory::group_hosts(const Group& group) const {
  std::vector<const Host*> out;
  std::set<const Host*> seen;
  for (const Group* g : descendants(group))
    for (const auto& hn : g->hosts) {
      const Host* h = find_host(hn);
      if (!h || !seen.insert(h).second) continue;
      if (group.name == "all" && h->implicit) continue;
      out.push_back(h);
    }
  return out;
}

std::vector<const Group*> Inventory::host_groups(const Host& h) const {
  std::vector<const Group*> out;
  std::set<const Group*> seen;
  std::vector<const Group*> todo;
  for (const auto& gn : h.groups)
    if (const Group* g = find_group(gn)) todo.push_back(g);
  while (!todo.empty()) {
    const Group* g = todo.back();
    todo.pop_back();
    if (!seen.insert(g).second) continue;
    out.push_back(g);
    for (const auto& p : g->parents)
      if (const Group* pg = find_group(p)) todo.push_back(pg);
  }
  return out;
}

// --- vars ----------------------------------------------------------------------------------

Value Inventory::host_json(std::string_view name) const {
  const Host* h = find_host(name);
  if (!h) return Value();
  // Ansible's order (VariableManager.get_vars with the default VARIABLE_PRECEDENCE):
  // all_inventory, groups_inventory, all_plugins_inventory, all_plugins_play,
  // groups_plugins_inventory, groups_plugins_play, then the host's inventory vars and files.
  // Groups are sorted by (depth, priority, name); files are merged directory by directory.
  std::vector<const Group*> groups = host_groups(*h);
  std::vector<std::pair<std::tuple<int, int, std::string>, const Group*>> keyed;
  for (const Group* g : groups)
    if (g->name != "all") keyed.push_back({{depth_of(*g), g->priority, g->name}, g});
  std::sort(keyed.begin(), keyed.end(), [](auto& a, auto& b) { return a.first < b.first; });
  auto group_files = [&](const std::vector<VarsDir>& dirs, Map& into) {
    for (const auto& d : dirs)
      for (auto& kg : keyed)
        if (auto it = d.group_files.find(kg.second->name); it != d.group_files.end()) combine_into(into, it->second);
  };

  Map out;
  combine_into(out, find_group("all")->vars);
  for (auto& kg : keyed) combine_into(out, kg.second->vars);
  combine_into(out, file_vars(m_inventory_dirs, true, "all"));
  combine_into(out, file_vars(m_playbook_dirs, true, "all"));
  group_files(m_inventory_dirs, out);
  group_files(m_playbook_dirs, out);
  combine_into(out, h->vars);
  combine_into(out, file_vars(m_inventory_dirs, false, h->name));
  combine_into(out, file_vars(m_playbook_dirs, false, h->name));
  return Value(std::move(out));
}

Value Inventory::host_vars(const Host& h) const {
  Value v = host_json(h.name);
  Map& m = v.mutable_map();
  m.set("inventory_hostname", h.name);
  m.set("inventory_hostname_short", h.name.substr(0, h.name.find('.')));
  List names;
  if (!h.implicit)
    for (const Group* g : host_groups(h))
      if (g->name != "all") names.push_back(g->name);
  std::sort(names.begin(), names.end(),
            [](const Value& a, const Value& b) { return a.as_string() < b.as_string(); });
  m.set("group_names", Value(std::move(names)));
  if (h.source.is_string()) {
    m.set("inventory_file", h.source);
    m.set("inventory_dir", fs::path(h.source.as_string()).parent_path().string());
  } else {
    m.set("inventory_file", Value());
    m.set("inventory_dir", Value());
  }
  return v;
}

Value Inventory::groups_var() const {
  Map out;
  for (const auto& g : m_groups) {
    List names;
    for (const Host* h : group_hosts(*g)) names.push_back(h->name);
    out.set(g->name, Value(std::move(names)));
  }
  return Value(std::move(out));
}

// --- ansible-inventory views ---------------------------------------------------------------

void Inventory::list_group(const Group& g, Map& out, std::vector<std::string>& seen) const {
  Map entry;
  if (g.name != "all") {
    List hs;
    for (const auto& hn : g.hosts) hs.push_back(hn);
    if (!hs.empty()) entry.set("hosts", Value(std::move(hs)));
  }
  List children;
  for (const auto& cn : g.children) children.push_back(cn);
  if (!children.empty()) entry.set("children", Value(std::move(children)));
  // Ansible adds the group's own entry first, then each unseen child's (recursively)
  std::size_t at = out.size();
  out.set(g.name, Value::map());
  for (const auto& cn : g.children) {
    if (std::find(seen.begin(), seen.end(), cn) != seen.end()) continue;
    if (const Group* c = find_group(cn)) list_group(*c, out, seen);
    seen.push_back(cn);
  }
  (void)at;
  if (entry.empty())
    out.erase(g.name);
  else
    out.set(g.name, Value(std::move(entry)));
}

Value Inventory::list_json() const {
  Map out;
  std::vector<std::string> seen;
  list_group(*find_group("all"), out, seen);
  Map hostvars;
  for (const Host* h : group_hosts(*find_group("all"))) {
    Value v = host_json(h->name);
    if (!v.as_map().empty()) hostvars.set(h->name, v);
  }
  Map meta;
  meta.set("hostvars", Value(std::move(hostvars)));
  out.set("_meta", Value(std::move(meta)));
  return Value(std::move(out));
}

void Inventory::graph_group(const Group& g, int depth, std::vector<std::string>& out) const {
  auto indent = [](int d) {
    std::string s;
    for (int i = 0; i < d; ++i) s += "  |";
    return d > 0 ? s + "--" : s;
  };
  out.push_back(indent(depth) + "@" + g.name + ":");
  for (const auto& cn : g.children)
    if (const Group* c = find_group(cn)) graph_group(*c, depth + 1, out);
  if (g.name != "all")
    for (const auto& hn : g.hosts) out.push_back(indent(depth + 1) + hn);
}

std::string Inventory::graph(const std::string& group) const {
  const Group* g = find_group(group);
  if (!g) throw Fatal("Pattern must be valid group name when using --graph", ExitCode::error);
  std::vector<std::string> lines;
  graph_group(*g, 0, lines);
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// --- patterns ------------------------------------------------------------------------------

bool glob_match(std::string_view p, std::string_view t) {
  std::size_t pi = 0, ti = 0, star_p = std::string_view::npos, star_t = 0;
  auto class_match = [&](std::size_t& i, char c, bool& ok) {
    // p[i] == '['; on success i points past ']' and ok says whether c is in the class
    std::size_t j = i + 1;
    bool negate = j < p.size() && p[j] == '!';
    if (negate) ++j;
    std::size_t first = j;
    if (j < p.size() && p[j] == ']') ++j;
    while (j < p.size() && p[j] != ']') ++j;
    if (j >= p.size()) return false;  // no closing bracket: '[' is literal
    bool in = false;
    for (std::size_t k = first; k < j; ++k) {
      if (k + 2 < j && p[k + 1] == '-') {
        if (c >= p[k] && c <= p[k + 2]) in = true;
        k += 2;
      } else if (p[k] == c) {
        in = true;
      }
    }
    ok = in != negate;
    i = j + 1;
    return true;
  };
  while (ti < t.size()) {
    if (pi < p.size()) {
      char pc = p[pi];
      if (pc == '*') {
        star_p = pi++;
        star_t = ti;
        continue;
      }
      if (pc == '?') {
        ++pi;
        ++ti;
        continue;
      }
      if (pc == '[') {
        std::size_t i = pi;
        bool ok = false;
        if (class_match(i, t[ti], ok)) {
          if (ok) {
            pi = i;
            ++ti;
            continue;
          }
        } else if (t[ti] == '[') {
          ++pi;
          ++ti;
          continue;
        }
      } else if (pc == t[ti]) {
        ++pi;
        ++ti;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    ti = ++star_t;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::vector<std::string> split_host_pattern(const std::string& pattern) {
  std::vector<std::string> parts;
  if (pattern.find(',') != std::string::npos) {
    std::size_t start = 0;
    while (true) {
      auto c = pattern.find(',', start);
      parts.push_back(pattern.substr(start, c - start));
      if (c == std::string::npos) break;
      start = c + 1;
    }
  } else if (parse_address(pattern)) {
    parts.push_back(pattern);
  } else {
    // ':'-separated, where a [..] bracket keeps its colons
    static const Regex piece(R"((?:[^\s:\[\]]|\[[^\]]*\])+)");
    for (const RegexMatch& m : piece.find_all(pattern)) parts.emplace_back(m.group());
  }
  std::vector<std::string> out;
  for (auto& p : parts) {
    auto b = p.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) continue;
    auto e = p.find_last_not_of(" \t\r\n");
    out.push_back(p.substr(b, e - b + 1));
  }
  return out;
}

namespace {

std::vector<std::string> order_patterns(const std::vector<std::string>& patterns) {
  std::vector<std::string> regular, intersect, exclude;
  for (const auto& p : patterns) {
    if (p.empty()) continue;
    (p[0] == '!' ? exclude : p[0] == '&' ? intersect : regular).push_back(p);
  }
  if (regular.empty()) regular.push_back("all");
  regular.insert(regular.end(), intersect.begin(), intersect.end());
  regular.insert(regular.end(), exclude.begin(), exclude.end());
  return regular;
}

struct Subscript {
  long start = 0;
  std::optional<long> end;  // nullopt: a single index
};

// Ansible's PATTERN_WITH_SUBSCRIPT: NAME[i], NAME[a:b], NAME[a:], NAME[a-b] (deprecated).
std::optional<Subscript> split_subscript(std::string& pattern) {
  if (pattern.empty() || pattern[0] == '~') return std::nullopt;
  static const Regex re(R"((.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]+)?)\])");
  std::optional<RegexMatch> m = re.fullmatch(pattern);
  if (!m) return std::nullopt;
  Subscript s;
  if (m->matched(2)) {
    s.start = std::stol(std::string(m->group(2)));
  } else {
    s.start = std::stol(std::string(m->group(3)));
    s.end = m->matched(5) ? std::stol(std::string(m->group(5))) : -1;
    if (m->group(4) == "-") warn("Use [x:y] inclusive subscripts instead of [x-y] which has been removed");
  }
  pattern = std::string(m->group(1));
  return s;
}

std::vector<const Host*> apply_subscript(const std::vector<const Host*>& hosts, const Subscript& s,
                                         const std::string& pattern) {
  long n = static_cast<long>(hosts.size());
  if (!s.end || *s.end == 0) {
    // hosts[start]; a Python slice end of 0 is falsy, so [a:0] also means one index
    long i = s.start < 0 ? s.start + n : s.start;
    (void)pattern;  // Ansible 2.14 selects nothing (no error) for an index out of range
    if (i < 0 || i >= n) return {};
    return {hosts[static_cast<std::size_t>(i)]};
  }
  long end = *s.end == -1 ? n - 1 : *s.end;
  std::vector<const Host*> out;
  for (long i = s.start; i <= end && i < n; ++i) out.push_back(hosts[static_cast<std::size_t>(i)]);
  return out;
}

}  // namespace

std::vector<const Host*> Inventory::enumerate_matches(const std::string& pattern) const {
  std::function<bool(const std::string&)> matches;
  if (pattern[0] == '~') {
    std::shared_ptr<const Regex> re;
    try {
      re = std::make_shared<const Regex>(pattern.substr(1));
    } catch (const RegexError&) {
      throw Fatal("Invalid host list pattern: " + pattern);
    }
    // Ansible's re.match
    matches = [re](const std::string& s) {
      try {
        return re->match(s).has_value();
      } catch (const RegexError& e) {
        throw Fatal(std::string("host list pattern: ") + e.what());
      }
    };
  } else {
    matches = [&pattern](const std::string& s) { return glob_match(pattern, s); };
  }
  std::vector<const Host*> out;
  bool any_group = false;
  for (const auto& g : m_groups)
    if (matches(g->name)) {
      any_group = true;
      auto hs = group_hosts(*g);
      out.insert(out.end(), hs.begin(), hs.end());
    }
  if (!any_group || pattern[0] == '~' || pattern.find_first_of(".?*[") != std::string::npos)
    for (const auto& h : m_hosts)
      if (matches(h->name)) out.push_back(h.get());
  if (out.empty() && is_localhost_name(pattern)) out.push_back(implicit_host(pattern));
  if (out.empty() && !any_group && pattern != "all")
    warn("Could not match supplied host pattern, ignoring: " + pattern);
  return out;
}

std::vector<const Host*> Inventory::match_one(const std::string& raw) const {
  std::string pattern = (raw[0] == '&' || raw[0] == '!') ? raw.substr(1) : raw;
  std::string whole = pattern;
  if (pattern.empty()) return {};
  auto sub = split_subscript(pattern);
  auto hosts = enumerate_matches(pattern);
  return sub ? apply_subscript(hosts, *sub, whole) : hosts;
}

std::vector<const Host*> Inventory::evaluate(const std::vector<std::string>& patterns) const {
  std::vector<const Host*> hosts;
  for (const auto& p : order_patterns(patterns)) {
    if (auto it = m_host_index.find(p); it != m_host_index.end()) {
      hosts.push_back(it->second);
      continue;
    }
    auto that = match_one(p);
    std::set<const Host*> that_set(that.begin(), that.end());
    if (p[0] == '!') {
      std::erase_if(hosts, [&](const Host* h) { return that_set.count(h) > 0; });
    } else if (p[0] == '&') {
      std::erase_if(hosts, [&](const Host* h) { return that_set.count(h) == 0; });
    } else {
      std::set<std::string> existing;
      for (const Host* h : hosts) existing.insert(h->name);
      for (const Host* h : that)
        if (!existing.count(h->name)) hosts.push_back(h);
    }
  }
  return hosts;
}

namespace {

std::vector<std::string> limit_patterns(const std::string& limit) {
  std::vector<std::string> out;
  for (const auto& item : split_host_pattern(limit)) {
    if (item[0] != '@') {
      out.push_back(item);
      continue;
    }
    fs::path file = item.substr(1);
    std::error_code ec;
    if (!fs::exists(file, ec)) throw Fatal("Unable to find limit file " + file.string(), ExitCode::error);
    if (fs::is_directory(file, ec))
      throw Fatal("Limit starting with \"@\" must be a file, not a directory: " + file.string());
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      auto b = line.find_first_not_of(" \t\r");
      if (b == std::string::npos) continue;
      out.push_back(line.substr(b, line.find_last_not_of(" \t\r") - b + 1));
    }
  }
  return out;
}

}  // namespace

std::vector<const Host*> Inventory::select(const std::string& pattern, const std::string& limit) const {
  std::vector<const Host*> hosts = evaluate(split_host_pattern(pattern));
  if (!limit.empty()) {
    auto subset = evaluate(limit_patterns(limit));
    std::set<const Host*> keep(subset.begin(), subset.end());
    std::erase_if(hosts, [&](const Host* h) { return keep.count(h) == 0; });
  }
  std::vector<const Host*> out;
  std::set<const Host*> seen;
  for (const Host* h : hosts)
    if (seen.insert(h).second) out.push_back(h);
  return out;
}

}  // namespace drover::inventory
