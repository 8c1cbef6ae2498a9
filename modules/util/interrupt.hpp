// Stopping the runner in the middle of a request, and what it cleans up when it is stopped.
//
// The control node stops a runner by closing its end of the runner's pipes while a request runs
// (Ctrl-C on the control node, or the control node or its connection gone: nobody will read the
// answer) or by signalling it (SIGTERM,
// SIGHUP, SIGINT: sshd delivering a signal request, sudo relaying one, an administrator). Then
// the runner removes the temp files of the writes in progress (AtomicFile), ends the process
// group of a module child (run_with_timeout: SIGTERM so that it cleans up too, a moment, then
// SIGKILL) and its own process group (the commands an in-process module started), and exits.
// SIGKILL cannot be caught: what it leaves, the next write to the same file removes
// (AtomicFile's stale temp files).
//
// Everything here is async-signal-safe: it runs in signal handlers and in the stdin watcher thread.
#pragma once

#include <sys/types.h>

namespace drover::modules {

// A temp file to remove when the runner is stopped: AtomicFile tracks its temp file from
// creation until commit or destruction. At most 8 at once (more are not tracked).
void track_temp_file(const char* path);
void untrack_temp_file(const char* path);

// The process group of the module child running now (run_with_timeout), or 0 for none.
void track_child_group(pid_t group);

// Removes the tracked temp files, ends the tracked child group and, when the runner leads its
// process group, that group (with the runner in it); exits with 128 + signal_number.
[[noreturn]] void stop_runner(int signal_number);

// Installs stop_runner as the handler of SIGTERM, SIGHUP and SIGINT.
void install_stop_handlers();

// Serve mode: makes the runner the leader of its own process group (unless it leads its session
// already) so that stopping it never reaches the processes that started it, and starts a thread
// that watches `out_fd` (stdout) for its reader's end: when the client closes it while a request
// runs (set_busy(true)), the runner is stopped; when it closes between requests, peer_gone()
// turns true and the serve loop ends. (Closing stdin alone is not a stop: a client may write
// all its requests and close stdin, and still read every answer.)
void watch_client(int out_fd);
void set_busy(bool busy);
bool peer_gone();

}  // namespace drover::modules
