// cron against real crontabs: a cron_file in a temp dir, and a user's crontab installed with the
// machine's `crontab` command (for a drover-t-* user the case makes and removes; root only).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "harness.hpp"

using namespace drover::modules::testing;

namespace {
bool have_crontab() { return std::system("command -v crontab >/dev/null 2>&1") == 0; }

std::string crontab_of(const std::string& user) {
  TempDir dir;
  std::system(("crontab -u " + user + " -l >" + dir / "out" + " 2>/dev/null").c_str());
  return read_text(dir / "out");
}
}  // namespace

TEST_CASE("cron writes a named job to a cron_file, finds it again, updates it in place and removes the file when empty") {
  if (!have_crontab()) return;  // Ansible's module asks for the crontab command even for a cron_file
  TempDir dir;
  std::string file = dir / "drover-backup";
  json args = {{"name", "backup"}, {"minute", "30"}, {"hour", "2"}, {"job", "/usr/local/bin/backup"}, {"user", "root"}, {"cron_file", file}};
  json checked = run_module("cron", args, Check::yes, Diff::yes);
  CHECK(checked["changed"] == true);
  CHECK(checked["diff"]["after"] == "#Ansible: backup\n30 2 * * * root /usr/local/bin/backup\n");
  CHECK(!std::filesystem::exists(file));

  json created = run_module("cron", args, Check::no, Diff::yes);
  CHECK(created["changed"] == true);
  CHECK(created["jobs"] == json::array({"backup"}));
  CHECK(created["cron_file"] == file);
  CHECK(created["diff"]["before"] == "");
  CHECK(created["diff"]["after_header"] == file);
  CHECK(read_text(file) == "#Ansible: backup\n30 2 * * * root /usr/local/bin/backup\n");
  struct stat info {};
  REQUIRE(::stat(file.c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0644);
  CHECK(run_module("cron", args)["changed"] == false);

  json env = run_module("cron", {{"name", "PATH"}, {"env", true}, {"job", "/usr/bin:/bin"}, {"user", "root"}, {"cron_file", file}});
  CHECK(env["changed"] == true);
  CHECK(env["envs"] == json::array({"PATH"}));
  json mail = run_module("cron", {{"name", "MAILTO"}, {"env", true}, {"job", "ops"}, {"insertafter", "PATH"}, {"user", "root"}, {"cron_file", file}});
  CHECK(mail["changed"] == true);
  json special = args;
  special.erase("minute");
  special.erase("hour");
  special["special_time"] = "daily";
  special["disabled"] = true;
  CHECK(run_module("cron", special)["changed"] == true);
  CHECK(read_text(file) == "PATH=\"/usr/bin:/bin\"\nMAILTO=\"ops\"\n#Ansible: backup\n#@daily root /usr/local/bin/backup\n");

  CHECK(run_module("cron", {{"name", "PATH"}, {"env", true}, {"state", "absent"}, {"cron_file", file}})["changed"] == true);
  CHECK(run_module("cron", {{"name", "MAILTO"}, {"env", true}, {"state", "absent"}, {"cron_file", file}})["changed"] == true);
  json removed = run_module("cron", {{"name", "backup"}, {"state", "absent"}, {"cron_file", file}}, Check::no, Diff::yes);
  CHECK(removed["changed"] == true);
  CHECK(removed["diff"]["after_header"] == "/dev/null");
  CHECK(!std::filesystem::exists(file));
}

TEST_CASE("cron adopts an unmarked identical job, and checks its arguments as Ansible does") {
  if (!have_crontab()) return;
  TempDir dir;
  std::string file = dir / "jobs";
  write_text(file, "# mine\n*/5 * * * * root /bin/true\n");
  json adopted = run_module("cron", {{"name", "tick"}, {"minute", "*/5"}, {"job", "/bin/true"}, {"user", "root"}, {"cron_file", file}});
  CHECK(adopted["changed"] == true);
  CHECK(read_text(file) == "# mine\n#Ansible: tick\n*/5 * * * * root /bin/true\n");

  CHECK(run_module("cron", {{"name", "x"}, {"job", "y"}, {"cron_file", file}})["msg"] ==
        "To use cron_file=... parameter you must specify user=... as well");
  CHECK(run_module("cron", {{"name", "x"}, {"cron_file", file}, {"user", "root"}})["msg"] ==
        "You must specify 'job' to install a new cron job or variable");
  CHECK(run_module("cron", {{"name", "x"}, {"job", "y"}, {"special_time", "daily"}, {"hour", "1"}, {"cron_file", file}, {"user", "root"}})["msg"] ==
        "You must specify time and date fields or special time.");
  CHECK(run_module("cron", {{"name", "X"}, {"env", true}, {"job", "1"}, {"insertafter", "NOPE"}, {"cron_file", file}, {"user", "root"}})["msg"] ==
        "Variable named 'NOPE' not found.");
  CHECK(run_module("cron", {{"name", "x"}, {"job", "y"}, {"cron_file", "/etc/crontab"}, {"user", "root"}})["msg"] ==
        "Will not manage /etc/crontab via cron_file, see documentation.");
}

TEST_CASE("cron installs a user's crontab with the crontab command, with a backup of the old one") {
  if (!have_crontab() || ::geteuid() != 0 || std::system("command -v useradd >/dev/null 2>&1") != 0) return;
  struct Cleanup {
    ~Cleanup() {
      std::system("crontab -u drover-t-cron -r >/dev/null 2>&1");
      std::system("userdel -r drover-t-cron >/dev/null 2>&1");
    }
  } cleanup;
  REQUIRE(std::system("useradd -M drover-t-cron >/dev/null 2>&1") == 0);
  json args = {{"name", "hello"}, {"job", "echo hello"}, {"user", "drover-t-cron"}, {"hour", "4"}};
  json created = run_module("cron", args, Check::no, Diff::yes);
  INFO(created.dump());
  CHECK(created["changed"] == true);
  CHECK(created["diff"]["before_header"] == "crontab for user \"drover-t-cron\"");
  CHECK(crontab_of("drover-t-cron").ends_with("#Ansible: hello\n* 4 * * * echo hello\n"));
  CHECK(run_module("cron", args)["changed"] == false);
  args["hour"] = "5";
  args["backup"] = true;
  json updated = run_module("cron", args);
  CHECK(updated["changed"] == true);
  REQUIRE(updated.contains("backup_file"));
  std::string backup = updated["backup_file"].get<std::string>();
  CHECK(read_text(backup).ends_with("* 4 * * * echo hello\n"));
  std::filesystem::remove(backup);
  CHECK(crontab_of("drover-t-cron").ends_with("#Ansible: hello\n* 5 * * * echo hello\n"));
  CHECK(run_module("cron", {{"name", "hello"}, {"user", "drover-t-cron"}, {"state", "absent"}})["jobs"] == json::array());
  CHECK(crontab_of("drover-t-cron").find("hello") == std::string::npos);
}
