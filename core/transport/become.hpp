// Become: running the runner (and `raw` commands) on a target as another user.
//
// Two halves. The settings (`Become`: on or off, user, method name, password) are resolved by the
// task executor from the command line, the play, the task and `ansible_become_password`. The
// method — the command that switches user, and how its password prompt is recognised and
// answered — is a become plugin (plugins/become/: sudo, su) behind the `BecomeMethod` row below;
// core finds rows by name in the table the plugin set gives it (core/plugin_set.hpp).
//
// Contracts every method keeps:
//   - `wrap` returns a simple command (words quoted for a POSIX shell, no operators) that runs
//     `command` (also a simple command) as `become.user`, with the command's stdin, stdout and
//     stderr passed through once the user is switched;
//   - with Prompt::answered, a method that asks for a password writes a prompt on stderr that
//     `prompts` counts, then reads the password as one line on stdin; with Prompt::on_stdin it
//     reads the first stdin line as the password without a visible prompt where it can;
//   - with no password, a method whose tool can be told never to ask (sudo -n) tells it so.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace drover::transport {

// The settings of one task's become, resolved.
struct Become {
  bool enabled = false;
  std::string method = "sudo", user = "root", password;
  std::string flags;  // the method's flags instead of its defaults (sudo: "-H -S -n"); empty = defaults
  std::string exe;    // the program instead of the method's name (`become_exe`); empty = the name
};

}  // namespace drover::transport

namespace drover::become {

// How the password reaches the method.
enum class Prompt {
  answered,  // the caller watches stderr for the prompt and then writes the password (the runner)
  on_stdin,  // the caller writes the password as stdin's first line before anything else (raw)
};

// What a method's stderr says about why it did not run the command.
enum class Refusal { none, password_missing, password_incorrect };

struct BecomeMethod {
  std::string_view name;
  // The command that runs `command` as become.user (see the contracts above).
  std::string (*wrap)(const std::string& command, const transport::Become& become, Prompt prompt);
  // How many password prompts the method has written to `stderr_text` so far.
  std::size_t (*prompts)(std::string_view stderr_text);
  // Why the method refused, as far as its stderr says.
  Refusal (*refusal)(std::string_view stderr_text);
};

// A table of methods, alphabetized by name.
using BecomeMethods = std::span<const BecomeMethod>;

// The method named `name` (Ansible's FQCN ansible.builtin.X names X). Throws std::invalid_argument
// "Invalid become method specified, could not find matching plugin: 'X' (known: su, sudo)".
const BecomeMethod& find_become_method(BecomeMethods methods, std::string_view name);

// Ansible's words for a refusal: "Missing sudo password", "Incorrect su password"; "" for none.
std::string refusal_message(const BecomeMethod& method, Refusal refusal);

}  // namespace drover::become
