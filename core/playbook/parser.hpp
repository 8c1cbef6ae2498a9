// YAML → Playbook. Every error is a SourceError (file:line:col, the line, a caret and a hint),
// raised before anything runs: unknown keywords, a task with two actions, an unknown module.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/playbook/task.hpp"

namespace drover::playbook {

// Answers whether an action name (without collection prefix) exists.
using ActionCatalog = std::function<bool(std::string_view action)>;

// Reads and parses a playbook file (import_playbook entries are followed, relative to it).
Playbook parse_playbook(const std::string& path, const ActionCatalog& known_action);

// Parses a task list (a tasks file, or the `tasks:` of a play). `file` names the source.
std::vector<Task> parse_task_list(const YAML::Node& node, const std::string& file,
                                  const ActionCatalog& known_action);

// Parses one task mapping.
Task parse_task(const YAML::Node& node, const std::string& file, const ActionCatalog& known_action);

// Strips ansible.builtin. / ansible.legacy. from an action name.
std::string short_action_name(std::string_view name);

}  // namespace drover::playbook
