// Drives the real built drover-modules binary (DROVER_MODULES_BIN) from the module tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace drover::modules::testing {

using json = nlohmann::json;

enum class Check { no, yes };
enum class Diff { no, yes };

// A fresh directory under the system temp dir, removed (with its content) on destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }
  std::string operator/(const std::string& name) const { return (m_path / name).string(); }

private:
  std::filesystem::path m_path;
};

struct RunOutput {
  int rc = 0;
  std::string stdout_text;
  std::string stderr_text;
};

// Runs the binary with `argv` (after the program name), feeding `input` on stdin.
RunOutput run_binary(const std::vector<std::string>& argv, const std::string& input = "");

// One-shot mode: writes `args` (plus _ansible_check_mode/_ansible_diff) to a temp file, runs
// `drover-modules MODULE FILE` and returns the parsed result (the test fails on invalid JSON or rc).
json run_module(const std::string& module, json args, Check check = Check::no, Diff diff = Diff::no);

// Serve mode: sends the lines, closes stdin, returns the lines the runner wrote.
std::vector<std::string> serve(const std::vector<std::string>& request_lines, int* rc = nullptr);

std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);

}  // namespace drover::modules::testing
