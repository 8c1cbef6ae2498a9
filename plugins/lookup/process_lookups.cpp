// Lookups that run a command on the control node: pipe and lines.
#include <sys/wait.h>
#include <unistd.h>

#include "plugins/lookup/lookup_support.hpp"

namespace drover::lookup {

ShellResult run_shell(const std::string& command, const std::string& cwd) {
  int fds[2];
  if (::pipe(fds) != 0) throw TemplateError("cannot create a pipe to run: " + command);
  pid_t pid = ::fork();
  if (pid < 0) throw TemplateError("cannot fork to run: " + command);
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  ShellResult r{0, {}};
  char buf[65536];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    r.out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  return r;
}

namespace {

// The output of a lookup's command; a non-zero status is the lookup's error, in Ansible's words.
std::string command_output(const std::string& lookup, const Value& term, const LookupContext& ctx) {
  std::string command = term_string(term);
  ShellResult r = run_shell(command, base_dir(ctx));
  if (r.rc != 0) throw TemplateError("lookup_plugin." + lookup + "(" + command + ") returned " + std::to_string(r.rc));
  return std::move(r.out);
}

}  // namespace

List pipe(const List& terms, const Map&, LookupContext& ctx) {
  List out;
  for (const Value& term : terms) {
    std::string text = command_output("pipe", term, ctx);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    out.emplace_back(text);
  }
  return out;
}

List lines(const List& terms, const Map&, LookupContext& ctx) {
  List out;
  for (const Value& term : terms) {
    const std::string text = command_output("lines", term, ctx);
    // bytes.splitlines: \n, \r and \r\n end lines
    std::size_t i = 0;
    while (i < text.size()) {
      std::size_t end = text.find_first_of("\r\n", i);
      if (end == std::string::npos) {
        out.emplace_back(text.substr(i));
        break;
      }
      out.emplace_back(text.substr(i, end - i));
      i = end + ((text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? 2 : 1);
    }
  }
  return out;
}

}  // namespace drover::lookup
