// Editing a text file in place, the way Ansible's lineinfile, blockinfile, replace, ini_file and
// assemble share it: split into lines, write back atomically after an optional `validate`, then
// bring mode/owner/group in line and say so in the message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/value/regex.hpp"
#include "modules/module.hpp"
#include "modules/util/process.hpp"

namespace drover::modules {

// How a file is cut into lines; every line keeps its end.
enum class LineEnds {
  newline,    // Python's file.readlines() on bytes: a line ends after each "\n"
  universal,  // bytes.splitlines(True): "\r\n", "\n" and "\r" end a line
};
std::vector<std::string> split_keeping_ends(std::string_view text, LineEnds ends);

// The concatenation of `lines`.
std::string join_lines(const std::vector<std::string>& lines);

// re.compile(pattern) for a module argument; a pattern that does not compile is a ModuleFailure
// naming the argument: "ARGUMENT: invalid regular expression '...': ...".
Regex compile_argument_regex(std::string_view pattern, const char* argument, RegexFlag flags = RegexFlag::none);

// os.path.realpath(path): symlinks resolved (also in a path whose last part does not exist yet).
std::string real_path(const std::string& path);

// Creates the directories above `path` (os.makedirs of its dirname) when they are missing.
// Throws ModuleFailure "Error creating DIR (REASON)".
void make_parent_directories(const std::string& path);

// Runs the `validate` command (it must hold "%s": "validate must contain %s: CMD" otherwise) on
// `path`: %s replaced by the path, split as shlex does and run without a shell. Returns the
// finished process when it exited 0; throws ModuleFailure "failed to validate: rc:N error:STDERR"
// when not, or Python's OSError text (with rc = errno) when it could not start.
ProcessResult run_validation(const std::string& validate, const std::string& path);

// Writes `content` over realpath(`dest`) atomically (temp file beside it, rename). When
// `validate` is not empty it must hold "%s": the command (split as shlex does, no shell) runs
// on the temp file first and a non-zero exit fails with "failed to validate: rc:N error:STDERR",
// leaving `dest` untouched and no temp file behind. Throws ModuleFailure.
void write_validated(const std::string& dest, std::string_view content, const std::string& validate);

// Ansible's check_file_attrs: applies the mode/owner/group `args` ask for (recording them in
// `diff`, which may be null), and when anything differed sets `changed` and appends "ownership,
// perms or SE linux context changed" to `msg` (after " and " when `changed` already was).
void apply_attributes_noting(const std::string& path, const json& args, const ModuleContext& ctx,
                             json& diff, bool& changed, std::string& msg);

}  // namespace drover::modules
