// The package modules against real parts: apt, dpkg_selections, package and apt_repository run on
// the machine's real apt-get and dpkg, inside a scratch system (tests/modules/data/apt_scratch.sh:
// a private mount namespace with overlays over /etc, /var and /usr/share) whose only source is a
// repository of .deb files the test builds with dpkg-deb and indexes with dpkg-scanpackages. The
// machine's own packages are never touched. Without root or overlayfs the cases say so and pass.
#include <doctest/doctest.h>

#include <filesystem>

#include "harness.hpp"
#include "modules/util/process.hpp"

using namespace drover::modules::testing;

namespace {

const std::string k_scratch_script = std::string(DROVER_SOURCE_DIR) + "/tests/modules/data/apt_scratch.sh";

// The repository, built once for all cases (dpkg-deb is the slow part); nothing when the sandbox
// cannot be made here.
const TempDir* built_repository() {
  static TempDir dir;
  static bool ok = [] {
    auto r = drover::modules::run_process({.argv = {k_scratch_script, "init", dir.path().string()}});
    if (r.rc != 0) MESSAGE("apt scratch system unavailable (rc " << r.rc << "): " << r.stderr_text);
    return r.rc == 0;
  }();
  return ok ? &dir : nullptr;
}

// One fresh scratch system per case: the built repository's copy, apt's lists fetched.
struct Scratch {
  TempDir dir;
  bool ok = false;

  Scratch() {
    const TempDir* repo = built_repository();
    if (!repo) return;
    auto r = drover::modules::run_process({.argv = {k_scratch_script, "init", dir.path().string(), repo->path().string()}});
    INFO(r.stderr_text);
    REQUIRE(r.rc == 0);
    ok = true;
  }

  std::string path() const { return dir.path().string(); }

  // A module run one-shot inside the scratch system.
  json run(const std::string& module, json args, Check check = Check::no, Diff diff = Diff::no) const {
    if (check == Check::yes) args["_ansible_check_mode"] = true;
    if (diff == Diff::yes) args["_ansible_diff"] = true;
    write_text(dir / "args.json", args.dump());
    auto r = drover::modules::run_process({.argv = {k_scratch_script, "run", path(), DROVER_MODULES_BIN, module, dir / "args.json"}});
    INFO("stdout: " << r.stdout_text << "\nstderr: " << r.stderr_text);
    REQUIRE(r.rc == 0);
    return json::parse(r.stdout_text);
  }

  // A shell command's output inside the scratch system (to look at dpkg's database and files).
  std::string shell(const std::string& command) const {
    auto r = drover::modules::run_process({.argv = {k_scratch_script, "run", path(), "sh", "-c", command}});
    return r.stdout_text;
  }

  // dpkg's status and version of `name` ("installed 1.0", "config-files 1.0"; "" when unknown).
  std::string status(const std::string& name) const {
    return shell("dpkg-query -W -f='${db:Status-Status} ${Version}' " + name + " 2>/dev/null");
  }
};

// Ansible's file names for sources: every character but letters and digits becomes "_".
std::string underscored(std::string text) {
  for (char& c : text)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return text;
}

}  // namespace

TEST_CASE("apt installs with dependencies, is idempotent, and removes with autoremove") {
  Scratch scratch;
  if (!scratch.ok) return;
  json checked = scratch.run("apt", {{"name", "drover-b"}}, Check::yes);
  CHECK(checked["changed"] == true);
  CHECK(checked["stdout"].get<std::string>().find("Inst drover-b") != std::string::npos);
  CHECK(scratch.status("drover-b") == "");

  json installed = scratch.run("apt", {{"name", json::array({"drover-b"})}}, Check::no, Diff::yes);
  CHECK(installed["changed"] == true);
  CHECK(installed["cache_updated"] == false);
  CHECK(installed["cache_update_time"].is_number_integer());
  CHECK(installed["diff"]["prepared"].get<std::string>().find("The following NEW packages will be installed") != std::string::npos);
  CHECK(scratch.status("drover-b") == "installed 1.0");
  CHECK(scratch.status("drover-c") == "installed 1.0");
  // the file the package installs, and apt-mark: the named package manual, its dependency automatic
  CHECK(scratch.shell("cat /usr/share/drover-apt-test/drover-b; apt-mark showauto drover-b drover-c") == "1.0\ndrover-c\n");

  json again = scratch.run("apt", {{"pkg", "drover-b"}, {"state", "present"}});
  CHECK(again["changed"] == false);
  CHECK(!again.contains("stdout"));

  json removed = scratch.run("apt", {{"name", "drover-b"}, {"state", "absent"}, {"autoremove", true}});
  CHECK(removed["changed"] == true);
  CHECK(scratch.status("drover-b") == "");
  CHECK(scratch.status("drover-c") == "");
  CHECK(scratch.run("apt", {{"name", "drover-b"}, {"state", "absent"}})["changed"] == false);

  json unknown = scratch.run("apt", {{"name", "drover-nope"}});
  CHECK(unknown["failed"] == true);
  CHECK(unknown["msg"] == "No package matching 'drover-nope' is available");
  CHECK(scratch.run("apt", {{"name", "drover-nope"}, {"state", "absent"}})["changed"] == false);

  // a virtual package with one provider: apt picks the provider
  CHECK(scratch.run("apt", {{"name", "drover-virtual"}})["changed"] == true);
  CHECK(scratch.status("drover-p") == "installed 1.0");
  CHECK(scratch.run("apt", {{"name", "drover-virtual"}})["changed"] == false);
}

