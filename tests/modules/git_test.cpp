// git against local repositories the cases build with the machine's git (a path and file:// URLs).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "harness.hpp"

using namespace drover::modules::testing;

namespace {

bool have_git() { return std::system("command -v git >/dev/null 2>&1") == 0; }

// Runs a shell snippet in `dir` with a fixed git identity; the test fails when it does.
void sh(const std::string& dir, const std::string& script) {
  std::string command = "cd '" + dir + "' && export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t "
                        "GIT_COMMITTER_EMAIL=t@example.com GIT_CONFIG_NOSYSTEM=1 HOME='" + dir + "' && (" + script + ") >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
}

std::string rev(const std::string& repo, const std::string& ref) {
  TempDir out;
  std::string command = "git -C '" + repo + "' rev-parse " + ref + " >" + out / "rev";
  REQUIRE(std::system(command.c_str()) == 0);
  std::string text = read_text(out / "rev");
  return text.substr(0, text.find('\n'));
}

// A source repository: main with two commits (tag v1 on the first), a branch `feature`.
void make_source(const std::string& src) {
  std::filesystem::create_directories(src);
  sh(src, "git init -q -b main . && echo one > file && git add file && git commit -q -m one && git tag -a v1 -m v1 && "
          "echo two > file && git commit -q -am two && git branch feature HEAD~1 && git checkout -q feature && "
          "echo f > other && git add other && git commit -q -m feature && git checkout -q main");
}

}  // namespace

TEST_CASE("git clones a local repository, is idempotent, and checks out tags, branches and new commits") {
  if (!have_git()) return;
  TempDir dir;
  std::string src = dir / "src";
  std::string dest = dir / "deep/checkout";
  make_source(src);
  std::string head = rev(src, "main");

  json checked = run_module("git", {{"repo", src}, {"dest", dest}}, Check::yes, Diff::yes);
  CHECK(checked["changed"] == true);
  CHECK(checked["before"].is_null());
  CHECK(checked["after"] == head);
  CHECK(checked["diff"]["prepared"] == ">> Newly checked out " + head);
  CHECK(!std::filesystem::exists(dest));

  json cloned = run_module("git", {{"repo", src}, {"dest", dest}});
  INFO(cloned.dump());
  CHECK(cloned["changed"] == true);
  CHECK(cloned["before"].is_null());
  CHECK(cloned["after"] == head);
  CHECK(read_text(dest + "/file") == "two\n");

  json again = run_module("git", {{"repo", src}, {"dest", dest}});
  CHECK(again["changed"] == false);
  CHECK(again["before"] == head);
  CHECK(again["after"] == head);
  CHECK(again["remote_url_changed"] == false);

  json tag = run_module("git", {{"repo", src}, {"dest", dest}, {"version", "v1"}});
  CHECK(tag["changed"] == true);
  CHECK(tag["after"] == rev(src, "v1^{commit}"));
  CHECK(read_text(dest + "/file") == "one\n");
  CHECK(run_module("git", {{"repo", src}, {"dest", dest}, {"version", "v1"}})["changed"] == false);

  json branch = run_module("git", {{"repo", src}, {"dest", dest}, {"version", "feature"}});
  CHECK(branch["changed"] == true);
  CHECK(branch["after"] == rev(src, "feature"));
  CHECK(std::filesystem::exists(dest + "/other"));

  sh(src, "echo three > file && git commit -q -am three");
  std::string newer = rev(src, "main");
  json check_update = run_module("git", {{"repo", src}, {"dest", dest}, {"version", "main"}}, Check::yes);
  CHECK(check_update["changed"] == true);
  CHECK(check_update["after"] == newer);
  CHECK(rev(dest, "HEAD") == rev(src, "feature"));
  json updated = run_module("git", {{"repo", src}, {"dest", dest}, {"version", "main"}}, Check::no, Diff::yes);
  CHECK(updated["changed"] == true);
  CHECK(updated["after"] == newer);
  CHECK(updated["diff"]["prepared"].get<std::string>().find("+three") != std::string::npos);
  CHECK(read_text(dest + "/file") == "three\n");
}

