#include <algorithm>
#include <iostream>

#include "core/cli/commands.hpp"
#include "core/cli/session.hpp"
#include "core/playbook/parser.hpp"

namespace drover::cli {

namespace {

void print_listing(const playbook::Playbook& pb, const Session& s, bool hosts, bool tasks) {
  std::cout << "\nplaybook: " << pb.path << "\n";
  int n = 0;
  for (const auto& play : pb.plays) {
    ++n;
    std::cout << "\n  play #" << n << " (" << play.hosts << "): " << play.name << "\tTAGS: [";
    for (std::size_t i = 0; i < play.tags.size(); ++i) std::cout << (i ? "," : "") << play.tags[i];
    std::cout << "]\n";
    if (hosts) {
      auto selected = s.inventory->select(play.hosts, s.options.limit);
      std::cout << "    pattern: ['" << play.hosts << "']\n    hosts (" << selected.size() << "):\n";
      for (const auto* h : selected) std::cout << "      " << h->name << "\n";
    }
    if (tasks) {
      std::cout << "    tasks:\n";
      // a task's TAGS are its own and every enclosing block's, role's and import's, sorted, as
      // ansible-playbook lists them; an unnamed task shows its action alone
      auto list = [&](const std::vector<playbook::Task>& ts, const std::vector<std::string>& inherited,
                      auto&& self) -> void {
        for (const auto& t : ts) {
          std::vector<std::string> tags = inherited;
          tags.insert(tags.end(), t.tags.begin(), t.tags.end());
          std::sort(tags.begin(), tags.end());
          tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
          if (t.is_block()) {
            self(t.block, tags, self);  // ansible-playbook lists no rescue or always task
            continue;
          }
          std::cout << "      " << (t.name.empty() ? t.action : t.banner_name(t.name)) << "\tTAGS: [";
          for (std::size_t i = 0; i < tags.size(); ++i) std::cout << (i ? ", " : "") << tags[i];
          std::cout << "]\n";
        }
      };
      list(play.pre_tasks, play.tags, list);
      list(play.tasks, play.tags, list);
      list(play.post_tasks, play.tags, list);
    }
  }
}

}  // namespace

int run_playbook_command(const std::vector<std::string>& args, const Plugins& plugins) {
  CLI::App app{"Run Ansible playbooks (ansible-playbook's options).", "drover playbook"};
  RunFlags flags;
  std::vector<std::string> files;
  bool syntax_check = false, list_hosts = false, list_tasks = false;
  app.add_option("playbook", files, "playbook(s)")->required();
  app.add_flag("--syntax-check", syntax_check, "perform a syntax check on the playbook, but do not execute it");
  app.add_flag("--list-hosts", list_hosts, "outputs a list of matching hosts; does not execute anything else");
  app.add_flag("--list-tasks", list_tasks, "list all tasks that would be executed");
  add_run_flags(app, flags, Command::playbook);
  if (auto stop = parse_command_line(app, args)) return *stop;
  // Everything is parsed before any host is touched.
  std::vector<playbook::Playbook> books;
  auto known_action = [&plugins](std::string_view name) { return action::find_action(plugins.actions, name) != nullptr; };
  playbook::ParseOptions parse_options;
  parse_options.roles_path = cli_config().get_paths("defaults.roles_path");
  for (const auto& f : files) books.push_back(playbook::parse_playbook(f, known_action, parse_options));
  if (syntax_check) {
    for (const auto& pb : books) std::cout << "\nplaybook: " << pb.path << "\n";
    return 0;
  }
  install_interrupt_handler();
  auto session = make_session(flags, false, plugins);
  if (list_hosts || list_tasks) {
    for (const auto& pb : books) print_listing(pb, *session, list_hosts, list_tasks);
    return 0;
  }
  ExitCode worst = ExitCode::ok;
  for (const auto& pb : books) {
    ExitCode rc = exec::run_playbook(pb, session->context);
    if (static_cast<int>(rc) > static_cast<int>(worst)) worst = rc;
    if (rc == ExitCode::interrupted) break;
  }
  return static_cast<int>(worst);
}

}  // namespace drover::cli
