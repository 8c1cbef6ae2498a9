#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include <sys/stat.h>

#include "harness.hpp"
#include "http_server.hpp"
#include "modules/util/hash.hpp"

using namespace drover::modules::testing;
using drover::modules::HashAlgorithm;
using drover::modules::hex_digest;

namespace fs = std::filesystem;

namespace {

// Sets an environment variable for the runner started by this test (unset again after).
class ScopedEnv {
public:
  ScopedEnv(const char* name, const std::string& value) : m_name(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(m_name); }

private:
  const char* m_name;
};

// Files in `dir` whose name starts with a dot (the runner's temp files).
int hidden_files(const std::string& dir) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().starts_with(".")) ++count;
  return count;
}

}  // namespace

TEST_CASE("get_url downloads over HTTP with Ansible's fields, and a second run changes nothing") {
  TempDir root, out;
  write_text(root / "file.txt", "hello\n");
  TestServer server(root.path().string());
  std::string dest = out / "file.txt";
  json first = run_module("get_url", {{"url", server.url("/file.txt")}, {"dest", dest}, {"mode", "0640"}});
  INFO(first.dump());
  CHECK(first["changed"] == true);
  CHECK(read_text(dest) == "hello\n");
  CHECK(first["msg"] == "OK (6 bytes)");
  CHECK(first["status_code"] == 200);
  CHECK(first["checksum_src"] == hex_digest(HashAlgorithm::sha1, "hello\n"));
  CHECK(first["checksum_dest"].is_null());
  CHECK(first["md5sum"] == "b1946ac92492d2347c6235b4d2611184");
  CHECK(first["dest"] == dest);
  CHECK(first["url"] == server.url("/file.txt"));
  CHECK(first["mode"] == "0640");
  CHECK(first["size"] == 6);
  CHECK(hidden_files(out.path().string()) == 0);

  // the file is there: If-Modified-Since, and the server answers 304
  json second = run_module("get_url", {{"url", server.url("/file.txt")}, {"dest", dest}, {"mode", "0640"}});
  CHECK(second["changed"] == false);
  CHECK(second["status_code"] == 304);
  CHECK(second["msg"] == "HTTP Error 304: Not Modified");

  // force: downloaded again, same content, nothing changed
  json forced = run_module("get_url", {{"url", server.url("/file.txt")}, {"dest", dest}, {"force", true}});
  CHECK(forced["changed"] == false);
  CHECK(forced["checksum_dest"] == forced["checksum_src"]);
  CHECK(hidden_files(out.path().string()) == 0);
}

TEST_CASE("get_url replaces changed content, keeps a backup when asked, and reports check mode without writing") {
  TempDir root, out;
  write_text(root / "f", "new\n");
  TestServer server(root.path().string());
  std::string dest = out / "f";
  write_text(dest, "old\n");
  json checked = run_module("get_url", {{"url", server.url("/f")}, {"dest", dest}, {"force", true}}, Check::yes);
  CHECK(checked["changed"] == true);
  CHECK(read_text(dest) == "old\n");
  json result = run_module("get_url", {{"url", server.url("/f")}, {"dest", dest}, {"force", true}, {"backup", true}});
  CHECK(result["changed"] == true);
  CHECK(read_text(dest) == "new\n");
  REQUIRE(result["backup_file"].is_string());
  CHECK(read_text(result["backup_file"]) == "old\n");
  json fresh = run_module("get_url", {{"url", server.url("/f")}, {"dest", out / "absent"}}, Check::yes);
  CHECK(fresh["changed"] == true);
  CHECK(!fs::exists(out / "absent"));
}

TEST_CASE("get_url checks the checksum: a match skips the download, a mismatch fails and leaves no file") {
  TempDir root, out;
  write_text(root / "data.bin", "payload\n");
  std::string sha256 = hex_digest(HashAlgorithm::sha256, "payload\n");
  write_text(root / "SHA256SUMS", "0000  other.bin\n" + sha256 + "  data.bin\n");
  TestServer server(root.path().string());
  std::string dest = out / "data.bin";
  json good = run_module("get_url", {{"url", server.url("/data.bin")}, {"dest", dest}, {"checksum", "sha256:" + sha256}});
  CHECK(good["changed"] == true);
  CHECK(read_text(dest) == "payload\n");
  json again = run_module("get_url", {{"url", server.url("/data.bin")}, {"dest", dest}, {"checksum", "sha256:" + sha256}});
  CHECK(again["changed"] == false);
  CHECK(again["msg"] == "file already exists");

  json listed = run_module("get_url", {{"url", server.url("/data.bin")}, {"dest", out / "listed.bin"},
                                       {"checksum", "sha256:" + server.url("/SHA256SUMS")}});
  CHECK(listed["changed"] == true);

  std::string wrong(64, 'a');
  json bad = run_module("get_url", {{"url", server.url("/data.bin")}, {"dest", out / "bad.bin"}, {"checksum", "sha256:" + wrong}});
  CHECK(bad["failed"] == true);
  CHECK(bad["msg"] == "The checksum for " + (out / "bad.bin") + " did not match " + wrong + "; it was " + sha256 + ".");
  CHECK(!fs::exists(out / "bad.bin"));
  CHECK(hidden_files(out.path().string()) == 0);

  json format = run_module("get_url", {{"url", server.url("/data.bin")}, {"dest", dest}, {"checksum", "nocolon"}});
  CHECK(format["msg"] == "The checksum parameter has to be in format <algorithm>:<checksum>");
  json sha512 = run_module("get_url", {{"url", server.url("/data.bin")}, {"dest", out / "512.bin"},
                                       {"checksum", "sha512:" + hex_digest(HashAlgorithm::sha512, "payload\n")}});
  CHECK(sha512["changed"] == true);
}

