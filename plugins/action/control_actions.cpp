// Actions that run entirely on the control node.
#include <filesystem>

#include "core/secrets/vars_file.hpp"
#include "core/value/boolean.hpp"
#include "core/value/json.hpp"
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
    for (const auto& item : v.as_list()) out.emplace_back(item, text(item));
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
    } catch (const tmpl::TemplateError&) {
      v = Value("VARIABLE IS NOT DEFINED!");
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
  m.set("changed", false);
  return Value(std::move(m));
}

Value run_include_vars(ActionContext& ctx) {
  std::string file = ctx.args.get_string("file", ctx.args.get_string("_raw_params"));
  if (file.empty()) return failed_result("include_vars needs a file (file= or a free-form path)");
  std::string path = find_file(ctx.search_paths, "vars", file);
  if (path.empty()) return failed_result("Could not find or access '" + file + "'");
  Value vars = secrets::load_vars_file(path);
  if (!vars.is_map()) return failed_result("'" + file + "' must hold a mapping of variables");
  std::string name = ctx.args.get_string("name");
  Map m;
  if (!name.empty()) {
    Map wrapped;
    wrapped.set(name, vars);
    vars = Value(std::move(wrapped));
  }
  m.set("ansible_facts", vars);
  m.set("ansible_included_var_files", Value::list({Value(path)}));
  m.set("changed", false);
  return Value(std::move(m));
}

Value run_meta(ActionContext& ctx) {
  static constexpr std::pair<std::string_view, MetaAction> k_meta[] = {
      {"clear_facts", MetaAction::clear_facts}, {"end_batch", MetaAction::end_batch},
      {"end_host", MetaAction::end_host},
      {"end_play", MetaAction::end_play},       {"flush_handlers", MetaAction::flush_handlers},
      {"noop", MetaAction::noop},               {"refresh_inventory", MetaAction::refresh_inventory},
  };
  const std::string what = ctx.args.get_string("_raw_params");
  for (const auto& [name, meta] : k_meta) {
    if (name != what) continue;
    ctx.meta = meta;  // the executor acts on it
    Map m;
    m.set("changed", false);
    return Value(std::move(m));
  }
  return failed_result("invalid meta action requested: " + what);
}

}  // namespace drover::action
