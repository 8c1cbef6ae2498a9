// hostname in a UTS namespace with /etc as a scratch overlay (namespace_harness.hpp): the real
// host name and /etc/hostname of this machine are never touched.
#include <doctest/doctest.h>

#include "harness.hpp"
#include "namespace_harness.hpp"

using namespace drover::modules::testing;

TEST_CASE("hostname with the generic strategy sets the kernel's name and /etc/hostname, then changes nothing") {
  if (!namespaces_available()) return;
  Isolated sys;
  sys.setup = "hostname old-name; echo old-name > /etc/hostname";
  sys.after = "hostname";
  json args = {{"name", "web01.example.test"}, {"use", "generic"}};
  auto results = sys.run_all({{"hostname", args, Check::yes}, {"hostname", args}, {"hostname", args}});
  CHECK(results[0]["changed"] == true);
  CHECK(results[0]["diff"] == json({{"before", "hostname = old-name\n"}, {"after", "hostname = web01.example.test\n"}}));
  CHECK(results[1]["changed"] == true);
  CHECK(results[1]["name"] == "web01.example.test");
  CHECK(results[1]["ansible_facts"]["ansible_hostname"] == "web01");
  CHECK(results[1]["ansible_facts"]["ansible_nodename"] == "web01.example.test");
  CHECK(results[2]["changed"] == false);
  CHECK(!results[2].contains("diff"));
  CHECK(sys.after_output == "web01.example.test\n");
  CHECK(read_text(sys.etc_file("hostname")) == "web01.example.test\n");
}

TEST_CASE("hostname's file strategies: Debian's /etc/hostname only, RedHat's HOSTNAME= line, OpenRC's hostname=\"\"") {
  if (!namespaces_available()) return;
  Isolated sys;
  sys.setup = "hostname keep; mkdir -p /etc/sysconfig /etc/conf.d; printf 'NETWORKING=yes\\nHOSTNAME=old\\n' > /etc/sysconfig/network;"
              "printf '# c\\nhostname=\"old\"\\n' > /etc/conf.d/hostname; rm -rf /run/systemd/system 2>/dev/null || true";
  sys.after = "hostname";
  auto results = sys.run_all({{"hostname", {{"name", "rh"}, {"use", "redhat"}}},
                              {"hostname", {{"name", "gentoo"}, {"use", "openrc"}}},
                              {"hostname", {{"name", "gentoo"}, {"use", "openrc"}}}});
  CHECK(results[0]["changed"] == true);
  CHECK(read_text(sys.etc_file("sysconfig/network")) == "NETWORKING=yes\nHOSTNAME=rh\n");
  CHECK(results[1]["changed"] == true);
  CHECK(read_text(sys.etc_file("conf.d/hostname")) == "# c\nhostname=\"gentoo\"\n");
  CHECK(results[2]["changed"] == false);
  CHECK(sys.after_output == "keep\n");  // file strategies leave the kernel's name alone, as Ansible's
}

TEST_CASE("hostname refuses a platform the runner does not serve") {
  json result = run_module("hostname", {{"name", "x"}, {"use", "freebsd"}}, Check::yes);
  CHECK(result["failed"] == true);
  CHECK(result["msg"] == "hostname module cannot be used on platform freebsd (drover's runner is for Linux)");
}
