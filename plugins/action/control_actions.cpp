// Actions that run entirely on the control node.
#include <filesystem>

#include "core/inventory/host_range.hpp"
#include "core/template/ansible_support.hpp"
#include "core/value/boolean.hpp"
#include "core/value/json.hpp"
#include "core/value/python_repr.hpp"
#include "core/value/text.hpp"
#include "plugins/action/action.hpp"

namespace drover::action {

namespace fs = std::filesystem;

namespace {


// A list of strings from a string or a list (assert's `that`).
// The conditions of `that`, each with the value as written (a failed assert shows it).
std::vector<std::pair<Value, std::string>> conditions_of(const Value& v) {
  auto text = [](const Value& c) {
    if (c.is_string()) return c.as_string();
    if (c.is_bool()) return std::string(c.as_bool() ? "True" : "False");
    return dump_json(c);
  };
  std::vector<std::pair<Value, std::string>> out;
  if (v.is_list()) {
    for (const auto& item : v.as_list()) {
      if (item.is_null() || (item.is_string() && item.as_string().empty())) continue;  // Ansible: always true
      out.emplace_back(item, text(item));
    }
  } else if (v.is_string() || v.is_bool()) {
    out.emplace_back(v, text(v));
  }
  return out;
}

}  // namespace

bool bool_arg(const Value& args, std::string_view key, bool fallback) {
  const Value* v = args.find(key);
  if (!v || v->is_null()) return fallback;
  return loose_boolean(*v);
}

std::string find_file(const std::vector<std::string>& search_paths, const std::string& subdir,
                      const std::string& name) {
  if (name.empty()) return "";
  if (fs::path(name).is_absolute()) return fs::exists(name) ? name : "";
  for (const auto& dir : search_paths) {
    for (const fs::path& p : {fs::path(dir) / subdir / name, fs::path(dir) / name})
      if (fs::exists(p)) return p.string();
  }
  return "";
}

Value run_debug(ActionContext& ctx) {
  if (auto refused = check_action_args(ctx.args, debug_doc, ctx.task.action)) return *refused;
  Map out;
  const Value* var = ctx.args.find("var");
  if (var && ctx.args.find("msg"))
    return failed_result("'msg' and 'var' are incompatible options");
  if (var) {
    std::string name = var->is_string() ? var->as_string() : dump_json(*var);
    Value v;
    try {
      v = ctx.templar.evaluate(name);
    } catch (const tmpl::UndefinedError&) {
      v = Value("VARIABLE IS NOT DEFINED!");
    } catch (const tmpl::TemplateError& e) {
      return failed_result(e.what());  // a filter's own error fails the task, as in Ansible
    }
    out.set(name, v);
  } else {
    const Value* msg = ctx.args.find("msg");
    out.set("msg", msg ? *msg : Value("Hello world!"));
  }
  out.set("changed", false);
  out.set("_ansible_verbose_always", true);
  return Value(std::move(out));
}

Value run_fail(ActionContext& ctx) {
  if (auto refused = check_action_args(ctx.args, fail_doc, ctx.task.action)) return *refused;
  const Value* msg = ctx.args.find("msg");
  Value r = failed_result("Failed as requested from task");
  if (msg) r.mutable_map().set("msg", *msg);
  return r;
}

Value run_assert(ActionContext& ctx) {
  if (auto refused = check_action_args(ctx.args, assert_doc, ctx.task.action)) return *refused;
  const Value* that = ctx.args.find("that");
  if (!that) return failed_result("conditional required in \"that\" string");
  bool quiet = bool_arg(ctx.args, "quiet");
  for (const auto& [written, cond] : conditions_of(*that)) {
    if (!ctx.templar.condition(cond)) {
      Map m;
      m.set("assertion", written);
      m.set("changed", false);
      m.set("evaluated_to", false);
      m.set("failed", true);
      const Value* msg = ctx.args.find("fail_msg");
      if (!msg) msg = ctx.args.find("msg");
      m.set("msg", msg ? *msg : Value("Assertion failed"));
      if (!quiet) m.set("_ansible_verbose_always", true);
      return Value(std::move(m));
    }
  }
  Map m;
  m.set("changed", false);
  const Value* msg = ctx.args.find("success_msg");
  m.set("msg", msg ? *msg : Value("All assertions passed"));
  // the default callback prints an assert's result unless it is quiet, as Ansible's does
  if (!quiet) m.set("_ansible_verbose_always", true);
  return Value(std::move(m));
}

Value run_set_fact(ActionContext& ctx) {
  Map facts;
  for (const auto& [k, v] : ctx.args.as_map()) {
    if (k == "cacheable") continue;
    facts.set(k, v);
  }
  if (facts.empty())
    return failed_result("No key/value pairs provided, at least one is required for this action to succeed");
  Map m;
  m.set("ansible_facts", Value(std::move(facts)));
  if (const Value* c = ctx.args.find("cacheable"); c && loose_boolean(*c)) m.set("_ansible_facts_cacheable", true);
  m.set("changed", false);
  return Value(std::move(m));
}

namespace {

// A string or a list of strings (`groups: a,b` or `groups: [a, b]`), stripped, without repeats.
std::vector<std::string> name_list(const Value& v) {
  std::vector<std::string> names, out;
  if (v.is_list()) {
    for (const Value& item : v.as_list()) names.push_back(item.is_string() ? item.as_string() : python_str(item));
  } else if (v.is_string()) {
    std::string_view rest = v.as_string();
    while (true) {
      const std::size_t comma = rest.find(',');
      names.emplace_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  for (auto& n : names) {
    n = std::string(trim(n));
    if (!n.empty() && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  }
  return out;
}

}  // namespace

// add_host: what to add, as Ansible's action reports it; the strategy changes the inventory
// (and sets `changed`) once every host has answered.
Value run_add_host(ActionContext& ctx) {
  Value args = ctx.args;
  // `add_host: "{{ host_dict }}"`: the free-form value is a mapping of the arguments, which the
  // k=v ones override (Ansible's combine_vars(raw, args))
  if (const Value* raw = args.find("_raw_params")) {
    if (!raw->is_map())
      return failed_result("Invalid raw parameters passed, requires a dictonary/mapping got a  " + tmpl::py_class(*raw));
    Value merged = *raw;
    for (const auto& [k, v] : args.as_map())
      if (k != "_raw_params") merged.mutable_map().set(k, v);
    args = std::move(merged);
  }
  const Value* name = args.find("name");
  for (const char* alias : {"hostname", "host"})
    if (!name) name = args.find(alias);
  if (!name || name->is_null()) return failed_result("name, host or hostname needs to be provided");
  std::string host = name->is_string() ? name->as_string() : python_str(*name);
  Map host_vars;
  if (auto addr = inventory::parse_address(host); addr && addr->port) {
    host = addr->host;
    args.mutable_map().set("ansible_ssh_port", static_cast<std::int64_t>(*addr->port));
  }
  Value groups;
  for (const char* key : {"groupname", "groups", "group"})
    if (const Value* g = args.find(key); g && groups.is_null()) groups = *g;
  if (!groups.is_null() && !groups.is_list() && !groups.is_string() && loose_boolean(groups))
    return failed_result("Groups must be specified as a list.");
  // every other argument is a host variable (`host` and `group` too, as in Ansible)
  for (const auto& [k, v] : args.as_map())
    if (k != "name" && k != "hostname" && k != "groups" && k != "groupname") host_vars.set(k, v);
  List group_names;
  for (const auto& g : name_list(groups)) group_names.push_back(Value(g));
  Map add;
  add.set("host_name", host);
  add.set("groups", Value(std::move(group_names)));
  add.set("host_vars", Value(std::move(host_vars)));
  Map m;
  m.set("add_host", Value(std::move(add)));
  m.set("changed", false);
  return Value(std::move(m));
}

// group_by: the group this host joins (spaces become dashes, as in Ansible) and its parents.
Value run_group_by(ActionContext& ctx) {
  if (auto refused = check_action_args(ctx.args, group_by_doc, ctx.task.action)) return *refused;
  const Value* key = ctx.args.find("key");
  if (!key) return failed_result("the 'key' param is required when using group_by");
  auto dashed = [](std::string s) {
    std::replace(s.begin(), s.end(), ' ', '-');
    return s;
  };
  List parents;
  const Value* p = ctx.args.find("parents");
  if (!p) parents.push_back(Value("all"));
  else if (p->is_list())
    for (const Value& item : p->as_list()) parents.push_back(Value(dashed(python_str(item))));
  else
    parents.push_back(Value(dashed(python_str(*p))));
  Map m;
  m.set("add_group", dashed(python_str(*key)));
  m.set("changed", false);
  m.set("parent_groups", Value(std::move(parents)));
  return Value(std::move(m));
}

Value run_meta(ActionContext& ctx) {
  const std::string what = ctx.args.get_string("_raw_params");
  const std::optional<MetaAction> meta = meta_action_named(what);
  if (!meta) return failed_result("invalid meta action requested: " + what);
  ctx.meta = *meta;  // the executor acts on it
  Map m;
  m.set("changed", false);
  return Value(std::move(m));
}

// --- documentation (`drover doc`) ------------------------------------------------------------

namespace {

constexpr ReturnFieldDoc k_changed_false{"changed", "bool", "always", "Always false: nothing changes on the target."};

constexpr OptionDoc k_add_host_options[] = {
    {.name = "name", .description = "The host to add, optionally with :port.", .aliases = "host, hostname", .required = true},
    {.name = "groups", .type = "list", .description = "The groups the host joins (created when new).", .aliases = "group, groupname"},
};
constexpr ReturnFieldDoc k_add_host_returns[] = {
    {"add_host", "dict", "success", "host_name, groups and host_vars: what the run's inventory gains."}, k_changed_false};

constexpr OptionDoc k_assert_options[] = {
    {.name = "that", .type = "list", .description = "Conditions (as in when:) that must all be true.", .required = true},
    {.name = "fail_msg", .description = "The message of a failed assertion.", .aliases = "msg"},
    {.name = "success_msg", .description = "The message when every condition holds.", .default_value = "All assertions passed"},
    {.name = "quiet", .type = "bool", .description = "Do not show the result unless it fails.", .default_value = "false"},
};
constexpr ReturnFieldDoc k_assert_returns[] = {
    {"msg", "str", "always", "fail_msg or success_msg."},
    {"assertion", "str", "failed", "The first condition that was false, as written."},
    {"evaluated_to", "bool", "failed", "What it evaluated to."}};

constexpr OptionDoc k_debug_options[] = {
    {.name = "msg", .type = "raw", .description = "The message to print.", .default_value = "Hello world!"},
    {.name = "var", .description = "A variable name or expression whose value to print (not with msg)."},
    {.name = "verbosity", .type = "int", .description = "Only print at this -v level or above.", .default_value = "0"},
};
constexpr ReturnFieldDoc k_debug_returns[] = {
    {"msg", "raw", "with msg", "The message."}, {"VAR", "raw", "with var", "The variable's value, under its name."}};

constexpr OptionDoc k_fail_options[] = {
    {.name = "msg", .type = "raw", .description = "The failure's message.", .default_value = "Failed as requested from task"},
};
constexpr ReturnFieldDoc k_fail_returns[] = {{"msg", "raw", "always", "The message."}};

constexpr OptionDoc k_group_by_options[] = {
    {.name = "key", .description = "The group the host joins (spaces become dashes).", .required = true},
    {.name = "parents", .type = "list", .description = "The parent groups of the new group.", .default_value = "all"},
};
constexpr ReturnFieldDoc k_group_by_returns[] = {
    {"add_group", "str", "success", "The group joined."}, {"parent_groups", "list", "success", "Its parents."}};

constexpr OptionDoc k_include_vars_options[] = {
    {.name = "file", .type = "path", .description = "The YAML or JSON file of variables (or a free-form path), looked for in vars/ beside the play or role; vault and sops files are decrypted."},
    {.name = "name", .description = "Put the variables under this one variable instead of at the top level."},
};
constexpr ReturnFieldDoc k_include_vars_returns[] = {
    {"ansible_facts", "dict", "success", "The variables loaded."},
    {"ansible_included_var_files", "list", "success", "The file read."}};

constexpr OptionDoc k_meta_options[] = {
    {.name = "free_form", .description = "What to do.", .choices = "clear_facts, end_batch, end_host, end_play, flush_handlers, noop, refresh_inventory", .required = true},
};
constexpr ReturnFieldDoc k_meta_returns[] = {k_changed_false};

constexpr OptionDoc k_set_fact_options[] = {
    {.name = "key_value", .type = "raw", .description = "Any number of NAME: value pairs, set as host variables for the rest of the run.", .required = true},
    {.name = "cacheable", .type = "bool", .description = "Accepted for compatibility (drover has no fact cache).", .default_value = "false"},
};
constexpr ReturnFieldDoc k_set_fact_returns[] = {{"ansible_facts", "dict", "success", "The variables set."}};

}  // namespace

const ActionDoc add_host_doc{
    .description = "Adds a host, and groups, to the inventory of this run (not to any inventory file). Other keys become the host's variables.\nThe action runs once per play, not once per host, as Ansible's does.",
    .options = k_add_host_options,
    .returns = k_add_host_returns,
    .example = "- name: The new server joins the web group\n  ansible.builtin.add_host:\n    name: \"{{ new_ip }}\"\n    groups: web\n    ansible_user: admin\n",
    .closed_options = false};
const ActionDoc assert_doc{
    .description = "Fails the task unless every condition in that is true. Runs on the control node.",
    .options = k_assert_options,
    .returns = k_assert_returns,
    .example = "- ansible.builtin.assert:\n    that:\n      - ansible_memtotal_mb >= 1024\n    fail_msg: not enough memory\n"};
const ActionDoc debug_doc{
    .description = "Prints a message or the value of a variable or expression. Runs on the control node.",
    .options = k_debug_options,
    .returns = k_debug_returns,
    .example = "- ansible.builtin.debug:\n    var: ansible_default_ipv4.address\n- ansible.builtin.debug:\n    msg: \"{{ inventory_hostname }} runs {{ ansible_distribution }}\"\n"};
const ActionDoc fail_doc{
    .description = "Fails the task with a message. Runs on the control node.",
    .options = k_fail_options,
    .returns = k_fail_returns,
    .example = "- ansible.builtin.fail:\n    msg: this play needs Debian\n  when: ansible_os_family != 'Debian'\n"};
const ActionDoc group_by_doc{
    .description = "Puts each host in a group named from a key (a fact, usually), for later plays to target.",
    .options = k_group_by_options,
    .returns = k_group_by_returns,
    .example = "- ansible.builtin.group_by:\n    key: os_{{ ansible_distribution }}\n"};
const ActionDoc include_vars_doc{
    .description = "Loads variables from a file on the control node into the host's variables.",
    .options = k_include_vars_options,
    .returns = k_include_vars_returns,
    .example = "- ansible.builtin.include_vars: \"{{ ansible_os_family }}.yml\"\n",
    .closed_options = false};
const ActionDoc meta_doc{
    .description = "Controls the run: run the notified handlers now, end the play, the batch or the host, clear facts.",
    .options = k_meta_options,
    .returns = k_meta_returns,
    .example = "- ansible.builtin.meta: flush_handlers\n",
    .closed_options = false};
const ActionDoc set_fact_doc{
    .description = "Sets variables of the host for the rest of the run. Runs on the control node.",
    .options = k_set_fact_options,
    .returns = k_set_fact_returns,
    .example = "- ansible.builtin.set_fact:\n    release: \"{{ ansible_distribution_release }}\"\n",
    .closed_options = false};

}  // namespace drover::action
