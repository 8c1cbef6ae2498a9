// command and shell, as Ansible 2.14's command module (shell = command with _uses_shell).
// Query: creates/removes decide whether to run at all. Apply: run the process.
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include <glob.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

enum class Shell { no, yes };

const std::array k_spec{
    ArgSpec{.name = "_raw_params", .aliases = {"cmd"}, .description = "The command to run, as free-form text after the module name (or cmd:)."},
    ArgSpec{.name = "_uses_shell", .type = ArgType::boolean, .default_value = false},
    ArgSpec{.name = "argv", .type = ArgType::list, .description = "The command as a list of words instead of a string (command only)."},
    ArgSpec{.name = "chdir", .type = ArgType::path, .description = "Change into this directory before running the command."},
    ArgSpec{.name = "executable", .description = "The shell to run the command with (shell only; default /bin/sh)."},
    ArgSpec{.name = "expand_argument_vars", .type = ArgType::boolean, .default_value = true, .description = "Expand $VARS in the command's words (command only)."},
    ArgSpec{.name = "creates", .type = ArgType::path, .description = "A path: when it exists, the command is not run."},
    ArgSpec{.name = "removes", .type = ArgType::path, .description = "A path: when it does not exist, the command is not run."},
    ArgSpec{.name = "stdin", .description = "Text fed to the command's standard input."},
    ArgSpec{.name = "stdin_add_newline", .type = ArgType::boolean, .default_value = true, .description = "Add a newline after stdin."},
    ArgSpec{.name = "strip_empty_ends", .type = ArgType::boolean, .default_value = true, .description = "Strip trailing empty lines from stdout and stderr."},
};

bool glob_matches(const std::string& pattern) {
  glob_t found{};
  int rc = ::glob(pattern.c_str(), 0, nullptr, &found);
  bool matched = rc == 0 && found.gl_pathc > 0;
  ::globfree(&found);
  return matched;
}

std::string relative_to(const std::string& dir, const std::string& path) {
  if (dir.empty() || path.starts_with("/")) return path;
  return (std::filesystem::path(dir) / path).string();
}

std::string strip_line_ends(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

json base_result() {
  return {{"changed", false}, {"stdout", ""},   {"stderr", ""},   {"rc", nullptr},
          {"cmd", nullptr},   {"start", nullptr}, {"end", nullptr}, {"delta", nullptr},
          {"msg", ""}};
}

// The argv to execute and the `cmd` field Ansible reports (the shell string, or the word list).
std::vector<std::string> build_argv(const json& args, Shell shell, json& result) {
  std::string raw = arg_string(args, "_raw_params");
  bool blank = raw.find_first_not_of(" \t\r\n") == std::string::npos;
  bool has_argv = is_set(args, "argv") && !args["argv"].empty();
  result["rc"] = 256;
  if (blank && !has_argv) throw ModuleFailure("no command given", result);
  if (!blank && has_argv) throw ModuleFailure("only command or argv can be given, not both", result);
  std::vector<std::string> words;
  if (has_argv) {
    for (const auto& word : args["argv"]) words.push_back(word.is_string() ? word.get<std::string>() : word.dump());
  }
  result["rc"] = nullptr;
  if (shell == Shell::yes) {
    std::string line = raw;
    if (has_argv) {
      line.clear();
      for (const auto& word : words) line += (line.empty() ? "" : " ") + shlex_quote(word);
    }
    result["cmd"] = line;
    std::string executable = arg_string(args, "executable");
    return {executable.empty() ? "/bin/sh" : executable, "-c", line};
  }
  if (!has_argv) words = shlex_split(raw);
  result["cmd"] = words;
  return words;
}

// creates/removes: returns true (and fills the result) when the command must not run.
bool skipped_by_guards(const json& args, const ModuleContext& ctx, json& result) {
  std::string shoulda = ctx.checking() ? "Would" : "Did";
  std::string chdir = arg_string(args, "chdir");
  if (is_set(args, "creates")) {
    std::string creates = arg_string(args, "creates");
    if (glob_matches(relative_to(chdir, creates))) {
      result["msg"] = shoulda + " not run command since '" + creates + "' exists";
      result["stdout"] = "skipped, since " + creates + " exists";
      result["rc"] = 0;
      return true;
    }
  }
  if (is_set(args, "removes")) {
    std::string removes = arg_string(args, "removes");
    if (!glob_matches(relative_to(chdir, removes))) {
      result["msg"] = shoulda + " not run command since '" + removes + "' does not exist";
      result["stdout"] = "skipped, since " + removes + " does not exist";
      result["rc"] = 0;
      return true;
    }
  }
  return false;
}

// Ansible's run_command expands ~ and $VARS in every word when no shell runs the command.
std::vector<std::string> expanded(std::vector<std::string> argv, const ModuleContext& ctx) {
  auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    if (auto it = ctx.environment.find(name); it != ctx.environment.end()) return it->second;
    return environment_variable(name);
  };
  for (auto& word : argv) word = expand_user_and_vars(word, lookup);
  return argv;
}

