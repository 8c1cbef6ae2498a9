#include "core/cli/config_command.hpp"

#include <iostream>

#include "core/config/config.hpp"
#include "core/error.hpp"

namespace drover::cli {

int run_config_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto cfg = config::Config::load();
  if (args.empty() || (args.size() == 1 && (args[0] == "list" || args[0] == "dump"))) {
    out << cfg.describe();
    return 0;
  }
  if (args.size() == 2 && args[0] == "get") {
    if (const auto* s = cfg.find(args[1])) {
      out << s->value << "\n";
      return 0;
    }
    err << "ERROR! unknown configuration key: " << args[1] << " (`drover config` lists them)\n";
    return static_cast<int>(ExitCode::bad_options);
  }
  err << "usage: drover config [list | get KEY]\n";
  return static_cast<int>(ExitCode::bad_options);
}

int run_config_command(const std::vector<std::string>& args) {
  return run_config_command(args, std::cout, std::cerr);
}

}  // namespace drover::cli
