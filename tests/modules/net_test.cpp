#include <doctest/doctest.h>

#include <string>

#include "modules/util/net.hpp"

using namespace drover::modules;

namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

}  // namespace

TEST_CASE("the resolver's DNS query is a standard recursive question for the name's labels") {
  std::string packet = dns::query_packet("www.example.org", 0x1234, 1);
  CHECK(packet == bytes({0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}) + "\x03www\x07" + "example\x03org" +
                      bytes({0, 0, 1, 0, 1}));
  CHECK_THROWS_AS(dns::query_packet("a..b", 1, 1), NetError);
}

TEST_CASE("the resolver reads A and AAAA records from an answer, through a CNAME and compressed names") {
  std::string question = dns::query_packet("www.example.org", 7, 1).substr(12);
  std::string header = bytes({0, 7, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0});
  // www.example.org CNAME web.example.org (name compressed: pointer to offset 12), then its A and
  // AAAA records
  std::string cname = bytes({0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6}) + "\x03web" + bytes({0xc0, 16});
  std::string a = bytes({0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7});
  std::string aaaa = bytes({0xc0, 12, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  auto records = dns::parse_answer(header + question + cname + a + aaaa, 7, 443);
  REQUIRE(records);
  REQUIRE(records->size() == 2);
  CHECK((*records)[0].text() == "192.0.2.7");
  CHECK((*records)[1].text() == "2001:db8::1");

  CHECK(!dns::parse_answer(header + question + cname + a, 8, 443));  // another query's answer
  CHECK(!dns::parse_answer(header + question + cname.substr(0, 5), 7, 443));  // cut short
  std::string nxdomain = bytes({0, 7, 0x81, 0x83, 0, 1, 0, 0, 0, 0, 0, 0}) + question;
  auto none = dns::parse_answer(nxdomain, 7, 443);
  REQUIRE(none);
  CHECK(none->empty());
}

TEST_CASE("resolve_host takes numeric addresses as they are and names from /etc/hosts") {
  CHECK(resolve_host("127.0.0.1", 80).at(0).text() == "127.0.0.1");
  CHECK(resolve_host("[::1]", 80).at(0).text() == "::1");
  auto localhost = resolve_host("localhost", 80);
  REQUIRE(!localhost.empty());
  CHECK(localhost.front().family() == AF_INET);  // IPv4 first
  CHECK_THROWS_AS(resolve_host("", 80), NetError);
}
