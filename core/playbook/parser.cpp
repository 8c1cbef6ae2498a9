#include "core/playbook/parser.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <optional>
#include <set>

#include "core/playbook/args.hpp"
#include "core/playbook/serial.hpp"
#include "core/value/python_repr.hpp"
#include "core/playbook/roles.hpp"
#include "core/value/boolean.hpp"
#include "core/value/json.hpp"
#include "core/template/templar.hpp"
#include "core/value/yaml.hpp"
#include "core/vars/scope.hpp"

namespace drover::playbook {

namespace fs = std::filesystem;

namespace {

// Keywords a task may carry besides its action (Ansible's task and block attributes).
constexpr std::array k_task_keywords = {
    "action", "always", "any_errors_fatal", "args", "async", "become", "become_exe",
    "become_flags", "become_method", "become_user", "block", "changed_when", "check_mode",
    "collections", "connection", "debugger", "delay", "delegate_facts", "delegate_to", "diff",
    "environment", "failed_when", "ignore_errors", "ignore_unreachable", "listen", "local_action",
    "loop", "loop_control", "module_defaults", "name", "no_log", "notify", "poll", "port",
    "register", "remote_user", "rescue", "retries", "run_once", "tags", "throttle", "timeout",
    "until", "vars", "when",
};

// Keywords Ansible knows that this version of drover does not act on yet. They are refused with
// a clear message instead of being ignored: silently skipping `become` or `async` would do harm.
constexpr std::array k_unsupported_task_keywords = {
    "collections", "debugger", "module_defaults",
};

constexpr std::array k_play_keywords = {
    "any_errors_fatal", "become", "become_exe", "become_flags", "become_method", "become_user",
    "check_mode", "collections", "connection", "diff", "environment", "fact_path", "force_handlers", "gather_facts",
    "gather_subset", "gather_timeout", "handlers", "hosts", "ignore_errors", "ignore_unreachable",
    "max_fail_percentage", "module_defaults", "name", "no_log", "order", "port", "post_tasks",
    "pre_tasks", "remote_user", "roles", "run_once", "serial", "strategy", "tags", "tasks",
    "throttle", "timeout", "vars", "vars_files", "vars_prompt",
};

constexpr std::array k_unsupported_play_keywords = {
    "collections", "module_defaults", "run_once",
};

constexpr std::array k_strategies = {"free", "host_pinned", "linear"};
constexpr std::array k_host_orders = {"inventory", "reverse_inventory", "reverse_sorted", "shuffle", "sorted"};

// The actions the loader and the strategy carry out themselves (no action table row).
constexpr std::array k_include_actions = {"import_role", "import_tasks", "include", "include_role", "include_tasks"};

// What Ansible 2.14 says, once, when a playbook uses the task-level `include`.
constexpr const char* k_include_deprecation =
    "\"include\" is deprecated, use include_tasks/import_tasks instead. See "
    "https://docs.ansible.com/ansible-core/2.14/user_guide/playbooks_reuse_includes.html for details. This "
    "feature will be removed in version 2.16.";

// Keywords of a role entry in `roles:` or `meta/main.yml`'s dependencies (Ansible's Role
// attributes); every other key of the entry is a role parameter.
constexpr std::array k_role_entry_keywords = {
    "always_run", "any_errors_fatal", "become", "become_exe", "become_flags", "become_method",
    "become_user", "check_mode", "collections", "connection", "debugger", "delegate_facts",
    "delegate_to", "diff", "environment", "ignore_errors", "ignore_unreachable", "module_defaults",
    "name", "no_log", "port", "remote_user", "role", "run_once", "tags", "throttle", "timeout",
    "vars", "when",
};

// include_role/import_role's own arguments.
constexpr std::array k_include_role_args = {
    "allow_duplicates", "apply", "defaults_from", "handlers_from", "name", "public", "role",
    "rolespec_validate", "tasks_from", "vars_from",
};

template <std::size_t N>
bool in(const std::array<const char*, N>& table, std::string_view word) {
  return std::any_of(table.begin(), table.end(), [&](const char* k) { return word == k; });
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

template <std::size_t N>
std::string suggestion(const std::array<const char*, N>& table, std::string_view word) {
  std::string best;
  std::size_t best_d = 3;
  for (const char* k : table) {
    auto d = edit_distance(word, k);
    if (d < best_d) {
      best_d = d;
      best = k;
    }
  }
  return best.empty() ? "" : "did you mean '" + best + "'?";
}

// What loading one playbook shares: the action catalog, where roles are found, and the play
// being loaded (its role handlers and role names, and the roles already added to it, for
// allow_duplicates).
struct LoadState {
  const ActionCatalog& known;
  RoleSearch search;
  Play* play = nullptr;
  std::vector<Task> role_handlers;       // roles' handlers, which Ansible puts before the play's
  std::vector<Task> imported_handlers;   // import_role's, which Ansible appends after them
  std::set<std::string> roles_added;     // role path + from-files + params
  int depth = 0;                         // nested imports and dependencies, to stop cycles
  Value extra_vars = Value::map();       // -e: for templated role names
  Value play_vars = Value::map();        // the play's `vars:`, for templated role names
  bool dynamic = false;                  // loading what include_tasks/include_role brought in at run time
  std::vector<std::string>* deprecations = nullptr;  // the playbook's (Playbook::deprecations)
};

// A role entry (`roles:`, a meta dependency, import_role/include_role) before loading.
struct RoleEntry {
  std::string name;
  SourceLocation where;
  Value params = Value::map();
  Value vars = Value::map();  // the entry's `vars:` keyword
  Task keywords;              // when, tags, become... as on a block
  std::string tasks_from, vars_from, defaults_from, handlers_from;
  bool allow_duplicates = false;  // include_role/import_role's argument
  bool rolespec_validate = true;  // include_role/import_role's: run the argument spec's validation
};

std::string json_key(const Value& v) { return dump_json(v); }

class TaskParser {
public:
  TaskParser(std::string file, LoadState& state, std::shared_ptr<const Role> role = nullptr)
      : m_file(std::move(file)), m_state(state), m_known(state.known), m_role(std::move(role)) {}

  Task parse(const YAML::Node& node) {
    if (!node.IsMap())
      fail(node, "a task must be a mapping of keywords, got " + describe(node),
           "write the task as `- name: ...` followed by `module: arguments`");
    Task t;
    t.where = location_of(node, m_file);
    t.role = m_role;
    YAML::Node action_key, action_value;
    bool have_action = false;
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      if (in(k_task_keywords, key)) {
        keyword(t, key, kv.first, kv.second);
      } else if (key.rfind("with_", 0) == 0) {
        set_loop(t, kv.first, kv.second, key.substr(5));
      } else if (key.rfind("ansible.builtin.with_", 0) == 0) {
        set_loop(t, kv.first, kv.second, key.substr(21));
      } else {
        std::string action = short_action_name(key);
        if (!m_known(key) && !in(k_include_actions, action)) unknown_action(kv.first, key);
        if (have_action) {
          fail(kv.first,
               "conflicting action statements: " + action_key.as<std::string>() + ", " + key,
               "a task runs exactly one module; split this into two tasks");
        }
        have_action = true;
        action_key = kv.first;
        action_value = kv.second;
        t.action = action;
      }
    }
    resolve_action(t, node, have_action ? &action_key : nullptr, action_value);
    check_templates(node, have_action ? action_key.as<std::string>() : "");
    return t;
  }

  // Compiles every template of the task (not those of its block/rescue/always, which are tasks
  // checked on their own), so a Jinja2 syntax error stops the run before anything runs, at the
  // scalar that holds it. Conditionals are bare expressions; `!unsafe` text is never templated.
  // A k=v argument string is checked value by value, after Ansible's k=v splitting has decoded
  // its escapes (`msg="{{ x | default(\"none\") }}"` holds a valid template).
  void check_templates(const YAML::Node& task, const std::string& action_key = "") {
    for (const auto& kv : task) {
      std::string key = kv.first.as<std::string>();
      if (key == "block" || key == "rescue" || key == "always") continue;
      bool conditional = key == "when" || key == "changed_when" || key == "failed_when" || key == "until";
      bool action = key == action_key || key == "action" || key == "local_action";
      if (action && kv.second.IsScalar() && kv.second.Tag() != "!unsafe" && kv.second.Tag() != "!vault")
        check_kv_node(kv.second);
      else
        check_node(kv.second, conditional);
    }
  }

  void check_kv_node(const YAML::Node& n) {
    Value args;
    try {
      args = parse_kv(n.Scalar(), ArgStyle::raw_params);
    } catch (const Fatal&) {
      return;  // resolve_action reports a bad k=v string
    }
    for (const auto& [k, v] : args.as_map()) {
      if (!v.is_string() || !tmpl::Templar::is_template(v.as_string())) continue;
      try {
        tmpl::Templar::check_syntax(v.as_string(), tmpl::Templar::Expression::templated);
      } catch (const tmpl::TemplateSyntaxError& e) {
        fail(n, "template error while templating string: " + e.message() + ". String: " + v.as_string());
      }
    }
  }

  void check_node(const YAML::Node& n, bool conditional) {
    if (n.Tag() == "!unsafe" || n.Tag() == "!vault") return;
    if (n.IsSequence()) {
      for (const auto& item : n) check_node(item, conditional);
    } else if (n.IsMap()) {
      for (const auto& kv : n) {
        check_node(kv.first, false);
        check_node(kv.second, false);
      }
    } else if (n.IsScalar()) {
      const std::string& text = n.Scalar();
      bool templated = tmpl::Templar::is_template(text);
      if (!templated && !conditional) return;
      try {
        tmpl::Templar::check_syntax(text, templated ? tmpl::Templar::Expression::templated
                                                    : tmpl::Templar::Expression::bare);
      } catch (const tmpl::TemplateSyntaxError& e) {
        fail(n, "template error while templating string: " + e.message() + ". String: " + text);
      }
    }
  }

  std::vector<Task> parse_list(const YAML::Node& node) {
    std::vector<Task> out;
    if (!node || node.IsNull()) return out;
    if (!node.IsSequence())
      fail(node, "a task list must be a YAML list, got " + describe(node),
           "start each task with '- ' at the same indentation");
    for (const auto& item : node) {
      Task t = parse(item);
      std::optional<Task> expanded;
      if (t.action == "include" && legacy_include(t)) expanded = import_tasks(t, item);
      else if (t.action == "import_tasks") expanded = import_tasks(t, item);
      else if (t.action == "import_role") expanded = import_role(t);
      else {
        if (t.action == "include_role") include_role_entry(t);  // its arguments are checked now
        out.push_back(std::move(t));
        continue;
      }
      if (expanded) out.push_back(std::move(*expanded));
    }
    return out;
  }

  // The tasks of a file (an import, a role's tasks/handlers), parsed with `role` as their role.
  std::vector<Task> parse_file(const std::string& path, const std::shared_ptr<const Role>& role) {
    if (m_state.depth > 64)
      throw Fatal(path + ": imports and role dependencies nest more than 64 levels (an import cycle?)");
    YAML::Node root = load_yaml_file(path);
    if (root.IsNull()) return {};
    if (!root.IsSequence())
      throw SourceError(location_of(root, path), "included task files must contain a list of tasks",
                        "start each task with '- ' at the same indentation", ExitCode::error);
    ++m_state.depth;
    TaskParser nested(path, m_state, role);
    std::vector<Task> tasks = nested.parse_list(root);
    --m_state.depth;
    return tasks;
  }

  // A tasks file named by import_tasks/include_tasks: relative to the importing file's folder,
  // else to the role's tasks/ (in a role) or the playbook's folder. "" when none exists.
  static std::string find_tasks_file(const std::string& target, const std::string& from_file,
                                     const Role* role, const std::string& playbook_dir) {
    if (fs::path(target).is_absolute()) return fs::exists(target) ? target : "";
    std::vector<fs::path> candidates{fs::path(from_file).parent_path() / target};
    if (role) candidates.push_back(fs::path(role->path) / "tasks" / target);
    candidates.push_back(fs::path(playbook_dir) / target);
    for (const auto& c : candidates)
      if (fs::is_regular_file(c)) return fs::absolute(c).lexically_normal().string();
    return "";
  }

  // The deprecated task-level `include` as Ansible 2.14 reads it: its arguments other than the
  // file are variables of the include; it is static (an import_tasks, which it becomes: true is
  // returned) when the file name is no template, it has no loop and nothing above it was
  // included at run time; else it stays a dynamic `include` (include_tasks at run time).
  bool legacy_include(Task& t) {
    if (m_state.deprecations &&
        std::find(m_state.deprecations->begin(), m_state.deprecations->end(), k_include_deprecation) ==
            m_state.deprecations->end())
      m_state.deprecations->push_back(k_include_deprecation);
    std::string target = t.args.get_string("_raw_params");
    if (target.empty()) target = t.args.get_string("file");
    Map vars = t.vars.is_map() ? t.vars.as_map() : Map{};
    for (const auto& [k, v] : t.args.as_map())
      if (k != "_raw_params" && k != "file") vars.set(k, v);
    t.vars = Value(std::move(vars));
    t.args = Value(Map{{"_raw_params", Value(target)}});
    const bool is_static = !tmpl::Templar::is_template(target) && !t.has_loop && !m_state.dynamic;
    if (is_static) t.action = "import_tasks";
    return is_static;
  }

  // import_tasks: the file's tasks as one block carrying the import's when, tags, vars and other
  // keywords (Ansible copies them onto each imported task). nullopt when the file has no tasks.
  std::optional<Task> import_tasks(const Task& import, const YAML::Node& node) {
    std::string target = import.args.get_string("_raw_params");
    if (target.empty()) target = import.args.get_string("file");
    if (target.empty()) fail(node, "No file specified for import_tasks", "write `import_tasks: file.yml`");
    if (tmpl::Templar::is_template(target))
      fail(node, "import_tasks reads its file when the playbook is loaded, before any variable is known: " + target,
           "use include_tasks to choose the file at run time");
    std::string path = find_tasks_file(target, m_file, m_role.get(), m_state.search.playbook_dir);
    if (path.empty()) {
      fs::path shown = m_role ? fs::path(m_role->path) / "tasks" / target : fs::path(m_state.search.playbook_dir) / target;
      throw SourceError(import.where, "Could not find or access '" + shown.lexically_normal().string() +
                                          "' on the Ansible Controller.",
                        "import_tasks paths are relative to the importing file, the role's tasks/ folder or the playbook",
                        ExitCode::error);
    }
    return as_block(import, parse_file(path, m_role));
  }

  // `children` as one block with the keywords of `parent` (an import or a role entry).
  static std::optional<Task> as_block(const Task& parent, std::vector<Task> children) {
    if (children.empty()) return std::nullopt;
    inherit_keywords(children, parent);
    Task b;
    b.where = parent.where;
    b.when = parent.when;
    b.tags = parent.tags;
    b.vars = parent.vars;
    b.block = std::move(children);
    return b;
  }

  // A role name as Ansible's RoleDefinition reads it: templated, when it is a template, with the
  // play's `vars:` and the extra vars only (the roles load before any host is known).
  std::string role_name(const std::string& name, const SourceLocation& where) const {
    if (!tmpl::Templar::is_template(name)) return name;
    vars::Scope scope;
    Map magic;
    magic.set("playbook_dir", m_state.search.playbook_dir);
    scope.push_owned(Value(std::move(magic)));
    scope.push(m_state.play_vars);
    scope.push(m_state.extra_vars);
    try {
      tmpl::Templar templar(scope, tmpl::TemplateOptions{});
      Value v = templar.template_value(Value(name));
      if (v.is_string() && !v.as_string().empty()) return v.as_string();
      throw SourceError(where, "the role name '" + name + "' templates to " + python_repr(v) + ", not a role name",
                        "a role name must template to a non-empty string", ExitCode::error);
    } catch (const tmpl::TemplateError& e) {
      throw SourceError(where, "the role name '" + name + "' cannot be templated: " + e.what(),
                        "a role name in roles: or import_role may use only the play's vars and extra vars (-e); "
                        "use include_role for a name from host variables",
                        ExitCode::error);
    }
  }

  // import_role: the role's dependencies and tasks as one block, loaded now.
  std::optional<Task> import_role(const Task& import) {
    RoleEntry entry = include_role_entry(import);
    entry.name = role_name(entry.name, entry.where);
    if (m_state.play) {
      m_state.play->role_names.push_back(role_display_name(entry.name));
    }
    return load_role(entry, m_role, RoleUse::imported);
  }

  // The RoleEntry of an import_role/include_role task (its arguments; its vars and keywords).
  static RoleEntry include_role_entry(const Task& task) {
    RoleEntry entry;
    entry.where = task.where;
    for (const auto& [k, v] : task.args.as_map())
      if (!in(k_include_role_args, k))
        throw SourceError(task.where, "Invalid options for " + task.action + ": " + k,
                          "include_role and import_role take name, tasks_from, vars_from, defaults_from, "
                          "handlers_from, allow_duplicates, public, apply", ExitCode::error);
    entry.name = task.args.get_string("name", task.args.get_string("role"));
    if (entry.name.empty())
      throw SourceError(task.where, "'name' is a required field for " + task.action + ".", "", ExitCode::error);
    entry.tasks_from = task.args.get_string("tasks_from");
    entry.vars_from = task.args.get_string("vars_from");
    entry.defaults_from = task.args.get_string("defaults_from");
    entry.handlers_from = task.args.get_string("handlers_from");
    entry.allow_duplicates = task.args.get_truthy("allow_duplicates");
    if (const Value* v = task.args.find("rolespec_validate")) entry.rolespec_validate = parse_boolean(*v).value_or(true);
    entry.vars = task.vars;
    entry.keywords = task;
    entry.keywords.vars = Value::map();
    return entry;
  }

  // A `roles:` entry or a meta dependency: a name, or a mapping with role/name, keywords and
  // parameters.
  RoleEntry role_entry(const YAML::Node& node) {
    RoleEntry entry;
    entry.where = location_of(node, m_file);
    if (node.IsScalar()) {
      entry.name = role_name(scalar_string(node), entry.where);
      return entry;
    }
    if (!node.IsMap()) fail(node, "a role must be a name or a mapping with 'role:', got " + describe(node));
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      if (key == "role" || key == "name") entry.name = scalar_string(kv.second);
      else if (key == "vars") entry.vars = mapping(kv.first, kv.second);
      else if (in(k_role_entry_keywords, key)) keyword(entry.keywords, key, kv.first, kv.second);
      else entry.params.mutable_map().set(key, value(kv.second));
    }
    if (entry.name.empty())
      fail(node, "role definitions must contain a role name", "write `- role: name` or `- name`");
    check_templates(node);
    entry.name = role_name(entry.name, entry.where);
    return entry;
  }

