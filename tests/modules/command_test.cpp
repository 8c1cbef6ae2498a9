#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "harness.hpp"

using namespace drover::modules::testing;

TEST_CASE("command splits its free-form string with shell quoting rules, without a shell") {
  json result = run_module("command", {{"_raw_params", R"(printf '%s|' "a b" c\ d '>' '*')"}});
  CHECK(result["stdout"] == "a b|c d|>|*|");
  CHECK(result["cmd"] == json::array({"printf", "%s|", "a b", "c d", ">", "*"}));
  CHECK(result["rc"] == 0);
  CHECK(result["changed"] == true);
  CHECK(result.contains("failed") == false);
}

TEST_CASE("command expands ~ and $VARS in its words as Ansible's run_command does, unless told not to") {
  std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  json result = run_module("command", {{"_raw_params", "printf '%s|' $HOME ${HOME}x ~ $DROVER_UNSET_VAR"}});
  CHECK(result["stdout"] == home + "|" + home + "x|" + home + "|$DROVER_UNSET_VAR|");
  CHECK(result["cmd"][2] == "$HOME");
  json literal = run_module("command", {{"_raw_params", "printf %s $HOME"}, {"expand_argument_vars", false}});
  CHECK(literal["stdout"] == "$HOME");
}

TEST_CASE("command reports start, end and delta in Python's datetime formats") {
  json result = run_module("command", {{"argv", {"true"}}});
  std::string start = result["start"];
  std::string delta = result["delta"];
  CHECK(start.size() == 26);
  CHECK(start[10] == ' ');
  CHECK(start[19] == '.');
  CHECK(delta.starts_with("0:00:0"));
}

TEST_CASE("command takes argv as a list and keeps each word whole") {
  json result = run_module("command", {{"argv", {"printf", "%s", "two words"}}});
  CHECK(result["stdout"] == "two words");
  CHECK(result["cmd"] == json::array({"printf", "%s", "two words"}));
}

TEST_CASE("command with both a string and argv, or with neither, fails with Ansible's message") {
  CHECK(run_module("command", {{"_raw_params", "ls"}, {"argv", {"ls"}}})["msg"] ==
        "only command or argv can be given, not both");
  CHECK(run_module("command", {{"chdir", "/"}})["msg"] == "no command given");
}

TEST_CASE("a non-zero exit fails with 'non-zero return code' and keeps the output") {
  json result = run_module("shell", {{"_raw_params", "echo out; echo err >&2; exit 3"}});
  CHECK(result["failed"] == true);
  CHECK(result["msg"] == "non-zero return code");
  CHECK(result["rc"] == 3);
  CHECK(result["stdout_lines"] == json::array({"out"}));
  CHECK(result["stderr"] == "err");
}

TEST_CASE("a missing program fails with Python's errno message and rc 2") {
  json result = run_module("command", {{"_raw_params", "drover-no-such-program"}});
  CHECK(result["failed"] == true);
  CHECK(result["rc"] == 2);
  CHECK(result["msg"] == "[Errno 2] No such file or directory: b'drover-no-such-program'");
  CHECK(result["cmd"] == "drover-no-such-program");
  CHECK(!result.contains("start"));
}

TEST_CASE("command runs in chdir and feeds stdin with a newline unless told not to") {
  TempDir dir;
  json result = run_module("command", {{"_raw_params", "pwd"}, {"chdir", dir.path().string()}});
  CHECK(result["stdout"] == std::filesystem::canonical(dir.path()).string());
  CHECK(run_module("command", {{"_raw_params", "od -c"}, {"stdin", "x"}})["stdout"].get<std::string>().find("x  \\n") !=
        std::string::npos);
  CHECK(run_module("command", {{"_raw_params", "wc -c"}, {"stdin", "xy"}, {"stdin_add_newline", false}})["stdout"] == "2");
}

TEST_CASE("a chdir that does not exist fails before running anything") {
  json result = run_module("command", {{"_raw_params", "true"}, {"chdir", "/nonexistent/dir"}});
  CHECK(result["failed"] == true);
  CHECK(result["msg"].get<std::string>().starts_with("Unable to change directory before execution: "));
}

TEST_CASE("creates skips the command when the path exists, as Ansible 2.14 reports it") {
  TempDir dir;
  write_text(dir / "done", "");
  json result = run_module("command", {{"_raw_params", "touch " + (dir / "ran")}, {"creates", dir / "d*"}});
  CHECK(result["changed"] == false);
  CHECK(result["rc"] == 0);
  CHECK(result["msg"] == "Did not run command since '" + (dir / "d*") + "' exists");
  CHECK(result["stdout"] == "skipped, since " + (dir / "d*") + " exists");
  CHECK(!std::filesystem::exists(dir / "ran"));
}

TEST_CASE("removes skips the command when the path is missing and runs it when it exists") {
  TempDir dir;
  json skipped = run_module("command", {{"_raw_params", "rm " + (dir / "f")}, {"removes", dir / "f"}});
  CHECK(skipped["changed"] == false);
  CHECK(skipped["msg"] == "Did not run command since '" + (dir / "f") + "' does not exist");
  write_text(dir / "f", "");
  json ran = run_module("command", {{"_raw_params", "rm " + (dir / "f")}, {"removes", dir / "f"}});
  CHECK(ran["changed"] == true);
  CHECK(!std::filesystem::exists(dir / "f"));
}

TEST_CASE("in check mode command does not run and is skipped unless creates/removes decide") {
  TempDir dir;
  json result = run_module("command", {{"_raw_params", "touch " + (dir / "x")}}, Check::yes);
  CHECK(result["skipped"] == true);
  CHECK(result["changed"] == false);
  CHECK(!std::filesystem::exists(dir / "x"));
  json guarded = run_module("command", {{"_raw_params", "touch " + (dir / "x")}, {"creates", dir / "x"}}, Check::yes);
  CHECK(guarded["changed"] == true);
  CHECK(!guarded.contains("skipped"));
  CHECK(!std::filesystem::exists(dir / "x"));
}

TEST_CASE("shell runs through /bin/sh, or through executable") {
  CHECK(run_module("shell", {{"_raw_params", "echo $((1+2)) | cat"}})["stdout"] == "3");
  CHECK(run_module("shell", {{"_raw_params", "echo $0"}, {"executable", "/bin/bash"}})["stdout"] == "/bin/bash");
}

TEST_CASE("strip_empty_ends=false keeps trailing newlines") {
  CHECK(run_module("command", {{"_raw_params", "echo hi"}, {"strip_empty_ends", false}})["stdout"] == "hi\n");
}

TEST_CASE("a big output on both pipes does not deadlock the runner") {
  json result = run_module("shell", {{"_raw_params", "head -c 300000 /dev/zero | tr '\\0' a; head -c 300000 /dev/zero | tr '\\0' b >&2"}});
  CHECK(result["stdout"].get<std::string>().size() == 300000);
  CHECK(result["stderr"].get<std::string>().size() == 300000);
}

TEST_CASE("a bad boolean argument fails with a clear message") {
  json result = run_module("command", {{"_raw_params", "true"}, {"strip_empty_ends", "maybe"}});
  CHECK(result["failed"] == true);
  CHECK(result["msg"].get<std::string>().find("strip_empty_ends") != std::string::npos);
}
