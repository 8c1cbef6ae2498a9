// dpkg_selections: sets a package's dpkg selection (install, hold, deinstall, purge), as Ansible's
// dpkg_selections: `dpkg --get-selections NAME` says what it is, `dpkg --set-selections` changes it.
#include <array>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "name", .required = Required::yes, .description = "The package whose selection is set."},
    ArgSpec{.name = "selection", .required = Required::yes, .choices = {"install", "hold", "deinstall", "purge"},
            .description = "The selection: install, hold (never upgraded), deinstall or purge."},
};

// Ansible's run_command(check_rc=True): a failing command fails the module with its output.
ProcessResult run_checked(const ProcessSpec& spec) {
  ProcessResult r = run_process(spec);
  if (r.rc != 0 || r.start_failure != StartFailure::none) {
    std::string cmd;
    for (const auto& word : spec.argv) cmd += (cmd.empty() ? "" : " ") + word;
    std::string msg = r.start_failure != StartFailure::none ? r.error : trim(r.stderr_text);
    throw ModuleFailure(msg.empty() ? cmd + " failed" : msg,
                        {{"cmd", cmd}, {"rc", r.rc}, {"stdout", r.stdout_text}, {"stderr", r.stderr_text}});
  }
  return r;
}

}  // namespace

json run_dpkg_selections(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "dpkg_selections");
  std::string dpkg = find_executable("dpkg");
  if (dpkg.empty()) throw ModuleFailure("Failed to find required executable \"dpkg\" in paths: " + environment_variable("PATH").value_or(""));
  std::string name = arg_string(args, "name");
  std::string selection = arg_string(args, "selection");
  ProcessResult current_out = run_checked({.argv = {dpkg, "--get-selections", name}});
  auto fields = split_words(current_out.stdout_text);
  std::string current = fields.size() < 2 ? "not present" : fields[1];
  bool changed = current != selection;
  if (changed && !ctx.checking())
    run_checked({.argv = {dpkg, "--set-selections"}, .stdin_data = name + " " + selection});
  return {{"changed", changed}, {"before", current}, {"after", selection}};
}

namespace {
const std::array<ReturnDoc, 2> k_returns{{
    ReturnDoc{"before", "str", "always", "The selection before (\"not present\" when dpkg has none)."},
    ReturnDoc{"after", "str", "always", "The selection asked for."},
}};
}  // namespace

const ModuleDoc dpkg_selections_doc{
    .description = "Changes a package's dpkg selection state (install, hold, deinstall, purge) with dpkg --set-selections. "
                   "It does not install or remove anything by itself: apt-get acts on the selections later.",
    .options = k_spec,
    .returns = k_returns,
    .example = "- ansible.builtin.dpkg_selections:\n    name: python3\n    selection: hold\n",
};

}  // namespace drover::modules
