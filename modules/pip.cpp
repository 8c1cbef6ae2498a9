// pip: installs, upgrades and removes Python packages with the target's pip (optionally inside a
// virtualenv it creates), as Ansible's pip: the same commands, `changed` read from pip's output
// the same way. The runner itself needs no Python; pip does, and a missing pip is a clear error.
#include <array>
#include <filesystem>

#include <sys/stat.h>
#include <unistd.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "forcereinstall", "latest", "present"}, .description = "present installs, latest upgrades (-U), forcereinstall reinstalls, absent uninstalls."},
    ArgSpec{.name = "name", .type = ArgType::list, .description = "Package names, with version specifiers if wanted (\"flask>=2\"), or VCS/URL requirements."},
    ArgSpec{.name = "version", .description = "The version of the one package in name (name==version)."},
    ArgSpec{.name = "requirements", .description = "A requirements file (pip -r)."},
    ArgSpec{.name = "virtualenv", .type = ArgType::path, .description = "A virtualenv to install into; created with virtualenv_command when it has no bin/activate."},
    ArgSpec{.name = "virtualenv_site_packages", .type = ArgType::boolean, .default_value = false, .description = "Give a new virtualenv the global site-packages."},
    ArgSpec{.name = "virtualenv_command", .type = ArgType::path, .default_value = "virtualenv", .description = "The command that creates the virtualenv (e.g. \"python3 -m venv\")."},
    ArgSpec{.name = "virtualenv_python", .description = "The Python a new virtualenv uses (virtualenv -p)."},
    ArgSpec{.name = "extra_args", .description = "More arguments for pip."},
    ArgSpec{.name = "editable", .type = ArgType::boolean, .default_value = false, .description = "Pass -e (an editable install)."},
    ArgSpec{.name = "chdir", .type = ArgType::path, .description = "The directory pip runs in (and a relative virtualenv is under)."},
    ArgSpec{.name = "executable", .type = ArgType::path, .description = "The pip to run (e.g. pip3.11); not with virtualenv."},
    ArgSpec{.name = "umask", .description = "The umask pip runs with, in octal (e.g. 0022)."},
};

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

std::vector<std::string> find_pip(const json& args, const std::string& env) {
  std::string executable = arg_string(args, "executable");
  if (!executable.empty()) {
    if (executable.starts_with("/")) return {executable};
    std::string path = find_executable(executable);
    if (path.empty()) throw ModuleFailure("Unable to find any of " + executable + " to use.  pip needs to be installed.");
    return {path};
  }
  if (env.empty()) {
    for (const char* name : {"pip3", "pip"}) {
      std::string path = find_executable(name);
      if (!path.empty()) return {path};
    }
    throw ModuleFailure("Unable to find any of pip3, pip to use.  pip needs to be installed.");
  }
  for (const char* name : {"pip3", "pip"}) {
    std::string candidate = env + "/bin/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return {candidate};
  }
  throw ModuleFailure("Unable to find pip in the virtualenv, " + env + ", under any of these names: pip3, pip. Make sure pip is present in the virtualenv.");
}

void create_virtualenv(const json& args, const std::string& env, const std::string& chdir, std::string& out, std::string& err) {
  std::vector<std::string> cmd = shlex_split(arg_string(args, "virtualenv_command"));
  if (cmd.empty() || find_executable(cmd[0]).empty())
    throw ModuleFailure("Failed to find required executable \"" + (cmd.empty() ? std::string() : cmd[0]) +
                        "\" in paths: " + environment_variable("PATH").value_or("") + " (virtualenv_command creates the virtualenv)");
  bool is_venv = join(cmd).find("venv") != std::string::npos && join(cmd).find("virtualenv") == std::string::npos;
  if (arg_bool(args, "virtualenv_site_packages")) cmd.emplace_back("--system-site-packages");
  if (is_set(args, "virtualenv_python")) {
    if (is_venv) throw ModuleFailure("virtualenv_python should not be used when using the venv module or pyvenv as virtualenv_command");
    cmd.push_back("-p" + arg_string(args, "virtualenv_python"));
  }
  cmd.push_back(env);
  ProcessResult r = run_process({.argv = cmd, .chdir = chdir});
  out += r.stdout_text;
  err += r.stderr_text;
  if (r.rc != 0) throw ModuleFailure("Failed to create the virtualenv " + env, {{"cmd", join(cmd)}, {"stdout", out}, {"stderr", err}});
}