  enum class RoleUse { play, dependency, imported, included };

  static std::string role_display_name(const std::string& name) {
    return name.find('/') == std::string::npos ? name : fs::path(name).filename().string();
  }

  // Loads the role of `entry` (its dependencies first, then its tasks) as one block with the
  // entry's keywords; its handlers join the play's. nullopt when the play already has this role
  // with the same parameters and the role does not allow duplicates, or when it has no tasks.
  std::optional<Task> load_role(const RoleEntry& entry, const std::shared_ptr<const Role>& parent, RoleUse use) {
    LoadedRole loaded = read_role(entry, parent, use);
    if (m_state.play && use != RoleUse::included) {
      Play& play = *m_state.play;
      play.all_role_names.push_back(loaded.role->name);
      play.role_defaults = combine_vars(play.role_defaults, loaded.defaults);
      play.role_vars = combine_vars(play.role_vars, loaded.exports);
      auto& sink = use == RoleUse::play ? m_state.role_handlers : m_state.imported_handlers;
      sink.insert(sink.end(), loaded.handlers.begin(), loaded.handlers.end());
    }
    m_loaded_handlers = std::move(loaded.handlers);
    m_loaded_role = loaded.role;
    m_loaded_defaults = loaded.defaults;
    m_loaded_exports = loaded.exports;
    return std::move(loaded.block);
  }

