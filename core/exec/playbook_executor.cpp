#include "core/exec/playbook_executor.hpp"

#include <algorithm>
#include <filesystem>

#include "core/exec/play_executor.hpp"
#include "core/secrets/vars_file.hpp"
#include "core/vars/scope.hpp"

namespace drover::exec {

namespace fs = std::filesystem;

std::atomic<bool> g_interrupted{false};

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
      if (file_vars.is_map())
        for (const auto& [k, v] : file_vars.as_map()) vars.mutable_map().set(k, v);
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

}  // namespace

ExitCode run_playbook(const playbook::Playbook& pb, RunContext& rc) {
  const RunOptions& opts = *rc.options;
  inventory::Inventory& inv = *rc.inventory;
  inv.add_vars_dir(pb.dir);
  output::EventBus& bus = *rc.bus;
  HostRegistry registry(inv);
  std::map<std::string, bool> ever_failed, ever_unreachable;
  WorkerPool<TaskOutcome> pool(opts.forks);
  bus.on_playbook_start(pb.path);
  for (const auto& play : pb.plays) {
    if (g_interrupted) break;
    Value play_vars = load_play_vars(play, pb, opts, rc.lookups);
    Value pattern = play_scope_template(Value(play.hosts), play_vars, opts, rc.lookups);
    std::string pat = pattern.is_string() ? pattern.as_string() : play.hosts;
    output::PlayInfo info;
    Value name = play_scope_template(Value(play.name), play_vars, opts, rc.lookups);
    info.name = name.is_string() ? name.as_string() : play.name;
    info.hosts = pat;
    info.check_mode = opts.check;
    bus.on_play_start(info);
    std::vector<HostState*> hosts;
    for (const auto* h : inv.select(pat, opts.limit)) {
      HostState& st = registry.get(h->name);
      // a host that failed or went unreachable in an earlier play stays out of later ones
      if (ever_unreachable[h->name] || ever_failed[h->name]) continue;
      st.failed = false;
      hosts.push_back(&st);
    }
    if (hosts.empty()) {
      bus.on_no_hosts_matched();
      continue;
    }
    auto hostvars = std::make_shared<HostVars>(inv, registry);
    PlayContext ctx;
    ctx.playbook = &pb;
    ctx.play = &play;
    ctx.options = &opts;
    ctx.inventory = &inv;
    ctx.hosts = &registry;
    ctx.play_vars = play_vars;
    ctx.magic = play_magic(play, pb, opts, inv, hosts, hostvars);
    ctx.search_paths = {pb.dir};
    ctx.actions = rc.actions;
    ctx.make_target = rc.make_target;
    ctx.connection_defaults = rc.connection_defaults;
    ctx.lookups = rc.lookups;
    PlayExecutor executor(ctx, bus, pool, *hostvars, hosts);
    executor.run();
    for (HostState* h : hosts) {
      if (h->failed) ever_failed[h->name] = true;
      if (h->unreachable) ever_unreachable[h->name] = true;
    }
  }
  registry.close_all();
  bus.emit_stats();
  bus.on_playbook_end();
  ExitCode code = output::exit_code_for(bus.stats(), g_interrupted ? output::RunEnd::interrupted : output::RunEnd::completed);
  // a host can fail without a result in the stats (an include_role whose role is missing)
  const bool any_failed = std::any_of(ever_failed.begin(), ever_failed.end(), [](const auto& kv) { return kv.second; });
  if (code == ExitCode::ok && any_failed) code = ExitCode::host_failed;
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
