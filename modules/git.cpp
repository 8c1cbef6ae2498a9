// git, as Ansible 2.14's: clones, fetches and checks out a version with the target's git, in the
// same order of git commands as Ansible's module (ls-remote to tell branches from tags, fetch
// with --tags, checkout --force / reset --hard), so the resulting checkout and the before/after
// shas are the same. ssh options (key_file, accept_hostkey, ssh_opts) go through
// GIT_SSH_COMMAND.
#include <array>
#include <cctype>
#include <map>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

namespace fs = std::filesystem;

const std::array k_spec{
    ArgSpec{.name = "repo", .required = Required::yes, .aliases = {"name"}, .description = "The repository's address (URL, scp-like user@host:path, or a local path)."},
    ArgSpec{.name = "dest", .type = ArgType::path, .description = "Where the checkout goes; required unless clone=false."},
    ArgSpec{.name = "version", .default_value = "HEAD", .description = "What to check out: a branch, a tag, a sha, or HEAD (the remote's default branch)."},
    ArgSpec{.name = "remote", .default_value = "origin", .description = "The remote's name."},
    ArgSpec{.name = "refspec", .description = "An extra refspec to fetch (e.g. refs/pull/*)."},
    ArgSpec{.name = "reference", .description = "A repository to borrow objects from when cloning (--reference)."},
    ArgSpec{.name = "force", .type = ArgType::boolean, .default_value = false, .description = "Discard local modifications of tracked files; without it they fail the task."},
    ArgSpec{.name = "depth", .type = ArgType::integer, .description = "A shallow clone of this many commits (for HEAD, branches, tags or with refspec)."},
    ArgSpec{.name = "clone", .type = ArgType::boolean, .default_value = true, .description = "Clone when dest has no repository; false only looks up the remote's revision."},
    ArgSpec{.name = "update", .type = ArgType::boolean, .default_value = true, .description = "Fetch and check out version in an existing checkout; false leaves it alone."},
    ArgSpec{.name = "verify_commit", .type = ArgType::boolean, .default_value = false, .description = "Check the GPG signature of the checked-out commit (or tag) with git verify-commit / verify-tag."},
    ArgSpec{.name = "gpg_whitelist", .type = ArgType::list, .default_value = json::array(), .description = "Accepted only empty: drover does not filter signing keys."},
    ArgSpec{.name = "accept_hostkey", .type = ArgType::boolean, .default_value = false, .description = "Add -o StrictHostKeyChecking=no to ssh."},
    ArgSpec{.name = "accept_newhostkey", .type = ArgType::boolean, .default_value = false, .description = "Add -o StrictHostKeyChecking=accept-new to ssh."},
    ArgSpec{.name = "key_file", .type = ArgType::path, .description = "The private key ssh uses (-i, IdentitiesOnly=yes)."},
    ArgSpec{.name = "ssh_opts", .description = "More ssh options, as one string."},
    ArgSpec{.name = "executable", .type = ArgType::path, .description = "The git to run; default git on PATH."},
    ArgSpec{.name = "bare", .type = ArgType::boolean, .default_value = false, .description = "A bare repository in dest."},
    ArgSpec{.name = "recursive", .type = ArgType::boolean, .default_value = true, .description = "Also clone and update submodules."},
    ArgSpec{.name = "single_branch", .type = ArgType::boolean, .default_value = false, .description = "Clone only the history of version's branch (--single-branch)."},
    ArgSpec{.name = "track_submodules", .type = ArgType::boolean, .default_value = false, .description = "Update submodules to their remote's master instead of the recorded commit."},
    ArgSpec{.name = "umask", .type = ArgType::raw, .description = "The umask for git's files, a quoted octal string such as \"0022\"."},
    ArgSpec{.name = "archive", .type = ArgType::path, .description = "Also write an archive of version here (.zip, .tar, .tar.gz, .tgz)."},
    ArgSpec{.name = "archive_prefix", .description = "A path prefix for the archive's entries; needs archive."},
    ArgSpec{.name = "separate_git_dir", .type = ArgType::path, .description = "Put the repository there instead of dest/.git (at clone time)."},
};