  // The handlers and the role of the last load_role (include_role hands them to the strategy).
  std::vector<Task> m_loaded_handlers;
  std::shared_ptr<const Role> m_loaded_role;
  Value m_loaded_defaults, m_loaded_exports;

  struct LoadedRole {
    std::shared_ptr<Role> role;
    Value defaults;  // the role's get_default_vars(): its dependencies' defaults, then its own
    Value exports;   // its vars/ and its dependencies', which Ansible shows to the whole play
    std::optional<Task> block;
    std::vector<Task> handlers;  // dependencies' first
  };

  // A role use: its dependencies' blocks and its own tasks as one block (nullopt for a duplicate
  // use), its handlers, and what it shows the whole play.
  LoadedRole read_role(const RoleEntry& entry, const std::shared_ptr<const Role>& parent, RoleUse use) {
    std::shared_ptr<Role> role = new_role(entry, parent);
    const Value file_vars = load_role_vars(role->path, "vars", entry.vars_from);
    role->own_vars = combine_vars(file_vars, entry.vars);
    LoadedRole out;
    out.role = role;
    Dependencies deps = load_dependencies(role, read_meta(*role), out.handlers);
    out.defaults = combine_vars(deps.defaults, role->own_defaults);
    out.exports = combine_vars(deps.exports, file_vars);
    set_layers(*role, deps, entry, use);

    const std::string key = role->path + "|" + entry.tasks_from + "|" + entry.vars_from + "|" + entry.defaults_from +
                            "|" + json_key(entry.params) + "|" + json_key(entry.vars);
    const bool duplicate = !m_state.roles_added.insert(key).second;
    if (duplicate && !role->allow_duplicates && use != RoleUse::included) {
      out.handlers.clear();  // the play has them from the first use
      return out;
    }
    std::vector<Task> children = std::move(deps.blocks);
    std::vector<Task> own = role_tasks(*role, role, "tasks", entry.tasks_from, entry.where);
    if (std::optional<Task> validation = validation_task(role, entry)) own.insert(own.begin(), std::move(*validation));
    children.insert(children.end(), std::make_move_iterator(own.begin()), std::make_move_iterator(own.end()));
    std::vector<Task> handlers = role_tasks(*role, role, "handlers", entry.handlers_from, entry.where);
    inherit_keywords(handlers, entry.keywords);
    out.handlers.insert(out.handlers.end(), handlers.begin(), handlers.end());
    Task keywords = entry.keywords;
    keywords.where = entry.where;
    out.block = as_block(keywords, std::move(children));
    return out;
  }

