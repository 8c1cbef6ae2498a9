// In-process tests of the runner's helpers (the module tests above drive the real binary).
#include <doctest/doctest.h>

#include <array>
#include <fstream>

#include "harness.hpp"
#include "modules/util/args.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/text.hpp"

using namespace drover::modules;

namespace {
const std::array k_spec{
    ArgSpec{.name = "path", .type = ArgType::path, .required = Required::yes, .aliases = {"dest"}},
    ArgSpec{.name = "count", .type = ArgType::integer, .default_value = 3},
    ArgSpec{.name = "force", .type = ArgType::boolean, .default_value = false},
    ArgSpec{.name = "items", .type = ArgType::list},
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "present"}},
};
}  // namespace

TEST_CASE("check_args fills defaults, resolves aliases and converts types") {
  json args = check_args({{"dest", "/x"}, {"count", "7"}, {"force", "yes"}, {"items", "a,b"}, {"_ansible_diff", true}},
                         k_spec, "demo");
  CHECK(args["path"] == "/x");
  CHECK(!args.contains("dest"));
  CHECK(args["count"] == 7);
  CHECK(args["force"] == true);
  // regression: the runner did not strip white space around a boolean word, as Ansible does
  CHECK(to_boolean(" Yes\n", "force") == true);
  CHECK(args["items"] == json::array({"a", "b"}));
  CHECK(args["state"] == "present");
  CHECK(!args.contains("_ansible_diff"));
}

TEST_CASE("check_args reports unknown, missing, out-of-choice and unconvertible arguments") {
  CHECK_THROWS_WITH(check_args({{"path", "/x"}, {"zzz", 1}, {"aaa", 2}}, k_spec, "demo"),
                    "Unsupported parameters for (demo) module: aaa, zzz. Supported parameters include: "
                    "count, force, items, path (dest), state.");
  CHECK_THROWS_WITH(check_args(json::object(), k_spec, "demo"), "missing required arguments: path");
  CHECK_THROWS_WITH(check_args({{"path", "/x"}, {"state", "gone"}}, k_spec, "demo"),
                    "value of state must be one of: absent, present, got: gone");
  CHECK_THROWS_WITH(check_args({{"path", "/x"}, {"count", "many"}}, k_spec, "demo"),
                    "argument 'count' is of type <class 'str'> and we were unable to convert to int: \"many\"");
}

TEST_CASE("octal modes are read from ints and strings, symbolic ones against the current mode") {
  CHECK(parse_mode(420, "f", 0, false) == 0644);
  CHECK(parse_mode("0644", "f", 0, false) == 0644);
  CHECK(parse_mode("755", "f", 0, false) == 0755);
  CHECK(parse_mode("0o600", "f", 0, false) == 0600);
  CHECK(parse_mode("u=rwx,g=rx,o=", "f", 0, false) == 0750);
  CHECK(parse_mode("g+w", "f", 0644, false) == 0664);
  CHECK(parse_mode("o-r", "f", 0644, false) == 0640);
  CHECK(parse_mode("a=r", "f", 0777, false) == 0444);
  CHECK(parse_mode("u+s,o+t", "f", 0755, false) == 05755);
  CHECK(parse_mode("go=u", "f", 0700, false) == 0777);
  CHECK(parse_mode("u=rw,g=u-w", "f", 0, false) == 0640);
  // a clause without an operator changes nothing (Ansible: "" from `default(omit)` of a null)
  CHECK(parse_mode("", "f", 0640, false) == 0640);
  CHECK(parse_mode("u", "f", 0640, false) == 0640);
  CHECK(parse_mode("go,u+x", "f", 0640, false) == 0740);
  CHECK_THROWS_AS(parse_mode("rwx", "f", 0, false), ModuleFailure);
  CHECK_THROWS_AS(parse_mode("010000", "f", 0, false), ModuleFailure);
}

TEST_CASE("shlex_split follows Python's POSIX rules") {
  CHECK(shlex_split(R"(a "b c" 'd e' f\ g "h\"i" 'j\k')") ==
        std::vector<std::string>{"a", "b c", "d e", "f g", "h\"i", "j\\k"});
  CHECK(shlex_split("") == std::vector<std::string>{});
  CHECK(shlex_split(R"(x"y"z)") == std::vector<std::string>{"xyz"});
  CHECK_THROWS_WITH(shlex_split("'open"), "No closing quotation");
  CHECK_THROWS_WITH(shlex_split("end\\"), "No escaped character");
  // regression: a backslash ending the text inside double quotes was reported as an open quote
  CHECK_THROWS_WITH(shlex_split("\"a\\"), "No escaped character");
}

TEST_CASE("trim strips ASCII white space at both ends, as str.strip() does") {
  CHECK(trim("  a b \t\r\n") == "a b");
  CHECK(trim("\v\f\x1c" "a" "\x1f") == "a");
  CHECK(trim(" \n") == "");
}

TEST_CASE("Python-style helpers: splitlines, timedelta, octal modes, base64") {
  CHECK(split_lines("a\nb\r\nc\rd\n") == json::array({"a", "b", "c", "d"}));
  CHECK(split_lines("a\n\nb") == json::array({"a", "", "b"}));
  CHECK(python_timedelta(std::chrono::microseconds(1234567)) == "0:00:01.234567");
  CHECK(python_timedelta(std::chrono::microseconds(3600000000LL)) == "1:00:00");
  CHECK(octal_mode(0644) == "0644");
  CHECK(octal_mode(04755) == "04755");
  CHECK(base64_encode("any carnal pleas") == "YW55IGNhcm5hbCBwbGVhcw==");
  CHECK(base64_decode("YW55IGNhcm5hbCBwbGVhcw==") == "any carnal pleas");
  CHECK(base64_decode(base64_encode(std::string("\0\xff\x10", 3))) == std::string("\0\xff\x10", 3));
}

TEST_CASE("read_file gives a file's bytes, and nothing for a missing file or a directory") {
  testing::TempDir dir;
  std::string bytes("a\r\nb\0c", 6);
  std::ofstream(dir / "data", std::ios::binary) << bytes;
  CHECK(read_file(dir / "data") == std::optional<std::string>(bytes));
  CHECK(!read_file(dir / "missing").has_value());
  CHECK(!read_file(dir.path().string()).has_value());  // regression: a directory read as ""
}