struct Git {
  std::string git;
  std::string repo;
  std::string dest;
  std::string remote;
  std::string version;
  std::optional<long long> depth;
  bool bare = false;
  std::map<std::string, std::string> env;
  json warnings = json::array();
};

struct Run {
  int rc = 0;
  std::string out, err;
};

Run git_cmd(const Git& g, std::vector<std::string> args, const std::string& cwd) {
  ProcessSpec spec;
  spec.argv = {g.git};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.environment = g.env;
  spec.chdir = cwd;
  ProcessResult process = run_process(spec);
  if (process.start_failure != StartFailure::none) return {process.rc, "", process.error};
  return {process.rc, process.stdout_text, process.stderr_text};
}

std::string command_text(const Git& g, const std::vector<std::string>& args) {
  std::string text = g.git;
  for (const auto& arg : args) text += " " + arg;
  return text;
}

// run_command(check_rc=True): a failure is the task's, with Ansible's fields.
Run must(const Git& g, std::vector<std::string> args, const std::string& cwd) {
  Run r = git_cmd(g, args, cwd);
  if (r.rc != 0) {
    std::string msg = r.err;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw ModuleFailure(msg.empty() ? "Error executing command." : msg,
                        {{"cmd", command_text(g, args)}, {"rc", r.rc}, {"stdout", r.out}, {"stderr", r.err}});
  }
  return r;
}