  // The Role of an entry, found and with its defaults read (not yet its vars and layers).
  std::shared_ptr<Role> new_role(const RoleEntry& entry, const std::shared_ptr<const Role>& parent) {
    const std::string sibling = parent ? fs::path(parent->path).parent_path().string() : "";
    auto role = std::make_shared<Role>();
    role->path = find_role_dir(entry.name, m_state.search, sibling, entry.where);
    role->name = role_display_name(entry.name);
    role->params = entry.params;
    role->allow_duplicates = entry.allow_duplicates;
    role->parent = parent;
    role->own_defaults = load_role_vars(role->path, "defaults", entry.defaults_from);
    return role;
  }

  struct Dependencies {
    std::vector<Task> blocks;
    Value defaults = Value::map();  // their get_default_vars(), merged in order
    Value exports = Value::map();   // their vars/, merged in order
  };

  // Loads a role's meta dependencies (recursively); their handlers are added to `handlers`.
  Dependencies load_dependencies(const std::shared_ptr<Role>& role, const std::vector<RoleEntry>& entries,
                                 std::vector<Task>& handlers) {
    Dependencies deps;
    if (++m_state.depth > 64)
      throw Fatal(role->path + ": role dependencies nest more than 64 levels (a cycle?)");
    for (const RoleEntry& entry : entries) {
      LoadedRole d = read_role(entry, role, RoleUse::dependency);
      deps.defaults = combine_vars(deps.defaults, d.defaults);
      deps.exports = combine_vars(deps.exports, d.exports);
      if (d.block) deps.blocks.push_back(std::move(*d.block));
      handlers.insert(handlers.end(), d.handlers.begin(), d.handlers.end());
      if (m_state.play) {
        m_state.play->all_role_names.push_back(d.role->name);
        m_state.play->dependency_role_names.push_back(d.role->name);
      }
    }
    --m_state.depth;
    return deps;
  }

  // The layers a task of `role` sees: Ansible's get_default_vars, get_vars and get_role_params
  // (role/__init__.py) with the chain of roles it was reached through, outermost first.
  static void set_layers(Role& role, const Dependencies& deps, const RoleEntry& entry, RoleUse use) {
    std::vector<const Role*> chain;
    for (const Role* r = role.parent.get(); r; r = r->parent.get()) chain.insert(chain.begin(), r);
    Value defaults = deps.defaults, vars = Value::map(), params = Value::map();
    for (const Role* p : chain) {
      defaults = combine_vars(defaults, p->own_defaults);
      vars = combine_vars(vars, p->own_vars);
      params = combine_vars(params, p->params);
    }
    role.defaults_layer = combine_vars(defaults, role.own_defaults);
    role.vars_layer = combine_vars(combine_vars(vars, deps.exports), role.own_vars);
    role.params_layer = combine_vars(params, entry.params);
    role.magic = role_magic(role, use);
  }

  // The tasks (or handlers) of a role's `subdir` file `from` (main when empty); none when the
  // role has no such main file; a SourceError at the entry when a named `from` file is missing.
  std::vector<Task> role_tasks(const Role& role, const std::shared_ptr<const Role>& owner, const std::string& subdir,
                               const std::string& from, const SourceLocation& where) {
    const std::string file = role_file(role.path, subdir, from);
    if (file.empty() && !from.empty())
      throw SourceError(where, "Could not find specified file in role: " + subdir + "/" + from,
                        (subdir == "tasks" ? "tasks_from" : "handlers_from") + std::string(" names a file in the role's ") +
                            subdir + "/ folder",
                        ExitCode::error);
    return file.empty() ? std::vector<Task>{} : parse_file(file, owner);
  }

  // The argument specs of a role (Role._get_role_argspecs): meta/argument_specs.yml (.yaml,
  // .json), else the `argument_specs` of meta/main.yml; {} when there are none.
  Value role_argument_specs(const Role& role) {
    std::string file;
    for (const char* ext : {".yml", ".yaml", ".json"}) {
      fs::path p = fs::path(role.path) / "meta" / (std::string("argument_specs") + ext);
      if (fs::is_regular_file(p)) {
        file = p.string();
        break;
      }
    }
    const bool own_file = !file.empty();
    if (!own_file) file = role_file(role.path, "meta", "main");
    if (file.empty()) return Value::map();
    YAML::Node root = load_yaml_file(file);
    if (!root.IsMap() || !root["argument_specs"]) return Value::map();
    Value specs = yaml_to_value(root["argument_specs"], file);
    return specs.is_map() ? specs : Value::map();
  }

