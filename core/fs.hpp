// Reading whole files on the control node: the one reader for templates, vars files, keys,
// inventories and lookups. The runner has its own copy (modules/util/fs.hpp): drover-modules
// links nothing from core.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace drover {

// The bytes of the file at `path` (binary-safe, no newline translation). nullopt when it cannot
// be opened or read, a directory included; errno then says why.
std::optional<std::string> read_file(const std::string& path);

// The bytes of the file at `path`. Throws Fatal "cannot read <what> <path>: <reason>" when it
// cannot be read, e.g. "cannot read the age key file /k.txt: No such file or directory"; with an
// empty `what`, "cannot read /k.txt: No such file or directory".
std::string read_file_or_fatal(const std::string& path, std::string_view what = "");

}  // namespace drover
