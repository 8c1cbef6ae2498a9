// What a block passes down to its tasks (Ansible's parent attribute lookup, done once when the
// block runs instead of on every read).
#pragma once

#include "core/playbook/task.hpp"

namespace drover::playbook {

// True when the block sets a keyword its tasks inherit (when, become*, check_mode, diff,
// environment, ignore_errors, ignore_unreachable, no_log, run_once, timeout, delegate_facts,
// connection, remote_user, port, delegate_to).
bool passes_keywords_down(const Task& block);

// A copy of `block` whose block/rescue/always tasks carry what they inherit: the block's `when`
// conditions before their own, and each other inheritable keyword the task does not set itself.
// The copy's own `when` is cleared (its conditions now live on its tasks).
Task with_keywords_pushed_down(const Task& block);

}  // namespace drover::playbook
