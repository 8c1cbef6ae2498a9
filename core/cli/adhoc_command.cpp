#include <iostream>

#include "core/cli/commands.hpp"
#include "core/cli/session.hpp"
#include "core/playbook/args.hpp"
#include "core/playbook/parser.hpp"
#include "core/value/yaml.hpp"

namespace drover::cli {

int run_adhoc_command(const std::vector<std::string>& args, const Plugins& plugins) {
  CLI::App app{"Run a single module on the hosts matching PATTERN (Ansible's `ansible`).",
               "drover"};
  RunFlags flags;
  std::string pattern, module = "command", module_args;
  app.add_option("pattern", pattern, "host pattern, e.g. all, web:!web03")->required();
  app.add_option("-m,--module-name", module, "the module to run (default command)");
  app.add_option("-a,--args", module_args, "the module's arguments, as key=value or YAML/JSON");
  add_run_flags(app, flags, Command::adhoc);
  if (auto stop = parse_command_line(app, args)) return *stop;
  std::string action = playbook::short_action_name(module);
  if (!action::find_action(plugins.actions, module))
    throw Fatal("couldn't resolve module/action '" + module +
                    "'. This often indicates a misspelling, missing collection, or incorrect module path.",
                ExitCode::bad_options);
  Value parsed = Value::map();
  if (!module_args.empty()) {
    std::string trimmed = module_args.substr(module_args.find_first_not_of(" \t\n"));
    if (trimmed[0] == '{' && !playbook::is_free_form_action(action))
      parsed = parse_yaml_value(trimmed, "-a argument");
    else
      parsed = playbook::parse_kv(module_args, playbook::arg_style(action));
  } else if (playbook::is_free_form_action(action)) {
    throw Fatal("No argument passed to " + action + " module", ExitCode::bad_options);
  }
  install_interrupt_handler();
  auto session = make_session(flags, true, plugins);
  return static_cast<int>(exec::run_adhoc(pattern, action, parsed, session->context));
}

}  // namespace drover::cli
