// mount with real mount/umount in a mount namespace (namespace_harness.hpp): tmpfs mounts that
// this machine never sees, and a scratch fstab given with `fstab` (mount -T reads it).
#include <doctest/doctest.h>

#include "harness.hpp"
#include "namespace_harness.hpp"

using namespace drover::modules::testing;

TEST_CASE("mount state=mounted writes the fstab entry and mounts; again changes nothing; new opts remount") {
  if (!namespaces_available()) return;
  Isolated sys;
  const std::string fstab = sys.path("fstab"), point = sys.path("mnt/scratch");
  write_text(fstab, "# static file system information\n/dev/sda1 / ext4 defaults 0 1\n");
  json args = {{"path", point}, {"src", "tmpfs"}, {"fstype", "tmpfs"}, {"opts", "size=1m"}, {"state", "mounted"}, {"fstab", fstab}};
  json bigger = args;
  bigger["opts"] = "size=2m";
  sys.after = "findmnt -n -o OPTIONS " + point;
  auto results = sys.run_all({{"mount", args, Check::yes, Diff::yes}, {"mount", args}, {"mount", args}, {"mount", bigger, Check::no, Diff::yes}});
  CHECK(results[0]["changed"] == true);
  CHECK(results[0]["diff"]["after"] == "# static file system information\n/dev/sda1 / ext4 defaults 0 1\ntmpfs " + point + " tmpfs size=1m 0 0\n");
  CHECK(results[1]["changed"] == true);
  CHECK(results[1]["name"] == point);
  CHECK(results[1]["fstype"] == "tmpfs");
  CHECK(results[1]["opts"] == "size=1m");
  CHECK(results[1]["dump"] == "0");
  CHECK(results[1]["boot"] == "yes");
  CHECK(results[2]["changed"] == false);
  CHECK(results[3]["changed"] == true);
  CHECK(sys.after_output.find("size=2048k") != std::string::npos);
  CHECK(read_text(fstab) == "# static file system information\n/dev/sda1 / ext4 defaults 0 1\ntmpfs " + point + " tmpfs size=2m 0 0\n");
}

TEST_CASE("mount unmounted, absent and present; boot=false adds noauto") {
  if (!namespaces_available()) return;
  Isolated sys;
  const std::string fstab = sys.path("fstab"), point = sys.path("mnt/t");
  write_text(fstab, "");
  json mounted = {{"path", point}, {"src", "tmpfs"}, {"fstype", "tmpfs"}, {"fstab", fstab}};
  json unmounted = {{"path", point}, {"state", "unmounted"}, {"fstab", fstab}};
  json absent = {{"path", point}, {"state", "absent"}, {"fstab", fstab}};
  json present = {{"path", sys.path("mnt/other")}, {"src", "/dev/sdz1"}, {"fstype", "ext4"}, {"boot", false}, {"state", "present"}, {"fstab", fstab}};
  mounted["state"] = "mounted";
  sys.after = "findmnt -n " + point + " || echo none; test -d " + point + " || echo gone";
  auto results = sys.run_all({{"mount", mounted}, {"mount", unmounted}, {"mount", unmounted}, {"mount", mounted}, {"mount", absent},
                              {"mount", absent}, {"mount", present}});
  CHECK(results[1]["changed"] == true);
  CHECK(results[2]["changed"] == false);
  CHECK(results[3]["changed"] == true);
  CHECK(results[4]["changed"] == true);
  CHECK(results[5]["changed"] == false);
  CHECK(results[6]["changed"] == true);
  CHECK(results[6]["opts"] == "defaults,noauto");
  CHECK(sys.after_output == "none\ngone\n");
  CHECK(read_text(fstab) == "/dev/sdz1 " + sys.path("mnt/other") + " ext4 defaults,noauto 0 0\n");
}

TEST_CASE("mount: a mount that fails puts fstab back and names the error; missing src/fstype is refused") {
  TempDir dir;
  json missing = run_module("mount", {{"path", dir / "m"}, {"state", "mounted"}, {"fstab", dir / "fstab"}});
  CHECK(missing["failed"] == true);
  CHECK(missing["msg"] == "state is mounted but all of the following are missing: src, fstype");
  if (!namespaces_available()) return;
  Isolated sys;
  const std::string fstab = sys.path("fstab");
  write_text(fstab, "# kept\n");
  json bad = sys.run("mount", {{"path", sys.path("mnt/bad")}, {"src", "/dev/does-not-exist"}, {"fstype", "ext4"}, {"state", "mounted"}, {"fstab", fstab}});
  CHECK(bad["failed"] == true);
  CHECK(std::string(bad["msg"]).starts_with("Error mounting " + sys.path("mnt/bad") + ": "));
  CHECK(read_text(fstab) == "# kept\n");
  CHECK(!std::filesystem::exists(sys.path("mnt")));
}
