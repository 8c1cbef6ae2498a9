#include <doctest/doctest.h>

#include <stdexcept>

#include "core/secrets/crypto.hpp"

using namespace drover::secrets;
using Bytes = std::optional<std::string>;

TEST_CASE("base64 encodes padded or, for age, unpadded") {
  CHECK(base64_encode("any carnal pleas") == "YW55IGNhcm5hbCBwbGVhcw==");
  CHECK(base64_encode("any carnal pleas", Base64Padding::unpadded) == "YW55IGNhcm5hbCBwbGVhcw");
  CHECK(base64_encode(std::string("\0\xff\x10", 3)) == "AP8Q");
  CHECK(base64_encode("") == "");
}

TEST_CASE("strict base64 decoding accepts only the canonical encoding") {
  CHECK(base64_decode_strict("YW55IGNhcm5hbCBwbGVhcw==") == Bytes("any carnal pleas"));
  CHECK(base64_decode_strict("YW55IGNhcm5hbCBwbGVhcw", Base64Padding::unpadded) == Bytes("any carnal pleas"));
  CHECK(base64_decode_strict("YW55IGNhcm5hbCBwbGVhcw") == std::nullopt);     // padding missing
  CHECK(base64_decode_strict("YW55IGNhcm5hbCBwbGVhcx==") == std::nullopt);   // leftover bits set
  CHECK(base64_decode_strict("YW55 IGNhcm5hbCBwbGVhcw==") == std::nullopt);  // white space
}

// Expected values are Python 3's base64.b64decode on the same text.
TEST_CASE("python_b64decode skips what is not base64 and stops at the padding, as Python does") {
  CHECK(python_b64decode("aGkh") == "hi!");
  CHECK(python_b64decode("Y Q = =\n") == "a");
  CHECK(python_b64decode("YWJj!ZA==") == "abcd");
  CHECK(python_b64decode("YQ==YQ==") == "a");  // regression: the filter's OpenSSL decoder gave 4 bytes
  CHECK(python_b64decode("====") == "");
}

TEST_CASE("python_b64decode reports a bad length with Python's messages") {
  CHECK_THROWS_WITH_AS(python_b64decode("YQ"), "Incorrect padding", std::invalid_argument);
  CHECK_THROWS_WITH_AS(python_b64decode("YQ="), "Incorrect padding", std::invalid_argument);
  CHECK_THROWS_WITH_AS(python_b64decode("Y"),
                       "Invalid base64-encoded string: number of data characters (1) cannot be 1 more than a "
                       "multiple of 4",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(python_b64decode("YWJjZ"),
                       "Invalid base64-encoded string: number of data characters (5) cannot be 1 more than a "
                       "multiple of 4",
                       std::invalid_argument);
}

TEST_CASE("hex encodes in either case and decodes both") {
  CHECK(hex_encode("\x01\xab") == "01ab");
  CHECK(hex_encode("\x01\xab", HexCase::upper) == "01AB");
  CHECK(hex_decode("01aB") == Bytes("\x01\xab"));
  CHECK(hex_decode("0") == std::nullopt);
  CHECK(hex_decode("zz") == std::nullopt);
}

TEST_CASE("digests match hashlib's") {
  CHECK(hex_encode(sha1("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(hex_encode(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hex_digest("md5", "abc") == Bytes("900150983cd24fb0d6963f7d28e17f72"));
  CHECK(hex_digest("sha1", "abc") == Bytes("a9993e364706816aba3e25717850c26c9cd0d89d"));
  CHECK(hex_digest("no-such-hash", "abc") == std::nullopt);
}