// PEP 503 names: lower case, runs of -_. as one "-".
std::string normalized(std::string name) {
  std::string out;
  for (char c : name) {
    bool sep = c == '-' || c == '_' || c == '.';
    if (sep) { if (out.empty() || out.back() != '-') out += '-'; }
    else out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// In check mode: is `requirement` (name, name==1.0) among `pip freeze`'s lines?
bool is_present(const std::string& requirement, const std::string& freeze) {
  size_t op = requirement.find_first_of("=<>!~ [;");
  std::string name = normalized(trim(requirement.substr(0, op)));
  std::string pinned;
  if (auto eq = requirement.find("=="); eq != std::string::npos) pinned = trim(requirement.substr(eq + 2));
  for (const auto& entry : split_lines(freeze)) {
    std::string line = entry.get<std::string>();
    auto eq = line.find("==");
    if (eq == std::string::npos) continue;
    if (normalized(line.substr(0, eq)) == name) return pinned.empty() || line.substr(eq + 2) == pinned;
  }
  return false;
}

}  // namespace

json run_pip(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "pip");
  check_mutually_exclusive(args, {"name", "requirements"});
  check_mutually_exclusive(args, {"executable", "virtualenv"});
  if (!is_set(args, "name") && !is_set(args, "requirements")) throw ModuleFailure("one of the following is required: name, requirements");
  std::string state = arg_string(args, "state");
  std::string env = arg_string(args, "virtualenv");
  std::string chdir = arg_string(args, "chdir");
  if (!env.empty() && !chdir.empty() && !env.starts_with("/")) env = chdir + "/" + env;
  if (state == "latest" && is_set(args, "version")) throw ModuleFailure("version is incompatible with state=latest");
  if (chdir.empty()) chdir = environment_variable("TMPDIR").value_or("/tmp");
  mode_t old_umask = 0;
  bool umask_set = is_set(args, "umask");
  if (umask_set) {
    std::string text = arg_string(args, "umask");
    if (text.empty() || text.find_first_not_of("01234567") != std::string::npos) throw ModuleFailure("umask must be an octal integer");
    old_umask = ::umask(static_cast<mode_t>(std::stoul(text, nullptr, 8)));
  }
  struct RestoreUmask {
    bool active;
    mode_t mask;
    ~RestoreUmask() { if (active) ::umask(mask); }
  } restore{umask_set, old_umask};

  std::string out, err;
  bool venv_created = false;
  if (!env.empty() && ::access((env + "/bin/activate").c_str(), F_OK) != 0) {
    if (ctx.checking()) return {{"changed", true}};
    venv_created = true;
    create_virtualenv(args, env, chdir, out, err);
  }
  std::vector<std::string> pip = find_pip(args, env);
  std::vector<std::string> cmd = pip;
  if (state == "present") cmd.emplace_back("install");
  else if (state == "latest") cmd.insert(cmd.end(), {"install", "-U"});
  else if (state == "forcereinstall") cmd.insert(cmd.end(), {"install", "-U", "--force-reinstall"});
  else cmd.insert(cmd.end(), {"uninstall", "-y"});
  std::string extra = arg_string(args, "extra_args");
  if (arg_bool(args, "editable") && (" " + extra + " ").find(" -e ") == std::string::npos) extra = extra.empty() ? "-e" : extra + " -e";
  if (!extra.empty()) for (auto& word : shlex_split(extra)) cmd.push_back(word);
  std::vector<std::string> packages;
  if (is_set(args, "name")) {
    for (const auto& item : args["name"]) packages.push_back(item.is_string() ? item.get<std::string>() : item.dump());
    if (is_set(args, "version")) {
      if (packages.size() > 1)
        throw ModuleFailure("'version' argument is ambiguous when installing multiple package distributions. Please specify version restrictions next to each package in 'name' argument.");
      if (packages[0].find_first_of("=<>!~") != std::string::npos)
        throw ModuleFailure("The 'version' argument conflicts with any version specifier provided along with a package name. Please keep the version specifier, but remove the 'version' argument.");
      packages[0] += "==" + arg_string(args, "version");
    }
    cmd.insert(cmd.end(), packages.begin(), packages.end());
  } else {
    cmd.insert(cmd.end(), {"-r", arg_string(args, "requirements")});
  }
  if (ctx.checking()) {
    if (!extra.empty() || is_set(args, "requirements") || state == "latest" || packages.empty()) return {{"changed", true}};
    std::vector<std::string> freeze_cmd = pip;
    freeze_cmd.emplace_back("freeze");
    ProcessResult freeze = run_process({.argv = freeze_cmd, .chdir = chdir});
    bool changed = false;
    for (const auto& package : packages) {
      bool present = is_present(package, freeze.stdout_text);
      if ((state == "present" && !present) || (state == "absent" && present)) changed = true;
    }
    return {{"changed", changed}, {"cmd", join(freeze_cmd)}, {"stdout", out + freeze.stdout_text}, {"stderr", err + freeze.stderr_text}};
  }
  std::string freeze_before;
  bool compare_freeze = is_set(args, "requirements") ||
                        std::any_of(packages.begin(), packages.end(), [](const std::string& p) { return p.find("+") != std::string::npos && p.find("://") != std::string::npos; });
  std::vector<std::string> freeze_cmd = pip;
  freeze_cmd.emplace_back("freeze");
  if (compare_freeze) freeze_before = run_process({.argv = freeze_cmd, .chdir = chdir}).stdout_text;
  std::map<std::string, std::string> path_env;
  if (!env.empty()) path_env["PATH"] = env + "/bin:" + environment_variable("PATH").value_or("");
  ProcessResult r = run_process({.argv = cmd, .environment = path_env, .chdir = chdir});
  out += r.stdout_text;
  err += r.stderr_text;
  bool not_installed = r.stdout_text.find("not installed") != std::string::npos || r.stderr_text.find("not installed") != std::string::npos;
  if (r.rc != 0 && !(r.rc == 1 && state == "absent" && not_installed)) {
    std::string msg = r.start_failure != StartFailure::none ? r.error : "stdout: " + out + "\n\n:stderr: " + err;
    throw ModuleFailure(msg, {{"cmd", join(cmd)}});
  }
  bool changed;
  if (state == "absent") changed = r.stdout_text.find("Successfully uninstalled") != std::string::npos;
  else if (!compare_freeze) changed = r.stdout_text.find("Successfully installed") != std::string::npos;
  else changed = freeze_before != run_process({.argv = freeze_cmd, .chdir = chdir}).stdout_text;
  json result = {{"changed", changed || venv_created}, {"cmd", join(cmd)}, {"name", args["name"]}, {"version", args["version"]},
                 {"state", state}, {"requirements", args["requirements"]}, {"virtualenv", env.empty() ? json(nullptr) : json(env)},
                 {"stdout", out}, {"stderr", err}};
  return result;
}

