#include "modules/util/package_tool.hpp"

#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

std::string require_tool(const PackageTool& tool) {
  std::string path = find_executable(tool.executable);
  if (path.empty())
    throw ModuleFailure("The " + tool.module + " module needs " + tool.executable + ", which is not installed on this target (" +
                        tool.module + " manages " + tool.family + " systems; the package module picks the target's own manager)");
  return path;
}

std::vector<std::string> string_items(const json& list) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& item : list) out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  return out;
}

json converge_packages(const PackageTool& tool, const std::vector<std::string>& names, const std::string& state,
                       const ModuleContext& ctx) {
  std::string path = require_tool(tool);
  std::vector<std::string> todo;
  json results = json::array();
  const std::vector<std::string>* command = &tool.install;
  for (const auto& name : names) {
    bool is_installed = tool.installed(name);
    if (state == "absent" || state == "removed") {
      command = &tool.remove;
      if (is_installed) todo.push_back(name);
      else results.push_back(name + " is not installed");
    } else if (state == "latest") {
      command = &tool.upgrade;
      if (!is_installed || !tool.upgradable || tool.upgradable(name)) todo.push_back(name);
      else results.push_back(name + " is already the newest version");
    } else {
      if (!is_installed) todo.push_back(name);
      else results.push_back(name + " is already installed");
    }
  }
  json result = {{"changed", !todo.empty()}, {"msg", ""}, {"rc", 0}, {"results", results}};
  if (todo.empty() || ctx.checking()) {
    if (!todo.empty()) result["packages"] = todo;
    return result;
  }
  ProcessSpec spec;
  spec.argv = {path};
  spec.argv.insert(spec.argv.end(), command->begin(), command->end());
  spec.argv.insert(spec.argv.end(), todo.begin(), todo.end());
  spec.environment = {{"LANG", "C"}, {"LC_ALL", "C"}, {"LC_MESSAGES", "C"}};
  ProcessResult r = run_process(spec);
  result["rc"] = r.rc;
  result["stdout"] = r.stdout_text;
  result["stderr"] = r.stderr_text;
  result["packages"] = todo;
  if (r.rc != 0) {
    std::string msg = trim(r.stderr_text);
    throw ModuleFailure(msg.empty() ? tool.executable + " failed" : msg, result);
  }
  for (const auto& marker : tool.nothing_done)
    if (r.stdout_text.find(marker) != std::string::npos) result["changed"] = false;
  for (const auto& name : todo) results.push_back(name + (state == "absent" || state == "removed" ? " removed" : " installed"));
  result["results"] = results;
  return result;
}

}  // namespace drover::modules
