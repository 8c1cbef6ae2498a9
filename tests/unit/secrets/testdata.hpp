// Where the shared interop vectors live: <repo>/../shared/testdata, or $DROVER_SHARED_TESTDATA.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

namespace drover::test {

inline std::optional<std::filesystem::path> shared_testdata(const std::string& sub) {
  std::filesystem::path root;
  if (const char* env = std::getenv("DROVER_SHARED_TESTDATA"); env && *env)
    root = env;
  else
    root = std::filesystem::path(DROVER_SOURCE_DIR) / ".." / "shared" / "testdata";
  auto dir = root / sub;
  if (!std::filesystem::is_directory(dir)) {
    WARN_MESSAGE(false, "SKIPPED: shared test data not found at " << dir.string()
                                                                 << " (set DROVER_SHARED_TESTDATA)");
    return std::nullopt;
  }
  return dir;
}

inline std::string read_binary(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace drover::test
