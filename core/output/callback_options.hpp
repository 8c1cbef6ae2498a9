// What every callback plugin is built with: where to write, how verbose, colour or not, and the
// plugin's own `[callback_NAME]` config section.
#pragma once

#include <iostream>
#include <map>
#include <string>

namespace drover::output {

struct CallbackOptions {
  int verbosity = 0;                 // the number of -v flags
  bool color = false;                // decided once by the CLI (see color_wanted() in display.hpp)
  std::ostream* out = &std::cout;    // stdout of the run
  std::ostream* err = &std::cerr;    // warnings, and failures when display_failed_stderr is set
  int columns = 0;                   // banner width; 0 = Ansible's rule (terminal width - 1, min 79)
  std::map<std::string, std::string> config;  // the `[callback_NAME]` section, keys lower-case
  bool check = false;                // --check
  bool diff = false;                 // --diff
  bool ad_hoc = false;               // `drover PATTERN -m MODULE` rather than `drover playbook`

  // The config key as Ansible reads a boolean setting (loose_boolean, core/value/boolean.hpp:
  // anything but a true word is false), or the fallback when absent.
  bool flag(const std::string& key, bool fallback) const;
  // The config key, or the fallback when absent.
  std::string text(const std::string& key, const std::string& fallback = "") const;
};

}  // namespace drover::output