TEST_CASE("apt version pins, state=latest and allow_downgrade") {
  Scratch scratch;
  if (!scratch.ok) return;
  CHECK(scratch.run("apt", {{"name", "drover-a=1.0"}})["changed"] == true);
  CHECK(scratch.status("drover-a") == "installed 1.0");
  CHECK(scratch.run("apt", {{"name", "drover-a=1.*"}})["changed"] == false);
  CHECK(scratch.run("apt", {{"name", "drover-a"}})["changed"] == false);
  CHECK(scratch.run("apt", {{"name", "drover-a>=1.0"}})["changed"] == false);
  CHECK(scratch.run("apt", {{"name", "drover-a"}, {"state", "latest"}})["changed"] == true);
  CHECK(scratch.status("drover-a") == "installed 2.0");
  CHECK(scratch.run("apt", {{"name", "drover-a"}, {"state", "latest"}})["changed"] == false);

  json refused = scratch.run("apt", {{"name", "drover-a=1.0"}});
  CHECK(refused["failed"] == true);
  CHECK(refused["msg"].get<std::string>().starts_with("'/usr/bin/apt-get -y -o \"Dpkg::Options::=--force-confdef\" -o \"Dpkg::Options::=--force-confold\"       install 'drover-a=1.0'' failed: "));
  CHECK(refused["rc"] == 100);
  CHECK(refused["cache_updated"] == false);
  CHECK(scratch.run("apt", {{"name", "drover-a=1.0"}, {"allow_downgrade", true}})["changed"] == true);
  CHECK(scratch.status("drover-a") == "installed 1.0");

  CHECK(scratch.run("apt", {{"name", "drover-a=3.0"}})["msg"] == "no available installation candidate for drover-a=3.0");
  CHECK(scratch.run("apt", {{"name", "drover-a=1=0"}})["msg"] == "invalid package spec: drover-a=1=0");
  CHECK(scratch.run("apt", {{"name", "drover-a"}, {"upgrade", "no"}})["msg"] == "parameters are mutually exclusive: deb|package|upgrade");
}

TEST_CASE("apt purge removes what a plain removal leaves; dpkg_selections holds a package") {
  Scratch scratch;
  if (!scratch.ok) return;
  CHECK(scratch.run("apt", {{"name", "drover-d"}})["changed"] == true);
  CHECK(scratch.shell("cat /etc/drover-apt-test/drover-d.conf") == "setting=1.0\n");
  CHECK(scratch.run("apt", {{"name", "drover-d"}, {"state", "absent"}})["changed"] == true);
  CHECK(scratch.status("drover-d") == "config-files 1.0");
  CHECK(scratch.run("apt", {{"name", "drover-d"}, {"state", "absent"}})["changed"] == false);
  CHECK(scratch.run("apt", {{"name", "drover-d"}, {"state", "absent"}, {"purge", true}})["changed"] == true);
  CHECK(scratch.shell("test -e /etc/drover-apt-test/drover-d.conf || echo gone") == "gone\n");
  CHECK(scratch.run("apt", {{"name", "drover-d"}, {"state", "absent"}, {"purge", true}})["changed"] == false);

  CHECK(scratch.run("apt", {{"name", "drover-c"}})["changed"] == true);
  json checked = scratch.run("dpkg_selections", {{"name", "drover-c"}, {"selection", "hold"}}, Check::yes);
  CHECK(checked == json{{"changed", true}, {"before", "install"}, {"after", "hold"}});
  CHECK(scratch.shell("dpkg --get-selections drover-c | tr -s '\\t' ' '") == "drover-c install\n");
  CHECK(scratch.run("dpkg_selections", {{"name", "drover-c"}, {"selection", "hold"}})["changed"] == true);
  CHECK(scratch.shell("apt-mark showhold") == "drover-c\n");
  CHECK(scratch.run("dpkg_selections", {{"name", "drover-c"}, {"selection", "hold"}})["changed"] == false);
  CHECK(scratch.run("dpkg_selections", {{"name", "drover-nope"}, {"selection", "hold"}, {"_ansible_check_mode", true}})["before"] == "not present");
}