TEST_CASE("get_url into a directory names the file after Content-Disposition or the URL") {
  TempDir root, out;
  write_text(root / "plain.txt", "plain\n");
  TestServer server(root.path().string());
  json named = run_module("get_url", {{"url", server.url("/disposition")}, {"dest", out.path().string()}});
  CHECK(named["dest"] == out / "named.txt");
  CHECK(read_text(out / "named.txt") == "named content\n");
  json plain = run_module("get_url", {{"url", server.url("/plain.txt")}, {"dest", out.path().string() + "/"}});
  CHECK(plain["dest"] == out / "plain.txt");
  json chunked = run_module("get_url", {{"url", server.url("/chunked")}, {"dest", out / "chunked"}});
  CHECK(read_text(out / "chunked") == "hello chunked world\n");
  CHECK(chunked["msg"] == "OK (unknown bytes)");
}

TEST_CASE("get_url reports HTTP errors and refused connections as Ansible does") {
  TempDir root, out;
  TestServer server(root.path().string());
  json missing = run_module("get_url", {{"url", server.url("/nope")}, {"dest", out / "x"}});
  CHECK(missing["failed"] == true);
  CHECK(missing["msg"] == "Request failed");
  CHECK(missing["status_code"] == 404);
  CHECK(missing["response"] == "HTTP Error 404: File not found");
  json refused = run_module("get_url", {{"url", "http://127.0.0.1:1/x"}, {"dest", out / "x"}});
  CHECK(refused["msg"] == "Request failed: <urlopen error [Errno 111] Connection refused>");
  json scheme = run_module("get_url", {{"url", "ftp://127.0.0.1/x"}, {"dest", out / "x"}});
  CHECK(scheme["failed"] == true);
  CHECK(!fs::exists(out / "x"));
}

TEST_CASE("get_url follows redirects and answers a basic-auth challenge") {
  TempDir root, out;
  write_text(root / "target.txt", "target\n");
  TestServer server(root.path().string());
  json redirected = run_module("get_url", {{"url", server.url("/redirect/302?to=/target.txt")}, {"dest", out.path().string()}});
  CHECK(redirected["changed"] == true);
  CHECK(redirected["dest"] == out / "target.txt");
  json denied = run_module("get_url", {{"url", server.url("/auth")}, {"dest", out / "a"}});
  CHECK(denied["status_code"] == 401);
  json auth = run_module("get_url", {{"url", server.url("/auth")}, {"dest", out / "a"}, {"username", "user"}, {"password", "secret"}});
  CHECK(auth["changed"] == true);
  CHECK(read_text(out / "a") == "welcome\n");
  json no_challenge = run_module("get_url", {{"url", server.url("/noauth-challenge")}, {"dest", out / "b"},
                                             {"url_username", "user"}, {"url_password", "secret"}});
  CHECK(no_challenge["status_code"] == 401);
  json forced = run_module("get_url", {{"url", server.url("/noauth-challenge")}, {"dest", out / "b"}, {"url_username", "user"},
                                       {"url_password", "secret"}, {"force_basic_auth", true}});
  CHECK(forced["changed"] == true);
}

