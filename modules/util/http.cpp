#include "modules/util/http.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "modules/util/net.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Before a connection gave a response: Ansible reports these as urllib's URLError.
class ConnectFailure : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};
// After the request went out: Ansible's "Connection failure: ..." (socket errors, timeouts).
class TransferFailure : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

const char* k_reasons[][2] = {
    {"100", "Continue"}, {"200", "OK"}, {"201", "Created"}, {"202", "Accepted"}, {"204", "No Content"},
    {"206", "Partial Content"}, {"301", "Moved Permanently"}, {"302", "Found"}, {"303", "See Other"},
    {"304", "Not Modified"}, {"307", "Temporary Redirect"}, {"308", "Permanent Redirect"},
    {"400", "Bad Request"}, {"401", "Unauthorized"}, {"403", "Forbidden"}, {"404", "Not Found"},
    {"405", "Method Not Allowed"}, {"409", "Conflict"}, {"410", "Gone"}, {"500", "Internal Server Error"},
    {"501", "Not Implemented"}, {"502", "Bad Gateway"}, {"503", "Service Unavailable"}, {"504", "Gateway Timeout"},
};

// The CA certificates peers are checked against: Python's ssl.create_default_context() reads
// OpenSSL's default places, which a static OpenSSL knows only for the distribution it was built
// on; so the other distributions' bundles are looked for too (as Ansible's get_ca_certs does).
void load_system_cas(SSL_CTX* ctx) {
  if (std::getenv("SSL_CERT_FILE") || std::getenv("SSL_CERT_DIR")) {
    SSL_CTX_set_default_verify_paths(ctx);
    return;
  }
  static const char* k_bundles[] = {
      "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Gentoo, Arch
      "/etc/pki/tls/certs/ca-bundle.crt",                   // Fedora, RHEL
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL 7+
      "/etc/ssl/ca-bundle.pem",                             // openSUSE
      "/etc/ssl/cert.pem",                                  // Alpine, macOS
      "/usr/local/share/certs/ca-root-nss.crt",             // FreeBSD
  };
  std::error_code error;
  for (const char* bundle : k_bundles) {
    if (std::filesystem::is_regular_file(bundle, error)) {
      SSL_CTX_load_verify_locations(ctx, bundle, nullptr);
      break;
    }
  }
  if (std::filesystem::is_directory("/etc/ssl/certs", error)) SSL_CTX_load_verify_locations(ctx, nullptr, "/etc/ssl/certs");
}

