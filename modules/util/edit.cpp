#include "modules/util/edit.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "modules/util/atomic_write.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace fs = std::filesystem;

std::vector<std::string> split_keeping_ends(std::string_view text, LineEnds ends) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool universal = ends == LineEnds::universal;
    if (c == '\n' || (universal && c == '\r')) {
      if (universal && c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      lines.emplace_back(text.substr(start, i + 1 - start));
      start = i + 1;
    }
  }
  if (start < text.size()) lines.emplace_back(text.substr(start));
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line;
  return text;
}

Regex compile_argument_regex(std::string_view pattern, const char* argument, RegexFlag flags) {
  try {
    return Regex(pattern, flags);
  } catch (const RegexError& error) {
    throw ModuleFailure(std::string(argument) + ": " + error.what());
  }
}

std::string real_path(const std::string& path) {
  std::error_code error;
  fs::path resolved = fs::weakly_canonical(fs::absolute(path, error), error);
  return error ? path : resolved.string();
}

void make_parent_directories(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  std::error_code error;
  if (parent.empty() || fs::exists(parent, error)) return;
  fs::create_directories(parent, error);
  if (error) throw ModuleFailure("Error creating " + parent.string() + " (" + error.message() + ")");
}

namespace {

std::string substitute_path(const std::string& command, const std::string& path) {
  std::string line = command;
  std::size_t at = 0;
  while ((at = line.find("%s", at)) != std::string::npos) {
    line.replace(at, 2, path);
    at += path.size();
  }
  return line;
}

// Ansible's run_command(str): shlex words, each with ~ and $VAR expanded.
ProcessSpec validation_process(const std::string& line) {
  ProcessSpec spec;
  for (const auto& word : shlex_split(line)) spec.argv.push_back(expand_user_and_vars(word, environment_variable));
  return spec;
}

}  // namespace

ProcessResult run_validation(const std::string& validate, const std::string& temp_path) {
  if (validate.find("%s") == std::string::npos) throw ModuleFailure("validate must contain %s: " + validate);
  ProcessSpec spec = validation_process(substitute_path(validate, temp_path));
  if (spec.argv.empty()) throw ModuleFailure("validate is an empty command: " + validate);
  ProcessResult process = run_process(spec);
  std::string cmd;
  for (const auto& word : spec.argv) cmd += (cmd.empty() ? "" : " ") + shlex_quote(word);
  if (process.start_failure != StartFailure::none)
    throw ModuleFailure(process.error, {{"rc", process.start_errno}, {"stdout", ""}, {"stderr", ""}, {"cmd", cmd}});
  if (process.rc != 0)
    throw ModuleFailure("failed to validate: rc:" + std::to_string(process.rc) + " error:" + process.stderr_text);
  return process;
}

void write_validated(const std::string& dest, std::string_view content, const std::string& validate) {
  if (!validate.empty() && validate.find("%s") == std::string::npos)
    throw ModuleFailure("validate must contain %s: " + validate);
  AtomicFile file(real_path(dest));
  file.write(content);
  if (!validate.empty()) run_validation(validate, file.temp_path());
  file.commit();
}

void apply_attributes_noting(const std::string& path, const json& args, const ModuleContext& ctx, json& diff,
                             bool& changed, std::string& msg) {
  if (!apply_file_attributes(path, args, ctx, diff)) return;
  if (changed) msg += " and ";
  changed = true;
  msg += "ownership, perms or SE linux context changed";
}

}  // namespace drover::modules
