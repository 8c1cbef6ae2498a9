// Ansible's Display for callbacks: every line is masked by the secret Redactor, coloured the way
// ansible.utils.color does it when colour is on, and written with a trailing newline.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/output/callback_options.hpp"

namespace drover::output {

// Ansible's colour names (the defaults of its COLOR_* settings) as SGR codes.
namespace color {
inline constexpr std::string_view ok = "0;32";           // green
inline constexpr std::string_view changed = "0;33";      // yellow
inline constexpr std::string_view error = "0;31";        // red
inline constexpr std::string_view skip = "0;36";         // cyan
inline constexpr std::string_view unreachable = "1;31";  // bright red
inline constexpr std::string_view warn = "1;35";         // bright purple
inline constexpr std::string_view debug = "1;30";        // dark gray
inline constexpr std::string_view verbose = "0;34";      // blue
inline constexpr std::string_view deprecate = "0;35";    // purple
inline constexpr std::string_view diff_add = "0;32";     // green
inline constexpr std::string_view diff_remove = "0;31";  // red
inline constexpr std::string_view diff_lines = "0;36";   // cyan
inline constexpr std::string_view none = "";
}  // namespace color

// Whether output to a stream that is (or is not) a terminal should be coloured: ANSIBLE_NOCOLOR
// or NO_COLOR (Ansible's truthy spellings) turn colour off, ANSIBLE_FORCE_COLOR turns it on
// even when not a terminal (it wins, as in Ansible), otherwise colour iff a terminal.
bool color_wanted(bool is_terminal);

// Ansible's stringc(): each '\n'-separated piece wrapped in ESC[codem ... ESC[0m.
std::string colorize_text(std::string_view text, std::string_view code);

// Ansible's banner width rule for fd: terminal columns - 1, at least 79.
int banner_columns(int fd);

class Display {
public:
  explicit Display(const CallbackOptions& options);

  // Display.display(): masks secrets, colours (when on and code is set), ensures one newline.
  void display(std::string_view text, std::string_view code = color::none, bool to_stderr = false);
  // Display.banner(): "\n" + text + " " + stars up to the banner width (at least 3 stars).
  void banner(std::string_view text, std::string_view code = color::none);
  // Display.warning(): "[WARNING]: text" wrapped at the banner width, on stderr, once per text.
  void warning(std::string_view text);
  // Display.deprecated() in its short form: "[DEPRECATION WARNING]: text", on stderr.
  void deprecated(std::string_view text);

  bool color() const { return m_color; }
  int columns() const { return m_columns; }

private:
  std::ostream* m_out;
  std::ostream* m_err;
  bool m_color;
  int m_columns;
  std::vector<std::string> m_warned;
};

// Python's textwrap.wrap(text, width) for plain text: words split on whitespace, lines filled
// greedily, words longer than width broken. (Hyphen breaking is not reproduced.)
std::vector<std::string> wrap_text(std::string_view text, int width);

// Number of terminal columns a UTF-8 string takes (one per code point).
int text_width(std::string_view text);

}  // namespace drover::output