TEST_CASE("apt installs a deb file and its missing dependencies; package dispatches to apt") {
  Scratch scratch;
  if (!scratch.ok) return;
  std::string deb = scratch.path() + "/debs/drover-e_1.0_all.deb";
  json installed = scratch.run("apt", {{"deb", deb}});
  CHECK(installed["changed"] == true);
  CHECK(scratch.status("drover-e") == "installed 1.0");
  CHECK(scratch.status("drover-c") == "installed 1.0");
  CHECK(scratch.run("apt", {{"deb", deb}})["changed"] == false);
  CHECK(scratch.run("apt", {{"deb", deb}, {"state", "absent"}})["msg"] == "deb only supports state=present");
  json unsatisfiable = scratch.run("apt", {{"deb", scratch.path() + "/debs/drover-f_1.0_all.deb"}});
  CHECK(unsatisfiable["msg"] == "Dependency is not satisfiable: drover-missing");
  CHECK(scratch.status("drover-f") == "");

  CHECK(scratch.run("package", {{"name", "drover-a"}, {"state", "present"}})["changed"] == true);
  CHECK(scratch.status("drover-a") == "installed 2.0");
  CHECK(scratch.run("package", {{"name", json::array({"drover-a"})}, {"state", "absent"}, {"use", "apt"}})["changed"] == true);
  CHECK(scratch.run("package", {{"name", "x"}, {"state", "present"}, {"use", "zypper"}})["msg"] == "Could not find a module for zypper.");
}

TEST_CASE("apt update_cache honours cache_valid_time; apt_repository adds, names and removes a source") {
  Scratch scratch;
  if (!scratch.ok) return;
  json fresh = scratch.run("apt", {{"update_cache", true}, {"cache_valid_time", 3600}});
  CHECK(fresh == json{{"changed", false}, {"cache_updated", false}, {"cache_update_time", fresh["cache_update_time"]}});
  CHECK(fresh["cache_update_time"].get<long long>() > 0);
  json checked = scratch.run("apt", {{"update_cache", true}}, Check::yes);
  CHECK(checked["changed"] == true);
  CHECK(checked["cache_updated"] == true);

  std::string repo = "deb [trusted=yes] file:" + scratch.path() + "/repo ./";
  // the same repository under another line: a second source file
  std::string line = "deb [trusted=yes] file://" + scratch.path() + "/repo/ ./";
  json added = scratch.run("apt_repository", {{"repo", line}}, Check::no, Diff::yes);
  CHECK(added["changed"] == true);
  std::string file = "/etc/apt/sources.list.d/" + std::string("tmp_") + underscored(scratch.dir.path().filename().string()) + "_repo.list";
  REQUIRE(added["diff"].is_array());
  CHECK(added["diff"].back()["after_header"] == file);
  CHECK(scratch.shell("cat " + file) == line + "\n");
  CHECK(scratch.shell("stat -c %a " + file) == "644\n");
  CHECK(scratch.run("apt_repository", {{"repo", line}})["changed"] == false);
  CHECK(scratch.run("apt_repository", {{"repo", line}, {"state", "absent"}, {"update_cache", false}})["changed"] == true);
  CHECK(scratch.shell("test -e " + file + " || echo gone") == "gone\n");
  // the existing source, found in its own file
  CHECK(scratch.run("apt_repository", {{"repo", repo}, {"filename", "other"}})["changed"] == false);
  json named = scratch.run("apt_repository", {{"repo", "deb http://deb.example.invalid/debian stable main"}, {"filename", "example"},
                                              {"update_cache", false}, {"mode", "0600"}});
  CHECK(named["changed"] == true);
  CHECK(scratch.shell("stat -c %a /etc/apt/sources.list.d/example.list") == "600\n");
  CHECK(scratch.run("apt_repository", {{"repo", "not a source"}})["msg"] == "Invalid repository string: not a source");
  CHECK(scratch.run("apt_repository", {{"repo", "ppa:owner/name"}})["msg"].get<std::string>().starts_with("drover's apt_repository cannot add ppa:owner/name"));
}

