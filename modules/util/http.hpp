// An HTTP/1.1 client for the runner, with Ansible's fetch_url semantics (module_utils/urls.py):
// get_url and uri download on the target, as Ansible's do.
//
// http and https (OpenSSL, linked statically into the runner: README, "Dependencies"). Peers are
// verified against the system's CA certificates — $SSL_CERT_FILE/$SSL_CERT_DIR when set, else the
// first bundle found among the distributions' usual places and /etc/ssl/certs — plus `ca_path`,
// with the host name (or IP address) checked; validate_certs=false turns both off. Bodies by
// Content-Length, chunked, or until close; redirects as Ansible's follow_redirects; basic
// authentication after a 401 challenge or up front (force_basic_auth); credentials in the URL.
// One request per connection ("Connection: close"). Proxies from the environment as Python's
// urllib takes them (http_proxy, https_proxy through CONNECT, no_proxy) unless use_proxy=false.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drover::modules {

// Ansible's follow_redirects: urllib2 (Python's own handler), all (yes), safe (GET and HEAD
// only), none (no).
enum class Redirects { none, safe, all, urllib2 };

// Parses Ansible's follow_redirects value ("all", "yes", "safe", "none", "no", "urllib2").
Redirects redirects_named(std::string_view name);

struct Url {
  std::string scheme;    // "http", "https" (lower case)
  std::string userinfo;  // "user:pass" before '@', or ""
  std::string host;      // without brackets for IPv6
  int port = 0;          // the default of the scheme when not given
  std::string target;    // path and query, at least "/"
  bool explicit_port = false;
  std::string host_header() const;  // "host[:port]" as the Host header carries it
};

// Parses an absolute http(s) URL. Nothing for anything else.
std::optional<Url> parse_url(std::string_view text);

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;                            // the user's, in order; they override ours
  std::vector<std::string> unredirected;      // header names (any case) not sent after a redirect
  std::optional<std::string> body;
  std::chrono::seconds timeout{10};
  bool validate_certs = true;
  std::string ca_path;                        // an extra CA bundle (uri's ca_path)
  std::string client_cert, client_key;
  Redirects redirects = Redirects::safe;
  std::string username, password;             // url_username/url_password
  bool force_basic_auth = false;
  std::string user_agent = "ansible-httpget";
  bool use_proxy = true;                      // http_proxy/https_proxy/no_proxy from the environment
  bool force = false;                         // Cache-Control: no-cache
  std::optional<std::chrono::system_clock::time_point> if_modified_since;
  // When set, the body of a successful (2xx) response is handed here in pieces instead of being
  // kept in HttpResponse::body; it may throw to abort the transfer.
  std::function<void(std::string_view)> sink;
};

struct HttpResponse {
  // The final status; -1 when no response came (then `msg` says why, as Ansible's
  // "Request failed: <urlopen error ...>" or "Connection failure: ...").
  int status = -1;
  std::string reason;
  std::string url;          // the URL answered, after redirects (the request's on an HTTP error)
  Headers headers;          // as received, names as the server spelt them
  std::string body;         // unless given to the sink
  std::string msg;          // Ansible's info['msg']: "OK (N bytes)", "HTTP Error 404: Not Found", ...
  bool http_error = false;  // status is not 2xx: Python raised HTTPError
  long long body_bytes = 0; // bytes of body received

  // The value of header `name` (any case), duplicates joined with ", " as Ansible does.
  std::optional<std::string> header(std::string_view name) const;
};

// Sends the request, following redirects and answering a basic-auth challenge as asked. Never
// throws for network or HTTP failures (they are in the response); rethrows what the sink throws.
HttpResponse fetch_url(const HttpRequest& request);

// "Basic base64(user:password)".
std::string basic_auth_header(const std::string& user, const std::string& password);

// An RFC 1123 date, as If-Modified-Since carries it: "Thu, 03 Dec 2026 12:52:08 GMT".
std::string http_date(std::chrono::system_clock::time_point when);

}  // namespace drover::modules
