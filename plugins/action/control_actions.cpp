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
  const Value* msg = ctx.args.find("msg");
  Value r = failed_result("Failed as requested from task");
  if (msg) r.mutable_map().set("msg", *msg);
  return r;
}

Value run_assert(ActionContext& ctx) {
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

}  // namespace drover::action
