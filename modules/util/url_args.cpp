#include "modules/util/url_args.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <sstream>

#include "modules/util/fs.hpp"

namespace drover::modules {

std::vector<ArgSpec> url_module_spec(std::vector<ArgSpec> own) {
  std::vector<ArgSpec> spec = {
      ArgSpec{.name = "url", .description = "The HTTP or HTTPS URL."},
      ArgSpec{.name = "force", .type = ArgType::boolean, .default_value = false, .description = "Download again even when the destination exists."},
      ArgSpec{.name = "http_agent", .default_value = "ansible-httpget", .description = "The User-agent header sent."},
      ArgSpec{.name = "use_proxy", .type = ArgType::boolean, .default_value = true, .description = "Use the proxy the environment names (http_proxy, https_proxy, no_proxy)."},
      ArgSpec{.name = "validate_certs", .type = ArgType::boolean, .default_value = true, .description = "Check the server certificate against the system CAs."},
      ArgSpec{.name = "url_username", .description = "The user name for HTTP basic authentication."},
      ArgSpec{.name = "url_password", .no_log = true, .description = "The password for HTTP basic authentication."},
      ArgSpec{.name = "force_basic_auth", .type = ArgType::boolean, .default_value = false, .description = "Send the basic authentication header with the first request instead of after a 401."},
      ArgSpec{.name = "client_cert", .type = ArgType::path, .description = "A PEM client certificate (it may hold the key too)."},
      ArgSpec{.name = "client_key", .type = ArgType::path, .description = "The PEM private key of client_cert."},
      ArgSpec{.name = "use_gssapi", .type = ArgType::boolean, .default_value = false, .description = "Authenticate with GSSAPI (not supported by drover: an error when true)."},
      ArgSpec{.name = "mode", .type = ArgType::raw, .description = "The permissions of the file written, as in the file module."},
      ArgSpec{.name = "owner", .description = "The user that owns the file written."},
      ArgSpec{.name = "group", .description = "The group that owns the file written."},
      ArgSpec{.name = "seuser", .description = "The SELinux user of the file written."},
      ArgSpec{.name = "serole", .description = "The SELinux role of the file written."},
      ArgSpec{.name = "selevel", .description = "The SELinux level of the file written."},
      ArgSpec{.name = "setype", .description = "The SELinux type of the file written."},
      ArgSpec{.name = "attributes", .aliases = {"attr"}, .description = "The file attributes (chattr) of the file written."},
      ArgSpec{.name = "unsafe_writes", .type = ArgType::boolean, .default_value = false, .description = "Accepted for compatibility; drover always writes atomically."},
  };
  for (auto& arg : own) {
    auto same = std::find_if(spec.begin(), spec.end(), [&](const ArgSpec& s) { return s.name == arg.name; });
    if (same != spec.end()) *same = std::move(arg);
    else spec.push_back(std::move(arg));
  }
  return spec;
}

namespace {

// Python's netrc.authenticators(host): the login and password of `host`'s "machine" entry in
// $NETRC (else ~/.netrc), or of its "default" entry; nothing when there is neither.
std::optional<std::pair<std::string, std::string>> netrc_login(const std::string& host) {
  const char* file = std::getenv("NETRC");
  const char* home = std::getenv("HOME");
  std::string path = file && *file ? file : home ? std::string(home) + "/.netrc" : "";
  auto text = path.empty() ? std::nullopt : read_file(path);
  if (!text) return std::nullopt;
  std::istringstream words(*text);
  std::vector<std::string> tokens;
  for (std::string word; words >> word;) tokens.push_back(word);
  std::optional<std::pair<std::string, std::string>> found, fallback;
  for (size_t i = 0; i < tokens.size(); ++i) {
    bool machine = tokens[i] == "machine" && i + 1 < tokens.size();
    if (!machine && tokens[i] != "default") continue;
    std::string name = machine ? tokens[i + 1] : "";
    std::pair<std::string, std::string> entry;
    for (size_t j = i + (machine ? 2 : 1); j + 1 < tokens.size() && tokens[j] != "machine" && tokens[j] != "default"; j += 2) {
      if (tokens[j] == "login") entry.first = tokens[j + 1];
      else if (tokens[j] == "password") entry.second = tokens[j + 1];
    }
    if (machine && name == host && !found) found = entry;
    if (!machine && !fallback) fallback = entry;
  }
  return found ? found : fallback;
}

}  // namespace

HttpRequest url_request(const json& args) {
  if (arg_bool(args, "use_gssapi")) throw ModuleFailure("drover does not support use_gssapi (Kerberos authentication)");
  if (is_set(args, "ciphers")) throw ModuleFailure("drover does not support choosing TLS ciphers (ciphers)");
  if (is_set(args, "attributes"))
    throw ModuleFailure("drover does not set file attributes (chattr) yet: remove attributes");
  HttpRequest request;
  request.url = arg_string(args, "url");
  auto url = parse_url(request.url);
  if (!url) {
    std::string scheme = request.url.substr(0, request.url.find("://"));
    if (request.url.find("://") == std::string::npos) throw ModuleFailure("unknown url type: '" + request.url + "'");
    throw ModuleFailure("drover's " + std::string("HTTP client handles http and https URLs, not ") + scheme + ": " +
                        request.url);
  }
  request.validate_certs = arg_bool(args, "validate_certs");
  request.username = arg_string(args, "url_username");
  request.password = arg_string(args, "url_password");
  request.force_basic_auth = arg_bool(args, "force_basic_auth");
  request.user_agent = arg_string(args, "http_agent");
  request.use_proxy = arg_bool(args, "use_proxy");
  request.client_cert = arg_string(args, "client_cert");
  request.client_key = arg_string(args, "client_key");
  if (args.contains("ca_path")) request.ca_path = arg_string(args, "ca_path");
  if (is_set(args, "timeout")) request.timeout = std::chrono::seconds(args["timeout"].get<long long>());
  request.redirects = args.contains("follow_redirects") && is_set(args, "follow_redirects")
                          ? redirects_named(arg_string(args, "follow_redirects"))
                          : Redirects::urllib2;
  if (is_set(args, "headers"))
    for (const auto& [name, value] : args["headers"].items())
      request.headers.emplace_back(name, value.is_string() ? value.get<std::string>() : value.dump());
  // Ansible's open_url: without credentials (argument or URL), ~/.netrc's login for the host
  if (request.username.empty() && url->userinfo.empty() && (!args.contains("use_netrc") || arg_bool(args, "use_netrc"))) {
    auto login = netrc_login(url->host);
    if (login && !login->first.empty() && !login->second.empty())
      request.headers.emplace_back("Authorization", basic_auth_header(login->first, login->second));
  }
  if (is_set(args, "unredirected_headers"))
    for (const auto& name : args["unredirected_headers"])
      request.unredirected.push_back(name.is_string() ? name.get<std::string>() : name.dump());
  return request;
}

json response_info(const HttpResponse& response, bool with_body) {
  json info = json::object();
  for (const auto& header : response.headers) {
    std::string name = header.first;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!info.contains(name)) info[name] = *response.header(name);
  }
  info["url"] = response.url;
  info["status"] = response.status;
  info["msg"] = response.msg;
  if (!response.http_error && response.status > 0) {
    // the cookies the response set (Set-Cookie's name=value), as Ansible's cookie jar lists them
    json cookies = json::object();
    std::string cookies_string;
    for (const auto& [name, value] : response.headers) {
      if (name.size() != 10 || !std::equal(name.begin(), name.end(), "set-cookie", [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == b;
          }))
        continue;
      std::string pair = value.substr(0, value.find(';'));
      auto equals = pair.find('=');
      if (equals == std::string::npos) continue;
      cookies[pair.substr(0, equals)] = pair.substr(equals + 1);
      cookies_string += (cookies_string.empty() ? "" : "; ") + pair;
    }
    info["cookies"] = cookies;
    info["cookies_string"] = cookies_string;
  }
  if (with_body && response.http_error) info["body"] = response.body;
  return info;
}

namespace {

std::string masked(std::string text, const std::string& secret) {
  for (size_t at = 0; (at = text.find(secret, at)) != std::string::npos; at += 8) text.replace(at, secret.size(), "********");
  return text;
}

json masked(const json& value, const std::string& secret) {
  if (value.is_string()) return masked(value.get<std::string>(), secret);
  if (!value.is_structured()) return value;
  json out = value.is_object() ? json::object() : json::array();
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (value.is_object()) out[it.key()] = masked(*it, secret);
    else out.push_back(masked(*it, secret));
  }
  return out;
}

}  // namespace

json masking_password(const json& raw_args, const ModuleContext& ctx, json (*module)(const json&, const ModuleContext&)) {
  std::string secret;
  for (const char* name : {"url_password", "password"})
    if (raw_args.contains(name) && raw_args[name].is_string() && !raw_args[name].get<std::string>().empty())
      secret = raw_args[name].get<std::string>();
  if (secret.empty()) return module(raw_args, ctx);
  try {
    return masked(module(raw_args, ctx), secret);
  } catch (const ModuleFailure& failure) {
    throw ModuleFailure(masked(std::string(failure.what()), secret), masked(failure.fields(), secret));
  }
}

}  // namespace drover::modules