void execute(const json& args, const ModuleContext& ctx, std::vector<std::string> argv, Shell shell, json& result) {
  ProcessSpec spec;
  bool expand = shell == Shell::no && arg_bool(args, "expand_argument_vars");
  spec.argv = expand ? expanded(std::move(argv), ctx) : std::move(argv);
  spec.environment = ctx.environment;
  spec.chdir = arg_string(args, "chdir");
  if (is_set(args, "stdin")) {
    std::string input = arg_string(args, "stdin");
    if (arg_bool(args, "stdin_add_newline")) input += "\n";
    spec.stdin_data = input;
  }
  auto start = std::chrono::system_clock::now();
  ProcessResult process = run_process(spec);
  auto end = std::chrono::system_clock::now();
  if (process.start_failure == StartFailure::chdir) {
    result["changed"] = false;
    throw ModuleFailure("Unable to change directory before execution: " + process.error, result);
  }
  if (process.start_failure == StartFailure::exec) {
    // As Ansible's run_command failing to start: cmd as one string, no times.
    std::string line;
    for (const auto& word : spec.argv) line += (line.empty() ? "" : " ") + shlex_quote(word);
    throw ModuleFailure(process.error, {{"changed", false}, {"cmd", line}, {"rc", process.rc}, {"stdout", ""},
                                        {"stderr", ""}, {"stdout_lines", json::array()},
                                        {"stderr_lines", json::array()}});
  }
  result["rc"] = process.rc;
  result["stdout"] = process.stdout_text;
  result["stderr"] = process.stderr_text;
  result["start"] = python_datetime(start);
  result["end"] = python_datetime(end);
  result["delta"] = python_timedelta(std::chrono::duration_cast<std::chrono::microseconds>(end - start));
}

void finish_output(const json& args, json& result) {
  if (arg_bool(args, "strip_empty_ends")) {
    result["stdout"] = strip_line_ends(result["stdout"].get<std::string>());
    result["stderr"] = strip_line_ends(result["stderr"].get<std::string>());
  }
  result["stdout_lines"] = split_lines(result["stdout"].get<std::string>());
  result["stderr_lines"] = split_lines(result["stderr"].get<std::string>());
}

json run(const json& raw_args, const ModuleContext& ctx, Shell shell, const char* name) {
  json args = check_args(raw_args, k_spec, name);
  if (arg_bool(args, "_uses_shell")) shell = Shell::yes;
  json result = base_result();
  std::vector<std::string> argv = build_argv(args, shell, result);
  if (skipped_by_guards(args, ctx, result)) {
    finish_output(args, result);
    return result;
  }
  result["changed"] = true;
  if (ctx.checking()) {
    result["rc"] = 0;
    result["msg"] = "Command would have run if not in check mode";
    if (!is_set(args, "creates") && !is_set(args, "removes")) {
      result["skipped"] = true;
      result["changed"] = false;
    }
  } else {
    execute(args, ctx, std::move(argv), shell, result);
  }
  finish_output(args, result);
  if (result["rc"] != 0) throw ModuleFailure("non-zero return code", result);
  return result;
}

}  // namespace

json run_command(const json& args, const ModuleContext& ctx) { return run(args, ctx, Shell::no, "command"); }

json run_shell(const json& args, const ModuleContext& ctx) { return run(args, ctx, Shell::yes, "shell"); }

namespace {
// command and shell return the same fields
const std::array<ReturnDoc, 10> k_run_returns{{
    ReturnDoc{"cmd", "raw", "always", "The command run (a list of words for command, a string for shell)."},
    ReturnDoc{"rc", "int", "always", "The command's exit status."},
    ReturnDoc{"stdout", "str", "always", "Its standard output."},
    ReturnDoc{"stderr", "str", "always", "Its standard error."},
    ReturnDoc{"stdout_lines", "list", "always", "stdout split into lines."},
    ReturnDoc{"stderr_lines", "list", "always", "stderr split into lines."},
    ReturnDoc{"start", "str", "always", "When it started."},
    ReturnDoc{"end", "str", "always", "When it ended."},
    ReturnDoc{"delta", "str", "always", "How long it ran."},
    ReturnDoc{"msg", "str", "when skipped", "Why the command did not run (creates/removes)."},
}};
}  // namespace

const ModuleDoc command_doc{
    .description = "Runs a command on the target without a shell: no pipes, redirections or $VARS of the shell (use shell for those).\nA failed command (rc other than 0) fails the task. The task is always changed unless creates/removes skip it.",
    .options = k_spec,
    .returns = k_run_returns,
    .example = "- name: Rebuild the initramfs\n  ansible.builtin.command: update-initramfs -u\n  args:\n    creates: /boot/initrd.img-new\n",
};


const ModuleDoc shell_doc{
    .description = "Runs a command through /bin/sh (or executable) on the target, with pipes, redirections and variables.\nA failed command (rc other than 0) fails the task. The task is always changed unless creates/removes skip it.",
    .options = k_spec,
    .returns = k_run_returns,
    .example = "- name: Count the users with a login shell\n  ansible.builtin.shell: grep -c '/bin/bash$' /etc/passwd\n  register: users\n",
};

}  // namespace drover::modules
