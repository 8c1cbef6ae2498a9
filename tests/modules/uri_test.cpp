#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "harness.hpp"
#include "http_server.hpp"

using namespace drover::modules::testing;

namespace fs = std::filesystem;

TEST_CASE("uri returns the status, the headers as lower-case fields and parses a JSON body") {
  TempDir root;
  TestServer server(root.path().string());
  json result = run_module("uri", {{"url", server.url("/json")}});
  INFO(result.dump());
  CHECK(result["changed"] == false);
  CHECK(result["status"] == 200);
  CHECK(result["msg"].get<std::string>().starts_with("OK ("));
  CHECK(result["content_type"] == "application/json; charset=utf-8");
  CHECK(result["content_length"].is_string());
  CHECK(result["redirected"] == false);
  CHECK(result["url"] == server.url("/json"));
  CHECK(result["json"] == json{{"name", "drover"}, {"list", {1, 2}}, {"nested", {{"ok", true}}}});
  CHECK(!result.contains("content"));
  CHECK(result["elapsed"].is_number_integer());
  json with_content = run_module("uri", {{"url", server.url("/chunked")}, {"return_content", true}});
  CHECK(with_content["content"] == "hello chunked world\n");
  json cookies = run_module("uri", {{"url", server.url("/cookie")}});
  CHECK(cookies["cookies"] == json{{"a", "1"}, {"b", "two"}});
  CHECK(cookies["cookies_string"] == "a=1; b=two");
  CHECK(cookies["set_cookie"] == "a=1; Path=/, b=two");
}

TEST_CASE("uri sends JSON and form bodies with their content types") {
  TempDir root;
  TestServer server(root.path().string());
  json posted = run_module("uri", {{"url", server.url("/echo")}, {"method", "POST"}, {"body_format", "json"},
                                   {"body", {{"a", 1}, {"b", "x"}}}, {"headers", {{"X-Test", "yes"}}}});
  INFO(posted.dump());
  CHECK(posted["json"]["method"] == "POST");
  CHECK(posted["json"]["body"] == "{\"a\": 1, \"b\": \"x\"}");
  CHECK(posted["json"]["headers"]["content-type"] == "application/json");
  CHECK(posted["json"]["headers"]["x-test"] == "yes");
  CHECK(posted["json"]["headers"]["user-agent"] == "ansible-httpget");
  json form = run_module("uri", {{"url", server.url("/echo")}, {"method", "PUT"}, {"body_format", "form-urlencoded"},
                                 {"body", {{"name", "a b"}, {"list", {"1", "2"}}}}});
  CHECK(form["json"]["body"] == "list=1&list=2&name=a+b");
  CHECK(form["json"]["headers"]["content-type"] == "application/x-www-form-urlencoded");
  json lower = run_module("uri", {{"url", server.url("/echo")}, {"method", "post"}});
  CHECK(lower["json"]["method"] == "POST");
  json bad = run_module("uri", {{"url", server.url("/echo")}, {"method", "NOT A METHOD"}});
  CHECK(bad["msg"] == "Parameter 'method' needs to be a single word in uppercase, like GET or POST.");
}

TEST_CASE("uri fails on an unexpected status and accepts the codes listed in status_code") {
  TempDir root;
  TestServer server(root.path().string());
  json failed = run_module("uri", {{"url", server.url("/status/404")}});
  CHECK(failed["failed"] == true);
  CHECK(failed["status"] == 404);
  CHECK(failed["msg"] == "Status code was 404 and not [200]: HTTP Error 404: Not Found");
  json accepted = run_module("uri", {{"url", server.url("/status/404")}, {"status_code", {200, "404"}}, {"return_content", true}});
  CHECK(accepted.value("failed", false) == false);
  CHECK(accepted["content"] == "status 404\n");
  json refused = run_module("uri", {{"url", "http://127.0.0.1:1/"}});
  CHECK(refused["status"] == -1);
  CHECK(refused["msg"] == "Status code was -1 and not [200]: Request failed: <urlopen error [Errno 111] Connection refused>");
}

