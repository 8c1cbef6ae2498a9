// docs/protocol.md is the written contract; it must name the version the runner speaks.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "harness.hpp"
#include "modules/serve_loop.hpp"

using namespace drover::modules::testing;

TEST_CASE("docs/protocol.md documents protocol version 1, the version the runner announces") {
  std::filesystem::path doc = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "docs/protocol.md";
  REQUIRE_MESSAGE(std::filesystem::exists(doc), "missing " << doc);
  std::string text = read_text(doc.string());
  CHECK(drover::modules::k_protocol_version == 1);
  CHECK(text.find("version 1") != std::string::npos);
  CHECK(text.find("\"drover_runner\": 1") != std::string::npos);
  for (const char* word : {"--serve", "\"op\": \"exit\"", "_ansible_check_mode", "environment", "hello"})
    CHECK_MESSAGE(text.find(word) != std::string::npos, word);
}
