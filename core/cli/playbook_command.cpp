#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <set>

#include "core/cli/commands.hpp"
#include "core/cli/session.hpp"
#include "core/exec/play_executor.hpp"
#include "core/output/display.hpp"
#include "core/playbook/parser.hpp"
#include "core/secrets/secrets_options.hpp"
#include "core/vars/scope.hpp"

namespace drover::cli {

namespace {

// The tags --list-tags shows for a play: the play's and every selected task's (with the tags of
// its blocks), sorted, once each. As ansible-playbook, only the `block` part of blocks counts.
std::set<std::string> listed_tags(const playbook::Play& play, const exec::RunOptions& options) {
  std::set<std::string> out(play.tags.begin(), play.tags.end());
  auto walk = [&](const std::vector<playbook::Task>& tasks, const std::vector<std::string>& inherited, auto&& self) -> void {
    for (const auto& t : tasks) {
      std::vector<std::string> tags = inherited;
      tags.insert(tags.end(), t.tags.begin(), t.tags.end());
      if (t.is_block()) {
        self(t.block, tags, self);
      } else if (exec::tags_selected(tags, options.tags, options.skip_tags)) {
        out.insert(tags.begin(), tags.end());
      }
    }
  };
  for (const auto* list : {&play.pre_tasks, &play.tasks, &play.post_tasks}) walk(*list, play.tags, walk);
  return out;
}

// What --list-hosts, --list-tasks and --list-tags asked for.
struct ListingParts {
  bool hosts = false, tasks = false, tags = false;
};

void print_listing(const playbook::Playbook& pb, const Session& s, const ListingParts& parts) {
  std::cout << "\nplaybook: " << pb.path << "\n";
  int n = 0;
  for (const auto& play : pb.plays) {
    ++n;
    std::cout << "\n  play #" << n << " (" << play.hosts << "): " << (play.name.empty() ? play.hosts : play.name) << "\tTAGS: [";
    for (std::size_t i = 0; i < play.tags.size(); ++i) std::cout << (i ? "," : "") << play.tags[i];
    std::cout << "]\n";
    if (parts.hosts) {
      auto selected = s.inventory->select(play.hosts, s.options.limit);
      std::cout << "    pattern: ['" << play.hosts << "']\n    hosts (" << selected.size() << "):\n";
      for (const auto* h : selected) std::cout << "      " << h->name << "\n";
    }
    if (parts.tasks) {
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
    if (parts.tags) {
      std::string joined;
      for (const auto& t : listed_tags(play, s.options)) joined += (joined.empty() ? "" : ", ") + t;
      std::cout << "      TASK TAGS: [" << joined << "]\n";
    }
  }
}

// --step's question, as Ansible's _take_step asks it: the prompt on stdout, one line read from
// stdin (y/yes runs the task, c/continue runs it and every later one, anything else skips it),
// then the question again as a banner.
exec::StepAnswer ask_step(const std::string& question) {
  const std::string msg = "Perform task: " + question + " (N)o/(y)es/(c)ontinue:";
  std::cout << msg << ' ' << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) answer.clear();
  for (char& ch : answer) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const int stars = std::max(3, output::banner_columns(STDOUT_FILENO) - output::text_width(msg));
  std::cout << "\n" << msg << ' ' << std::string(static_cast<std::size_t>(stars), '*') << "\n" << std::flush;
  if (answer == "y" || answer == "yes") return exec::StepAnswer::run;
  if (answer == "c" || answer == "continue") return exec::StepAnswer::run_all;
  return exec::StepAnswer::skip;
}

// vars_prompt's question, as Ansible's Display.prompt asks it: a private answer is read without
// echo from the terminal, another from stdin; with confirm, asked twice until both match.
std::string ask_var(const std::string& message, bool hidden, bool confirm) {
  auto ask = [hidden](const std::string& msg) {
    if (hidden) return secrets::prompt_password(msg);
    std::cout << msg << std::flush;
    std::string line;
    if (!std::getline(std::cin, line)) line.clear();
    return line;
  };
  for (;;) {
    std::string first = ask(message);
    if (!confirm) return first;
    if (ask("confirm " + message) == first) return first;
    std::cout << "***** VALUES ENTERED DO NOT MATCH ****\n" << std::flush;
  }
}

// Ansible's display.deprecated() for what the playbooks use: "[DEPRECATION WARNING]: ..." with its
// closing sentence, wrapped at the terminal's width, on stderr, each text once; none when
// deprecation_warnings is off.
void print_deprecations(const std::vector<playbook::Playbook>& books) {
  if (!cli_config().get_truthy("defaults.deprecation_warnings")) return;
  std::vector<std::string> shown;
  const bool color = output::color_wanted(::isatty(2) != 0);
  for (const auto& pb : books)
    for (const auto& text : pb.deprecations) {
      if (std::find(shown.begin(), shown.end(), text) != shown.end()) continue;
      shown.push_back(text);
      std::string msg;
      for (const auto& line : output::wrap_text("[DEPRECATION WARNING]: " + text +
                                                    " Deprecation warnings can be disabled by setting "
                                                    "deprecation_warnings=False in ansible.cfg.",
                                                output::banner_columns(1)))
        msg += line + "\n";
      std::cerr << (color ? output::colorize_text(msg, output::color::deprecate) : msg);
    }
}

}  // namespace

int run_playbook_command(const std::vector<std::string>& args, const Plugins& plugins) {
  CLI::App app{"Run Ansible playbooks (ansible-playbook's options).", "drover playbook"};
  RunFlags flags;
  std::vector<std::string> files;
  bool syntax_check = false;
  ListingParts listing;
  app.add_option("playbook", files, "playbook(s)")->required();
  app.add_flag("--syntax-check", syntax_check, "perform a syntax check on the playbook, but do not execute it");
  app.add_flag("--list-hosts", listing.hosts, "outputs a list of matching hosts; does not execute anything else");
  app.add_flag("--list-tasks", listing.tasks, "list all tasks that would be executed");
  app.add_flag("--list-tags", listing.tags, "list all available tags");
  add_run_flags(app, flags, Command::playbook);
  if (auto stop = parse_command_line(app, args)) return *stop;
  // Everything is parsed before any host is touched.
  std::vector<playbook::Playbook> books;
  auto known_action = [&plugins](std::string_view name) { return action::find_action(plugins.actions, name) != nullptr; };
  playbook::ParseOptions parse_options;
  parse_options.roles_path = cli_config().get_paths("defaults.roles_path");
  // templated role names read the extra vars; one that cannot be read here (say, a vault file
  // before the vault password is known) is reported when the run reads them again
  for (const auto& e : flags.extra_vars) {
    try {
      parse_options.extra_vars = combine_vars(parse_options.extra_vars, vars::parse_extra_vars(e));
    } catch (const std::exception&) {
    }
  }
  for (const auto& f : files) books.push_back(playbook::parse_playbook(f, known_action, parse_options));
  print_deprecations(books);
  if (syntax_check) {
    for (const auto& pb : books) std::cout << "\nplaybook: " << pb.path << "\n";
    return 0;
  }
  install_interrupt_handler();
  auto session = make_session(flags, false, plugins);
  if (listing.hosts || listing.tasks || listing.tags) {
    for (const auto& pb : books) print_listing(pb, *session, listing);
    return 0;
  }
  if (flags.step) session->context.ask_step = ask_step;
  if (::isatty(STDIN_FILENO)) session->context.ask_var = ask_var;
  ExitCode worst = ExitCode::ok;
  for (const auto& pb : books) {
    ExitCode rc = exec::run_playbook(pb, session->context);
    if (static_cast<int>(rc) > static_cast<int>(worst)) worst = rc;
    if (rc == ExitCode::interrupted) break;
  }
  return static_cast<int>(worst);
}

}  // namespace drover::cli