TEST_CASE("git refuses local modifications without force, discards them with it, and follows a changed remote URL") {
  if (!have_git()) return;
  TempDir dir;
  std::string src = dir / "src";
  std::string dest = dir / "checkout";
  make_source(src);
  run_module("git", {{"repo", src}, {"dest", dest}});
  write_text(dest + "/file", "local edit\n");
  json refused = run_module("git", {{"repo", src}, {"dest", dest}});
  CHECK(refused["failed"] == true);
  CHECK(refused["msg"] == "Local modifications exist in the destination: " + dest + " (force=no).");
  CHECK(read_text(dest + "/file") == "local edit\n");
  json forced = run_module("git", {{"repo", src}, {"dest", dest}, {"force", true}});
  CHECK(forced["changed"] == true);
  CHECK(read_text(dest + "/file") == "two\n");

  std::string moved = dir / "moved";
  std::filesystem::rename(src, moved);
  json relocated = run_module("git", {{"repo", "file://" + moved}, {"dest", dest}});
  CHECK(relocated["remote_url_changed"] == true);
  CHECK(relocated["changed"] == true);
  CHECK(run_module("git", {{"repo", moved}, {"dest", dest}})["changed"] == false);
}

TEST_CASE("git makes shallow, single-branch and bare clones, and needs dest unless clone is false") {
  if (!have_git()) return;
  TempDir dir;
  std::string src = dir / "src";
  make_source(src);
  std::string shallow = dir / "shallow";
  json cloned = run_module("git", {{"repo", "file://" + src}, {"dest", shallow}, {"depth", 1}, {"version", "main"}, {"single_branch", true}});
  INFO(cloned.dump());
  CHECK(cloned["changed"] == true);
  CHECK(std::filesystem::exists(shallow + "/.git/shallow"));
  CHECK(run_module("git", {{"repo", "file://" + src}, {"dest", shallow}, {"depth", 1}, {"version", "main"}, {"single_branch", true}})["changed"] == false);

  std::string bare = dir / "bare.git";
  json bare_clone = run_module("git", {{"repo", src}, {"dest", bare}, {"bare", true}});
  CHECK(bare_clone["changed"] == true);
  CHECK(std::filesystem::exists(bare + "/HEAD"));
  CHECK(!std::filesystem::exists(bare + "/file"));
  CHECK(run_module("git", {{"repo", src}, {"dest", bare}, {"bare", true}})["changed"] == false);

  CHECK(run_module("git", {{"repo", src}})["msg"] == "the destination directory must be specified unless clone=no");
  json lookup = run_module("git", {{"repo", src}, {"clone", false}, {"version", "feature"}});
  CHECK(lookup["changed"] == true);
  CHECK(lookup["after"] == rev(src, "feature"));
}

TEST_CASE("git writes an archive of the version once, and passes key_file and accept_hostkey to ssh through GIT_SSH_COMMAND") {
  if (!have_git()) return;
  TempDir dir;
  std::string src = dir / "src";
  make_source(src);
  std::string archive = dir / "app.tar";
  json first = run_module("git", {{"repo", src}, {"dest", dir / "checkout"}, {"archive", archive}, {"archive_prefix", "app/"}});
  INFO(first.dump());
  CHECK(first["changed"] == true);
  REQUIRE(std::filesystem::exists(archive));
  CHECK(read_text(archive).find("app/file") != std::string::npos);
  CHECK(run_module("git", {{"repo", src}, {"dest", dir / "checkout"}, {"archive", archive}, {"archive_prefix", "app/"}})["changed"] == false);
  CHECK(run_module("git", {{"repo", src}, {"dest", dir / "checkout"}, {"archive", dir / "app.rar"}})["msg"] ==
        "Unable to get file extension from archive file name : " + dir / "app.rar");

  // an ssh stand-in (GIT_SSH, which Ansible puts first in GIT_SSH_COMMAND) records its arguments
  write_text(dir / "fake-ssh", "#!/bin/sh\necho \"$@\" > '" + dir / "ssh-args" + "'\nexit 1\n");
  std::filesystem::permissions(dir / "fake-ssh", std::filesystem::perms::owner_all);
  ::setenv("GIT_SSH", (dir / "fake-ssh").c_str(), 1);
  json failed = run_module("git", {{"repo", "ssh://git@example.invalid/app.git"}, {"dest", dir / "remote"},
                                   {"key_file", "/keys/deploy"}, {"accept_hostkey", true}});
  ::unsetenv("GIT_SSH");
  CHECK(failed["failed"] == true);
  std::string args = read_text(dir / "ssh-args");
  CHECK(args.find("-o StrictHostKeyChecking=no -o BatchMode=yes -i /keys/deploy -o IdentitiesOnly=yes") != std::string::npos);
  CHECK(args.find("example.invalid") != std::string::npos);
}
