#include <doctest/doctest.h>

#include <string>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "tests/unit/inventory/inventory_test_support.hpp"

using namespace drover;

TEST_CASE("read_file returns a file's bytes unchanged, NULs and CRLFs included") {
  test::TempDir dir;
  std::string bytes("a\r\nb\0c\xff", 7);
  std::string path = dir.write("data.bin", bytes);
  CHECK(read_file(path) == std::optional<std::string>(bytes));
  CHECK(read_file(dir.write("empty", "")) == std::optional<std::string>(""));
}

TEST_CASE("read_file is nothing for a missing file or a directory") {
  test::TempDir dir;
  CHECK(!read_file(dir.str() + "/missing").has_value());
  CHECK(!read_file(dir.str()).has_value());
}

TEST_CASE("read_file_or_fatal names the file's role, the path and the reason") {
  test::TempDir dir;
  std::string missing = dir.str() + "/k.txt";
  CHECK_THROWS_WITH_AS(read_file_or_fatal(missing, "the age key file"),
                       ("cannot read the age key file " + missing + ": No such file or directory").c_str(), Fatal);
  CHECK_THROWS_WITH_AS(read_file_or_fatal(missing), ("cannot read " + missing + ": No such file or directory").c_str(),
                       Fatal);
  CHECK_THROWS_WITH_AS(read_file_or_fatal(dir.str()), ("cannot read " + dir.str() + ": Is a directory").c_str(), Fatal);
  CHECK(read_file_or_fatal(dir.write("x", "text")) == "text");
}
