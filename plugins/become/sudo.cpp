// sudo: `sudo -H -S -n -u USER COMMAND` by default (Ansible's become_flags for sudo).
//
// Without a password, -n makes sudo fail at once ("a password is required") instead of waiting.
// With one, -n is dropped and -p sets the prompt: for the runner a marker no sudo message
// contains (so that its appearance on stderr means "password, please"), for raw an empty one
// (the password is stdin's first line; -S reads it from there).
#include <unistd.h>

#include <sstream>

#include "core/transport/connection.hpp"
#include "plugins/become/registry.hpp"

namespace drover::become {
namespace {

using connection::shell_quote;

std::string prompt_marker() { return "[drover-become-prompt-" + std::to_string(::getpid()) + "]"; }

std::string sudo_wrap(const std::string& command, const transport::Become& become, Prompt prompt) {
  std::istringstream in(become.flags.empty() ? "-H -S -n" : become.flags);
  std::string flags;
  for (std::string word; in >> word;)
    if (!(word == "-n" && !become.password.empty())) flags += word + " ";
  if (!become.password.empty())
    flags += "-p " + shell_quote(prompt == Prompt::answered ? prompt_marker() : "") + " ";
  return (become.exe.empty() ? std::string("sudo") : become.exe) + " " + flags + "-u " + shell_quote(become.user) + " " + command;
}

std::size_t sudo_prompts(std::string_view stderr_text) {
  const std::string marker = prompt_marker();
  std::size_t n = 0;
  for (std::size_t at = stderr_text.find(marker); at != std::string_view::npos;
       at = stderr_text.find(marker, at + marker.size()))
    ++n;
  return n;
}

Refusal sudo_refusal(std::string_view stderr_text) {
  if (stderr_text.find("a password is required") != std::string_view::npos) return Refusal::password_missing;
  if (stderr_text.find("incorrect password") != std::string_view::npos ||
      stderr_text.find("Sorry, try again") != std::string_view::npos)
    return Refusal::password_incorrect;
  return Refusal::none;
}

}  // namespace

const BecomeMethod k_sudo = {"sudo", sudo_wrap, sudo_prompts, sudo_refusal};

}  // namespace drover::become
