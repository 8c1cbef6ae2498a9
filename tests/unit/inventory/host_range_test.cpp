#include <doctest/doctest.h>

#include "core/inventory/host_range.hpp"

using namespace drover::inventory;
using Names = std::vector<std::string>;

TEST_CASE("a numeric range keeps the width of a zero-padded begin") {
  CHECK(expand_host_range("web[01:03]") == Names{"web01", "web02", "web03"});
  CHECK(expand_host_range("web[8:10]") == Names{"web8", "web9", "web10"});
}

TEST_CASE("a range takes a step, letters, a tail, and nests left to right") {
  CHECK(expand_host_range("web[1:10:4].x") == Names{"web1.x", "web5.x", "web9.x"});
  CHECK(expand_host_range("db-[a:c]") == Names{"db-a", "db-b", "db-c"});
  CHECK(expand_host_range("r[1:2]n[a:b]") == Names{"r1na", "r1nb", "r2na", "r2nb"});
  CHECK(expand_host_range("h[:2]") == Names{"h0", "h1", "h2"});
}

TEST_CASE("bad ranges fail with Ansible's messages") {
  CHECK_THROWS_WITH_AS(expand_host_range("web[1:]"), "host range must specify end value", RangeError);
  CHECK_THROWS_WITH_AS(expand_host_range("web[01:100]"), "host range must specify equal-length begin and end formats", RangeError);
  CHECK_THROWS_WITH_AS(expand_host_range("web[c:a]"), "host range must have begin <= end", RangeError);
  CHECK_THROWS_WITH_AS(expand_host_range("web[1]"), "host range must be begin:end or begin:end:step", RangeError);
  CHECK_THROWS_WITH_AS(expand_host_range("web[a:3]"), "invalid literal for int() with base 10: 'a'", RangeError);
}

TEST_CASE("parse_address splits host and port and keeps IPv6 whole") {
  auto a = parse_address("web1:2222");
  REQUIRE(a);
  CHECK(a->host == "web1");
  CHECK(*a->port == 2222);
  auto r = parse_address("web[1:3]:22");
  REQUIRE(r);
  CHECK(r->host == "web[1:3]");
  auto v6 = parse_address("fe80::1");
  REQUIRE(v6);
  CHECK(v6->host == "fe80::1");
  CHECK(!v6->port);
  auto b6 = parse_address("[::1]:2200");
  REQUIRE(b6);
  CHECK(b6->host == "::1");
  CHECK(*b6->port == 2200);
  CHECK(!parse_address("web:db"));
  CHECK(!parse_address("a:&b"));
}

TEST_CASE("regression (fuzz): a range past a million names, or up to INT_MAX, is an error, not a hang") {
  CHECK_THROWS_WITH_AS(expand_host_range("x[1:2000][1:2000]"), "host range expands to more than 1000000 hosts",
                       RangeError);
  // the step past INT_MAX was a signed overflow (undefined: the loop never ended)
  CHECK(expand_host_range("x[2147483640:2147483647:4]") == Names{"x2147483640", "x2147483644"});
  CHECK(expand_host_range("y[0:999999]").size() == 1000000);
}