// "[SSL: WRONG_VERSION_NUMBER] wrong version number", as Python words OpenSSL's errors.
std::string ssl_error_text(const std::string& fallback) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  const char* reason = ERR_reason_error_string(code);
  std::string text = reason ? reason : "unknown error";
  std::string upper = text;
  for (char& c : upper) c = c == ' ' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "[SSL: " + upper + "] " + text;
}

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslDeleter {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

std::unique_ptr<SSL_CTX, SslCtxDeleter> make_context(const HttpRequest& request) {
  // The target's openssl.cnf belongs to its own OpenSSL, maybe another version with other
  // providers: the runner's statically linked one ignores it and behaves the same everywhere.
  static const bool k_initialized = OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr) == 1;
  if (!k_initialized) throw ConnectFailure(ssl_error_text("cannot initialize OpenSSL"));
  std::unique_ptr<SSL_CTX, SslCtxDeleter> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) throw ConnectFailure(ssl_error_text("cannot create a TLS context"));
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  if (request.validate_certs) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    if (!request.ca_path.empty()) {
      if (SSL_CTX_load_verify_locations(ctx.get(), request.ca_path.c_str(), nullptr) != 1)
        throw ConnectFailure("[Errno 2] cannot read the CA certificates in " + request.ca_path + ": " +
                             ssl_error_text("no certificate found"));
    } else {
      load_system_cas(ctx.get());
    }
  } else {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
  }
  if (!request.client_cert.empty()) {
    const std::string& key = request.client_key.empty() ? request.client_cert : request.client_key;
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), request.client_cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM) != 1)
      throw ConnectFailure(ssl_error_text("cannot load the client certificate " + request.client_cert));
  }
  ERR_clear_error();
  return ctx;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buffer[16];
  return ::inet_pton(AF_INET, host.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

// A proxy from the environment, as Python's urllib finds one (getproxies_environment,
// proxy_bypass_environment): <scheme>_proxy (the lower-case name wins), "host:port" or
// "http://[user:password@]host:port"; no_proxy lists hosts and domains that go direct ("*": all).
struct Proxy {
  std::string host;
  int port = 80;
  std::string authorization;  // "Basic ..." when the proxy URL has credentials
};

std::optional<std::string> environment_value(const std::string& name) {
  for (const std::string& spelling : {name, [&] {
         std::string upper = name;
         for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
         return upper;
       }()}) {
    const char* value = std::getenv(spelling.c_str());
    if (value && *value) return std::string(value);
  }
  return std::nullopt;
}

bool bypasses_proxy(const Url& url) {
  auto no_proxy = environment_value("no_proxy");
  if (!no_proxy) return false;
  if (trim(*no_proxy) == "*") return true;
  std::string host = lower(url.host), with_port = host + ":" + std::to_string(url.port);
  size_t start = 0;
  while (start <= no_proxy->size()) {
    size_t comma = no_proxy->find(',', start);
    if (comma == std::string::npos) comma = no_proxy->size();
    std::string name = lower(trim(no_proxy->substr(start, comma - start)));
    start = comma + 1;
    name.erase(0, name.find_first_not_of('.'));
    if (name.empty()) continue;
    if (host == name || with_port == name) return true;
    if (host.ends_with("." + name) || with_port.ends_with("." + name)) return true;
  }
  return false;
}

std::optional<Proxy> proxy_for(const Url& url, bool use_proxy) {
  if (!use_proxy) return std::nullopt;
  auto text = environment_value(url.scheme + "_proxy");
  if (!text || bypasses_proxy(url)) return std::nullopt;
  std::string spec = *text;
  if (spec.find("://") == std::string::npos) spec = "http://" + spec;
  auto parsed = parse_url(spec);
  if (!parsed) throw ConnectFailure("proxy URL with no authority: '" + *text + "'");
  Proxy proxy{parsed->host, parsed->port, ""};
  if (!parsed->userinfo.empty()) {
    auto colon = parsed->userinfo.find(':');
    proxy.authorization = basic_auth_header(parsed->userinfo.substr(0, colon),
                                            colon == std::string::npos ? "" : parsed->userinfo.substr(colon + 1));
  }
  return proxy;
}

// One connection: plain or TLS (through a proxy's CONNECT tunnel when there is one), with
// buffered reading.
class Connection {
public:
  Connection(const Url& url, const HttpRequest& request, const std::optional<Proxy>& proxy) {
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(request.timeout);
    try {
      m_socket = proxy ? tcp_connect(proxy->host, proxy->port, timeout) : tcp_connect(url.host, url.port, timeout);
    } catch (const NetError& error) {
      throw ConnectFailure(error.what());
    }
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(request.timeout.count());
    ::setsockopt(m_socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(m_socket.fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (url.scheme != "https") return;
    if (proxy) tunnel(url, *proxy);
    start_tls(url, request);
  }

  void write_all(std::string_view data) {
    while (!data.empty()) {
      ssize_t sent = m_ssl ? SSL_write(m_ssl.get(), data.data(), static_cast<int>(data.size()))
                           : ::send(m_socket.fd(), data.data(), data.size(), MSG_NOSIGNAL);
      if (sent <= 0) throw TransferFailure(io_error(static_cast<int>(sent)));
      data.remove_prefix(static_cast<size_t>(sent));
    }
  }

  // Up to `size` bytes; 0 at the end of the stream.
  size_t read_some(char* buffer, size_t size) {
    if (m_ssl) {
      int got = SSL_read(m_ssl.get(), buffer, static_cast<int>(size));
      if (got > 0) return static_cast<size_t>(got);
      int error = SSL_get_error(m_ssl.get(), got);
      if (error == SSL_ERROR_ZERO_RETURN) return 0;
      if (error == SSL_ERROR_SYSCALL && errno == 0) return 0;  // closed without close_notify
      throw TransferFailure(io_error(got));
    }
    ssize_t got = ::recv(m_socket.fd(), buffer, size, 0);
    if (got < 0) throw TransferFailure(io_error(-1));
    return static_cast<size_t>(got);
  }

  // A line without its CRLF; nothing at the end of the stream.
  std::optional<std::string> read_line() {
    std::string line;
    while (true) {
      if (m_at == m_buffer.size() && !fill()) return line.empty() ? std::nullopt : std::optional(line);
      auto newline = m_buffer.find('\n', m_at);
      if (newline == std::string::npos) {
        line += m_buffer.substr(m_at);
        m_at = m_buffer.size();
        if (line.size() > 65536) throw TransferFailure("got more than 65536 bytes when reading a header line");
        continue;
      }
      line += m_buffer.substr(m_at, newline - m_at);
      m_at = newline + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
  }

  // Up to `size` buffered or newly read bytes; empty at the end of the stream.
  std::string_view read_chunk(size_t size) {
    if (m_at == m_buffer.size() && !fill()) return {};
    size_t take = std::min(size, m_buffer.size() - m_at);
    std::string_view piece(m_buffer.data() + m_at, take);
    m_at += take;
    return piece;
  }

private:
  bool fill() {
    char buffer[65536];
    size_t got = read_some(buffer, sizeof buffer);
    m_buffer.assign(buffer, got);
    m_at = 0;
    return got > 0;
  }

  std::string io_error(int rc) {
    int saved = errno;
    if (m_ssl) {
      int error = SSL_get_error(m_ssl.get(), rc);
      if (error != SSL_ERROR_SYSCALL) return ssl_error_text("TLS error");
    }
    ERR_clear_error();
    if (saved == EAGAIN || saved == EWOULDBLOCK) return "timed out";
    if (saved == 0) return "[Errno 104] Connection reset by peer";
    return "[Errno " + std::to_string(saved) + "] " + std::strerror(saved);
  }

  // http.client's _tunnel: CONNECT host:port, a 200 answer, then the TLS handshake through it.
  void tunnel(const Url& url, const Proxy& proxy) {
    std::string target = (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) + ":" +
                         std::to_string(url.port);
    std::string connect = "CONNECT " + target + " HTTP/1.0\r\nHost: " + target + "\r\n";
    if (!proxy.authorization.empty()) connect += "Proxy-Authorization: " + proxy.authorization + "\r\n";
    try {
      write_all(connect + "\r\n");
      auto status = read_line();
      if (!status || status->size() < 12) throw TransferFailure("Remote end closed connection without response");
      int code = std::atoi(status->c_str() + 9);
      while (auto line = read_line())
        if (line->empty()) break;
      if (code != 200) throw ConnectFailure("Tunnel connection failed: " + trim(status->substr(9)));
    } catch (const TransferFailure& failure) {
      throw ConnectFailure(failure.what());
    }
    if (m_at != m_buffer.size()) throw ConnectFailure("the proxy sent data before the TLS handshake");
  }

  void start_tls(const Url& url, const HttpRequest& request) {
    m_ctx = make_context(request);
    m_ssl.reset(SSL_new(m_ctx.get()));
    if (!m_ssl) throw ConnectFailure(ssl_error_text("cannot start TLS"));
    SSL_set_fd(m_ssl.get(), m_socket.fd());
    bool ip = is_ip_literal(url.host);
    if (!ip) SSL_set_tlsext_host_name(m_ssl.get(), url.host.c_str());
    if (request.validate_certs) {
      if (ip) X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(m_ssl.get()), url.host.c_str());
      else SSL_set1_host(m_ssl.get(), url.host.c_str());
    }
    errno = 0;
    if (SSL_connect(m_ssl.get()) != 1) {
      long verify = SSL_get_verify_result(m_ssl.get());
      if (request.validate_certs && verify != X509_V_OK) {
        ERR_clear_error();
        // Python words the name checks itself
        std::string reason = X509_verify_cert_error_string(verify);
        if (verify == X509_V_ERR_HOSTNAME_MISMATCH)
          reason = "Hostname mismatch, certificate is not valid for '" + url.host + "'.";
        else if (verify == X509_V_ERR_IP_ADDRESS_MISMATCH)
          reason = "IP address mismatch, certificate is not valid for '" + url.host + "'.";
        throw ConnectFailure("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: " + reason);
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        ERR_clear_error();
        throw ConnectFailure("_ssl.c:980: The handshake operation timed out");
      }
      throw ConnectFailure(ssl_error_text("[Errno 104] Connection reset by peer"));
    }
  }

  Socket m_socket;
  std::unique_ptr<SSL_CTX, SslCtxDeleter> m_ctx;
  std::unique_ptr<SSL, SslDeleter> m_ssl;
  std::string m_buffer;
  size_t m_at = 0;
};

struct Attempt {
  std::string method;
  std::string url;
  Headers headers;      // what goes out (redirected ones)
  Headers unredirected; // sent on this request only
  std::optional<std::string> body;
};

std::string reason_for(int status) {
  for (const auto& row : k_reasons)
    if (std::to_string(status) == row[0]) return row[1];
  return "";
}

void read_headers(Connection& connection, HttpResponse& response) {
  while (auto line = connection.read_line()) {
    if (line->empty()) return;
    if ((line->front() == ' ' || line->front() == '\t') && !response.headers.empty()) {
      response.headers.back().second += " " + trim(*line);
      continue;
    }
    auto colon = line->find(':');
    if (colon == std::string::npos) continue;
    response.headers.emplace_back(line->substr(0, colon), trim(line->substr(colon + 1)));
  }
  throw TransferFailure("Remote end closed connection without response");
}

// Reads the status line and headers, skipping 1xx answers.
void read_head(Connection& connection, HttpResponse& response) {
  while (true) {
    auto line = connection.read_line();
    if (!line) throw TransferFailure("Remote end closed connection without response");
    if (!line->starts_with("HTTP/") || line->size() < 12)
      throw TransferFailure("connection was closed before a valid response was received: " + *line);
    response.status = std::atoi(line->c_str() + 9);
    auto space = line->find(' ', 9);
    response.reason = space == std::string::npos ? reason_for(response.status) : line->substr(space + 1);
    response.headers.clear();
    read_headers(connection, response);
    if (response.status >= 200 || response.status < 100) return;
  }
}

using BodySink = std::function<void(std::string_view)>;

void read_counted(Connection& connection, long long length, const BodySink& sink, long long& total) {
  long long left = length;
  while (left > 0) {
    std::string_view piece = connection.read_chunk(static_cast<size_t>(std::min<long long>(left, 65536)));
    if (piece.empty())
      throw TransferFailure("IncompleteRead(" + std::to_string(length - left) + " bytes read, " + std::to_string(left) +
                            " more expected)");
    sink(piece);
    left -= static_cast<long long>(piece.size());
    total += static_cast<long long>(piece.size());
  }
}

void read_body(Connection& connection, const HttpResponse& response, const std::string& method, const BodySink& sink,
               long long& total) {
  if (method == "HEAD" || response.status == 204 || response.status == 304 || response.status < 200) return;
  auto encoding = response.header("transfer-encoding");
  if (encoding && lower(*encoding).find("chunked") != std::string::npos) {
    while (true) {
      auto line = connection.read_line();
      if (!line) throw TransferFailure("IncompleteRead(" + std::to_string(total) + " bytes read)");
      long long size = std::strtoll(line->c_str(), nullptr, 16);
      if (size <= 0) break;
      read_counted(connection, size, sink, total);
      connection.read_line();
    }
    while (auto trailer = connection.read_line())
      if (trailer->empty()) break;
    return;
  }
  if (auto length = response.header("content-length")) {
    read_counted(connection, std::strtoll(length->c_str(), nullptr, 10), sink, total);
    return;
  }
  while (true) {
    std::string_view piece = connection.read_chunk(65536);
    if (piece.empty()) return;
    sink(piece);
    total += static_cast<long long>(piece.size());
  }
}

bool has_header(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return same_name(h.first, name); });
}

void set_header(Headers& headers, const std::string& name, const std::string& value) {
  for (auto& header : headers)
    if (same_name(header.first, name)) {
      header.second = value;
      return;
    }
  headers.emplace_back(name, value);
}

std::string request_text(const Attempt& attempt, const Url& url, const std::optional<Proxy>& proxy) {
  bool through_proxy = proxy && url.scheme == "http";
  std::string target = through_proxy ? url.scheme + "://" + url.host_header() + url.target : url.target;
  std::string text = attempt.method + " " + target + " HTTP/1.1\r\n";
  Headers all = {{"Accept-Encoding", "identity"}, {"Host", url.host_header()}};
  if (through_proxy && !proxy->authorization.empty()) all.emplace_back("Proxy-Authorization", proxy->authorization);
  for (const auto& header : attempt.headers) set_header(all, header.first, header.second);
  for (const auto& header : attempt.unredirected) set_header(all, header.first, header.second);
  if (attempt.body) {
    if (!has_header(all, "content-type")) set_header(all, "Content-Type", "application/x-www-form-urlencoded");
    if (!has_header(all, "content-length")) set_header(all, "Content-Length", std::to_string(attempt.body->size()));
  } else if (attempt.method == "POST" || attempt.method == "PUT" || attempt.method == "PATCH") {
    if (!has_header(all, "content-length")) set_header(all, "Content-Length", "0");
  }
  set_header(all, "Connection", "close");
  for (const auto& [name, value] : all) text += name + ": " + value + "\r\n";
  return text + "\r\n";
}

// Where a Location header points, resolved against the URL it answered (urljoin).
std::string join_url(const Url& base, const std::string& location) {
  if (location.find("://") != std::string::npos) return location;
  std::string origin = base.scheme + "://" + base.host_header();
  if (location.starts_with("//")) return base.scheme + ":" + location;
  if (location.starts_with("/")) return origin + location;
  std::string path = base.target.substr(0, base.target.find('?'));
  if (location.starts_with("?")) return origin + path + location;
  return origin + path.substr(0, path.rfind('/') + 1) + location;
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// The request a redirect leads to, or nothing when Ansible's follow_redirects refuses it (the
// response then stands as an HTTP error).
std::optional<Attempt> redirected(const Attempt& from, int status, const std::string& new_url, Redirects mode) {
  Attempt next;
  next.url = new_url;
  std::string method = from.method;
  auto without_content_headers = [&] {
    for (const auto& header : from.headers) {
      std::string name = lower(header.first);
      if (name != "content-length" && name != "content-type" && name != "transfer-encoding")
        next.headers.push_back(header);
    }
  };
  if (mode == Redirects::none) return std::nullopt;
  if (mode == Redirects::urllib2) {
    bool get_or_head = method == "GET" || method == "HEAD";
    bool post_to_get = method == "POST" && (status == 301 || status == 302 || status == 303);
    if (!get_or_head && !post_to_get) return std::nullopt;
    without_content_headers();
    next.method = "GET";
    return next;
  }
  if (mode == Redirects::safe && method != "GET" && method != "HEAD") return std::nullopt;
  if (status == 307 || status == 308) {
    next.headers = from.headers;
    next.body = from.body;
    next.method = method;
    return next;
  }
  without_content_headers();
  if ((status == 303 || status == 302) && method != "HEAD") method = "GET";
  if (status == 301 && method == "POST") method = "GET";
  next.method = method;
  return next;
}

// Moves credentials out of the URL (Ansible's open_url does so when url_username is not given).
std::string strip_userinfo(const std::string& url_text, std::string& user, std::string& password) {
  auto url = parse_url(url_text);
  if (!url || url->userinfo.empty()) return url_text;
  auto colon = url->userinfo.find(':');
  user = url->userinfo.substr(0, colon);
  password = colon == std::string::npos ? "" : url->userinfo.substr(colon + 1);
  auto at = url_text.find('@');
  auto scheme_end = url_text.find("://") + 3;
  return url_text.substr(0, scheme_end) + url_text.substr(at + 1);
}

// One request and its response, body included (to the sink for a 2xx when there is one).
HttpResponse exchange(const Attempt& attempt, const HttpRequest& request) {
  HttpResponse response;
  auto url = parse_url(attempt.url);
  if (!url) {
    response.msg = "Request failed: <urlopen error unknown url type: " + attempt.url + ">";
    return response;
  }
  std::unique_ptr<Connection> connection;
  std::optional<Proxy> proxy;
  try {
    proxy = proxy_for(*url, request.use_proxy);
    connection = std::make_unique<Connection>(*url, request, proxy);
  } catch (const ConnectFailure& failure) {
    response.msg = std::string("Request failed: <urlopen error ") + failure.what() + ">";
    return response;
  }
  try {
    connection->write_all(request_text(attempt, *url, proxy));
    if (attempt.body) connection->write_all(*attempt.body);
    read_head(*connection, response);
  } catch (const TransferFailure& failure) {
    response.status = -1;
    response.headers.clear();
    response.msg = std::string("Connection failure: ") + failure.what();
    return response;
  }
  bool success = response.status >= 200 && response.status < 300;
  BodySink sink = success && request.sink ? request.sink : BodySink([&](std::string_view piece) { response.body += piece; });
  try {
    read_body(*connection, response, attempt.method, sink, response.body_bytes);
  } catch (const TransferFailure& failure) {
    response.status = -1;
    response.msg = std::string("Connection failure: ") + failure.what();
  }
  return response;
}

}  // namespace

Redirects redirects_named(std::string_view name) {
  if (name == "all" || name == "yes") return Redirects::all;
  if (name == "safe") return Redirects::safe;
  if (name == "urllib2") return Redirects::urllib2;
  return Redirects::none;
}

std::string Url::host_header() const {
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return explicit_port ? name + ":" + std::to_string(port) : name;
}

std::optional<Url> parse_url(std::string_view text) {
  auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  Url url;
  url.scheme = lower(std::string(text.substr(0, scheme_end)));
  if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
  std::string_view rest = text.substr(scheme_end + 3);
  auto path_start = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, path_start);
  std::string target = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
  if (auto hash = target.find('#'); hash != std::string::npos) target.erase(hash);
  if (target.empty() || target[0] == '?') target = "/" + target;
  url.target = target;
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    url.userinfo = std::string(authority.substr(0, at));
    authority = authority.substr(at + 1);
  }
  std::string_view port;
  if (authority.starts_with("[")) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (url.host.empty()) return std::nullopt;
  url.port = url.scheme == "https" ? 443 : 80;
  if (!port.empty()) {
    if (!std::all_of(port.begin(), port.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return std::nullopt;
    url.port = std::atoi(std::string(port).c_str());
    url.explicit_port = true;
    if (url.port <= 0 || url.port > 65535) return std::nullopt;
  }
  return url;
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  std::optional<std::string> value;
  for (const auto& [key, text] : headers) {
    if (!same_name(key, name)) continue;
    value = value ? *value + ", " + text : text;
  }
  return value;
}

std::string basic_auth_header(const std::string& user, const std::string& password) {
  return "Basic " + base64_encode(user + ":" + password);
}

std::string http_date(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  static const char* k_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", k_days[utc.tm_wday], utc.tm_mday,
                k_months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buffer;
}

HttpResponse fetch_url(const HttpRequest& request) {
  std::string user = request.username, password = request.password;
  Attempt attempt;
  attempt.method = request.method;
  attempt.url = user.empty() ? strip_userinfo(request.url, user, password) : request.url;
  attempt.body = request.body;
  if (!request.user_agent.empty()) attempt.headers.emplace_back("User-Agent", request.user_agent);
  if (request.force) attempt.headers.emplace_back("Cache-Control", "no-cache");
  else if (request.if_modified_since) attempt.headers.emplace_back("If-Modified-Since", http_date(*request.if_modified_since));
  bool send_auth_now = !user.empty() && request.force_basic_auth;
  for (const auto& [name, value] : request.headers) {
    bool unredirected = std::any_of(request.unredirected.begin(), request.unredirected.end(),
                                    [&name = name](const std::string& n) { return same_name(n, name); });
    set_header(unredirected ? attempt.unredirected : attempt.headers, name, value);
  }
  if (send_auth_now && !has_header(attempt.headers, "authorization"))
    set_header(attempt.headers, "Authorization", basic_auth_header(user, password));

  std::map<std::string, int> visited;
  for (int redirects = 0;; ++redirects) {
    HttpResponse response = exchange(attempt, request);
    if (response.status == 401 && !user.empty() && !has_header(attempt.headers, "authorization") &&
        !has_header(attempt.unredirected, "authorization")) {
      auto challenge = response.header("www-authenticate");
      if (challenge && lower(*challenge).find("basic") != std::string::npos) {
        Attempt with_auth = attempt;
        with_auth.unredirected.emplace_back("Authorization", basic_auth_header(user, password));
        response = exchange(with_auth, request);
      }
    }
    if (response.status < 0) {
      response.url = request.url;
      return response;
    }
    response.url = attempt.url;
    if (response.reason.empty()) response.reason = reason_for(response.status);
    if (response.status >= 200 && response.status < 300) {
      auto length = response.header("content-length");
      response.msg = "OK (" + (length ? *length : std::string("unknown")) + " bytes)";
      return response;
    }
    response.http_error = true;
    response.msg = "HTTP Error " + std::to_string(response.status) + ": " + response.reason;
    auto location = response.header("location");
    if (!is_redirect(response.status) || !location) {
      response.url = request.url;
      return response;
    }
    std::string new_url = join_url(*parse_url(attempt.url), *location);
    for (size_t at; (at = new_url.find(' ')) != std::string::npos;) new_url.replace(at, 1, "%20");
    std::optional<Attempt> next = redirected(attempt, response.status, new_url, request.redirects);
    if (!next) {
      response.url = request.url;
      return response;
    }
    if (!parse_url(new_url)) {
      response.url = request.url;
      response.msg += " - Redirection to url '" + new_url + "' is not allowed";
      return response;
    }
    if (redirects >= 10 || ++visited[new_url] >= 4) {
      response.url = request.url;
      response.msg = "HTTP Error " + std::to_string(response.status) +
                     ": The HTTP server returned a redirect error that would lead to an infinite loop.\n"
                     "The last 30x error message was:\n" + response.reason;
      return response;
    }
    attempt = std::move(*next);
  }
}

}  // namespace drover::modules