TEST_CASE("uri follows redirects as follow_redirects says") {
  TempDir root;
  write_text(root / "t.txt", "t\n");
  TestServer server(root.path().string());
  std::string to = server.url("/t.txt");
  json safe = run_module("uri", {{"url", server.url("/redirect/302?to=" + to)}});
  CHECK(safe["status"] == 200);
  CHECK(safe["redirected"] == true);
  CHECK(safe["url"] == to);
  json post_safe = run_module("uri", {{"url", server.url("/redirect/302?to=/t.txt")}, {"method", "POST"}});
  CHECK(post_safe["status"] == 302);
  CHECK(post_safe["failed"] == true);
  // Ansible's absolute_location drops the path from the URL, query and all: what it returns
  CHECK(post_safe["location"] == server.url("?to=/t.txt/t.txt"));
  json post_all = run_module("uri", {{"url", server.url("/redirect/301?to=/echo")}, {"method", "POST"}, {"body", "x"},
                                     {"follow_redirects", "all"}});
  CHECK(post_all["json"]["method"] == "GET");
  json keep = run_module("uri", {{"url", server.url("/redirect/307?to=/echo")}, {"method", "PUT"}, {"body", "kept"},
                                 {"follow_redirects", "all"}});
  CHECK(keep["json"]["method"] == "PUT");
  CHECK(keep["json"]["body"] == "kept");
  json none = run_module("uri", {{"url", server.url("/redirect/302?to=/t.txt")}, {"follow_redirects", "none"},
                                 {"status_code", 302}});
  CHECK(none["status"] == 302);
  CHECK(none["redirected"] == false);
  CHECK(none["msg"] == "HTTP Error 302: Found");
}

TEST_CASE("uri saves the body to dest, honours creates and removes, and is skipped in check mode") {
  TempDir root, out;
  write_text(root / "page.html", "<p>hi</p>\n");
  TestServer server(root.path().string());
  json saved = run_module("uri", {{"url", server.url("/page.html")}, {"dest", out.path().string()}});
  CHECK(saved["changed"] == true);
  CHECK(saved["path"] == out / "page.html");
  CHECK(read_text(out / "page.html") == "<p>hi</p>\n");
  json created = run_module("uri", {{"url", server.url("/page.html")}, {"creates", out / "page.html"}});
  CHECK(created["changed"] == false);
  CHECK(created["stdout"] == "skipped, since '" + (out / "page.html") + "' exists");
  json removes = run_module("uri", {{"url", server.url("/page.html")}, {"removes", out / "nothing"}});
  CHECK(removes["stdout"] == "skipped, since '" + (out / "nothing") + "' does not exist");
  json checked = run_module("uri", {{"url", server.url("/page.html")}, {"dest", out / "c"}}, Check::yes);
  CHECK(checked["skipped"] == true);
  CHECK(!fs::exists(out / "c"));
}

TEST_CASE("uri over HTTPS checks the certificate against ca_path") {
  TempDir certs, root;
  TestCa ca(certs);
  TestServer server(root.path().string(), &ca);
  json good = run_module("uri", {{"url", server.url("/json", "localhost")}, {"ca_path", ca.ca_cert}});
  INFO(good.dump());
  CHECK(good["status"] == 200);
  CHECK(good["json"]["name"] == "drover");
  json untrusted = run_module("uri", {{"url", server.url("/json", "localhost")}, {"ca_path", ca.server_cert}});
  CHECK(untrusted["status"] == -1);
  CHECK(untrusted["msg"].get<std::string>().find("CERTIFICATE_VERIFY_FAILED") != std::string::npos);
  json unchecked = run_module("uri", {{"url", server.url("/json")}, {"validate_certs", false}});
  CHECK(unchecked["status"] == 200);
}

TEST_CASE("uri sends a file on the target (src) or the control node's copy of one (_src_b64) as the body") {
  TempDir root, files;
  TestServer server(root.path().string());
  write_text(files / "payload.txt", "from a file\n");
  json from_file = run_module("uri", {{"url", server.url("/echo")}, {"method", "PUT"}, {"src", files / "payload.txt"}});
  CHECK(from_file["json"]["body"] == "from a file\n");
  json sent = run_module("uri", {{"url", server.url("/echo")}, {"method", "POST"}, {"_src_b64", "aGkK"}});
  CHECK(sent["json"]["body"] == "hi\n");
  json missing = run_module("uri", {{"url", server.url("/echo")}, {"src", files / "absent"}});
  CHECK(missing["msg"] == "Unable to open source file " + (files / "absent"));
}

TEST_CASE("uri masks url_password wherever the result would show it, as Ansible's no_log values") {
  TempDir root;
  TestServer server(root.path().string());
  json echoed = run_module("uri", {{"url", server.url("/echo?token=hunter2")}, {"url_password", "hunter2"},
                                   {"url_username", "u"}, {"force_basic_auth", true}});
  INFO(echoed.dump());
  CHECK(echoed["json"]["path"] == "/echo?token=********");
  CHECK(echoed["url"] == server.url("/echo?token=********"));
  CHECK(echoed.dump().find("hunter2") == std::string::npos);
}
