#include "core/playbook/block_inheritance.hpp"

namespace drover::playbook {

namespace {

// The keywords a task takes from its enclosing block when it does not set them.
constexpr Value Task::*k_inherited[] = {
    &Task::become,    &Task::become_user, &Task::become_method,      &Task::become_flags, &Task::become_exe, &Task::check_mode,
    &Task::diff,      &Task::environment, &Task::ignore_errors,      &Task::ignore_unreachable,
    &Task::no_log,    &Task::run_once,    &Task::timeout,            &Task::delegate_facts, &Task::connection,
    &Task::remote_user, &Task::port,
};

void inherit(const Task& block, Task& task) {
  task.when.insert(task.when.begin(), block.when.begin(), block.when.end());
  for (Value Task::*keyword : k_inherited)
    if ((task.*keyword).is_null()) task.*keyword = block.*keyword;
  if (task.delegate_to.empty()) task.delegate_to = block.delegate_to;
}

}  // namespace

bool passes_keywords_down(const Task& block) {
  if (!block.when.empty() || !block.delegate_to.empty()) return true;
  for (Value Task::*keyword : k_inherited)
    if (!(block.*keyword).is_null()) return true;
  return false;
}

Task with_keywords_pushed_down(const Task& block) {
  Task copy = block;
  for (auto* list : {&copy.block, &copy.rescue, &copy.always})
    for (Task& t : *list) inherit(block, t);
  copy.when.clear();
  for (Value Task::*keyword : k_inherited) copy.*keyword = Value();
  copy.delegate_to.clear();
  return copy;
}

}  // namespace drover::playbook
