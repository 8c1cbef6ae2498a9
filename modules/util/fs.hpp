// Small file-system queries the modules share. read_file is the runner's copy of core/fs.hpp's:
// drover-modules links nothing from core, so it is the one legitimate second copy.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace drover::modules {

// The whole content of a file; nothing when it cannot be opened or read, a directory included
// (errno then says why).
std::optional<std::string> read_file(const std::string& path);

// Writes all of `data` to the file descriptor (retrying short writes and EINTR); false when a
// write fails (the reader went away).
bool write_all(int fd, std::string_view data);

// Ansible's backup_local: copies `path` to "<path>.<pid>.<YYYY-mm-dd@HH:MM:SS~>", keeping mode and
// times, and returns the backup's name. Throws ModuleFailure when the copy fails.
std::string backup_file(const std::string& path);

// Ansible's get_state: "absent", "directory", "link", "hard" (nlink > 1), or "file".
std::string path_state(const std::string& path);

}  // namespace drover::modules