TEST_CASE("get_url over HTTPS verifies the server against the CA store and its host name") {
  TempDir certs, root, out;
  TestCa ca(certs);
  write_text(root / "secure.txt", "secure\n");
  TestServer server(root.path().string(), &ca);
  {
    ScopedEnv cert_file("SSL_CERT_FILE", ca.ca_cert);
    json good = run_module("get_url", {{"url", server.url("/secure.txt", "localhost")}, {"dest", out / "s"}});
    INFO(good.dump());
    CHECK(good["changed"] == true);
    CHECK(read_text(out / "s") == "secure\n");
    // the certificate names localhost, not 127.0.0.1
    json wrong_name = run_module("get_url", {{"url", server.url("/secure.txt")}, {"dest", out / "t"}});
    CHECK(wrong_name["failed"] == true);
    CHECK(wrong_name["msg"].get<std::string>().find("CERTIFICATE_VERIFY_FAILED") != std::string::npos);
    CHECK(!fs::exists(out / "t"));
  }
  {
    ScopedEnv cert_file("SSL_CERT_FILE", certs / "no-such-bundle.pem");
    ScopedEnv cert_dir("SSL_CERT_DIR", certs / "no-such-dir");
    json unknown_ca = run_module("get_url", {{"url", server.url("/secure.txt", "localhost")}, {"dest", out / "u"}});
    CHECK(unknown_ca["msg"].get<std::string>().starts_with(
        "Request failed: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed:"));
    json unchecked = run_module("get_url", {{"url", server.url("/secure.txt")}, {"dest", out / "u"}, {"validate_certs", false}});
    CHECK(unchecked["changed"] == true);
    CHECK(read_text(out / "u") == "secure\n");
  }
}

TEST_CASE("get_url refuses unknown arguments and says which it supports") {
  json result = run_module("get_url", {{"url", "http://127.0.0.1:1/"}, {"dest", "/tmp/x"}, {"bogus", 1}});
  CHECK(result["failed"] == true);
  CHECK(result["msg"].get<std::string>().starts_with("Unsupported parameters for (get_url) module: bogus."));
}

TEST_CASE("get_url goes through http_proxy and https_proxy (CONNECT) unless no_proxy or use_proxy say not to") {
  TempDir certs, root, proxy_root, out;
  TestCa ca(certs);
  write_text(root / "file.txt", "origin\n");
  TestServer origin(root.path().string());
  TestServer secure(root.path().string(), &ca);
  TestServer proxy(proxy_root.path().string());
  ScopedEnv http_proxy("http_proxy", "http://127.0.0.1:" + std::to_string(proxy.port()));
  ScopedEnv https_proxy("https_proxy", "127.0.0.1:" + std::to_string(proxy.port()));
  ScopedEnv cert_file("SSL_CERT_FILE", ca.ca_cert);
  json proxied = run_module("get_url", {{"url", origin.url("/file.txt")}, {"dest", out / "a"}});
  INFO(proxied.dump());
  CHECK(proxied["changed"] == true);
  CHECK(read_text(out / "a") == "origin\n");
  json tunnelled = run_module("get_url", {{"url", secure.url("/file.txt", "localhost")}, {"dest", out / "b"}});
  INFO(tunnelled.dump());
  CHECK(tunnelled["changed"] == true);
  CHECK(read_text(out / "b") == "origin\n");
  json direct = run_module("get_url", {{"url", origin.url("/file.txt")}, {"dest", out / "c"}, {"use_proxy", false}});
  CHECK(direct["changed"] == true);
  {
    ScopedEnv no_proxy("no_proxy", "example.org, .0.0.1");
    json bypassed = run_module("get_url", {{"url", origin.url("/file.txt")}, {"dest", out / "d"}});
    CHECK(bypassed["changed"] == true);
  }
  CHECK(read_text(proxy_root / "proxy.log") ==
        "GET " + origin.url("/file.txt") + "\nCONNECT localhost:" + std::to_string(secure.port()) + "\n");
}

TEST_CASE("uri reports a proxy that cannot open the tunnel as a urlopen error") {
  TempDir root;
  TestServer not_a_proxy(root.path().string());  // its CONNECT to a closed port fails
  ScopedEnv https_proxy("https_proxy", "http://127.0.0.1:" + std::to_string(not_a_proxy.port()));
  json refused = run_module("uri", {{"url", "https://127.0.0.1:1/"}});
  CHECK(refused["status"] == -1);
  CHECK(refused["msg"] == "Status code was -1 and not [200]: Request failed: <urlopen error Tunnel connection failed: 502 Bad Gateway>");
}

TEST_CASE("get_url logs in with ~/.netrc's entry for the host unless use_netrc is false") {
  TempDir root, out, home;
  TestServer server(root.path().string());
  write_text(home / "netrc", "machine example.org login x password y\nmachine 127.0.0.1\n  login user\n  password secret\n");
  ScopedEnv netrc("NETRC", home / "netrc");
  json logged_in = run_module("get_url", {{"url", server.url("/noauth-challenge")}, {"dest", out / "a"}});
  CHECK(logged_in["changed"] == true);
  CHECK(read_text(out / "a") == "welcome\n");
  json without = run_module("get_url", {{"url", server.url("/noauth-challenge")}, {"dest", out / "b"}, {"use_netrc", false}});
  CHECK(without["status_code"] == 401);
}
