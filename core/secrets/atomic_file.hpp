// Whole-file writes that never leave a half-written file: a temporary file in the same
// directory, fsync, then rename over the target.
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

namespace drover::secrets {

// Writes content to path atomically. The new file gets the old file's mode, or `mode` when the
// file is new. Throws Fatal naming the path.
void write_file_atomically(const std::string& path, std::string_view content, mode_t mode = 0600);

}  // namespace drover::secrets
