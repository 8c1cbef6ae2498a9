#include "harness.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <doctest/doctest.h>

#include "modules/util/process.hpp"

namespace drover::modules::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "drover-module-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(m_path, ignored);
}

RunOutput run_binary(const std::vector<std::string>& argv, const std::string& input) {
  ProcessSpec spec;
  spec.argv.push_back(DROVER_MODULES_BIN);
  spec.argv.insert(spec.argv.end(), argv.begin(), argv.end());
  spec.stdin_data = input;
  ProcessResult process = run_process(spec);
  return {process.rc, process.stdout_text, process.stderr_text};
}

json run_module(const std::string& module, json args, Check check, Diff diff) {
  TempDir dir;
  if (check == Check::yes) args["_ansible_check_mode"] = true;
  if (diff == Diff::yes) args["_ansible_diff"] = true;
  write_text(dir / "args.json", args.dump());
  RunOutput out = run_binary({module, dir / "args.json"});
  INFO("stdout: " << out.stdout_text << "\nstderr: " << out.stderr_text);
  REQUIRE(out.rc == 0);
  REQUIRE(!out.stdout_text.empty());
  REQUIRE(out.stdout_text.back() == '\n');
  REQUIRE(out.stdout_text.find('\n') == out.stdout_text.size() - 1);
  return json::parse(out.stdout_text);
}

std::vector<std::string> serve(const std::vector<std::string>& request_lines, int* rc) {
  std::string input;
  for (const auto& line : request_lines) input += line + "\n";
  RunOutput out = run_binary({"--serve"}, input);
  if (rc) *rc = out.rc;
  std::vector<std::string> lines;
  std::istringstream stream(out.stdout_text);
  std::string line;
  while (std::getline(stream, line)) lines.push_back(line);
  return lines;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace drover::modules::testing
