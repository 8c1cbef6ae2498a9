#include <doctest/doctest.h>

#include <string>

#include "modules/util/hash.hpp"

using drover::modules::HashAlgorithm;
using drover::modules::hex_digest;

TEST_CASE("md5, sha1 and sha256 match the published test vectors") {
  CHECK(hex_digest(HashAlgorithm::md5, "") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(hex_digest(HashAlgorithm::md5, "abc") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(hex_digest(HashAlgorithm::sha1, "abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(hex_digest(HashAlgorithm::sha1, "") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(hex_digest(HashAlgorithm::sha256, "abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex_digest(HashAlgorithm::sha256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("digests of inputs across several blocks match sha1sum and md5sum") {
  std::string million(1000000, 'a');
  CHECK(hex_digest(HashAlgorithm::sha1, million) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  CHECK(hex_digest(HashAlgorithm::md5, million) == "7707d6ae4e027c70eea2a935c2296f21");
  CHECK(hex_digest(HashAlgorithm::sha256, million) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