std::string rstrip_newlines(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

std::string repo_path(const std::string& dest, bool bare) {
  std::string path = bare ? dest : dest + "/.git";
  if (fs::is_regular_file(path)) {
    std::string data = read_file(path).value_or("");
    while (!data.empty() && std::isspace(static_cast<unsigned char>(data.back()))) data.pop_back();
    if (!data.starts_with("gitdir: "))
      throw ModuleFailure("Current repo does not have a valid reference to a separate Git dir or it refers to the invalid path",
                          {{"details", ".git file has invalid git dir reference format"}});
    std::string gitdir = data.substr(8);
    path = gitdir.starts_with("/") ? gitdir : dest + "/" + gitdir;
    if (!fs::is_directory(path))
      throw ModuleFailure("Current repo does not have a valid reference to a separate Git dir or it refers to the invalid path",
                          {{"details", path + " is not a directory"}});
  }
  return path;
}

bool ls_remote_has(const Git& g, const std::string& cwd, const std::string& where, const char* kind, const std::string& ref) {
  Run r = must(g, {"ls-remote", where, kind, ref}, cwd);
  return r.out.find(g.version) != std::string::npos;
}

bool is_remote_branch(const Git& g, const std::string& cwd, const std::string& where) {
  return ls_remote_has(g, cwd, where, "-h", "refs/heads/" + g.version);
}
bool is_remote_tag(const Git& g, const std::string& cwd, const std::string& where) {
  return ls_remote_has(g, cwd, where, "-t", "refs/tags/" + g.version);
}

// The cwd for a command in dest that may not exist yet (Python's cwd=None when it is missing
// would fail; Ansible only runs these with an existing dest or a URL).
std::string cwd_or_here(const std::string& dest) { return fs::is_directory(dest) ? dest : ""; }

std::vector<std::string> branches(const Git& g) {
  Run r = git_cmd(g, {"branch", "--no-color", "-a"}, g.dest);
  if (r.rc != 0) throw ModuleFailure("Could not determine branch data - received " + r.out, {{"stdout", r.out}, {"stderr", r.err}});
  std::vector<std::string> out;
  for (const auto& line : split_lines(r.out))
    if (auto t = trim(line.get<std::string>()); !t.empty()) out.push_back(t);
  return out;
}

bool is_local_branch(const Git& g, const std::string& branch) {
  for (const auto& b : branches(g))
    if (b == branch || b == "* " + branch) return true;
  return false;
}

bool is_not_a_branch(const Git& g) {
  for (const auto& b : branches(g))
    if (b.starts_with("* ") && (b.find("no branch") != std::string::npos || b.find("detached from") != std::string::npos ||
                                b.find("detached at") != std::string::npos))
      return true;
  return false;
}

// Ansible's get_head_branch / head_splitter.
std::string head_branch(const Git& g) {
  std::string path = repo_path(g.dest, g.bare);
  std::string head = path + "/HEAD";
  if (!g.bare && is_not_a_branch(g)) head = path + "/refs/remotes/" + g.remote + "/HEAD";
  std::optional<std::string> data = read_file(head);
  if (!data) return "";
  std::string line = data->substr(0, data->find('\n') == std::string::npos ? data->size() : data->find('\n') + 1);
  if (auto at = line.find("refs/remotes/" + g.remote); at != std::string::npos) line.erase(at, 13 + g.remote.size());
  std::string ref = line.substr(line.rfind(' ') == std::string::npos ? 0 : line.rfind(' ') + 1);
  // newref.split('/', 2)[-1]
  std::size_t first = ref.find('/');
  if (first != std::string::npos) {
    std::size_t second = ref.find('/', first + 1);
    ref = second == std::string::npos ? ref.substr(first + 1) : ref.substr(second + 1);
  }
  return rstrip_newlines(ref);
}

std::string get_version(const Git& g, const std::string& ref = "HEAD") {
  return rstrip_newlines(git_cmd(g, {"rev-parse", ref}, g.dest).out);
}

std::string remote_head(const Git& g, const std::string& where, bool cloning) {
  std::string cwd = cloning ? "" : g.dest;
  std::vector<std::string> cmd;
  bool tag = false;
  if (g.version == "HEAD") {
    if (cloning) cmd = {"ls-remote", where, "-h", "HEAD"};
    else cmd = {"ls-remote", where, "-h", "refs/heads/" + head_branch(g)};
  } else if (is_remote_branch(g, cwd_or_here(cwd), where)) {
    cmd = {"ls-remote", where, "-h", "refs/heads/" + g.version};
  } else if (is_remote_tag(g, cwd_or_here(cwd), where)) {
    tag = true;
    cmd = {"ls-remote", where, "-t", "refs/tags/" + g.version + "*"};
  } else {
    return g.version;
  }
  Run r = must(g, cmd, cwd_or_here(cwd));
  if (r.out.empty())
    throw ModuleFailure("Could not determine remote revision for " + g.version, {{"stdout", r.out}, {"stderr", r.err}, {"rc", r.rc}});
  std::string out = r.out;
  if (tag) {
    std::size_t start = 0;
    while (start <= r.out.size()) {
      std::size_t end = r.out.find('\n', start);
      if (end == std::string::npos) end = r.out.size();
      std::string line = r.out.substr(start, end - start);
      if (line.ends_with(g.version + "^{}")) {
        out = line;
        break;
      }
      if (line.ends_with(g.version)) out = line;
      start = end + 1;
    }
  }
  std::vector<std::string> words = split_words(out);
  return words.empty() ? "" : words[0];
}

std::string unfrack(const std::string& path) {
  std::error_code ec;
  std::string expanded = expand_user_and_vars(path, environment_variable);
  fs::path real = fs::weakly_canonical(fs::absolute(expanded, ec), ec);
  return real.lexically_normal().string();
}

std::optional<std::string> remote_url(const Git& g) {
  Run r = git_cmd(g, {"ls-remote", "--get-url", g.remote}, g.dest);
  if (r.rc != 0) return std::nullopt;
  return rstrip_newlines(r.out);
}

bool set_remote_url(const Git& g) {
  std::optional<std::string> url = remote_url(g);
  if (url && (*url == g.repo || unfrack(*url) == unfrack(g.repo))) return false;
  Run r = git_cmd(g, {"remote", "set-url", g.remote, g.repo}, g.dest);
  if (r.rc != 0) throw ModuleFailure("Failed to set a new url " + g.repo + " for " + g.remote + ": " + r.out + " " + r.err);
  return url.has_value();
}

void fetch(const Git& g, const std::string& refspec, bool force) {
  set_remote_url(g);
  std::vector<std::string> cmd{"fetch"};
  std::vector<std::string> refspecs;
  if (g.depth) {
    std::string current = head_branch(g);
    if (!refspec.empty()) {
      refspecs.push_back(refspec);
    } else if (g.version == "HEAD") {
      refspecs.push_back(current);
    } else if (is_remote_branch(g, g.dest, g.repo)) {
      if (current != g.version) refspecs.push_back("+refs/heads/" + g.version + ":refs/heads/" + g.version);
      refspecs.push_back("+refs/heads/" + g.version + ":refs/remotes/" + g.remote + "/" + g.version);
    } else if (is_remote_tag(g, g.dest, g.repo)) {
      refspecs.push_back("+refs/tags/" + g.version + ":refs/tags/" + g.version);
    }
    if (!refspecs.empty()) cmd.insert(cmd.end(), {"--depth", std::to_string(*g.depth)});
  }
  if (!g.depth || refspecs.empty()) {
    if (g.bare) refspecs = {"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"};
    else cmd.push_back("--tags");
    if (!refspec.empty()) refspecs.push_back(refspec);
  }
  if (force) cmd.push_back("--force");
  cmd.push_back(g.remote);
  cmd.insert(cmd.end(), refspecs.begin(), refspecs.end());
  Run r = git_cmd(g, cmd, g.dest);
  if (r.rc != 0)
    throw ModuleFailure("Failed to download remote objects and refs: " + r.out + " " + r.err, {{"cmd", command_text(g, cmd)}});
}

void clone(Git& g, const json& args) {
  std::error_code ec;
  std::string parent = fs::path(g.dest).parent_path().string();
  fs::create_directories(parent, ec);
  std::vector<std::string> cmd{"clone"};
  if (g.bare) cmd.push_back("--bare");
  else cmd.insert(cmd.end(), {"--origin", g.remote});
  bool branch_or_tag = is_remote_branch(g, "", g.repo) || is_remote_tag(g, "", g.repo);
  std::string refspec = arg_string(args, "refspec");
  if (g.depth) {
    if (g.version == "HEAD" || !refspec.empty()) {
      cmd.insert(cmd.end(), {"--depth", std::to_string(*g.depth)});
    } else if (branch_or_tag) {
      cmd.insert(cmd.end(), {"--depth", std::to_string(*g.depth), "--branch", g.version});
    } else {
      g.warnings.push_back("Ignoring depth argument. Shallow clones are only available for HEAD, branches, tags or in combination with refspec.");
    }
  }
  if (is_set(args, "reference")) cmd.insert(cmd.end(), {"--reference", arg_string(args, "reference")});
  if (arg_bool(args, "single_branch")) {
    cmd.push_back("--single-branch");
    if (branch_or_tag) cmd.insert(cmd.end(), {"--branch", g.version});
  }
  if (is_set(args, "separate_git_dir")) cmd.push_back("--separate-git-dir=" + arg_string(args, "separate_git_dir"));
  cmd.insert(cmd.end(), {g.repo, g.dest});
  must(g, cmd, parent);
  if (g.bare && g.remote != "origin") must(g, {"remote", "add", g.remote, g.repo}, g.dest);
  if (!refspec.empty()) {
    std::vector<std::string> fetch_cmd{"fetch"};
    if (g.depth) fetch_cmd.insert(fetch_cmd.end(), {"--depth", std::to_string(*g.depth)});
    fetch_cmd.insert(fetch_cmd.end(), {g.remote, refspec});
    must(g, fetch_cmd, g.dest);
  }
}

void fail_checkout(const std::string& msg, const Run& r, const std::string& cmd) {
  throw ModuleFailure(msg, {{"stdout", r.out}, {"stderr", r.err}, {"rc", r.rc}, {"cmd", cmd}});
}

void switch_version(const Git& g) {
  std::vector<std::string> cmd;
  std::string branch;
  if (g.version == "HEAD") {
    branch = head_branch(g);
    Run r = git_cmd(g, {"checkout", "--force", branch}, g.dest);
    if (r.rc != 0) fail_checkout("Failed to checkout branch " + branch, r, "");
    cmd = {"reset", "--hard", g.remote + "/" + branch, "--"};
  } else if (is_remote_branch(g, g.dest, g.remote)) {
    if (g.depth && !is_local_branch(g, g.version)) {
      std::vector<std::string> fetch_cmd{"fetch", "--depth=" + std::to_string(*g.depth), g.remote,
                                         "+refs/heads/" + g.version + ":refs/heads/" + g.version,
                                         "+refs/heads/" + g.version + ":refs/remotes/" + g.remote + "/" + g.version};
      Run r = git_cmd(g, fetch_cmd, g.dest);
      if (r.rc != 0) fail_checkout("Failed to fetch branch from remote: " + g.version, r, command_text(g, fetch_cmd));
    }
    if (!is_local_branch(g, g.version)) {
      cmd = {"checkout", "--track", "-b", g.version, g.remote + "/" + g.version};
    } else {
      Run r = git_cmd(g, {"checkout", "--force", g.version}, g.dest);
      if (r.rc != 0) fail_checkout("Failed to checkout branch " + g.version, r, "");
      cmd = {"reset", "--hard", g.remote + "/" + g.version};
    }
  } else {
    cmd = {"checkout", "--force", g.version};
  }
  Run r = git_cmd(g, cmd, g.dest);
  if (r.rc != 0)
    fail_checkout(g.version != "HEAD" ? "Failed to checkout " + g.version : "Failed to checkout branch " + branch, r, command_text(g, cmd));
}

void verify_signature(const Git& g) {
  std::vector<std::string> tags;
  Run refs = git_cmd(g, {"for-each-ref", "refs/tags/", "--format", "%(objecttype):%(refname:short)"}, g.dest);
  bool annotated = false;
  for (const auto& line : split_lines(refs.out))
    if (trim(line.get<std::string>()) == "tag:" + g.version) annotated = true;
  std::vector<std::string> cmd{annotated ? "verify-tag" : "verify-commit", g.version, "--raw"};
  Run r = git_cmd(g, cmd, g.dest);
  if (r.rc != 0)
    throw ModuleFailure("Failed to verify GPG signature of commit/tag \"" + g.version + "\"", {{"stdout", r.out}, {"stderr", r.err}, {"rc", r.rc}});
}

bool has_local_mods(const Git& g) {
  if (g.bare) return false;
  Run r = git_cmd(g, {"status", "--porcelain"}, g.dest);
  for (const auto& line : split_lines(r.out))
    if (!line.get<std::string>().starts_with("??")) return true;
  return false;
}

// Ansible's submodules_fetch (without track_submodules' remote comparison): whether a submodule
// is missing or not at its recorded commit.
bool submodules_changed(const Git& g) {
  std::optional<std::string> modules = read_file(g.dest + "/.gitmodules");
  if (!modules) return false;
  for (const auto& item : split_lines(*modules)) {
    std::string line = trim(item.get<std::string>());
    if (!line.starts_with("path")) continue;
    std::string path = trim(line.substr(line.find('=') == std::string::npos ? line.size() : line.find('=') + 1));
    if (!fs::exists(g.dest + "/" + path + "/.git")) return true;
  }
  must(g, {"submodule", "foreach", g.git, "fetch"}, g.dest);
  Run status = must(g, {"submodule", "status"}, g.dest);
  for (const auto& line : split_lines(status.out))
    if (!line.get<std::string>().empty() && line.get<std::string>()[0] != ' ') return true;
  return false;
}

void submodule_update(const Git& g, bool track, bool force) {
  if (!fs::exists(g.dest + "/.gitmodules")) return;
  must(g, {"submodule", "sync"}, g.dest);
  std::vector<std::string> cmd{"submodule", "update", "--init", "--recursive"};
  if (track) cmd.push_back("--remote");
  if (force) cmd.push_back("--force");
  Run r = git_cmd(g, cmd, g.dest);
  if (r.rc != 0) throw ModuleFailure("Failed to init/update submodules: " + r.out + r.err);
}

json prepared_diff(const Git& g, const json& before, const std::string& after) {
  if (before.is_null()) return {{"prepared", ">> Newly checked out " + after}};
  std::string b = before.get<std::string>();
  if (b == after) return json::object();
  Run r = git_cmd(g, {"diff", b, after}, g.dest);
  if (r.rc == 0 && !r.out.empty()) return {{"prepared", r.out}};
  if (r.rc == 0) return {{"prepared", ">> No visual differences between " + b + " and " + after}};
  if (!r.err.empty()) return {{"prepared", ">> Failed to get proper diff between " + b + " and " + after + ":\n>> " + r.err}};
  return {{"prepared", ">> Failed to get proper diff between " + b + " and " + after}};
}

void create_archive(const Git& g, const json& args, json& result) {
  std::string archive = arg_string(args, "archive");
  std::string format;
  if (archive.ends_with(".zip")) format = "zip";
  else if (archive.ends_with(".gz")) format = "tar.gz";
  else if (archive.ends_with(".tar")) format = "tar";
  else if (archive.ends_with(".tgz")) format = "tgz";
  else
    throw ModuleFailure("Unable to get file extension from archive file name : " + archive,
                        {{"details", "Please specify archive as filename with extension. File extension can be one of "
                                     "['tar', 'tar.gz', 'zip', 'tgz']"}});
  std::string target = archive + ".drover-new";
  std::vector<std::string> cmd{"archive", "--format=" + format, "--output=" + target};
  if (is_set(args, "archive_prefix")) cmd.push_back("--prefix=" + arg_string(args, "archive_prefix"));
  cmd.push_back(g.version);
  Run r = git_cmd(g, cmd, g.dest);
  if (r.rc != 0) {
    ::unlink(target.c_str());
    throw ModuleFailure("Failed to perform archive operation", {{"details", "Git archive command failed to create archive " + archive + " using " + g.version + " : " + r.out + r.err}});
  }
  std::optional<std::string> old = read_file(archive);
  if (old && old == read_file(target)) {
    ::unlink(target.c_str());
    result["changed"] = false;
    return;
  }
  if (::rename(target.c_str(), archive.c_str()) != 0) {
    ::unlink(target.c_str());
    throw ModuleFailure("Failed to move " + target + " to " + archive);
  }
  result["changed"] = true;
}

// GIT_SSH_COMMAND from ssh_opts, accept_hostkey/accept_newhostkey and key_file, as Ansible's
// set_git_ssh_env for git >= 2.3.
std::string ssh_command(const json& args) {
  std::optional<std::string> opts;
  if (is_set(args, "ssh_opts")) opts = arg_string(args, "ssh_opts");
  for (auto [flag, option] : {std::pair{"accept_hostkey", "-o StrictHostKeyChecking=no"},
                              std::pair{"accept_newhostkey", "-o StrictHostKeyChecking=accept-new"}}) {
    if (!arg_bool(args, flag)) continue;
    if (!opts) opts = option;
    else if (opts->find("-o StrictHostKeyChecking=no") == std::string::npos &&
             opts->find("-o StrictHostKeyChecking=accept-new") == std::string::npos)
      *opts += std::string(" ") + option;
  }
  std::string env_opts = environment_variable("GIT_SSH_OPTS").value_or("");
  std::string full = opts ? env_opts + " " + *opts : env_opts;
  if (arg_bool(args, "accept_hostkey") && full.find("StrictHostKeyChecking=no") == std::string::npos)
    full += " -o StrictHostKeyChecking=no";
  if (full.find("BatchMode=yes") == std::string::npos) full += " -o BatchMode=yes";
  if (is_set(args, "key_file")) {
    std::string key = "-i " + arg_string(args, "key_file");
    if (full.find(key) == std::string::npos) full += "  " + key;
    if (full.find("IdentitiesOnly=yes") == std::string::npos) full += " -o IdentitiesOnly=yes";
  }
  std::string base = environment_variable("GIT_SSH").value_or(environment_variable("GIT_SSH_COMMAND").value_or("ssh"));
  return full.empty() ? base : base + " " + full;
}

// Restores the runner's umask when the module returns: serve mode runs many modules.
struct UmaskGuard {
  mode_t saved = 0;
  bool active = false;
  ~UmaskGuard() {
    if (active) ::umask(saved);
  }
};

}  // namespace

