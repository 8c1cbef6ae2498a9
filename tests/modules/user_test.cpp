// user and group against the machine's real useradd/groupadd family. They need root (the module
// tests run as root in CI); as another user each case returns at once. Every account made here is
// named drover-t-* and removed again, also when a check fails.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "harness.hpp"

using namespace drover::modules::testing;

namespace {

bool can_manage_accounts() {
  return ::geteuid() == 0 && std::system("command -v useradd >/dev/null 2>&1 && command -v groupadd >/dev/null 2>&1") == 0;
}

// Removes the accounts a case makes, whatever happens in between.
struct AccountsCleanup {
  std::vector<std::string> users, groups;
  ~AccountsCleanup() {
    for (const auto& user : users) std::system(("userdel -r " + user + " >/dev/null 2>&1").c_str());
    for (const auto& group : groups) std::system(("groupdel " + group + " >/dev/null 2>&1").c_str());
  }
};

// The line of `file` (/etc/passwd, /etc/group, /etc/shadow) for `name`, or "".
std::string entry(const std::string& file, const std::string& name) {
  std::string text = read_text(file);
  std::size_t at = text.starts_with(name + ":") ? 0 : text.find("\n" + name + ":");
  if (at == std::string::npos) return "";
  if (at != 0) ++at;
  return text.substr(at, text.find('\n', at) - at);
}

const std::string k_hash = "$6$droversalt$49q6MWj2igXGDrZWHpO.VIejrnPU9JxzMB.kR.fF8iyia18Tb5PenGV/NwgQYlYQ5lxjIIk.8LdWRiMKFdfXu1";

}  // namespace

TEST_CASE("group creates a group with a gid, leaves it alone the second time, changes the gid and removes it") {
  if (!can_manage_accounts()) return;
  AccountsCleanup cleanup{{}, {"drover-t-grp"}};
  json created = run_module("group", {{"name", "drover-t-grp"}, {"gid", 64301}});
  CHECK(created["changed"] == true);
  CHECK(created["gid"] == 64301);
  CHECK(created["state"] == "present");
  CHECK(created["system"] == false);
  CHECK(entry("/etc/group", "drover-t-grp").starts_with("drover-t-grp:x:64301:"));
  CHECK(run_module("group", {{"name", "drover-t-grp"}, {"gid", 64301}})["changed"] == false);
  json checked = run_module("group", {{"name", "drover-t-grp"}, {"gid", 64302}}, Check::yes);
  CHECK(checked["changed"] == true);
  CHECK(entry("/etc/group", "drover-t-grp").starts_with("drover-t-grp:x:64301:"));
  CHECK(run_module("group", {{"name", "drover-t-grp"}, {"gid", 64302}})["gid"] == 64302);
  CHECK(run_module("group", {{"name", "drover-t-grp"}, {"state", "absent"}}, Check::yes)["changed"] == true);
  CHECK(!entry("/etc/group", "drover-t-grp").empty());
  json removed = run_module("group", {{"name", "drover-t-grp"}, {"state", "absent"}});
  CHECK(removed["changed"] == true);
  CHECK(!removed.contains("gid"));
  CHECK(entry("/etc/group", "drover-t-grp").empty());
  CHECK(run_module("group", {{"name", "drover-t-grp"}, {"state", "absent"}})["changed"] == false);
  CHECK(run_module("group", {{"name", "drover-t-grp"}, {"non_unique", true}})["msg"] ==
        "non_unique is True but all of the following are missing: gid");
}