TEST_CASE("dnf, yum and apk fail clearly where their tool is not installed") {
  for (const char* module : {"dnf", "yum", "apk"}) {
    if (!drover::modules::find_executable(module).empty()) continue;
    json result = run_module(module, {{"name", "x"}});
    CHECK(result["failed"] == true);
    CHECK(result["msg"].get<std::string>().starts_with(std::string("The ") + module + " module needs " + module + ", which is not installed on this target"));
  }
}

TEST_CASE("pip creates a virtualenv and says clearly when the virtualenv command or pip is missing") {
  TempDir dir;
  json missing = run_module("pip", {{"name", "x"}, {"virtualenv", dir / "venv"}, {"virtualenv_command", "/nonexistent/virtualenv"}});
  CHECK(missing["failed"] == true);
  CHECK(missing["msg"].get<std::string>().starts_with("Failed to find required executable \"/nonexistent/virtualenv\""));
  CHECK(run_module("pip", {{"name", "x"}, {"requirements", "r.txt"}})["msg"] == "parameters are mutually exclusive: name|requirements");
  CHECK(run_module("pip", {{"name", "x"}, {"state", "latest"}, {"version", "1"}})["msg"] == "version is incompatible with state=latest");
  if (drover::modules::find_executable("python3").empty()) return;
  // a virtualenv without pip (quick to make): created, then pip is missing from it
  json created = run_module("pip", {{"name", "x"}, {"virtualenv", dir / "venv"}, {"virtualenv_command", "python3 -m venv --without-pip"}});
  CHECK(std::filesystem::exists(dir / "venv/bin/activate"));
  CHECK(created["msg"] == "Unable to find pip in the virtualenv, " + (dir / "venv") +
                              ", under any of these names: pip3, pip. Make sure pip is present in the virtualenv.");
}

TEST_CASE("apt_key adds a key file to a keyring, once, and removes it") {
  if (drover::modules::find_executable("apt-key").empty() || drover::modules::find_executable("gpg").empty()) return;
  TempDir dir;
  std::string home = dir / "gnupg";
  std::filesystem::create_directory(home);
  std::filesystem::permissions(home, std::filesystem::perms::owner_all);
  auto gpg = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"gpg", "--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", ""});
    return drover::modules::run_process({.argv = args});
  };
  REQUIRE(gpg({"--quick-gen-key", "drover test <test@drover.invalid>", "ed25519", "sign", "never"}).rc == 0);
  auto exported = gpg({"--armor", "--export"});
  REQUIRE(exported.rc == 0);
  write_text(dir / "key.asc", exported.stdout_text);
  std::string keyring = dir / "test.gpg";
  json added = run_module("apt_key", {{"file", dir / "key.asc"}, {"keyring", keyring}});
  INFO(added.dump());
  CHECK(added["changed"] == true);
  CHECK(added["before"] == json::array());
  REQUIRE(added["fp"].is_string());
  CHECK(added["after"] == json::array({added["fp"]}));
  CHECK(std::filesystem::exists(keyring));
  CHECK(run_module("apt_key", {{"data", exported.stdout_text}, {"keyring", keyring}})["changed"] == false);
  json removed = run_module("apt_key", {{"id", added["fp"]}, {"keyring", keyring}, {"state", "absent"}});
  CHECK(removed["changed"] == true);
  CHECK(removed["after"] == json::array());
  CHECK(run_module("apt_key", {{"url", "https://example.invalid/key"}})["msg"].get<std::string>().find("does not download keys") != std::string::npos);
  CHECK(run_module("apt_key", {{"id", "XYZ"}, {"keyring", keyring}})["msg"] == "Invalid key_id");
}