json run_git(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "git");
  check_mutually_exclusive(raw_args, {"separate_git_dir", "bare"});  // as given, before defaults
  check_mutually_exclusive(raw_args, {"accept_hostkey", "accept_newhostkey"});
  if (is_set(args, "archive_prefix") && !is_set(args, "archive"))
    throw ModuleFailure("missing parameter(s) required by 'archive_prefix': archive");
  Git g;
  g.git = is_set(args, "executable") ? arg_string(args, "executable") : require_executable("git");
  g.repo = arg_string(args, "repo");
  g.remote = arg_string(args, "remote");
  g.version = arg_string(args, "version");
  g.bare = arg_bool(args, "bare");
  if (is_set(args, "depth")) g.depth = args["depth"].get<long long>();
  if (g.depth && *g.depth == 0) g.depth.reset();  // Python's `if depth:`
  bool force = arg_bool(args, "force");
  if (!args["gpg_whitelist"].empty()) g.warnings.push_back("drover's git module does not apply gpg_whitelist: any valid signature passes verify_commit");
  bool allow_clone = arg_bool(args, "clone");
  json result = {{"changed", false}};

  UmaskGuard umask_guard;
  if (is_set(args, "umask")) {
    if (!args["umask"].is_string()) throw ModuleFailure("umask must be defined as a quoted octal integer");
    std::string text = args["umask"].get<std::string>();
    if (text.empty() || text.find_first_not_of("01234567") != std::string::npos)
      throw ModuleFailure("umask must be an octal integer", {{"details", "invalid literal for int() with base 8: '" + text + "'"}});
    umask_guard.saved = ::umask(static_cast<mode_t>(std::stoul(text, nullptr, 8)));
    umask_guard.active = true;
  }
  std::string expanded_repo = expand_user(g.repo);
  if (expanded_repo.starts_with("/")) g.repo = "file://" + expanded_repo;
  g.env = {{"LANG", "C"}, {"LC_ALL", "C"}, {"LC_MESSAGES", "C"}, {"LC_CTYPE", "C"}, {"GIT_SSH_COMMAND", ssh_command(args)}};
  // git_version: Ansible prefers GIT_SSH_COMMAND on git >= 2.3; any git drover meets is newer
  if (!is_set(args, "dest") && allow_clone) throw ModuleFailure("the destination directory must be specified unless clone=no");
  if (is_set(args, "dest")) g.dest = fs::absolute(arg_string(args, "dest")).lexically_normal().string();
  while (g.dest.size() > 1 && g.dest.ends_with("/")) g.dest.pop_back();
  if (!g.dest.empty() && is_set(args, "separate_git_dir")) {
    std::string separate = fs::weakly_canonical(arg_string(args, "separate_git_dir")).string();
    std::string current = repo_path(g.dest, g.bare);
    if (fs::exists(current) && separate != current)
      throw ModuleFailure("drover's git module cannot move an existing repository to separate_git_dir (" + separate +
                          "); move it with git itself, or clone afresh");
  }
  bool local_mods = false;
  result["before"] = nullptr;
  bool missing = g.dest.empty() || !fs::exists(repo_path(g.dest, g.bare) + "/config");
  if (missing) {
    if (ctx.checking() || !allow_clone) {
      result["changed"] = true;
      result["after"] = remote_head(g, g.repo, true);
      if (ctx.diffing()) result["diff"] = prepared_diff(g, nullptr, result["after"].get<std::string>());
      if (!g.warnings.empty()) result["warnings"] = g.warnings;
      return result;
    }
    clone(g, args);
  } else if (!arg_bool(args, "update")) {
    result["before"] = get_version(g);
    result["after"] = result["before"];
    if (is_set(args, "archive")) {
      if (ctx.checking()) {
        result["changed"] = true;
        return result;
      }
      create_archive(g, args, result);
    }
    return result;
  } else {
    local_mods = has_local_mods(g);
    result["before"] = get_version(g);
    if (local_mods) {
      if (!force) {
        json fields = result;
        throw ModuleFailure("Local modifications exist in the destination: " + g.dest + " (force=no).", fields);
      }
      if (!ctx.checking()) {
        must(g, {"reset", "--hard", "HEAD"}, g.dest);
        result["changed"] = true;
        result["msg"] = "Local modifications exist in the destination: " + g.dest;
      }
    }
    bool url_changed = false;
    if (ctx.checking()) {
      std::optional<std::string> url = remote_url(g);
      url_changed = url && !url->empty() && *url != g.repo && unfrack(*url) != unfrack(g.repo);
    } else {
      url_changed = set_remote_url(g);
    }
    result["remote_url_changed"] = url_changed;
    if (ctx.checking()) {
      std::string head = remote_head(g, g.remote, false);
      result["changed"] = result["before"] != head || url_changed;
      result["after"] = head;
      if (ctx.diffing()) {
        json diff = prepared_diff(g, result["before"], head);
        if (!diff.empty()) result["diff"] = diff;
      }
      if (!g.warnings.empty()) result["warnings"] = g.warnings;
      return result;
    }
    fetch(g, arg_string(args, "refspec"), force);
    result["after"] = get_version(g);
  }
  if (!g.bare) switch_version(g);
  if (!g.bare && arg_bool(args, "verify_commit")) verify_signature(g);
  bool submodules = false;
  if (arg_bool(args, "recursive") && !g.bare) {
    submodules = submodules_changed(g);
    if (submodules) {
      result["submodules_changed"] = true;
      submodule_update(g, arg_bool(args, "track_submodules"), force);
    }
  }
  result["after"] = get_version(g);
  if (result["before"] != result["after"] || local_mods || submodules || result.value("remote_url_changed", false)) {
    result["changed"] = true;
    if (ctx.diffing()) {
      json diff = prepared_diff(g, result["before"], result["after"].get<std::string>());
      if (!diff.empty()) result["diff"] = diff;
    }
  }
  if (is_set(args, "archive")) create_archive(g, args, result);
  if (!g.warnings.empty()) result["warnings"] = g.warnings;
  return result;
}

