// sysctl against the real sysctl command and kernel: in a network namespace (namespace_harness.hpp)
// net.* keys are the namespace's own, so setting them changes nothing of this machine's.
#include <doctest/doctest.h>

#include "harness.hpp"
#include "namespace_harness.hpp"

using namespace drover::modules::testing;

TEST_CASE("sysctl writes the key to its file, sets the running value with sysctl_set, and is idempotent") {
  if (!namespaces_available()) return;
  Isolated sys;
  const std::string file = "/etc/sysctl.d/90-drover-test.conf";
  sys.setup = "mkdir -p /etc/sysctl.d; printf '# keep me\\nnet.ipv4.ip_forward = 0\\nnet.ipv4.ip_forward=0\\nnet.core.somaxconn = 512\\n' > " + file;
  sys.after = "sysctl -n net.ipv4.ip_forward";
  json args = {{"name", "net.ipv4.ip_forward"}, {"value", "yes"}, {"sysctl_set", true}, {"sysctl_file", file}};
  auto results = sys.run_all({{"sysctl", args, Check::yes, Diff::yes}, {"sysctl", args, Check::no, Diff::yes}, {"sysctl", args}});
  CHECK(results[0]["changed"] == true);
  CHECK(results[0]["diff"]["after"] == "# keep me\nnet.ipv4.ip_forward=1\nnet.core.somaxconn=512\n");
  CHECK(results[1]["changed"] == true);
  CHECK(results[2]["changed"] == false);
  CHECK(sys.after_output == "1\n");
  CHECK(read_text(sys.etc_file("sysctl.d/90-drover-test.conf")) == "# keep me\nnet.ipv4.ip_forward=1\nnet.core.somaxconn=512\n");
}

TEST_CASE("sysctl with reload sets a file's value the kernel does not have yet; absent removes the line") {
  if (!namespaces_available()) return;
  Isolated sys;
  const std::string file = "/etc/sysctl.d/91-drover-test.conf";
  sys.setup = "mkdir -p /etc/sysctl.d; printf 'net.ipv4.ip_forward=1\\n' > " + file;
  sys.after = "sysctl -n net.ipv4.ip_forward";
  auto results = sys.run_all({
      {"sysctl", {{"name", "net.ipv4.ip_forward"}, {"value", 1}, {"sysctl_file", file}}},  // kernel has 0: reload
      {"sysctl", {{"name", "net.ipv4.ip_forward"}, {"value", "1"}, {"sysctl_file", file}}},
      {"sysctl", {{"name", "net.ipv4.ip_forward"}, {"state", "absent"}, {"sysctl_file", file}, {"reload", false}}},
      {"sysctl", {{"name", "net.ipv4.ip_forward"}, {"state", "absent"}, {"sysctl_file", file}}},
  });
  CHECK(results[0]["changed"] == true);
  CHECK(results[1]["changed"] == false);
  CHECK(results[2]["changed"] == true);
  CHECK(results[3]["changed"] == false);
  CHECK(sys.after_output == "1\n");
  CHECK(read_text(sys.etc_file("sysctl.d/91-drover-test.conf")) == "");
}

TEST_CASE("sysctl's errors: a missing value, an unknown key on reload") {
  TempDir dir;
  json missing = run_module("sysctl", {{"name", "vm.swappiness"}, {"sysctl_file", dir / "s.conf"}});
  CHECK(missing["failed"] == true);
  CHECK(missing["msg"] == "state is present but all of the following are missing: value");
  if (!namespaces_available()) return;
  Isolated sys;
  json bad = sys.run("sysctl", {{"name", "net.bogus.key"}, {"value", "1"}, {"sysctl_file", "/etc/sysctl.d/x.conf"}});
  CHECK(bad["failed"] == true);
  CHECK(std::string(bad["msg"]).starts_with("Failed to reload sysctl: "));
  json ignored = sys.run("sysctl", {{"name", "net.bogus.key"}, {"value", "1"}, {"sysctl_file", "/etc/sysctl.d/x.conf"}, {"ignoreerrors", true}});
  CHECK(ignored["changed"] == true);
  CHECK(ignored.value("failed", false) == false);
}
