// su: `su USER -c COMMAND` (Ansible's su with its default empty become_flags).
//
// su cannot be told what prompt to print or never to ask: it asks whenever the connecting user is
// not root, through PAM, which writes "Password: " on stderr and reads the answer from stdin
// (a pipe is fine; no terminal is needed). The prompt is recognised as a "password" followed by a
// colon, in any case, at the start of a line: the English prompt, which is what PAM prints in
// the C locale (Ansible also knows translated prompts; drover does not yet).
#include <cctype>

#include "core/transport/connection.hpp"
#include "plugins/become/registry.hpp"

namespace drover::become {
namespace {

using connection::shell_quote;

std::string su_wrap(const std::string& command, const transport::Become& become, Prompt) {
  const std::string flags = become.flags.empty() ? "" : become.flags + " ";
  return (become.exe.empty() ? std::string("su") : become.exe) + " " + flags + shell_quote(become.user) + " -c " + shell_quote(command);
}

bool is_prompt_word_at(std::string_view text, std::size_t at) {
  constexpr std::string_view k_word = "password";
  if (at + k_word.size() > text.size()) return false;
  for (std::size_t i = 0; i < k_word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != k_word[i]) return false;
  std::size_t after = at + k_word.size();
  while (after < text.size() && text[after] == ' ') ++after;
  return after < text.size() && text[after] == ':';
}

// Prompts are counted at line starts (after a newline or at the start), as PAM prints them.
std::size_t su_prompts(std::string_view stderr_text) {
  std::size_t n = 0;
  for (std::size_t line = 0; line < stderr_text.size();) {
    if (is_prompt_word_at(stderr_text, line)) ++n;
    const std::size_t nl = stderr_text.find('\n', line);
    if (nl == std::string_view::npos) break;
    line = nl + 1;
  }
  return n;
}

Refusal su_refusal(std::string_view stderr_text) {
  if (stderr_text.find("Authentication failure") != std::string_view::npos) return Refusal::password_incorrect;
  return Refusal::none;
}

}  // namespace

const BecomeMethod k_su = {"su", su_wrap, su_prompts, su_refusal};

}  // namespace drover::become
