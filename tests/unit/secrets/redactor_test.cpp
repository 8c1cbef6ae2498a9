#include <doctest/doctest.h>

#include <sys/prctl.h>

#include <chrono>

#include "core/secrets/redactor.hpp"

using namespace drover;
using drover::secrets::Redactor;

TEST_CASE("every occurrence of a registered secret is masked, the longest match first") {
  Redactor r;
  CHECK(r.mask("nothing registered") == "nothing registered");
  r.add("hunter2");
  r.add("hunter2-extended");
  CHECK(r.mask("a hunter2 b hunter2hunter2") == "a ******** b ****************");
  CHECK(r.mask("x=hunter2-extended.") == "x=********.");
  CHECK(r.mask("hunter") == "hunter");
}

TEST_CASE("a secret with quotes or newlines is also masked in its JSON-escaped form") {
  Redactor r;
  r.add("pa\"ss\nword-line-two");
  CHECK(r.mask(R"({"msg": "pa\"ss\nword-line-two"})") == R"({"msg": "********"})");
  r.add("gr\xc3\xbc\xc3\x9f-geheim");
  CHECK(r.mask(R"("gr\u00fc\u00df-geheim")") == R"("********")");
}

TEST_CASE("each long line of a multi-line secret is masked on its own") {
  Redactor r;
  r.add("-----BEGIN KEY-----\nMIIBPAIBAAJBAPTMNIyHuZtp\n-----END KEY-----\n");
  CHECK(r.mask("+MIIBPAIBAAJBAPTMNIyHuZtp") == "+********");
}

TEST_CASE("secrets shorter than three bytes are not registered") {
  Redactor r;
  r.add("no");
  r.add("");
  CHECK(r.empty());
  CHECK(r.mask("no way") == "no way");
}

TEST_CASE("marked strings inside nested values are registered") {
  Redactor r;
  Value v = Value(Map{{"a", Value(List{Value(std::string("topsecret"), Mark::secret), Value("public")})}});
  r.add_marked(v);
  CHECK(r.mask("topsecret public") == "******** public");
}

TEST_CASE("masking stays fast with thousands of secrets") {
  Redactor r;
  for (int i = 0; i < 5000; ++i) r.add("secret-value-" + std::to_string(i * 7919));
  std::string line;
  for (int i = 0; i < 2000; ++i) line += "ok: [host" + std::to_string(i) + "] => changed=false ";
  line += "secret-value-0";
  auto start = std::chrono::steady_clock::now();
  std::string masked;
  for (int i = 0; i < 20; ++i) masked = r.mask(line);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  CHECK(masked.ends_with("********"));
  CHECK(ms < 2000);
}

// Regression (issue 11): a command on a target that transformed a secret (`tr a-z A-Z`,
// `base64`, a URL built in a shell) printed it unmasked: no taint follows text through a target.
TEST_CASE("the forms a command may turn a secret into are masked too") {
  Redactor r;
  r.add("Hunter 2/x");
  CHECK(r.mask("HUNTER 2/X") == "********");
  CHECK(r.mask("hunter 2/x") == "********");
  CHECK(r.mask("SHVudGVyIDIveA==") == "********");      // base64
  CHECK(r.mask("SHVudGVyIDIveAo=") == "********");      // echo "$S" | base64
  CHECK(r.mask("u=Hunter%202/x") == "u=********");      // quote
  CHECK(r.mask("u=Hunter+2%2Fx") == "u=********");      // quote_plus
  CHECK(r.mask("Hunter 2") == "Hunter 2");
}

TEST_CASE("once a secret is registered the process no longer dumps core") {
  Redactor r;
  r.add("a-secret-value");
  CHECK(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
}
