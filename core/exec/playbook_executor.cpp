#include "core/exec/playbook_executor.hpp"

#include <algorithm>
#include <filesystem>
#include <unistd.h>

#include <iostream>
#include <random>

#include "core/exec/strategy.hpp"
#include "core/output/display.hpp"
#include "core/output/log_file.hpp"
#include "core/playbook/serial.hpp"
#include "core/secrets/vars_file.hpp"
#include "core/template/ansible_support.hpp"
#include "core/value/boolean.hpp"
#include "core/value/python_repr.hpp"
#include "core/vars/scope.hpp"

namespace drover::exec {

namespace fs = std::filesystem;

namespace {

Value play_scope_template(const Value& v, const Value& play_vars, const RunOptions& opts,
                          std::span<const tmpl::LookupRow> lookups) {
  vars::Scope scope;
  scope.push(play_vars);
  scope.push(opts.extra_vars);
  tmpl::Templar t(scope, tmpl::TemplateOptions{.result_types = opts.result_types, .lookups = lookups});
  return t.template_value(v);
}

// vars: then vars_files, each file relative to the playbook's folder.
Value load_play_vars(const playbook::Play& play, const playbook::Playbook& pb, const RunOptions& opts,
                     std::span<const tmpl::LookupRow> lookups) {
  Value vars = play.vars.is_map() ? play.vars : Value::map();
  for (const Value& entry : play.vars_files) {
    // a list entry means "the first of these that exists"
    List candidates = entry.is_list() ? entry.as_list() : List{entry};
    bool loaded = false;
    std::string tried;
    for (const Value& c : candidates) {
      Value name = play_scope_template(c, vars, opts, lookups);
      if (!name.is_string()) continue;
      fs::path p = name.as_string();
      if (p.is_relative()) p = fs::path(pb.dir) / p;
      tried += (tried.empty() ? "" : ", ") + p.string();
      if (!fs::exists(p)) continue;
      Value file_vars = secrets::load_vars_file(p.string());
      if (file_vars.is_map()) vars = combine_vars(vars, file_vars);
      loaded = true;
      break;
    }
    if (!loaded)
      throw SourceError(play.where, "vars file not found: " + tried,
                        "vars_files paths are relative to the playbook's folder", ExitCode::error);
  }
  return vars;
}

Value play_magic(const playbook::Play& play, const playbook::Playbook& pb, const RunOptions& opts,
                 const inventory::Inventory& inv, const std::vector<HostState*>& hosts,
                 const std::shared_ptr<HostVars>& hostvars) {
  Map m;
  List names;
  for (const HostState* h : hosts) names.push_back(Value(h->name));
  m.set("ansible_play_hosts", Value(names));
  m.set("ansible_play_batch", Value(names));
  m.set("ansible_play_hosts_all", Value(names));
  m.set("play_hosts", Value(names));
  m.set("ansible_play_name", play.name);
  // role_names / ansible_play_role_names: the play's roles and import_role's, in order and with
  // repeats, as Ansible lists play.roles; ansible_role_names adds the dependencies, once each
  // (Ansible builds it from a set, so its order is arbitrary there)
  auto once_each = [](const std::vector<std::string>& names) {
    List out;
    for (const auto& r : names)
      if (std::find(out.begin(), out.end(), Value(r)) == out.end()) out.push_back(Value(r));
    return out;
  };
  List play_roles, all_roles = once_each(play.all_role_names);
  for (const auto& r : play.role_names) play_roles.push_back(Value(r));
  m.set("ansible_dependent_role_names", Value(once_each(play.dependency_role_names)));
  m.set("role_names", Value(play_roles));
  m.set("ansible_play_role_names", Value(play_roles));
  m.set("ansible_role_names", Value(std::move(all_roles)));
  m.set("playbook_dir", pb.dir);
  m.set("groups", inv.groups_var());
  m.set("hostvars", Value(std::static_pointer_cast<Object>(hostvars)));
  m.set("ansible_check_mode", opts.check);
  m.set("ansible_diff_mode", opts.diff);
  m.set("ansible_verbosity", opts.verbosity);
  // Ansible's options vars (load_options_vars): ansible_limit only with -l; no
  // ansible_playbook_python, as nothing of drover's runs in Python
  m.set("ansible_forks", opts.forks);
  if (!opts.limit.empty()) m.set("ansible_limit", opts.limit);
  List sources;
  for (const auto& s : opts.inventory_sources) sources.push_back(Value(s));
  m.set("ansible_inventory_sources", Value(std::move(sources)));
  m.set("ansible_config_file", opts.config_file.empty() ? Value() : Value(opts.config_file));
  m.set("omit", tmpl::Templar::omit_token());
  Map version;
  version.set("full", "2.14.0");
  version.set("major", 2);
  version.set("minor", 14);
  version.set("revision", 0);
  version.set("string", "2.14.0");
  m.set("ansible_version", Value(std::move(version)));
  m.set("drover_version", DROVER_VERSION);
  List run_tags, skip_tags;
  for (const auto& t : opts.tags) run_tags.push_back(Value(t));
  if (run_tags.empty()) run_tags.push_back(Value("all"));
  for (const auto& t : opts.skip_tags) skip_tags.push_back(Value(t));
  m.set("ansible_run_tags", Value(std::move(run_tags)));
  m.set("ansible_skip_tags", Value(std::move(skip_tags)));
  return Value(std::move(m));
}

// A random salt of `size` characters from crypt's alphabet.
std::string random_salt(std::size_t size) {
  static constexpr std::string_view k_alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::random_device rd;
  std::string out;
  for (std::size_t i = 0; i < size; ++i) out += k_alphabet[rd() % k_alphabet.size()];
  return out;
}

// vars_prompt's `encrypt`: the crypt schemes drover has (sha512_crypt, sha256_crypt).
std::string encrypted(const std::string& value, const Value& spec, const SourceLocation& where) {
  const std::string scheme = spec.get_string("encrypt");
  const int variant = scheme == "sha512_crypt" ? 6 : scheme == "sha256_crypt" ? 5 : 0;
  if (!variant)
    throw SourceError(where, "vars_prompt encrypt: '" + scheme + "' is not a scheme drover has",
                      "use sha512_crypt or sha256_crypt", ExitCode::error);
  std::string salt = spec.get_string("salt");
  if (salt.empty()) {
    const Value* size = spec.find("salt_size");
    salt = random_salt(size && size->is_int() ? static_cast<std::size_t>(size->as_int()) : 16);
  }
  return tmpl::sha_crypt(variant, value, salt, 0);
}

// Ansible's vars_prompt (PlaybookExecutor, Display.do_var_prompt): a variable given with -e is
// not asked for; on a terminal the answer (empty: the default) sets it as a play variable.
// Without a terminal Ansible takes the default, or sets the string 'None'; drover stops with an
// error naming the variable instead.
void prompt_vars(const playbook::Play& play, Value& play_vars, const RunOptions& opts, RunContext& rc,
                 bool& warned) {
  for (const Value& spec : play.vars_prompt) {
    const std::string name = python_str(spec.get("name"));
    if (opts.extra_vars.find(name)) continue;
    const Value* prompt_v = spec.find("prompt");
    const std::string prompt = prompt_v && !prompt_v->is_null() ? python_str(*prompt_v) : name;
    const Value* default_v = spec.find("default");
    const bool has_default = default_v && !default_v->is_null();
    std::string value;
    if (rc.ask_var) {
      const std::string msg = has_default ? prompt + " [" + python_str(*default_v) + "]: " : prompt + ": ";
      const Value* priv = spec.find("private");
      const Value* confirm = spec.find("confirm");
      value = rc.ask_var(msg, !priv || loose_boolean(*priv), confirm && loose_boolean(*confirm));
    } else {
      if (!warned) rc.bus->on_warning("Not prompting as we are not in interactive mode");
      warned = true;
      if (!has_default)
        throw SourceError(play.where,
                          "vars_prompt: cannot ask for '" + name + "' (" + prompt + "): stdin is not a terminal and the "
                          "prompt has no default",
                          "give the variable on the command line (-e " + name + "=...) or a `default:` in the prompt",
                          ExitCode::error);
    }
    if (value.empty() && has_default) value = python_str(*default_v);
    if (spec.get_truthy("encrypt")) value = encrypted(value, spec, play.where);
    Value v(value);
    if (spec.get_truthy("unsafe")) v.add_mark(Mark::unsafe);
    play_vars.mutable_map().set(name, std::move(v));
  }
}

bool known_order(const std::string& order) {
  for (const char* known : {"", "inventory", "reverse_inventory", "reverse_sorted", "shuffle", "sorted"})
    if (order == known) return true;
  return false;
}

// The play's hosts in the order its `order` keyword asks for (Ansible's InventoryManager.get_hosts).
std::vector<HostState*> ordered_hosts(std::vector<HostState*> hosts, const std::string& order) {
  auto by_name = [](const HostState* a, const HostState* b) { return a->name < b->name; };
  if (order == "sorted") std::stable_sort(hosts.begin(), hosts.end(), by_name);
  else if (order == "reverse_sorted") std::stable_sort(hosts.rbegin(), hosts.rend(), by_name);
  else if (order == "reverse_inventory") std::reverse(hosts.begin(), hosts.end());
  else if (order == "shuffle") std::shuffle(hosts.begin(), hosts.end(), std::mt19937(std::random_device{}()));
  return hosts;
}

std::string play_keyword_text(const Value& v, const Value& play_vars, const RunOptions& opts,
                              std::span<const tmpl::LookupRow> lookups) {
  Value out = play_scope_template(v, play_vars, opts, lookups);
  return out.is_string() ? out.as_string() : "";
}

// `serial` cut into batches of hosts, in play order. A bad value (a template that rendered to
// something that is not a batch size) is an error at the play.
std::vector<std::vector<HostState*>> serial_batches(const playbook::Play& play, const std::vector<HostState*>& hosts,
                                                    const Value& play_vars, const RunOptions& opts,
                                                    std::span<const tmpl::LookupRow> lookups) {
  Value serial = play.serial;
  if (!serial.is_null()) {
    try {
      serial = play_scope_template(serial, play_vars, opts, lookups);
    } catch (const tmpl::TemplateError& e) {
      throw SourceError(play.where, e.what(), "serial takes a number of hosts, a percentage or a list of those", ExitCode::error);
    }
  }
  auto sizes = playbook::serial_batches(serial, hosts.size());
  if (!sizes)
    throw SourceError(play.where, "invalid serial value: a batch size is a number of hosts or a percentage",
                      "write `serial: 2`, `serial: \"30%\"` or a list such as `serial: [1, 5, \"50%\"]`", ExitCode::error);
  std::vector<std::vector<HostState*>> batches;
  auto next = hosts.begin();
  for (std::size_t size : *sizes) {
    batches.emplace_back(next, next + static_cast<std::ptrdiff_t>(size));
    next += static_cast<std::ptrdiff_t>(size);
  }
  return batches;
}

// Display.error() as ansible-playbook prints it: "\n[ERROR]: text" through textwrap.wrap, which
// turns the newline into the first line's leading space.
void print_start_at_not_found(const std::string& pattern) {
  const std::string msg = "#[ERROR]: No matching task \"" + pattern +
                          "\" found. Note: --start-at-task can only follow static includes.";
  std::vector<std::string> lines = output::wrap_text(msg, output::banner_columns(STDOUT_FILENO));
  lines.front().front() = ' ';
  for (const auto& line : lines) std::cerr << line << "\n";
}

// Runs one serial batch of a play with the play's strategy; returns how it ended.
PlayEnd run_batch(const playbook::Play& play, const std::string& strategy, const playbook::Playbook& pb,
                  RunContext& rc, HostRegistry& registry, const std::vector<HostState*>& matched,
                  const std::vector<HostState*>& batch, WorkerPool<TaskOutcome>& pool, StartAt& start_at,
                  const Value& play_vars, vars::FactCache& fact_cache) {
  const RunOptions& opts = *rc.options;
  inventory::Inventory& inv = *rc.inventory;
  auto hostvars = std::make_shared<HostVars>(inv, registry);
  PlayContext ctx;
  ctx.playbook = &pb;
  ctx.play = &play;
  ctx.options = &opts;
  ctx.inventory = &inv;
  ctx.hosts = &registry;
  ctx.play_vars = play_vars;
  ctx.magic = play_magic(play, pb, opts, inv, batch, hostvars);
  ctx.search_paths = {pb.dir};
  ctx.actions = rc.actions;
  ctx.make_target = rc.make_target;
  ctx.connection_defaults = rc.connection_defaults;
  ctx.lookups = rc.lookups;
  // ansible_play_hosts_all is in inventory order whatever the play's `order`
  ctx.play_hosts_all = matched;
  ctx.start_at = start_at.pattern.empty() ? nullptr : &start_at;
  ctx.step = rc.ask_step ? &rc.ask_step : nullptr;
  if (rc.load_inventory)
    ctx.refresh_inventory = [&rc, &inv, &registry, &pb, hostvars] {
      inv.replace_with_refreshed(rc.load_inventory());
      inv.add_vars_dir(pb.dir);
      registry.rebind();
      hostvars->invalidate();
    };
  ctx.fact_cache = &fact_cache;
  std::unique_ptr<PlayExecutor> executor = make_strategy(strategy, play, ctx, *rc.bus, pool, *hostvars, batch);
  try {
    executor->run();
  } catch (const RunInterrupted&) {
    pool.drain();  // the jobs still running point into this play's state
    return PlayEnd::ended;
  }
  return executor->end();
}

}  // namespace

ExitCode run_playbook(const playbook::Playbook& pb, RunContext& rc) {
  const RunOptions& opts = *rc.options;
  inventory::Inventory& inv = *rc.inventory;
  inv.add_vars_dir(pb.dir);
  output::EventBus& bus = *rc.bus;
  vars::FactCache fact_cache(opts.fact_cache);
  // --flush-cache: every inventory host's cached facts go, as Ansible's _flush_cache does
  if (opts.flush_cache)
    for (const auto* h : inv.select("all")) fact_cache.remove(h->name);
  HostRegistry registry(inv, &fact_cache);
  std::map<std::string, bool> ever_failed, ever_unreachable;
  WorkerPool<TaskOutcome> pool(opts.forks);
  StartAt start_at{opts.start_at_task};
  bool warned_no_prompt = false;  // "Not prompting as we are not in interactive mode", once
  bool playbook_broken = false;  // a batch failed entirely, or a failure limit broke a play off
  bool errors_cleared = false;   // clear_host_errors ran: the exit code follows the hosts' state
  PlayEnd worst_end = PlayEnd::completed;
  bus.on_playbook_start(pb.path);
  for (const auto& play : pb.plays) {
    if (g_interrupted || playbook_broken) break;
    Value play_vars = load_play_vars(play, pb, opts, rc.lookups);
    prompt_vars(play, play_vars, opts, rc, warned_no_prompt);
    Value pattern = play_scope_template(Value(play.hosts), play_vars, opts, rc.lookups);
    std::string pat = pattern.is_string() ? pattern.as_string() : play.hosts;
    output::PlayInfo info;
    Value name = play_scope_template(Value(play.name), play_vars, opts, rc.lookups);
    info.name = name.is_string() ? name.as_string() : play.name;
    info.hosts = pat;
    info.check_mode = opts.check;
    info.strategy = play.strategy.empty() ? opts.strategy : play_keyword_text(Value(play.strategy), play_vars, opts, rc.lookups);
    // a host that failed or went unreachable in an earlier play stays in the play's host lists
    // and batches (as in Ansible) but runs nothing (its HostState keeps the mark)
    std::vector<HostState*> matched;
    for (const auto* h : inv.select(pat, opts.limit)) {
      HostState& st = registry.get(h->name);
      if (!ever_unreachable[h->name] && !ever_failed[h->name]) st.failed = false;
      matched.push_back(&st);
    }
    if (matched.empty()) {
      bus.on_play_start(info);
      bus.on_no_hosts_matched();
      continue;
    }
    const std::string order = play.order.empty() ? "" : play_keyword_text(Value(play.order), play_vars, opts, rc.lookups);
    if (!known_order(order))
      throw SourceError(play.where, "Invalid 'order' specified for inventory hosts: " + order,
                        "order is one of: inventory, reverse_inventory, reverse_sorted, shuffle, sorted", ExitCode::error);
    for (const auto& w : fact_cache.take_warnings()) bus.on_warning(w);
    for (auto& batch : serial_batches(play, ordered_hosts(matched, order), play_vars, opts, rc.lookups)) {
      if (g_interrupted) break;
      bus.on_play_start(info);  // Ansible prints the play's banner for every batch
      PlayEnd end = run_batch(play, info.strategy, pb, rc, registry, matched, batch, pool, start_at, play_vars, fact_cache);
      for (HostState* h : matched) {
        if (!h->errors_cleared) continue;  // meta: clear_host_errors: earlier failures are forgotten
        h->errors_cleared = false;
        ever_failed[h->name] = ever_unreachable[h->name] = false;
        errors_cleared = true;
      }
      std::size_t failed_now = 0;
      for (HostState* h : batch) {
        bool before = ever_failed[h->name] || ever_unreachable[h->name];
        if (h->failed) ever_failed[h->name] = true;
        if (h->unreachable) ever_unreachable[h->name] = true;
        if (!before && (h->failed || h->unreachable)) ++failed_now;
      }
      // Ansible's PlaybookExecutor: a batch in which every host failed, or a failure limit,
      // ends the playbook (no later batch, no later play)
      if (end == PlayEnd::broken) worst_end = PlayEnd::broken;
      if (end == PlayEnd::broken || failed_now == batch.size()) {
        playbook_broken = true;
        break;
      }
      if (end == PlayEnd::ended) break;  // meta: end_play ends every batch of the play
    }
  }
  registry.close_all();
  if (g_interrupted) output::LogFile::write("[ERROR]: User interrupted execution");  // the handler printed it
  bus.emit_stats();
  bus.on_playbook_end();
  if (start_at.pending() && !g_interrupted)
    print_start_at_not_found(start_at.pattern);
  if (worst_end == PlayEnd::broken && !g_interrupted) return ExitCode::host_failed;  // Ansible's RUN_FAILED_HOSTS
  ExitCode code = output::exit_code_for(bus.stats(), g_interrupted ? output::RunEnd::interrupted : output::RunEnd::completed);
  // a host can fail without a result in the stats (an include_role whose role is missing)
  const bool any_failed = std::any_of(ever_failed.begin(), ever_failed.end(), [](const auto& kv) { return kv.second; });
  if (code == ExitCode::ok && any_failed) code = ExitCode::host_failed;
  if (errors_cleared && code != ExitCode::interrupted) {
    // as Ansible's, from the hosts still failed or unreachable (the recap keeps its counts)
    const bool any_unreachable = std::any_of(ever_unreachable.begin(), ever_unreachable.end(), [](const auto& kv) { return kv.second; });
    code = any_unreachable ? ExitCode::host_unreachable : any_failed ? ExitCode::host_failed : ExitCode::ok;
  }
  return code;
}

ExitCode run_adhoc(const std::string& pattern, const std::string& module, const Value& args,
                   RunContext& rc) {
  playbook::Playbook pb;
  pb.path = "";
  pb.dir = fs::current_path().string();
  playbook::Play play;
  play.name = "Ansible Ad-Hoc";
  play.hosts = pattern;
  play.gather_facts = false;
  playbook::Task task;
  task.action = module;
  task.args = args;
  play.tasks.push_back(task);
  pb.plays.push_back(play);
  return run_playbook(pb, rc);
}

}  // namespace drover::exec