namespace {
const ReturnDoc k_git_returns[] = {
    ReturnDoc{"before", "str", "success", "The checked-out sha before the task (null when it cloned)."},
    ReturnDoc{"after", "str", "success", "The checked-out sha after the task (in check mode: the remote's)."},
    ReturnDoc{"remote_url_changed", "bool", "when dest held a checkout", "Whether the remote's URL was changed to repo."},
    ReturnDoc{"submodules_changed", "bool", "when submodules changed", "Whether submodules were updated."},
    ReturnDoc{"warnings", "list", "when there are some", "E.g. an ignored depth."},
    ReturnDoc{"diff", "dict", "with --diff, when the sha changed", "git diff's output as `prepared`."},
};
}  // namespace

const ModuleDoc git_doc{
    .description = "Clones a git repository, or fetches and checks out a version in an existing checkout, with the "
                   "target's git, as Ansible's git module.",
    .options = k_spec,
    .returns = k_git_returns,
    .example = "- ansible.builtin.git:\n    repo: https://github.com/example/app.git\n    dest: /srv/app\n    version: v1.2.0\n",
    .notes = "GIT_SSH_COMMAND carries the ssh options (git 2.3 or later). separate_git_dir works when cloning; "
             "moving an existing repository is refused. gpg_whitelist is not applied.",
};

}  // namespace drover::modules
