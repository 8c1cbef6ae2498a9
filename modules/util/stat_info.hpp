// The stat fields Ansible's stat and find modules share (their format_output and statinfo).
#pragma once

#include <ctime>

#include <sys/stat.h>

#include "modules/module.hpp"

namespace drover::modules {

// Seconds since the epoch as Python's os.stat_result float (sec + nsec * 1e-9).
double stat_seconds(const timespec& time);

// mode ("0644"), isdir/ischr/isblk/isreg/isfifo/islnk/issock, uid, gid, size, inode, dev, nlink,
// atime/mtime/ctime, the nine permission booleans (wusr ... xoth), isuid and isgid.
json stat_fields(const struct stat& st);

}  // namespace drover::modules
