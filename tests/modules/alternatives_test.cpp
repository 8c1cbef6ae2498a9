// alternatives with the real update-alternatives, in a mount namespace where /etc (so
// /etc/alternatives), dpkg's alternatives database and /usr/local/bin are scratch overlays
// (namespace_harness.hpp): this machine's alternatives are never touched.
#include <doctest/doctest.h>

#include "harness.hpp"
#include "namespace_harness.hpp"

using namespace drover::modules::testing;

TEST_CASE("alternatives installs and selects, reports with --diff, sets auto, removes; each again changes nothing") {
  if (!namespaces_available()) return;
  Isolated sys;
  std::filesystem::create_directories(sys.path("db/u"));
  std::filesystem::create_directories(sys.path("db/w"));
  std::filesystem::create_directories(sys.path("lb/u"));
  std::filesystem::create_directories(sys.path("lb/w"));
  sys.setup = "mount -t overlay overlay -o lowerdir=/var/lib/dpkg/alternatives,upperdir=" + sys.path("db/u") + ",workdir=" +
              sys.path("db/w") + " /var/lib/dpkg/alternatives; mount -t overlay overlay -o lowerdir=/usr/local/bin,upperdir=" +
              sys.path("lb/u") + ",workdir=" + sys.path("lb/w") + " /usr/local/bin";
  sys.after = "readlink /etc/alternatives/drover_test_alt || echo none";
  json first = {{"name", "drover_test_alt"}, {"path", "/bin/true"}, {"link", "/usr/local/bin/drover_test_alt"}, {"priority", 10}, {"state", "present"}};
  json second = {{"name", "drover_test_alt"}, {"path", "/bin/false"}, {"link", "/usr/local/bin/drover_test_alt"}, {"priority", 20}};
  json automatic = {{"name", "drover_test_alt"}, {"path", "/bin/false"}, {"state", "auto"}};
  json selected = first;
  selected["state"] = "selected";
  json remove = {{"name", "drover_test_alt"}, {"path", "/bin/true"}, {"state", "absent"}};
  auto r = sys.run_all({{"alternatives", first, Check::no, Diff::yes}, {"alternatives", first},
                        {"alternatives", second}, {"alternatives", second, Check::no, Diff::yes},
                        {"alternatives", selected, Check::yes, Diff::yes},
                        {"alternatives", automatic}, {"alternatives", automatic},
                        {"alternatives", remove}, {"alternatives", remove}});
  CHECK(r[0]["changed"] == true);
  CHECK(r[0]["msg"] == "Install alternative '/bin/true' for 'drover_test_alt'.");
  CHECK(r[0]["diff"]["before"] == json({{"state", "absent"}}));
  CHECK(r[0]["diff"]["after"] == json({{"state", "present"}, {"path", "/bin/true"}, {"priority", 10}, {"link", "/usr/local/bin/drover_test_alt"}}));
  CHECK(r[1]["changed"] == false);
  CHECK(r[2]["changed"] == true);
  CHECK(r[2]["msg"] == "Install alternative '/bin/false' for 'drover_test_alt'. Set alternative '/bin/false' for 'drover_test_alt'.");
  CHECK(r[3]["changed"] == false);
  CHECK(r[3]["diff"]["before"]["state"] == "selected");
  CHECK(r[4]["changed"] == true);  // check mode: /bin/true would be selected
  CHECK(r[5]["changed"] == true);
  CHECK(r[5]["msg"] == "Set alternative to auto for 'drover_test_alt'.");
  CHECK(r[6]["changed"] == false);
  CHECK(r[7]["changed"] == true);
  CHECK(r[8]["changed"] == false);
  CHECK(sys.after_output == "/bin/false\n");
}
