// File attributes shared by copy, file and friends: Ansible's mode/owner/group arguments.
#pragma once

#include <string>

#include "modules/module.hpp"

namespace drover::modules {

enum class Follow { no, yes };

// The permission bits `mode` asks for, given the file's current bits and type. `mode` is an int
// (used as is, e.g. YAML's 0644 = 420), an octal string ("644", "0644", "0o644"), or a symbolic
// mode ("u+rwx,g-w,o=r", "a+X", "+x" which honours the umask), as chmod and Ansible read them.
// Throws ModuleFailure "mode must be in octal or symbolic form" (with details) otherwise.
unsigned parse_mode(const json& mode, const std::string& path, unsigned current_mode, bool is_directory);

// Brings `path`'s mode, owner and group to what `args` ("mode", "owner", "group"; null = leave)
// ask for. In check mode nothing is changed. Each differing field is recorded in `diff` (a
// state_diff) as Ansible does (mode as "0644", owner/group as numbers). Returns whether anything
// differs. With Follow::yes a symlink is resolved first; the mode of a link itself is never set.
// A path that does not exist is left alone (false). Throws ModuleFailure when a user or group
// name is unknown or chown/chmod fail.
bool apply_file_attributes(const std::string& path, const json& args, const ModuleContext& ctx,
                           json& diff, Follow follow = Follow::yes);

// Ansible's add_path_info: when `path` exists adds uid, gid, owner, group, mode ("0644"),
// state (file/directory/link/hard) and size to `result`.
void add_path_info(json& result, const std::string& path);

// The current umask (read without changing it for longer than the call).
unsigned current_umask();

}  // namespace drover::modules