  // Ansible's implicit first task of a role whose argument spec has an entry for the tasks file
  // it starts at (Role._prepend_validation_task): validate_argument_spec with that entry's
  // options and the role's parameters, tagged `always`. nullopt without one, or when the entry
  // says rolespec_validate: false.
  std::optional<Task> validation_task(const std::shared_ptr<Role>& role, const RoleEntry& entry) {
    if (!entry.rolespec_validate) return std::nullopt;
    const Value specs = role_argument_specs(*role);
    const std::string entrypoint = entry.tasks_from.empty() ? "main" : entry.tasks_from;
    const Value* spec = specs.find(entrypoint);
    if (!spec || !spec->truthy()) return std::nullopt;
    Task t;
    t.name = "Validating arguments against arg spec '" + entrypoint + "'";
    if (const Value* d = spec->find("short_description")) t.name += " - " + python_str(*d);
    t.action = "validate_argument_spec";
    t.where = entry.where;
    t.role = role;
    t.tags = {"always"};
    Map context;
    context.set("type", "role");
    context.set("name", role->name);
    context.set("argument_spec_name", entrypoint);
    context.set("path", role->path);
    Map args;
    const Value* options = spec->find("options");
    args.set("argument_spec", options && !options->is_null() ? *options : Value::map());
    args.set("provided_arguments", entry.params);
    args.set("validate_args_context", Value(std::move(context)));
    t.args = Value(std::move(args));
    return t;
  }

  // meta/main.yml: allow_duplicates and the dependencies, as role entries.
  std::vector<RoleEntry> read_meta(Role& role) {
    const std::string meta = role_file(role.path, "meta", "main");
    if (meta.empty()) return {};
    YAML::Node root = load_yaml_file(meta);
    if (!root.IsMap()) return {};
    TaskParser meta_parser(meta, m_state, nullptr);
    if (YAML::Node dup = root["allow_duplicates"]) role.allow_duplicates = role.allow_duplicates || value_truthy(meta_parser.value(dup));
    std::vector<RoleEntry> deps;
    YAML::Node list = root["dependencies"];
    if (!list || list.IsNull()) return deps;
    if (!list.IsSequence()) meta_parser.fail(list, "dependencies must be a list of roles");
    for (const auto& item : list) deps.push_back(meta_parser.role_entry(item));
    return deps;
  }

  static bool value_truthy(const Value& v) {
    if (v.is_bool()) return v.as_bool();
    if (v.is_string()) return v.as_string() == "yes" || v.as_string() == "true" || v.as_string() == "True";
    return false;
  }

  // role_name, role_path, ansible_role_name; ansible_parent_role_names/paths when an
  // import_role/include_role inside another role loaded it (Ansible sets them only then).
  static Value role_magic(const Role& role, RoleUse use) {
    Map m;
    m.set("role_name", role.name);
    m.set("role_path", role.path);
    m.set("ansible_role_name", role.name);
    if ((use == RoleUse::imported || use == RoleUse::included) && role.parent) {
      List names, paths;
      for (const Role* r = role.parent.get(); r; r = r->parent.get()) {
        names.push_back(Value(r->name));
        paths.push_back(Value(r->path));
      }
      m.set("ansible_parent_role_names", Value(std::move(names)));
      m.set("ansible_parent_role_paths", Value(std::move(paths)));
    }
    return Value(std::move(m));
  }

  [[noreturn]] void fail(const YAML::Node& n, const std::string& msg, const std::string& hint = "") {
    throw SourceError(location_of(n, m_file), msg, hint);
  }

private:
  std::string m_file;
  LoadState& m_state;
  const ActionCatalog& m_known;
  std::shared_ptr<const Role> m_role;

  static std::string describe(const YAML::Node& n) {
    switch (n.Type()) {
      case YAML::NodeType::Sequence: return "a list";
      case YAML::NodeType::Map: return "a mapping";
      case YAML::NodeType::Scalar: return "'" + n.Scalar() + "'";
      default: return "nothing";
    }
  }

  Value value(const YAML::Node& n) { return yaml_to_value(n, m_file); }

  std::string scalar_string(const YAML::Node& n) {
    Value v = value(n);
    if (v.is_string()) return v.as_string();
    if (v.is_bool()) return v.as_bool() ? "True" : "False";
    if (v.is_int()) return std::to_string(v.as_int());
    if (v.is_null()) return "";
    fail(n, "expected a single value here, got " + describe(n));
  }

  // A condition list: a string, a bool, or a list of those.
  std::vector<std::string> conditions(const YAML::Node& n) {
    std::vector<std::string> out;
    if (n.IsSequence()) {
      for (const auto& item : n) out.push_back(scalar_string(item));
    } else if (!n.IsNull()) {
      out.push_back(scalar_string(n));
    }
    return out;
  }