namespace {
const std::array<ReturnDoc, 8> k_returns{{
    ReturnDoc{"cmd", "str", "success", "The pip command run."},
    ReturnDoc{"name", "list", "success", "The packages asked for."},
    ReturnDoc{"requirements", "str", "success", "The requirements file."},
    ReturnDoc{"state", "str", "success", "The state asked for."},
    ReturnDoc{"stdout", "str", "success", "pip's output."},
    ReturnDoc{"stderr", "str", "success", "pip's error output."},
    ReturnDoc{"version", "str", "success", "The version asked for."},
    ReturnDoc{"virtualenv", "str", "success", "The virtualenv used."},
}};
}  // namespace

const ModuleDoc pip_doc{
    .description = "Manages Python packages with the target's pip (pip3, else pip, or the one named by executable, or the "
                   "virtualenv's), as Ansible's pip: pip install/uninstall runs every time and `changed` comes from pip's "
                   "\"Successfully installed\"/\"Successfully uninstalled\" (with requirements, from pip freeze before and after).",
    .options = k_spec,
    .returns = k_returns,
    .example = "- ansible.builtin.pip:\n    name: [requests, 'flask>=2']\n    virtualenv: /opt/app/venv\n    virtualenv_command: python3 -m venv\n",
    .notes = "Without executable or virtualenv, Ansible uses the pip module of the Python it runs under; drover has no "
             "Python, so it runs pip3 (or pip) from PATH. A missing pip is a clear error.",
};

}  // namespace drover::modules
