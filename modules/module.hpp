// What every module sees: its arguments as JSON, the run flags, and the way to fail.
// Modules never see drover's core types: the runner is a separate, fully static program.
#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace drover::modules {

using json = nlohmann::json;

enum class CheckMode { no, yes };
enum class DiffMode { no, yes };

struct ModuleContext {
  CheckMode check_mode = CheckMode::no;
  DiffMode diff = DiffMode::no;
  std::map<std::string, std::string> environment;  // extra env vars for child processes

  bool checking() const { return check_mode == CheckMode::yes; }
  bool diffing() const { return diff == DiffMode::yes; }
};

// Thrown by a module (or a helper) for an expected failure: the runner turns it into
// {"failed": true, "msg": message, ...fields}. Never escapes the runner.
class ModuleFailure : public std::runtime_error {
public:
  explicit ModuleFailure(const std::string& message, json fields = json::object())
      : std::runtime_error(message), m_fields(std::move(fields)) {}
  const json& fields() const { return m_fields; }

private:
  json m_fields;
};

// The result of a module that Ansible does not run in check mode (its AnsibleModule has no
// supports_check_mode): skipped, with Ansible's message.
inline json check_mode_unsupported(const std::string& module) {
  return {{"changed", false}, {"skipped", true}, {"msg", "remote module (" + module + ") does not support check mode"}};
}

// A module: arguments in (as the control side sent them), Ansible-style result map out.
using ModuleFunction = json (*)(const json& args, const ModuleContext& ctx);

}  // namespace drover::modules
