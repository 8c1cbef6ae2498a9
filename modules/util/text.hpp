// Small text helpers with Python's semantics, which Ansible's results are made of.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "modules/module.hpp"

namespace drover::modules {

// shlex.split(text) in POSIX mode (no comments). Throws ModuleFailure on an unclosed quote
// ("No closing quotation") or a trailing backslash ("No escaped character"). The runner's copy of
// core/value/shlex.hpp: drover-modules links nothing from core.
std::vector<std::string> shlex_split(std::string_view text);

// Python's str.split() without arguments: words between runs of whitespace, none empty.
std::vector<std::string> split_words(std::string_view text);

// str.strip(): `text` without ASCII white space (space, \t, \n, \v, \f, \r, \x1c-\x1f) at
// either end. The runner's copy of core/value/text.hpp's trim.
std::string trim(std::string_view text);

// shlex.quote(word).
std::string shlex_quote(std::string_view word);

// os.path.expandvars(os.path.expanduser(word)) with `lookup` giving variable values (nothing:
// unset, left as written): "$NAME" and "${NAME}"; "~" and "~/x" use HOME, "~user" that user's home.
std::string expand_user_and_vars(const std::string& word,
                                 const std::function<std::optional<std::string>(const std::string&)>& lookup);

// The runner's own environment variable `name`, or nothing when unset: the usual `lookup` above.
std::optional<std::string> environment_variable(const std::string& name);

// str.splitlines() for the ASCII line boundaries (\n, \r\n, \r, \v, \f, \x1c, \x1d, \x1e).
json split_lines(std::string_view text);

// str(datetime.now()) in local time: "2024-05-01 12:34:56.123456" (no fraction when it is 0).
std::string python_datetime(std::chrono::system_clock::time_point when);

// str(timedelta): "0:00:00.012345" (no fraction when it is 0).
std::string python_timedelta(std::chrono::microseconds delta);

// "0%03o" % mode, as Ansible prints file modes: "0644", "01777", "04755".
std::string octal_mode(unsigned mode);

// The length of the longest prefix of `text` that is valid UTF-8 (text.size() when all of it is).
std::size_t utf8_valid_prefix(std::string_view text);

// base64 (standard alphabet, padded) and back; decode throws ModuleFailure on invalid input.
std::string base64_encode(std::string_view data);
std::string base64_decode(std::string_view text);

}  // namespace drover::modules
