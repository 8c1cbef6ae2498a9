// modprobe against a test double of the modprobe command (this machine's kernel does not load
// modules here, and must not): the double records its calls. The kernel's /proc/modules is
// real; modules.builtin is a scratch file (/usr/lib as an overlay) in a mount namespace, and /etc a scratch overlay
// (namespace_harness.hpp), so the persistent files are real files nobody else sees.
#include <doctest/doctest.h>

#include <sys/utsname.h>

#include "harness.hpp"
#include "namespace_harness.hpp"

using namespace drover::modules::testing;

namespace {
std::string scratch_builtins(Isolated& sys) {
  struct utsname names{};
  ::uname(&names);
  std::filesystem::create_directories(sys.path("usr-lib/u"));
  std::filesystem::create_directories(sys.path("usr-lib/w"));
  const std::string dir = std::string("/usr/lib/modules/") + names.release;
  return "mount -t overlay overlay -o lowerdir=/usr/lib,upperdir=" + sys.path("usr-lib/u") + ",workdir=" + sys.path("usr-lib/w") +
         " /usr/lib; mkdir -p " + dir + "; echo kernel/drivers/block/loop.ko > " + dir + "/modules.builtin";
}
}  // namespace

TEST_CASE("modprobe runs modprobe with the params for a module that is not loaded, and leaves a built-in one alone") {
  if (!namespaces_available()) return;
  Isolated sys;
  write_text(sys.bin() + "/modprobe", "#!/bin/sh\nprintf '%s\\n' \"$*\" >> " + sys.path("calls") + "\n");
  std::filesystem::permissions(sys.bin() + "/modprobe", std::filesystem::perms::owner_all);
  sys.setup = scratch_builtins(sys);
  auto r = sys.run_all({{"modprobe", {{"name", "drover_dummy"}, {"params", "numdummies=2"}}, Check::yes},
                        {"modprobe", {{"name", "drover_dummy"}, {"params", "numdummies=2"}}},
                        {"modprobe", {{"name", "loop"}}},
                        {"modprobe", {{"name", "loop"}, {"state", "absent"}}}});
  CHECK(r[0]["changed"] == true);
  CHECK(r[0]["params"] == "numdummies=2");
  // the double loads nothing: the module is still not in /proc/modules, so not changed (as community.general)
  CHECK(r[1]["changed"] == false);
  CHECK(r[2]["changed"] == false);
  CHECK(r[3]["changed"] == true);
  CHECK(read_text(sys.path("calls")) ==
        "-n drover_dummy numdummies=2\ndrover_dummy numdummies=2\n-n --first-time drover_dummy numdummies=2\n-r loop\n");
}

TEST_CASE("modprobe persistent=present writes modules-load.d and modprobe.d; absent comments them out") {
  if (!namespaces_available()) return;
  Isolated sys;
  write_text(sys.bin() + "/modprobe", "#!/bin/sh\nexit 0\n");
  std::filesystem::permissions(sys.bin() + "/modprobe", std::filesystem::perms::owner_all);
  sys.setup = scratch_builtins(sys) + "; mkdir -p /etc/modprobe.d; printf 'options loop max_loop=4\\n' > /etc/modprobe.d/old.conf";
  json present = {{"name", "loop"}, {"params", "max_loop=8"}, {"persistent", "present"}};
  json absent = {{"name", "loop"}, {"persistent", "absent"}};
  auto r = sys.run_all({{"modprobe", present}, {"modprobe", present}, {"modprobe", absent}, {"modprobe", absent}});
  CHECK(r[0]["changed"] == true);
  CHECK(r[1]["changed"] == false);
  CHECK(r[2]["changed"] == true);
  CHECK(r[3]["changed"] == false);
  CHECK(read_text(sys.etc_file("modules-load.d/loop.conf")) == "#loop\n");
  CHECK(read_text(sys.etc_file("modprobe.d/loop.conf")) == "#options loop max_loop=8\n");
  CHECK(read_text(sys.etc_file("modprobe.d/old.conf")) == "#options loop max_loop=4\n");
}
