// Every playbook the project ships (playbooks/ and the integration suite's) parses with the real
// action table, so examples cannot rot.
#include <doctest/doctest.h>

#include <filesystem>

#include "core/playbook/parser.hpp"
#include "plugins/action/action.hpp"

namespace fs = std::filesystem;
using namespace drover;

TEST_CASE("every playbook shipped with drover parses") {
  int parsed = 0;
  for (const char* dir : {"playbooks", "tests/integration/playbooks", "tests/integration/playbooks/roles"}) {
    fs::path root = fs::path(DROVER_SOURCE_DIR) / dir;
    REQUIRE(fs::is_directory(root));
    for (const auto& entry : fs::directory_iterator(root)) {
      if (entry.path().extension() != ".yml") continue;
      CAPTURE(entry.path().string());
      playbook::Playbook pb;
      CHECK_NOTHROW(pb = playbook::parse_playbook(entry.path().string(), action::is_known_action));
      CHECK(!pb.plays.empty());
      ++parsed;
    }
  }
  CHECK(parsed >= 5);
}
