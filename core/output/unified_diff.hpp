// Python's difflib.unified_diff (with SequenceMatcher's matching rules, autojunk included), which
// is what Ansible prints for --diff. Same hunks, same ranges, same line order.
#pragma once

#include <string>
#include <vector>

namespace drover::output {

// Lines keep their own line endings (like str.splitlines(True)); the header lines get "\n".
// Returns no lines at all when a and b are equal.
std::vector<std::string> unified_diff(const std::vector<std::string>& a, const std::vector<std::string>& b,
                                      const std::string& from_file, const std::string& to_file,
                                      int context = 3);

// str.splitlines(True) for '\n', '\r\n' and '\r' endings.
std::vector<std::string> split_lines_keep_ends(const std::string& text);

}  // namespace drover::output
