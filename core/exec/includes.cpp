// include_tasks and include_role in the strategy (Ansible's IncludedFile and the linear
// strategy's handling of included files). The include task itself runs through the task executor
// like any task (when, loop and arguments per host); what it answers names a file or a role.
#include <filesystem>
#include <iostream>

#include "core/exec/play_executor.hpp"
#include "core/playbook/parser.hpp"
#include "core/playbook/roles.hpp"
#include "core/secrets/redactor.hpp"
#include "core/value/boolean.hpp"
#include "core/value/json.hpp"

namespace drover::exec {

namespace fs = std::filesystem;

using output::Status;


namespace {

// The include result(s) of one host: one per loop item, or the result itself.
List include_results(const playbook::Task& task, const Value& result) {
  if (!task.has_loop) return List{result};
  const Value* results = result.find("results");
  return results && results->is_list() ? results->as_list() : List{};
}

// The loop variables an included file sees (IncludedFile's special_vars), with the item label.
Value loop_variables(const playbook::Task& task, const Value& result) {
  Map special;
  if (!task.has_loop) return Value(std::move(special));
  const std::string loop_var = result.get_string("ansible_loop_var", "item");
  if (const Value* v = result.find(loop_var)) special.set(loop_var, *v);
  const std::string index_var = result.get_string("ansible_index_var");
  if (const Value* v = index_var.empty() ? nullptr : result.find(index_var)) special.set(index_var, *v);
  if (const Value* v = result.find("ansible_loop")) special.set("ansible_loop", *v);
  if (const Value* label = result.find("_ansible_item_label")) special.set("_ansible_item_label", *label);
  else if (const Value* item = result.find(loop_var)) special.set("_ansible_item_label", *item);
  return Value(std::move(special));
}

// include_tasks' file: beside the task's own file, in its role's tasks/, or in the playbook's
// folder; when none exists, the path Ansible would name in its error.
std::string resolve_tasks_file(const std::string& target, const playbook::Task& task, const std::string& playbook_dir) {
  auto norm = [](const fs::path& p) { return fs::absolute(p).lexically_normal().string(); };
  if (fs::path(target).is_absolute()) return norm(target);
  std::vector<fs::path> candidates;
  if (task.where.known()) candidates.push_back(fs::path(task.where.file).parent_path() / target);
  if (task.role) candidates.push_back(fs::path(task.role->path) / "tasks" / target);
  candidates.push_back(fs::path(playbook_dir) / target);
  for (const auto& c : candidates)
    if (fs::is_regular_file(c)) return norm(c);
  return norm(task.role ? fs::path(task.role->path) / "tasks" / target : fs::path(playbook_dir) / target);
}

// `apply:` of include_tasks/include_role: keywords for a block around what is included.
playbook::Task apply_keywords(const Value& apply) {
  playbook::Task k;
  if (!apply.is_map()) return k;
  auto strings = [](const Value& v) {
    std::vector<std::string> out;
    if (v.is_list())
      for (const auto& item : v.as_list()) out.push_back(item.is_string() ? item.as_string() : dump_json(item));
    else if (v.is_string())
      out.push_back(v.as_string());
    return out;
  };
  for (const auto& [key, v] : apply.as_map()) {
    if (key == "tags") k.tags = strings(v);
    else if (key == "when") k.when = strings(v);
    else if (key == "vars" && v.is_map()) k.vars = v;
    else if (key == "become") k.become = v;
    else if (key == "become_user") k.become_user = v;
    else if (key == "become_method") k.become_method = v;
    else if (key == "become_flags") k.become_flags = v;
    else if (key == "become_exe") k.become_exe = v;
    else if (key == "ignore_errors") k.ignore_errors = v;
    else if (key == "no_log") k.no_log = v;
    else if (key == "environment") k.environment = v;
    else if (key == "check_mode") k.check_mode = v;
    else if (key == "diff") k.diff = v;
  }
  return k;
}

// `children` as one block with the `apply:` keywords on it.
playbook::Task apply_block(std::vector<playbook::Task> children, const Value& apply, const SourceLocation& where) {
  playbook::Task k = apply_keywords(apply);
  playbook::inherit_keywords(children, k);
  k.where = where;
  k.block = std::move(children);
  return k;
}

}  // namespace

void PlayExecutor::run_include(const playbook::Task& task, const Frame& frame, const std::vector<HostState*>& hosts) {
  if (hosts.empty()) return;
  const output::TaskInfo info = task_info(task, false);
  m_bus.on_task_start(info);
  for (HostState* h : hosts) m_pool.submit([run = TaskRun{&task, frame.vars, h, &m_ctx, false, frame.include_vars}] {
    return execute_task(run);
  });
  std::vector<TaskOutcome> outcomes;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    TaskOutcome o = next_outcome(m_pool);
    show_include_outcome(o, info, frame);
    outcomes.push_back(std::move(o));
  }
  for (const auto& o : outcomes) apply(o, task, false, frame);
  m_hostvars.invalidate();
  refresh_play_hosts();
  check_any_errors_fatal(task, frame, false, outcomes);
  if (!m_end_play) check_max_fail_percentage();
  if (m_end_play) return;
  std::vector<Inclusion> inclusions = group_inclusions(task, outcomes);
  load_inclusions(task, inclusions, frame, info);
  refresh_play_hosts();
  check_max_fail_percentage();
  // Ansible 2.14 says "NO MORE HOSTS LEFT" only when a failure limit ends the play
  if (m_end_play || (!hosts_remaining() && !frame.in_rescuable_block)) return;
  for (Inclusion& inc : inclusions)
    if (inc.loaded && inc.block.is_block()) run_inclusion(inc, frame);
}

