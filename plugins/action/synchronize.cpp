// synchronize: the control node's rsync, pushing to or pulling from the task's host.
#include "plugins/action/synchronize.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>

#include "core/secrets/keyring.hpp"
#include "core/value/boolean.hpp"
#include "core/value/python_repr.hpp"
#include "core/value/shlex.hpp"
#include "plugins/action/action.hpp"

namespace drover::action {

namespace fs = std::filesystem;
namespace bp = boost::process;

namespace {

constexpr std::string_view k_changed_marker = "<<CHANGED>>";

// A tri-state boolean argument: nullopt when absent or null (its default follows archive).
std::optional<bool> maybe_bool(const Value& args, std::string_view key) {
  const Value* v = args.find(key);
  if (!v || v->is_null()) return std::nullopt;
  return loose_boolean(*v);
}

std::string text_arg(const Value& args, std::string_view key) {
  const Value* v = args.find(key);
  if (!v || v->is_null()) return "";
  return v->is_string() ? v->as_string() : python_str(*v);
}

std::vector<std::string> list_arg(const Value& args, std::string_view key) {
  std::vector<std::string> out;
  const Value* v = args.find(key);
  if (!v || v->is_null()) return out;
  if (v->is_list()) {
    for (const Value& item : v->as_list()) out.push_back(item.is_string() ? item.as_string() : python_str(item));
  } else {
    std::string text = text_arg(args, key);
    std::size_t start = 0;
    while (true) {  // a string is a comma-separated list, as Ansible's list type reads it
      const std::size_t comma = text.find(',', start);
      out.push_back(text.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

// The path as rsync names the remote end: [user@]host:path (an IPv6 address in brackets).
std::string remote_path(const connection::ConnectionSpec& host, bool with_user, const std::string& path) {
  std::string address = host.address.find(':') != std::string::npos ? "[" + host.address + "]" : host.address;
  if (with_user && !host.user.empty()) address = host.user + "@" + address;
  return address + ":" + path;
}

std::string expand_user(const std::string& path) {
  if (path != "~" && !path.starts_with("~/")) return path;
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + path.substr(1) : path;
}

// A word of the shown command, quoted only when the shell needs it (shlex.quote).
std::string quoted(const std::string& word) {
  const bool plain = !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                              "0123456789@%+=:,./-_") == std::string::npos;
  return plain ? word : connection::shell_quote(word);
}

// The --rsh value: ssh with the host's port, key and host-key policy.
std::string ssh_command(const Value& args, const connection::ConnectionSpec& host) {
  std::vector<std::string> ssh = {"ssh"};
  if (!bool_arg(args, "ssh_connection_multiplexing")) ssh.insert(ssh.end(), {"-S", "none"});
  std::string key = text_arg(args, "private_key");
  if (key.empty() && !host.identity_files.empty()) key = host.identity_files.front();
  if (!key.empty()) ssh.insert(ssh.end(), {"-i", expand_user(key)});
  std::string port = text_arg(args, "dest_port");
  if (port.empty()) port = std::to_string(host.port);
  ssh.insert(ssh.end(), {"-o", "Port=" + port});
  if (bool_arg(args, "verify_host")) {
    // drover's own known_hosts settings decide, as for its ssh connection
    ssh.insert(ssh.end(), {"-o", "StrictHostKeyChecking=yes"});
    if (!host.known_hosts_file.empty()) ssh.insert(ssh.end(), {"-o", "UserKnownHostsFile=" + host.known_hosts_file});
  } else {
    ssh.insert(ssh.end(), {"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"});
  }
  if (bool_arg(args, "use_ssh_args")) {
    if (host.identities_only) ssh.insert(ssh.end(), {"-o", "IdentitiesOnly=yes"});
    ssh.insert(ssh.end(), {"-o", "ConnectTimeout=" + std::to_string(host.timeout_s)});
  }
  if (!host.proxy_jump.empty()) ssh.insert(ssh.end(), {"-J", host.proxy_jump});
  std::string text;
  for (const auto& word : ssh) text += (text.empty() ? "" : " ") + quoted(word);
  return text;
}

// The control node's rsync: an absolute path, or "" when PATH has none.
std::string find_rsync() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t colon = dirs.find(':', start);
    const std::string dir = dirs.substr(start, colon - start);
    const fs::path candidate = fs::path(dir.empty() ? "." : dir) / "rsync";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return "";
}

struct Output {
  int rc = 0;
  std::string out, err;
};

Output run(const std::vector<std::string>& argv) {
  boost::asio::io_context io;
  std::future<std::string> out, err;
  bp::environment env = boost::this_process::environment();  // without age keys
  for (const auto& name : secrets::secret_environment_variables()) env.erase(name);
  bp::child child(argv.front(), bp::args(std::vector<std::string>(argv.begin() + 1, argv.end())), env,
                  bp::std_in.close(), bp::std_out > out, bp::std_err > err, io);
  io.run();
  child.wait();
  return {child.exit_code(), out.get(), err.get()};
}

bool remote_rsync_missing(const std::string& err) {
  return err.find("rsync: command not found") != std::string::npos || err.find("rsync: not found") != std::string::npos ||
         err.find("rsync: No such file or directory") != std::string::npos ||
         err.find("remote command not found") != std::string::npos;
}

}  // namespace

std::variant<RsyncCommand, std::string> rsync_command(const Value& args, const connection::ConnectionSpec& host,
                                                      const std::string& rsync, DryRun dry_run) {
  std::string src = text_arg(args, "src"), dest = text_arg(args, "dest");
  if (src.empty() || dest.empty()) return std::string("missing required arguments: ") + (src.empty() ? "src" : "dest");
  const std::string mode = args.get_string("mode", "push");
  if (mode != "push" && mode != "pull") return "value of mode must be one of: pull, push, got: " + mode;
  const bool local = host.connection == "local";
  const bool with_user = bool_arg(args, "set_remote_user", true);
  if (!local) {
    if (mode == "push") dest = remote_path(host, with_user, dest);
    else src = remote_path(host, with_user, src);
  }
  // Ansible joins the words into one string and runs its shlex split: the words are executed
  // as those, and the command shows the string.
  RsyncCommand out;
  auto add = [&out](const std::string& word) {
    out.argv.push_back(word);
    out.cmd += (out.cmd.empty() ? "" : " ") + word;
  };
  auto add_quoted = [&out](const std::string& word) {  // one word, shown as shlex.quote shows it
    out.argv.push_back(word);
    out.cmd += (out.cmd.empty() ? "" : " ") + quoted(word);
  };
  add(rsync);
  if (bool_arg(args, "delay_updates", true)) {
    add("--delay-updates");
    add("-F");
  }
  if (bool_arg(args, "compress", true)) add("--compress");
  if (std::string timeout = text_arg(args, "rsync_timeout"); !timeout.empty() && timeout != "0")
    add("--timeout=" + timeout);
  if (dry_run == DryRun::yes) add("--dry-run");
  if (bool_arg(args, "delete")) add("--delete-after");
  if (bool_arg(args, "existing_only")) add("--existing");
  if (bool_arg(args, "checksum")) add("--checksum");
  if (bool_arg(args, "copy_links")) add("--copy-links");
  static constexpr std::string_view k_follow_archive[] = {"recursive", "links", "perms", "times", "owner", "group"};
  if (bool_arg(args, "archive", true)) {
    add("--archive");
    for (auto key : k_follow_archive)
      if (maybe_bool(args, key) == false) add("--no-" + std::string(key));
  } else {
    for (auto key : k_follow_archive)
      if (maybe_bool(args, key) == true) add("--" + std::string(key));
  }
  if (bool_arg(args, "dirs")) add("--dirs");
  const std::vector<std::string> rsync_opts = list_arg(args, "rsync_opts");
  const bool has_rsh = std::any_of(rsync_opts.begin(), rsync_opts.end(),
                                   [](const std::string& o) { return o.find("--rsh") != std::string::npos; });
  if (!local && !has_rsh) add_quoted("--rsh=" + ssh_command(args, host));
  if (std::string path = text_arg(args, "rsync_path"); !path.empty()) add_quoted("--rsync-path=" + path);
  for (const auto& option : rsync_opts) {
    std::vector<std::string> words;
    try {
      words = shlex_split(option, ShlexComments::literal);
    } catch (const std::exception& e) {
      return "rsync_opts: cannot split '" + option + "': " + e.what();
    }
    out.argv.insert(out.argv.end(), words.begin(), words.end());
    out.cmd += " " + option;
  }
  if (bool_arg(args, "partial")) add("--partial");
  const std::vector<std::string> link_dest = list_arg(args, "link_dest");
  if (!link_dest.empty()) {
    add("-H");
    add("-vv");
    for (const auto& path : link_dest) add("--link-dest=" + fs::absolute(expand_user(path)).lexically_normal().string());
  }
  add_quoted("--out-format=" + std::string(k_changed_marker) + "%i %n%L");
  add(src.find('@') == std::string::npos ? expand_user(src) : src);
  add(dest.find('@') == std::string::npos ? expand_user(dest) : dest);
  return out;
}

Value run_synchronize(ActionContext& ctx) {
  if (auto refused = check_action_args(ctx.args, synchronize_doc, ctx.task.action)) return *refused;
  if (!ctx.task.delegate_to.empty()) {
    const std::string delegate = python_str(ctx.templar.template_value(Value(ctx.task.delegate_to)));
    if (delegate != "localhost" && delegate != "127.0.0.1")
      return failed_result("synchronize runs rsync on the control node: delegate_to: " + delegate +
                           " is not supported (drop delegate_to, or use delegate_to: localhost)");
  }
  if (!ctx.host_connection) return failed_result("synchronize needs the host's connection settings");
  const connection::ConnectionSpec host = ctx.host_connection();
  const std::string rsync = find_rsync();
  if (rsync.empty())
    return failed_result("rsync is not installed on the control node (synchronize runs it there): install the rsync package");
  auto built = rsync_command(ctx.args, host, rsync, ctx.check_mode ? DryRun::yes : DryRun::no);
  if (auto* error = std::get_if<std::string>(&built)) return failed_result(*error);
  const RsyncCommand& command = std::get<RsyncCommand>(built);
  Output output;
  try {
    output = run(command.argv);
  } catch (const std::exception& e) {
    return failed_result("cannot run " + rsync + ": " + e.what());
  }
  Map m;
  if (output.rc != 0) {
    std::string msg = output.err;
    if (remote_rsync_missing(output.err))
      msg = "rsync is not installed on " + host.inventory_name +
            " (synchronize needs it on both ends): install it there, or name it with rsync_path. rsync said: " + output.err;
    m.set("failed", true);
    m.set("msg", msg);
    m.set("rc", output.rc);
    m.set("cmd", command.cmd);
    m.set("changed", false);
    return Value(std::move(m));
  }
  const std::string marker(k_changed_marker);
  const bool changed = list_arg(ctx.args, "link_dest").empty() ? output.out.find(marker) != std::string::npos
                                                                  : output.out.find(marker + ".") == std::string::npos;
  std::string clean;
  for (std::size_t pos = 0;;) {
    const std::size_t at = output.out.find(marker, pos);
    clean += output.out.substr(pos, at - pos);
    if (at == std::string::npos) break;
    pos = at + marker.size();
  }
  List lines;
  for (std::size_t pos = 0; pos < clean.size();) {
    const std::size_t nl = clean.find('\n', pos);
    std::string line = clean.substr(pos, nl - pos);
    if (!line.empty()) lines.push_back(Value(line));
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  m.set("changed", changed);
  m.set("msg", clean);
  m.set("rc", output.rc);
  m.set("cmd", command.cmd);
  m.set("stdout_lines", Value(std::move(lines)));
  if (ctx.diff_mode) {
    Map diff;
    diff.set("prepared", clean);
    m.set("diff", Value(std::move(diff)));
  }
  return Value(std::move(m));
}

// --- documentation (`drover doc`) ------------------------------------------------------------

namespace {

constexpr OptionDoc k_synchronize_options[] = {
    {.name = "src", .description = "The path to copy from: on the control node (push), or on the host (pull). A directory ending in / copies its content, without it the directory itself.", .required = true},
    {.name = "dest", .description = "The path to copy to: on the host (push), or on the control node (pull).", .required = true},
    {.name = "mode", .description = "push: control node to host; pull: host to control node.", .default_value = "push", .choices = "pull, push"},
    {.name = "archive", .type = "bool", .description = "rsync's --archive: recursive, links, perms, times, owner, group (each can be turned off by its own option).", .default_value = "true"},
    {.name = "checksum", .type = "bool", .description = "Compare files by checksum, not by size and time.", .default_value = "false"},
    {.name = "compress", .type = "bool", .description = "Compress the data in transit.", .default_value = "true"},
    {.name = "delete", .type = "bool", .description = "Delete files in dest that src does not have (after the transfer).", .default_value = "false"},
    {.name = "dirs", .type = "bool", .description = "Transfer directories without recursing.", .default_value = "false"},
    {.name = "recursive", .type = "bool", .description = "Recurse into directories (default: archive's)."},
    {.name = "links", .type = "bool", .description = "Copy symbolic links as links (default: archive's)."},
    {.name = "copy_links", .type = "bool", .description = "Copy what symbolic links point to, not the links.", .default_value = "false"},
    {.name = "perms", .type = "bool", .description = "Preserve permissions (default: archive's)."},
    {.name = "times", .type = "bool", .description = "Preserve modification times (default: archive's)."},
    {.name = "owner", .type = "bool", .description = "Preserve the owner, as root only (default: archive's)."},
    {.name = "group", .type = "bool", .description = "Preserve the group (default: archive's)."},
    {.name = "rsync_opts", .type = "list", .description = "More rsync options, one per item. An --rsh option replaces drover's ssh command."},
    {.name = "rsync_path", .description = "The rsync to run on the host (for example \"sudo rsync\")."},
    {.name = "rsync_timeout", .type = "int", .description = "rsync's --timeout in seconds; 0 for none.", .default_value = "0"},
    {.name = "existing_only", .type = "bool", .description = "Do not create new files on the receiving side.", .default_value = "false"},
    {.name = "partial", .type = "bool", .description = "Keep partially transferred files, to resume faster.", .default_value = "false"},
    {.name = "delay_updates", .type = "bool", .description = "Put the updated files in place at the end of the transfer.", .default_value = "true"},
    {.name = "verify_host", .type = "bool", .description = "Check the host's key with ssh's StrictHostKeyChecking and the known_hosts file drover's connection uses. false (Ansible's default) checks nothing.", .default_value = "false"},
    {.name = "dest_port", .type = "int", .description = "The host's ssh port (default: the connection's, ansible_port)."},
    {.name = "private_key", .type = "path", .description = "The ssh key (default: the connection's, ansible_ssh_private_key_file)."},
    {.name = "set_remote_user", .type = "bool", .description = "Put the connection's user (ansible_user) in front of the host.", .default_value = "true"},
    {.name = "use_ssh_args", .type = "bool", .description = "Also pass the connection's IdentitiesOnly and ConnectTimeout to ssh (a ProxyJump is always passed).", .default_value = "false"},
    {.name = "ssh_connection_multiplexing", .type = "bool", .description = "Let ssh use a ControlMaster connection (otherwise -S none).", .default_value = "false"},
    {.name = "link_dest", .type = "list", .description = "Hard-link unchanged files from these directories (rsync's --link-dest)."},
};
constexpr ReturnFieldDoc k_synchronize_returns[] = {
    {"cmd", "str", "always", "The rsync command run."},
    {"msg", "str", "always", "rsync's itemized list of what changed (its error output on failure)."},
    {"rc", "int", "always", "rsync's exit status."},
    {"stdout_lines", "list", "success", "msg split into lines."},
};

}  // namespace

const ActionDoc synchronize_doc{
    .description = "Copies a tree between the control node and the host with rsync, which must exist on both ends. Runs the control node's rsync over ssh with the host's connection settings (address, port, user, key); with the local connection both paths are local.\nThe task is changed when rsync itemizes a change; check mode is rsync's --dry-run.\nSimplified against Ansible: rsync always runs on the control node (delegate_to other than localhost is an error), become does not add sudo to rsync_path, and password authentication is not used (keys only).",
    .options = k_synchronize_options,
    .returns = k_synchronize_returns,
    .example = "- name: Publish the site\n  ansible.posix.synchronize:\n    src: site/\n    dest: /srv/www/\n    delete: true\n- name: Fetch the logs\n  ansible.posix.synchronize:\n    mode: pull\n    src: /var/log/app/\n    dest: logs/{{ inventory_hostname }}/\n"};

}  // namespace drover::action
