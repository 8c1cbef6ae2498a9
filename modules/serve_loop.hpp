// The runner's two modes (the wire format is docs/protocol.md, version 1).
#pragma once

#include <string>

#include "modules/module.hpp"

namespace drover::modules {

constexpr int k_protocol_version = 1;

// Serve mode: writes the hello line, then answers one request line at a time from `in_fd` on
// `out_fd` until an exit request or end of input. Returns the process exit code (0).
int serve(int in_fd, int out_fd);

// One-shot mode (Ansible's binary-module protocol): reads the args file, runs the module and
// prints one JSON result on stdout. Returns 0 (also when the module failed), 1 on usage errors
// (unreadable or invalid args file), with the reason on stderr.
int run_one_shot(const std::string& module, const std::string& args_file);

// The hello line's object: {"drover_runner": 1, "version": ..., "modules": [...], "pid": ...}.
json hello_message();

// Answers one request line (a JSON object); never throws. Sets `exit_requested` on {"op": "exit"}.
json answer_request(const std::string& line, bool& exit_requested);

// One compact JSON line (ending in "\n"); invalid UTF-8 is replaced by U+FFFD.
std::string to_line(const json& message);

}  // namespace drover::modules