  std::vector<std::string> string_list(const YAML::Node& n) {
    std::vector<std::string> out;
    if (n.IsSequence()) {
      for (const auto& item : n) out.push_back(scalar_string(item));
    } else if (!n.IsNull()) {
      std::string s = scalar_string(n);
      // tags: "a,b" is a list of two tags, as in Ansible
      std::size_t start = 0;
      while (start <= s.size()) {
        auto comma = s.find(',', start);
        std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        part.erase(0, part.find_first_not_of(' '));
        part.erase(part.find_last_not_of(' ') + 1);
        if (!part.empty()) out.push_back(part);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    return out;
  }

  Value mapping(const YAML::Node& key, const YAML::Node& n) {
    if (n.IsNull()) return Value::map();
    if (!n.IsMap())
      fail(n, "'" + key.as<std::string>() + "' must be a mapping, got " + describe(n));
    return value(n);
  }

  void set_loop(Task& t, const YAML::Node& key, const YAML::Node& n, const std::string& lookup) {
    if (t.has_loop)
      fail(key, "a task can have only one loop (loop or with_*)",
           "keep one of them; combine lists with a filter such as `product` or `zip`");
    t.has_loop = true;
    t.loop = value(n);
    t.loop_lookup = lookup;
  }

public:
  // Sets one task keyword (key in k_task_keywords) on `t`.
  void keyword(Task& t, const std::string& key, const YAML::Node& k, const YAML::Node& n) {
    if (in(k_unsupported_task_keywords, key))
      fail(k, "the task keyword '" + key + "' is not supported by this version of drover",
           "remove it, or run this playbook with ansible-playbook until drover supports it");
    if (key == "name") t.name = scalar_string(n);
    else if (key == "action" || key == "local_action") action_keyword(t, key, k, n);
    else if (key == "args") t.args = merge_recursive(mapping(k, n), t.args);
    else if (key == "when") t.when = conditions(n);
    else if (key == "changed_when") t.changed_when = conditions(n);
    else if (key == "failed_when") t.failed_when = conditions(n);
    else if (key == "until") t.until = conditions(n);
    else if (key == "retries") t.retries = value(n);
    else if (key == "delay") t.delay = value(n);
    else if (key == "ignore_errors") t.ignore_errors = value(n);
    else if (key == "ignore_unreachable") t.ignore_unreachable = value(n);
    else if (key == "register") t.register_var = scalar_string(n);
    else if (key == "loop") set_loop(t, k, n, "");
    else if (key == "loop_control") t.loop_control = mapping(k, n);
    else if (key == "vars") t.vars = mapping(k, n);
    else if (key == "environment") t.environment = value(n);
    else if (key == "no_log") t.no_log = value(n);
    else if (key == "tags") t.tags = string_list(n);
    else if (key == "notify") t.notify = string_list(n);
    else if (key == "listen") t.listen = string_list(n);
    else if (key == "become") t.become = value(n);
    else if (key == "become_user") t.become_user = value(n);
    else if (key == "become_method") t.become_method = value(n);
    else if (key == "become_flags") t.become_flags = value(n);
    else if (key == "become_exe") t.become_exe = value(n);
    else if (key == "delegate_to") t.delegate_to = scalar_string(n);
    else if (key == "run_once") t.run_once = value(n);
    else if (key == "check_mode") t.check_mode = value(n);
    else if (key == "diff") t.diff = value(n);
    else if (key == "any_errors_fatal") t.any_errors_fatal = value(n);
    else if (key == "throttle") t.throttle = value(n);
    else if (key == "async") t.async_val = value(n);
    else if (key == "poll") t.poll = value(n);
    else if (key == "timeout") t.timeout = value(n);
    else if (key == "delegate_facts") t.delegate_facts = value(n);
    else if (key == "connection") t.connection = value(n);
    else if (key == "remote_user") t.remote_user = value(n);
    else if (key == "port") t.port = value(n);
    else if (key == "block") t.block = parse_list(n);
    else if (key == "rescue") t.rescue = parse_list(n);
    else if (key == "always") t.always = parse_list(n);
  }

private:
  // `action: copy src=a dest=b` or `action: {module: copy, src: a}`.
  void action_keyword(Task& t, const std::string& key, const YAML::Node& k, const YAML::Node& n) {
    if (!t.action.empty())
      fail(k, "conflicting action statements: " + t.action + ", " + key,
           "a task runs exactly one module; split this into two tasks");
    if (key == "local_action") t.delegate_to = "localhost";
    if (n.IsMap()) {
      Value v = value(n);
      std::string module = v.get_string("module");
      if (module.empty()) fail(n, "'" + key + "' as a mapping needs a 'module' key");
      v.mutable_map().erase("module");
      t.action = short_action_name(module);
      if (!m_known(module)) unknown_action(n, module);
      t.args = merge_recursive(t.args, v);
      return;
    }
    std::string text = scalar_string(n);
    auto space = text.find_first_of(" \t");
    std::string module = text.substr(0, space);
    t.action = short_action_name(module);
    if (!m_known(module)) unknown_action(n, module);
    if (space != std::string::npos)
      t.args = merge_recursive(parse_kv(text.substr(space + 1), arg_style(t.action)), t.args);
  }

  void resolve_action(Task& t, const YAML::Node& node, const YAML::Node* key, const YAML::Node& n) {
    if (t.is_block()) {
      if (!t.action.empty())
        fail(key ? *key : node, "a block cannot also run a module ('" + t.action + "')",
             "move the module into a task inside the block");
      return;
    }
    if (t.action.empty())
      fail(node, "no module/action detected in task",
           "a task needs one module, e.g. `command: echo hi` or `debug: msg=hi`");
    if (!key) return;  // came from action: or local_action:
    Value args;
    if (n.IsMap()) {
      args = value(n);
    } else if (n.IsNull()) {
      args = Value::map();
    } else if (n.IsScalar()) {
      try {
        args = parse_kv(scalar_string(n), arg_style(t.action));
      } catch (const SourceError&) {
        throw;
      } catch (const Fatal& e) {
        fail(n, e.what());
      }
    } else {
      fail(n, "the arguments of '" + t.action + "' must be a mapping or a key=value string, got " +
                  describe(n));
    }
    // `args:` given explicitly wins over inline arguments, as in Ansible.
    t.args = merge_recursive(args, t.args);
  }

  [[noreturn]] void unknown_action(const YAML::Node& at, const std::string& name) {
    std::string hint = "This often indicates a misspelling, a missing collection, or an incorrect "
                       "module path.";
    if (in(k_play_keywords, name) && !in(k_task_keywords, name))
      hint = "'" + name + "' is a play keyword; is this task indented under the play by mistake?";
    else if (auto s = suggestion(k_task_keywords, name); !s.empty())
      hint = "'" + name + "' is not a task keyword: " + s;
    fail(at, "couldn't resolve module/action '" + name + "'", hint);
  }
};

class PlayParser {
public:
  PlayParser(const std::string& file, LoadState& state)
      : m_file(file), m_state(state), m_tasks(file, state) {}

  // Ansible's Play._load_vars_prompt: a list of mappings (one mapping alone is a list of one),
  // each with `name` and only the keys Ansible knows.
  List vars_prompt(const YAML::Node& n) {
    static constexpr std::array k_keys = {"confirm", "default", "encrypt", "name", "private",
                                          "prompt", "salt", "salt_size", "unsafe"};
    List out;
    if (n.IsNull()) return out;
    std::vector<YAML::Node> entries;
    if (n.IsMap()) entries.push_back(n);
    else if (n.IsSequence())
      for (const auto& item : n) entries.push_back(item);
    else
      m_tasks.fail(n, "vars_prompt must be a list of mappings", "write `vars_prompt: [{name: x, prompt: \"x?\"}]`");
    for (const auto& entry : entries) {
      if (!entry.IsMap() || !entry["name"])
        m_tasks.fail(entry, "Invalid vars_prompt data structure, missing 'name' key",
                     "each vars_prompt entry names the variable it sets");
      for (const auto& kv : entry) {
        const std::string key = kv.first.as<std::string>();
        if (!in(k_keys, key))
          m_tasks.fail(kv.first, "Invalid vars_prompt data structure, found unsupported key '" + key + "'",
                       "vars_prompt entries take: name, prompt, default, private, confirm, encrypt, salt_size, salt, unsafe");
      }
      out.push_back(yaml_to_value(entry, m_file));
    }
    return out;
  }

  Play parse(const YAML::Node& node) {
    if (!node.IsMap()) m_tasks.fail(node, "a play must be a mapping", "start a play with `- hosts: ...`");
    Play p;
    p.where = location_of(node, m_file);
    m_state.play = &p;
    m_state.role_handlers.clear();
    m_state.imported_handlers.clear();
    m_state.roles_added.clear();
    // roles load first, as Ansible's Play loads them (their names come before import_role's)
    std::vector<Task> role_blocks;
    const YAML::Node vars = node["vars"];
    m_state.play_vars = vars && vars.IsMap() ? yaml_to_value(vars, m_file) : Value::map();
    if (YAML::Node roles = node["roles"]) role_blocks = play_roles(roles);
    bool has_hosts = false;
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      const YAML::Node& n = kv.second;
      if (!in(k_play_keywords, key)) {
        std::string hint = suggestion(k_play_keywords, key);
        if (hint.empty()) hint = "a play takes keywords such as hosts, vars, tasks, handlers";
        m_tasks.fail(kv.first, "'" + key + "' is not a valid attribute for a Play", hint);
      }
      if (in(k_unsupported_play_keywords, key))
        m_tasks.fail(kv.first, "the play keyword '" + key + "' is not supported by this version of drover",
                     "remove it, or run this playbook with ansible-playbook until drover supports it");
      if (key == "name") p.name = text(n);
      else if (key == "hosts") {
        has_hosts = true;
        p.hosts = hosts_pattern(n);
      } else if (key == "vars") p.vars = n.IsNull() ? Value::map() : yaml_to_value(n, m_file);
      else if (key == "vars_files") {
        Value v = yaml_to_value(n, m_file);
        if (v.is_list()) p.vars_files = v.as_list();
        else if (!v.is_null()) p.vars_files.push_back(v);
      } else if (key == "gather_facts") p.gather_facts = yaml_to_value(n, m_file);
      else if (key == "gather_subset") p.gather_subset = yaml_to_value(n, m_file);
      else if (key == "vars_prompt") p.vars_prompt = vars_prompt(n);
      else if (key == "gather_timeout") p.gather_timeout = yaml_to_value(n, m_file);
      else if (key == "fact_path") p.fact_path = yaml_to_value(n, m_file);
      else if (key == "pre_tasks") p.pre_tasks = m_tasks.parse_list(n);
      else if (key == "tasks") p.tasks = m_tasks.parse_list(n);
      else if (key == "post_tasks") p.post_tasks = m_tasks.parse_list(n);
      else if (key == "handlers") p.handlers = m_tasks.parse_list(n);
      else if (key == "become") p.become = yaml_to_value(n, m_file);
      else if (key == "become_user") p.become_user = yaml_to_value(n, m_file);
      else if (key == "become_method") p.become_method = yaml_to_value(n, m_file);
      else if (key == "become_flags") p.become_flags = yaml_to_value(n, m_file);
      else if (key == "become_exe") p.become_exe = yaml_to_value(n, m_file);
      else if (key == "environment") p.environment = yaml_to_value(n, m_file);
      else if (key == "connection") p.connection = text(n);
      else if (key == "remote_user") p.remote_user = text(n);
      else if (key == "port") p.port = yaml_to_value(n, m_file);
      else if (key == "timeout") p.timeout = yaml_to_value(n, m_file);
      else if (key == "ignore_errors") p.ignore_errors = yaml_to_value(n, m_file);
      else if (key == "ignore_unreachable") p.ignore_unreachable = yaml_to_value(n, m_file);
      else if (key == "any_errors_fatal") p.any_errors_fatal = yaml_to_value(n, m_file);
      else if (key == "serial") p.serial = serial(n);
      else if (key == "strategy") p.strategy = one_of(n, k_strategies, "strategy");
      else if (key == "order") p.order = one_of(n, k_host_orders, "order");
      else if (key == "max_fail_percentage") p.max_fail_percentage = percentage(n, "max_fail_percentage");
      else if (key == "force_handlers") p.force_handlers = yaml_to_value(n, m_file);
      else if (key == "throttle") p.throttle = yaml_to_value(n, m_file);
      else if (key == "check_mode") p.check_mode = yaml_to_value(n, m_file);
      else if (key == "diff") p.diff = yaml_to_value(n, m_file);
      else if (key == "tags") {
        Value v = yaml_to_value(n, m_file);
        if (v.is_list())
          for (const auto& t : v.as_list()) p.tags.push_back(t.is_string() ? t.as_string() : "");
        else if (v.is_string())
          p.tags.push_back(v.as_string());
      }
    }
    if (!has_hosts)
      m_tasks.fail(node, "the field 'hosts' is required but was not set",
                   "add `hosts: all` (or a group or host pattern) to the play");
    // Ansible's Play.compile: pre_tasks, flush, roles, tasks, flush, post_tasks, flush; the roles'
    // handlers come before the play's, import_role's after them (TaskQueueManager.run).
    p.tasks.insert(p.tasks.begin(), std::make_move_iterator(role_blocks.begin()),
                   std::make_move_iterator(role_blocks.end()));
    std::vector<Task> handlers = std::move(m_state.role_handlers);
    handlers.insert(handlers.end(), p.handlers.begin(), p.handlers.end());
    handlers.insert(handlers.end(), m_state.imported_handlers.begin(), m_state.imported_handlers.end());
    p.handlers = std::move(handlers);
    p.role_uses = std::move(m_state.roles_added);
    m_state.play = nullptr;
    return p;
  }

private:
  const std::string& m_file;
  LoadState& m_state;
  TaskParser m_tasks;

  // `serial`: an int, "N%", or a list of those; a template is read when the play runs.
  Value serial(const YAML::Node& n) {
    Value v = yaml_to_value(n, m_file);
    const List entries = v.is_list() ? v.as_list() : List{v};
    if (entries.empty())
      m_tasks.fail(n, "serial must not be an empty list", "give a batch size such as `serial: 2` or `serial: \"25%\"`");
    for (const Value& entry : entries) {
      bool templated = entry.is_string() && tmpl::Templar::is_template(entry.as_string());
      if (!templated && !playbook::serial_batch_size(entry, 1))
        m_tasks.fail(n, "invalid serial value " + python_repr(entry) + ": a batch size is a number of hosts or a percentage",
                     "write `serial: 2`, `serial: \"30%\"` or a list such as `serial: [1, 5, \"50%\"]`");
    }
    return v;
  }

  Value percentage(const YAML::Node& n, const std::string& name) {
    Value v = yaml_to_value(n, m_file);
    bool templated = v.is_string() && tmpl::Templar::is_template(v.as_string());
    if (!templated && !v.is_null() && !playbook::percentage_value(v))
      m_tasks.fail(n, "invalid " + name + " value " + python_repr(v) + ": it must be a percentage",
                   "write a number from 0 to 100, e.g. `" + name + ": 30`");
    return v;
  }

  template <std::size_t N>
  std::string one_of(const YAML::Node& n, const std::array<const char*, N>& allowed, const std::string& name) {
    std::string word = text(n);
    if (word.empty() || tmpl::Templar::is_template(word) || in(allowed, word)) return word;
    std::string list;
    for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
    std::string hint = suggestion(allowed, word);
    m_tasks.fail(n, "invalid " + name + " '" + word + "'", (hint.empty() ? "" : hint + " ") + name + " is one of: " + list);
  }

  std::vector<Task> play_roles(const YAML::Node& roles) {
    std::vector<Task> blocks;
    if (roles.IsNull()) return blocks;
    if (!roles.IsSequence()) m_tasks.fail(roles, "roles must be a list of roles", "write `roles:` then `- name` lines");
    for (const auto& item : roles) {
      RoleEntry entry = m_tasks.role_entry(item);
      m_state.play->role_names.push_back(TaskParser::role_display_name(entry.name));
      if (auto block = m_tasks.load_role(entry, nullptr, TaskParser::RoleUse::play)) blocks.push_back(std::move(*block));
    }
    return blocks;
  }

  std::string text(const YAML::Node& n) {
    Value v = yaml_to_value(n, m_file);
    return v.is_string() ? v.as_string() : n.IsScalar() ? n.Scalar() : "";
  }

  std::string hosts_pattern(const YAML::Node& n) {
    if (n.IsSequence()) {
      std::string joined;
      for (const auto& item : n) joined += (joined.empty() ? "" : ",") + text(item);
      return joined;
    }
    return text(n);
  }
};

// import_playbook's own keywords, as PlaybookInclude.load_data applies them to the imported
// plays: its vars override each play's, its tags join each play's, its `when` goes in front of
// every task's (not the handlers'). Anything else on the entry is an error, not ignored.
void apply_import_keywords(const YAML::Node& item, const std::string& path, LoadState& state,
                           std::vector<Play>::iterator begin, std::vector<Play>::iterator end) {
  TaskParser keywords(path, state);
  Task k;
  for (const auto& kv : item) {
    const std::string key = kv.first.as<std::string>();
    if (key == "import_playbook" || key == "name") continue;
    if (key != "vars" && key != "tags" && key != "when")
      keywords.fail(kv.first, "'" + key + "' is not a valid attribute for a PlaybookInclude",
                    "import_playbook takes vars, tags and when");
    keywords.keyword(k, key, kv.first, kv.second);
  }
  keywords.check_templates(item);
  for (auto play = begin; play != end; ++play) {
    play->vars = combine_vars(play->vars, k.vars);
    play->tags.insert(play->tags.end(), k.tags.begin(), k.tags.end());
    if (k.when.empty()) continue;
    for (auto* list : {&play->pre_tasks, &play->tasks, &play->post_tasks})
      for (Task& t : *list) t.when.insert(t.when.begin(), k.when.begin(), k.when.end());
  }
}

void parse_into(Playbook& pb, const std::string& path, LoadState& state, int depth) {
  if (depth > 32)
    throw Fatal(path + ": import_playbook nests more than 32 levels (an import cycle?)");
  YAML::Node root = load_yaml_file(path);
  if (root.IsNull())  // Ansible's AnsibleParserError: exit 4, the path made absolute
    throw Fatal("Empty playbook, nothing to do: " + fs::weakly_canonical(fs::absolute(path)).string(),
                ExitCode::host_unreachable);
  if (!root.IsSequence())
    throw SourceError(location_of(root, path), "a playbook must be a list of plays",
                      "start each play with `- hosts: ...`");
  PlayParser plays(path, state);
  for (const auto& item : root) {
    if (item.IsMap() && item["import_playbook"]) {
      std::string target = item["import_playbook"].as<std::string>();
      fs::path p = fs::path(path).parent_path() / target;
      if (!fs::exists(p))
        throw SourceError(location_of(item["import_playbook"], path),
                          "the playbook '" + target + "' could not be found",
                          "paths in import_playbook are relative to the importing playbook");
      const std::size_t first = pb.plays.size();
      parse_into(pb, p.string(), state, depth + 1);
      apply_import_keywords(item, path, state, pb.plays.begin() + static_cast<std::ptrdiff_t>(first), pb.plays.end());
      continue;
    }
    pb.plays.push_back(plays.parse(item));
  }
}

}  // namespace

void inherit_keywords(std::vector<Task>& tasks, const Task& from) {
  for (Task& t : tasks) {
    for (auto [mine, theirs] : {std::pair{&t.become, &from.become}, {&t.become_user, &from.become_user},
                                {&t.become_flags, &from.become_flags}, {&t.become_exe, &from.become_exe},
                                {&t.become_method, &from.become_method}, {&t.ignore_errors, &from.ignore_errors},
                                {&t.ignore_unreachable, &from.ignore_unreachable}, {&t.no_log, &from.no_log},
                                {&t.check_mode, &from.check_mode}, {&t.diff, &from.diff},
                                {&t.environment, &from.environment}, {&t.run_once, &from.run_once},
                                {&t.timeout, &from.timeout}, {&t.delegate_facts, &from.delegate_facts},
                                {&t.connection, &from.connection}, {&t.remote_user, &from.remote_user},
                                {&t.port, &from.port}})
      if (mine->is_null()) *mine = *theirs;
    if (t.delegate_to.empty()) t.delegate_to = from.delegate_to;
    inherit_keywords(t.block, from);
    inherit_keywords(t.rescue, from);
    inherit_keywords(t.always, from);
  }
}

std::string short_action_name(std::string_view name) {
  // namespace.collection.name: the collection is checked by the action catalog (find_action)
  if (std::count(name.begin(), name.end(), '.') == 2) name.remove_prefix(name.rfind('.') + 1);
  return std::string(name);
}

Playbook parse_playbook(const std::string& path, const ActionCatalog& known_action, const ParseOptions& options) {
  if (!fs::exists(path)) throw Fatal("the playbook: " + path + " could not be found", ExitCode::error);
  if (!fs::is_regular_file(path) && !fs::is_fifo(path))
    throw Fatal("the playbook: " + path + " does not appear to be a file", ExitCode::error);
  Playbook pb;
  pb.path = path;
  pb.dir = fs::absolute(path).parent_path().lexically_normal().string();
  pb.roles_path = options.roles_path;
  LoadState state{known_action, RoleSearch{pb.dir, options.roles_path}};
  state.extra_vars = options.extra_vars.is_map() ? options.extra_vars : Value::map();
  state.deprecations = &pb.deprecations;
  parse_into(pb, path, state, 0);
  return pb;
}

std::vector<Task> parse_task_list(const YAML::Node& node, const std::string& file,
                                  const ActionCatalog& known_action) {
  LoadState state{known_action, RoleSearch{fs::absolute(file).parent_path().lexically_normal().string(), {}}};
  TaskParser p(file, state);
  return p.parse_list(node);
}

Task parse_task(const YAML::Node& node, const std::string& file, const ActionCatalog& known_action) {
  LoadState state{known_action, RoleSearch{fs::absolute(file).parent_path().lexically_normal().string(), {}}};
  TaskParser p(file, state);
  return p.parse(node);
}

std::vector<Task> load_included_tasks(const RuntimeLoader& loader, const std::string& path,
                                      const std::shared_ptr<const Role>& role) {
  LoadState state{loader.known_action, RoleSearch{loader.playbook->dir, loader.playbook->roles_path}};
  state.dynamic = true;
  TaskParser p(path, state, role);
  return p.parse_file(path, role);
}

IncludedRole load_included_role(const RuntimeLoader& loader, const Value& args, const Value& vars,
                                const std::shared_ptr<const Role>& parent, const SourceLocation& where) {
  LoadState state{loader.known_action, RoleSearch{loader.playbook->dir, loader.playbook->roles_path}};
  state.dynamic = true;
  TaskParser p(where.file, state, parent);
  Task task;
  task.action = "include_role";
  task.args = args;
  task.vars = vars;
  task.where = where;
  RoleEntry entry = TaskParser::include_role_entry(task);
  entry.keywords = Task{};  // the include's own keywords were applied when it ran
  IncludedRole out;
  if (loader.role_uses) state.roles_added = *loader.role_uses;
  std::optional<Task> block = p.load_role(entry, parent, TaskParser::RoleUse::included);
  if (loader.role_uses) *loader.role_uses = state.roles_added;
  if (block) out.block = std::move(*block);
  out.role = p.m_loaded_role;
  out.handlers = std::move(p.m_loaded_handlers);
  out.defaults = p.m_loaded_defaults;
  out.exports = p.m_loaded_exports;
  return out;
}

}  // namespace drover::playbook