TEST_CASE("user creates an account with its groups, home, shell and password hash, and a second run changes nothing") {
  if (!can_manage_accounts()) return;
  TempDir dir;
  std::string home = dir / "homes/drover-t-user";  // the parent is missing: the module makes it
  AccountsCleanup cleanup{{"drover-t-user"}, {"drover-t-ga", "drover-t-gb"}};
  run_module("group", {{"name", "drover-t-ga"}});
  run_module("group", {{"name", "drover-t-gb"}});
  json args = {{"name", "drover-t-user"}, {"uid", 64311}, {"groups", "drover-t-ga"}, {"shell", "/bin/sh"},
               {"comment", "Drover Test"}, {"home", home}, {"password", k_hash}, {"password_expire_max", 90}};
  json checked = run_module("user", args, Check::yes);
  CHECK(checked == json{{"changed", true}});
  CHECK(entry("/etc/passwd", "drover-t-user").empty());

  json created = run_module("user", args);
  INFO(created.dump());
  CHECK(created["changed"] == true);
  CHECK(created["uid"] == 64311);
  CHECK(created["home"] == home);
  CHECK(created["shell"] == "/bin/sh");
  CHECK(created["comment"] == "Drover Test");
  CHECK(created["groups"] == "drover-t-ga");
  CHECK(created["password"] == "NOT_LOGGING_PASSWORD");
  CHECK(created["create_home"] == true);
  CHECK(created["system"] == false);
  CHECK(created.dump().find(k_hash) == std::string::npos);
  CHECK(entry("/etc/passwd", "drover-t-user").starts_with("drover-t-user:x:64311:"));
  CHECK(entry("/etc/passwd", "drover-t-user").ends_with(":Drover Test:" + home + ":/bin/sh"));
  CHECK(entry("/etc/group", "drover-t-ga").ends_with(":drover-t-user"));
  CHECK(entry("/etc/shadow", "drover-t-user").starts_with("drover-t-user:" + k_hash + ":"));
  CHECK(entry("/etc/shadow", "drover-t-user").find(":90:") != std::string::npos);
  CHECK(std::filesystem::is_directory(home));

  json again = run_module("user", args);
  CHECK(again["changed"] == false);
  CHECK(again["append"] == false);

  // append keeps drover-t-ga; without append the list is exact
  json appended = run_module("user", {{"name", "drover-t-user"}, {"groups", json::array({"drover-t-gb"})}, {"append", true}});
  CHECK(appended["changed"] == true);
  CHECK(entry("/etc/group", "drover-t-ga").ends_with(":drover-t-user"));
  CHECK(entry("/etc/group", "drover-t-gb").ends_with(":drover-t-user"));
  CHECK(run_module("user", {{"name", "drover-t-user"}, {"groups", "drover-t-gb"}, {"append", true}})["changed"] == false);
  CHECK(run_module("user", {{"name", "drover-t-user"}, {"groups", "drover-t-gb"}})["changed"] == true);
  CHECK(entry("/etc/group", "drover-t-ga").ends_with(":"));

  json shell_check = run_module("user", {{"name", "drover-t-user"}, {"shell", "/bin/bash"}}, Check::yes);
  CHECK(shell_check["changed"] == true);
  CHECK(entry("/etc/passwd", "drover-t-user").ends_with(":/bin/sh"));

  json locked = run_module("user", {{"name", "drover-t-user"}, {"password_lock", true}});
  CHECK(locked["changed"] == true);
  CHECK(entry("/etc/shadow", "drover-t-user").starts_with("drover-t-user:!" + k_hash));
  CHECK(run_module("user", {{"name", "drover-t-user"}, {"password_lock", true}})["changed"] == false);
  // 2030-01-02 00:00 UTC is day 21916
  json expiring = run_module("user", {{"name", "drover-t-user"}, {"expires", 1893542400}});
  CHECK(expiring["changed"] == true);
  CHECK(entry("/etc/shadow", "drover-t-user").find(":21916:") != std::string::npos);
  CHECK(run_module("user", {{"name", "drover-t-user"}, {"expires", 1893542400.5}})["changed"] == false);
  CHECK(run_module("user", {{"name", "drover-t-user"}, {"expires", -1}})["changed"] == true);
  CHECK(run_module("user", {{"name", "drover-t-user"}, {"expires", -1}})["changed"] == false);

  json missing_group = run_module("user", {{"name", "drover-t-user"}, {"group", "drover-t-nosuch"}});
  CHECK(missing_group["failed"] == true);
  CHECK(missing_group["msg"] == "Group drover-t-nosuch does not exist");

  json removed = run_module("user", {{"name", "drover-t-user"}, {"state", "absent"}, {"remove", true}});
  CHECK(removed["changed"] == true);
  CHECK(removed["remove"] == true);
  CHECK(entry("/etc/passwd", "drover-t-user").empty());
  CHECK(!std::filesystem::exists(home));
  CHECK(run_module("user", {{"name", "drover-t-user"}, {"state", "absent"}})["changed"] == false);
}

TEST_CASE("user generates an SSH key pair once and reports its fingerprint") {
  if (!can_manage_accounts() || std::system("command -v ssh-keygen >/dev/null 2>&1") != 0) return;
  TempDir dir;
  std::string home = dir / "drover-t-keys";
  AccountsCleanup cleanup{{"drover-t-keys"}, {}};
  json args = {{"name", "drover-t-keys"}, {"home", home}, {"generate_ssh_key", true}, {"ssh_key_type", "ed25519"},
               {"ssh_key_comment", "drover test key"}};
  json first = run_module("user", args);
  INFO(first.dump());
  CHECK(first["changed"] == true);
  CHECK(first["ssh_key_file"] == home + "/.ssh/id_ed25519");
  CHECK(first["ssh_public_key"].get<std::string>().starts_with("ssh-ed25519 "));
  CHECK(first["ssh_public_key"].get<std::string>().ends_with(" drover test key"));
  CHECK(first["ssh_fingerprint"].get<std::string>().find("SHA256:") != std::string::npos);
  CHECK(std::filesystem::exists(home + "/.ssh/id_ed25519"));
  json second = run_module("user", args);
  CHECK(second["changed"] == false);
  CHECK(second["ssh_public_key"] == first["ssh_public_key"]);
  CHECK(second["warnings"][0].get<std::string>().starts_with("Found existing ssh key private file"));
}

TEST_CASE("user warns about a password that is not a hash and refuses local: true") {
  if (!can_manage_accounts()) return;
  AccountsCleanup cleanup{{"drover-t-plain"}, {}};
  json plain = run_module("user", {{"name", "drover-t-plain"}, {"password", "secret"}, {"create_home", false}});
  CHECK(plain["changed"] == true);
  CHECK(plain["warnings"][0] ==
        "The input password appears not to have been hashed. The 'password' argument must be encrypted for this module to work properly.");
  CHECK(plain.dump().find("secret") == std::string::npos);
  json local = run_module("user", {{"name", "drover-t-plain"}, {"local", true}});
  CHECK(local["failed"] == true);
}