void PlayExecutor::show_include_outcome(TaskOutcome& o, const output::TaskInfo& info, const Frame& frame) {
  // the default callback shows nothing for an include's ok results (they count when the file
  // loads); skipped and failed ones show as for any task
  for (auto& item : o.items) {
    if (item.status == Status::ok || item.status == Status::changed) continue;
    item.task = info;
    m_bus.on_item_result(item);
  }
  if (o.status != Status::ok && o.status != Status::changed) {
    output::HostResult hr{o.host, info, o.status, o.result, o.status == Status::failed && o.ignored};
    hr.rescued = o.status == Status::failed && !o.ignored && frame.in_rescuable_block;
    m_bus.on_host_result(hr);
  }
}

void PlayExecutor::load_inclusions(const playbook::Task& task, std::vector<Inclusion>& inclusions, const Frame& frame,
                                   const output::TaskInfo& info) {
  // a host that fails while its file loads counts as a task failure (force_handlers, the limits)
  auto mark_failed = [&](HostState* h) {
    h->failed = true;
    m_failed_in_section.insert(h);
    if (!frame.in_rescuable_block && !frame.in_always_block) m_failed_for_limit.insert(h);
  };
  const playbook::RuntimeLoader loader{
      m_ctx.playbook, [this](std::string_view name) { return action::find_action(m_ctx.actions, name) != nullptr; },
      &m_role_uses};
  // Ansible loads (and announces) every included file before it runs any of them.
  for (Inclusion& inc : inclusions) {
    try {
      if (is_include_tasks(task.action)) {
        if (!fs::is_regular_file(inc.target))
          throw Fatal("Could not find or access '" + inc.target + "' on the Ansible Controller.");
        inc.block = apply_block(playbook::load_included_tasks(loader, inc.target, task.role),
                                inc.args.get("apply"), task.where);
        m_bus.on_include(output::IncludeInfo{inc.target, inc.hosts, inc.special, info});
      } else {
        Value role_args = inc.args;
        role_args.mutable_map().erase("apply");
        role_args.mutable_map().erase("public");
        playbook::IncludedRole role =
            playbook::load_included_role(loader, role_args, Value::map(), task.role, task.where);
        std::vector<playbook::Task> children;
        if (role.block.is_block()) children.push_back(std::move(role.block));
        inc.block = apply_block(std::move(children), inc.args.get("apply"), task.where);
        for (auto& h : role.handlers) m_handlers.push_back(std::move(h));
        if (const Value* visible = inc.args.find("public"); visible && loose_boolean(*visible))
          publish_role(role.role->name, role.defaults, role.exports);
      }
      inc.loaded = true;
    } catch (const playbook::RoleNotFound& e) {
      // Ansible shows the error and takes the hosts out of the play, without a result for them
      std::cerr << "ERROR! " << secrets::Redactor::global().mask(e.what()) << "\n";
      for (const std::string& name : inc.hosts)
        if (HostState* h = m_ctx.hosts->find(name)) mark_failed(h);
    } catch (const SourceError&) {
      throw;  // a file that does not parse ends the run, as Ansible's AnsibleParserError does
    } catch (const Fatal& e) {
      // a file that is not there fails the hosts that include it, in Ansible's words
      const std::string reason = e.what();
      for (const std::string& name : inc.hosts) {
        Value result(Map{{"failed", true}, {"reason", reason}});
        m_bus.on_host_result(output::HostResult{name, info, Status::failed, result});
        if (HostState* h = m_ctx.hosts->find(name)) mark_failed(h);
      }
    }
  }
}

