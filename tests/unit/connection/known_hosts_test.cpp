#include <doctest/doctest.h>

#include "plugins/connection/known_hosts.hpp"

using namespace drover::connection;

TEST_CASE("a host is looked up as sshd names it: [host]:port off port 22, in lower case") {
  CHECK(known_hosts_name("Web1.Example", 22) == "web1.example");
  CHECK(known_hosts_name("127.0.1.1", 2222) == "[127.0.1.1]:2222");
}

TEST_CASE("host patterns: lists, wildcards, negation and literal brackets") {
  CHECK(known_hosts_patterns_match("a,web1.example,b", "web1.example"));
  CHECK(known_hosts_patterns_match("*.example", "web1.example"));
  CHECK(known_hosts_patterns_match("web?.example", "web1.example"));
  CHECK_FALSE(known_hosts_patterns_match("web?.example", "web12.example"));
  CHECK_FALSE(known_hosts_patterns_match("*.example,!web1.example", "web1.example"));
  CHECK(known_hosts_patterns_match("*.example,!web1.example", "web2.example"));
  CHECK(known_hosts_patterns_match("[127.0.1.1]:2222", "[127.0.1.1]:2222"));
  CHECK_FALSE(known_hosts_patterns_match("[127.0.1.1]:2222", "1"));
  CHECK(known_hosts_patterns_match("*", "[127.0.1.1]:2222"));
  CHECK(known_hosts_patterns_match("WEB1.example", "web1.example"));
  CHECK_FALSE(known_hosts_patterns_match("", "web1.example"));
}

TEST_CASE("a hashed name matches the host it hashes and no other") {
  const std::string hashed = "|1|MDEyMzQ1Njc4OWFiY2RlZmdoaWo=|RlY8shvTSZQja7dJb/79IelOuTg=";  // [127.0.1.1]:2222
  CHECK(known_hosts_patterns_match(hashed, "[127.0.1.1]:2222"));
  CHECK_FALSE(known_hosts_patterns_match(hashed, "[127.0.1.1]:2223"));
  CHECK_FALSE(known_hosts_patterns_match("|1|not base64|x", "[127.0.1.1]:2222"));
}

TEST_CASE("@revoked and @cert-authority lines are found for the hosts they name") {
  const std::string text =
      "# comment\n"
      "web1.example ssh-ed25519 AAAAplain\n"
      "@revoked * ssh-ed25519 AAAAstolen\n"
      "@cert-authority *.example ssh-ed25519 AAAAca comment here\r\n"
      "@revoked other.host ssh-rsa AAAAother\n"
      "@unknown-marker * ssh-rsa AAAAx\n"
      "@revoked\n";
  auto found = marked_host_keys(text, "web1.example");
  REQUIRE(found.size() == 2);
  CHECK(found[0].marker == KnownHostsMarker::revoked);
  CHECK(found[0].key_type == "ssh-ed25519");
  CHECK(found[0].key_base64 == "AAAAstolen");
  CHECK(found[0].line == 3);
  CHECK(found[1].marker == KnownHostsMarker::cert_authority);
  CHECK(found[1].key_base64 == "AAAAca");
  CHECK(found[1].line == 4);
  CHECK(marked_host_keys(text, "other.host").size() == 2);
  CHECK(marked_host_keys("", "x").empty());
}
