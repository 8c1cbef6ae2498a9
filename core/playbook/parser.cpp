#include "core/playbook/parser.hpp"

#include <algorithm>
#include <array>
#include <filesystem>

#include "core/playbook/args.hpp"
#include "core/playbook/serial.hpp"
#include "core/value/python_repr.hpp"
#include "core/template/templar.hpp"
#include "core/value/yaml.hpp"

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
    "async", "become_exe", "become_flags", "collections", "connection", "debugger",
    "delegate_facts", "module_defaults", "poll", "port", "remote_user",
    "timeout",
};

constexpr std::array k_play_keywords = {
    "any_errors_fatal", "become", "become_method", "become_user", "check_mode", "collections",
    "connection", "diff", "environment", "fact_path", "force_handlers", "gather_facts",
    "gather_subset", "gather_timeout", "handlers", "hosts", "ignore_errors", "ignore_unreachable",
    "max_fail_percentage", "module_defaults", "name", "no_log", "order", "port", "post_tasks",
    "pre_tasks", "remote_user", "roles", "run_once", "serial", "strategy", "tags", "tasks",
    "throttle", "timeout", "vars", "vars_files", "vars_prompt",
};

constexpr std::array k_unsupported_play_keywords = {
    "collections", "fact_path", "gather_timeout", "module_defaults", "port", "roles", "run_once",
    "timeout", "vars_prompt",
};

constexpr std::array k_strategies = {"free", "host_pinned", "linear"};
constexpr std::array k_host_orders = {"inventory", "reverse_inventory", "reverse_sorted", "shuffle", "sorted"};

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

class TaskParser {
public:
  TaskParser(const std::string& file, const ActionCatalog& known) : m_file(file), m_known(known) {}

  Task parse(const YAML::Node& node) {
    if (!node.IsMap())
      fail(node, "a task must be a mapping of keywords, got " + describe(node),
           "write the task as `- name: ...` followed by `module: arguments`");
    Task t;
    t.where = location_of(node, m_file);
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
        if (!m_known(action)) unknown_action(kv.first, key);
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
    check_templates(node);
    return t;
  }

  // Compiles every template of the task (not those of its block/rescue/always, which are tasks
  // checked on their own), so a Jinja2 syntax error stops the run before anything runs, at the
  // scalar that holds it. Conditionals are bare expressions; `!unsafe` text is never templated.
  void check_templates(const YAML::Node& task) {
    for (const auto& kv : task) {
      std::string key = kv.first.as<std::string>();
      if (key == "block" || key == "rescue" || key == "always") continue;
      bool conditional = key == "when" || key == "changed_when" || key == "failed_when" || key == "until";
      check_node(kv.second, conditional);
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
    for (const auto& item : node) out.push_back(parse(item));
    return out;
  }

  [[noreturn]] void fail(const YAML::Node& n, const std::string& msg, const std::string& hint = "") {
    throw SourceError(location_of(n, m_file), msg, hint);
  }

private:
  const std::string& m_file;
  const ActionCatalog& m_known;

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
    else if (key == "delegate_to") t.delegate_to = scalar_string(n);
    else if (key == "run_once") t.run_once = value(n);
    else if (key == "check_mode") t.check_mode = value(n);
    else if (key == "diff") t.diff = value(n);
    else if (key == "any_errors_fatal") t.any_errors_fatal = value(n);
    else if (key == "throttle") t.throttle = value(n);
    else if (key == "block") t.block = parse_list(n);
    else if (key == "rescue") t.rescue = parse_list(n);
    else if (key == "always") t.always = parse_list(n);
  }

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
      if (!m_known(t.action)) unknown_action(n, module);
      t.args = merge_recursive(t.args, v);
      return;
    }
    std::string text = scalar_string(n);
    auto space = text.find_first_of(" \t");
    std::string module = text.substr(0, space);
    t.action = short_action_name(module);
    if (!m_known(t.action)) unknown_action(n, module);
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
  PlayParser(const std::string& file, const ActionCatalog& known)
      : m_file(file), m_tasks(file, known) {}

  Play parse(const YAML::Node& node) {
    if (!node.IsMap()) m_tasks.fail(node, "a play must be a mapping", "start a play with `- hosts: ...`");
    Play p;
    p.where = location_of(node, m_file);
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
      else if (key == "pre_tasks") p.pre_tasks = m_tasks.parse_list(n);
      else if (key == "tasks") p.tasks = m_tasks.parse_list(n);
      else if (key == "post_tasks") p.post_tasks = m_tasks.parse_list(n);
      else if (key == "handlers") p.handlers = m_tasks.parse_list(n);
      else if (key == "become") p.become = yaml_to_value(n, m_file);
      else if (key == "become_user") p.become_user = yaml_to_value(n, m_file);
      else if (key == "become_method") p.become_method = yaml_to_value(n, m_file);
      else if (key == "environment") p.environment = yaml_to_value(n, m_file);
      else if (key == "connection") p.connection = text(n);
      else if (key == "remote_user") p.remote_user = text(n);
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
    return p;
  }

private:
  const std::string& m_file;
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

void parse_into(Playbook& pb, const std::string& path, const ActionCatalog& known, int depth) {
  if (depth > 32)
    throw Fatal(path + ": import_playbook nests more than 32 levels (an import cycle?)");
  YAML::Node root = load_yaml_file(path);
  if (root.IsNull()) return;  // an empty playbook runs nothing
  if (!root.IsSequence())
    throw SourceError(location_of(root, path), "a playbook must be a list of plays",
                      "start each play with `- hosts: ...`");
  PlayParser plays(path, known);
  for (const auto& item : root) {
    if (item.IsMap() && item["import_playbook"]) {
      std::string target = item["import_playbook"].as<std::string>();
      fs::path p = fs::path(path).parent_path() / target;
      if (!fs::exists(p))
        throw SourceError(location_of(item["import_playbook"], path),
                          "the playbook '" + target + "' could not be found",
                          "paths in import_playbook are relative to the importing playbook");
      parse_into(pb, p.string(), known, depth + 1);
      continue;
    }
    pb.plays.push_back(plays.parse(item));
  }
}

}  // namespace

std::string short_action_name(std::string_view name) {
  for (std::string_view prefix : {"ansible.builtin.", "ansible.legacy."})
    if (name.substr(0, prefix.size()) == prefix) return std::string(name.substr(prefix.size()));
  return std::string(name);
}

Playbook parse_playbook(const std::string& path, const ActionCatalog& known_action) {
  if (!fs::exists(path)) throw Fatal("the playbook: " + path + " could not be found", ExitCode::error);
  Playbook pb;
  pb.path = path;
  pb.dir = fs::absolute(path).parent_path().lexically_normal().string();
  parse_into(pb, path, known_action, 0);
  return pb;
}

std::vector<Task> parse_task_list(const YAML::Node& node, const std::string& file,
                                  const ActionCatalog& known_action) {
  TaskParser p(file, known_action);
  return p.parse_list(node);
}

Task parse_task(const YAML::Node& node, const std::string& file, const ActionCatalog& known_action) {
  TaskParser p(file, known_action);
  return p.parse(node);
}

}  // namespace drover::playbook
