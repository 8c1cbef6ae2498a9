// synchronize (ansible.posix.synchronize): rsync between the control node and the task's host,
// run on the control node over ssh built from the host's connection settings.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "core/transport/connection.hpp"
#include "core/value/value.hpp"

namespace drover::action {

enum class DryRun { no, yes };

struct RsyncCommand {
  std::vector<std::string> argv;  // what is executed: argv[0] is the rsync on the control node
  std::string cmd;                // as Ansible's result shows it (quoted where Ansible quotes)
};

// The rsync command for synchronize's `args` against `host` (the inventory host, never the
// delegate), with `rsync` the control node's rsync. Returns a failure message instead when the
// arguments are wrong (src/dest missing, a bad mode). The order of the options is the one
// ansible.posix's module uses, so `cmd` reads as Ansible's does.
std::variant<RsyncCommand, std::string> rsync_command(const Value& args, const connection::ConnectionSpec& host,
                                                      const std::string& rsync, DryRun dry_run);

}  // namespace drover::action
