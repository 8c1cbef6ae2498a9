// timezone without systemd (this machine runs none), in a mount namespace with /etc as a scratch
// overlay (namespace_harness.hpp). dpkg-reconfigure is a test double that records its call: the
// real one would also write debconf's database outside /etc.
#include <doctest/doctest.h>

#include "harness.hpp"
#include "namespace_harness.hpp"

using namespace drover::modules::testing;

TEST_CASE("timezone writes /etc/timezone, links /etc/localtime, runs dpkg-reconfigure tzdata; then changes nothing") {
  if (!namespaces_available()) return;
  Isolated sys;
  write_text(sys.bin() + "/dpkg-reconfigure", "#!/bin/sh\necho \"$@\" >> " + sys.path("dpkg-calls") + "\n");
  std::filesystem::permissions(sys.bin() + "/dpkg-reconfigure", std::filesystem::perms::owner_all);
  sys.setup = "echo Etc/UTC > /etc/timezone; ln -sf /usr/share/zoneinfo/Etc/UTC /etc/localtime; rm -rf /run/systemd/system 2>/dev/null || true";
  sys.after = "readlink /etc/localtime";
  json args = {{"name", "Europe/Paris"}};
  auto results = sys.run_all({{"timezone", args, Check::yes}, {"timezone", args}, {"timezone", args}});
  CHECK(results[0]["changed"] == true);
  CHECK(results[0]["diff"] == json({{"before", {{"name", "Etc/UTC"}}}, {"after", {{"name", "Europe/Paris"}}}}));
  CHECK(results[1]["changed"] == true);
  CHECK(results[1]["msg"] == "Added 1 line and deleted 1 line(s) on /etc/timezone");
  CHECK(results[2]["changed"] == false);
  CHECK(read_text(sys.etc_file("timezone")) == "Europe/Paris\n");
  CHECK(sys.after_output == "/usr/share/zoneinfo/Europe/Paris\n");
  CHECK(read_text(sys.path("dpkg-calls")) == "--frontend noninteractive tzdata\n");
}

TEST_CASE("timezone refuses an unknown zone and a call without name or hwclock") {
  CHECK(run_module("timezone", {{"name", "Mars/Olympus"}}, Check::yes)["msg"] ==
        "Error message:\ngiven timezone \"Mars/Olympus\" is not available");
  CHECK(run_module("timezone", json::object(), Check::yes)["msg"] == "one of the following is required: hwclock, name");
}