std::vector<PlayExecutor::Inclusion> PlayExecutor::group_inclusions(const playbook::Task& task,
                                                                    const std::vector<TaskOutcome>& outcomes) {
  std::vector<Inclusion> groups;
  for (const TaskOutcome& o : outcomes) {
    if (o.status == Status::unreachable) continue;
    for (const Value& r : include_results(task, o.result)) {
      if (r.get_truthy("skipped") || r.get_truthy("failed") || !r.find("include")) continue;
      Inclusion inc;
      inc.args = r.get("include_args");
      inc.target = r.get_string("include");
      if (is_include_tasks(task.action)) inc.target = resolve_tasks_file(inc.target, task, m_ctx.playbook->dir);
      else inc.args.mutable_map().set("name", inc.target);
      inc.special = loop_variables(task, r);
      Value vars = task.vars.is_map() ? task.vars : Value::map();
      for (const auto& [k, v] : inc.special.as_map())
        if (k != "_ansible_item_label") vars.mutable_map().set(k, v);
      inc.vars = std::move(vars);
      // the same file, arguments and loop variables make one group, unless the host is already
      // in it (a loop that includes the same thing twice): then the next such group, or a new one
      auto same = [&](const Inclusion& g) {
        return g.target == inc.target && g.args == inc.args && g.special == inc.special &&
               std::find(g.hosts.begin(), g.hosts.end(), o.host) == g.hosts.end();
      };
      auto it = std::find_if(groups.begin(), groups.end(), same);
      if (it == groups.end()) {
        groups.push_back(std::move(inc));
        it = groups.end() - 1;
      }
      it->hosts.push_back(o.host);
    }
  }
  return groups;
}

void PlayExecutor::run_inclusion(Inclusion& inc, const Frame& frame) {
  Frame inner = frame;
  inner.include_vars.push_back(&inc.vars);
  m_include_layers.push_back(&inc.vars);  // banner names of the included tasks see them too
  run_on_hosts_only(inc.hosts, [&] { run_block(inc.block, inner); });
  m_include_layers.pop_back();
}

void PlayExecutor::publish_role(const std::string& name, const Value& defaults, const Value& exports) {
  m_ctx.role_defaults = combine_vars(m_ctx.role_defaults, defaults);
  m_ctx.role_vars = combine_vars(m_ctx.role_vars, exports);
  for (const char* key : {"role_names", "ansible_play_role_names", "ansible_role_names"}) {
    Value* list = m_ctx.magic.mutable_map().find(key);
    if (!list || !list->is_list()) continue;
    List& names = list->mutable_list();
    // ansible_role_names comes from a set: each name once
    if (std::string_view(key) != "ansible_role_names" || std::find(names.begin(), names.end(), Value(name)) == names.end())
      names.push_back(Value(name));
  }
}

void PlayExecutor::run_on_hosts_only(const std::vector<std::string>& hosts, const std::function<void()>& body) {
  std::vector<std::string> hidden;
  for (HostState* h : active_hosts())
    if (std::find(hosts.begin(), hosts.end(), h->name) == hosts.end()) {
      m_outside_inclusion.insert(h->name);
      hidden.push_back(h->name);
    }
  body();
  for (const auto& name : hidden) m_outside_inclusion.erase(name);
}

}  // namespace drover::exec
