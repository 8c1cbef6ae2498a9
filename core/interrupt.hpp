// The run's interrupt flag: set by the Ctrl-C / SIGTERM handler (core/cli/session.cpp), read by
// everything that waits (the strategies before each task, the runner client between reads, the
// ssh connection's exec, async polls). Lock-free: setting it is async-signal-safe.
#pragma once

#include <atomic>
#include <stdexcept>

namespace drover {

extern std::atomic<bool> g_interrupted;

// Sleeps `seconds`, in steps of at most 100 ms so that an interrupt is not kept waiting.
// Returns false when the run was interrupted before the time was up.
bool sleep_unless_interrupted(double seconds);

// A wait given up because the run was interrupted: the runner on the target was told to stop
// (its channel closed: it kills its module's processes and removes its temp files).
class Interrupted : public std::runtime_error {
public:
  Interrupted() : std::runtime_error("interrupted") {}
};

}  // namespace drover
