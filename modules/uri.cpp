// uri: one HTTP(S) request from the target, with Ansible's result: the response headers as
// lower-case fields (dashes as underscores), status, url, redirected, elapsed, `json` when the
// body is JSON, `content` with return_content, and the body saved to `dest` when asked.
// Ansible's uri does not support check mode: it is skipped there.
#include <chrono>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/diff.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/hash.hpp"
#include "modules/util/http.hpp"
#include "modules/util/text.hpp"
#include "modules/util/url_args.hpp"
#include "modules/module_doc.hpp"

namespace drover::modules {

namespace {

namespace fs = std::filesystem;

const std::vector<ArgSpec>& spec() {
  static const std::vector<ArgSpec> k_spec = url_module_spec({
      ArgSpec{.name = "url", .required = Required::yes, .description = "The HTTP or HTTPS URL to request."},
      ArgSpec{.name = "dest", .type = ArgType::path, .description = "A file to write the response body to."},
      ArgSpec{.name = "url_username", .aliases = {"user"}, .description = "The user name for HTTP basic authentication."},
      ArgSpec{.name = "url_password", .aliases = {"password"}, .no_log = true, .description = "The password for HTTP basic authentication."},
      ArgSpec{.name = "body", .type = ArgType::raw, .description = "The request body; a data structure with body_format json or form-urlencoded."},
      ArgSpec{.name = "body_format", .default_value = "raw", .choices = {"form-urlencoded", "json", "raw", "form-multipart"}, .description = "How body is encoded (and the Content-Type sent)."},
      ArgSpec{.name = "src", .type = ArgType::path, .description = "A file whose content is the request body (on the control node unless remote_src)."},
      ArgSpec{.name = "_src_b64", .description = "Internal: the content of a control-node src, base64-encoded."},  // the control side's copy of a local src
      ArgSpec{.name = "method", .default_value = "GET", .description = "The HTTP method."},
      ArgSpec{.name = "return_content", .type = ArgType::boolean, .default_value = false, .description = "Return the body of the response as content (and json when it is JSON)."},
      ArgSpec{.name = "follow_redirects", .default_value = "safe", .choices = {"all", "no", "none", "safe", "urllib2", "yes"}, .description = "Which redirects to follow: safe follows only GET and HEAD."},
      ArgSpec{.name = "creates", .type = ArgType::path, .description = "Do nothing when this file exists."},
      ArgSpec{.name = "removes", .type = ArgType::path, .description = "Do nothing unless this file exists."},
      ArgSpec{.name = "status_code", .type = ArgType::list, .default_value = json::array({200}), .description = "The status codes that mean success."},
      ArgSpec{.name = "timeout", .type = ArgType::integer, .default_value = 30, .description = "Seconds to wait for the server."},
      ArgSpec{.name = "headers", .type = ArgType::dict, .default_value = json::object(), .description = "Extra request headers."},
      ArgSpec{.name = "unix_socket", .type = ArgType::path, .description = "A Unix socket to send the request over."},
      ArgSpec{.name = "remote_src", .type = ArgType::boolean, .default_value = false, .description = "src is a file on the target."},
      ArgSpec{.name = "ca_path", .type = ArgType::path, .description = "A PEM file of CA certificates to check the server against."},
      ArgSpec{.name = "unredirected_headers", .type = ArgType::list, .default_value = json::array(), .description = "Headers not sent again after a redirect."},
      ArgSpec{.name = "decompress", .type = ArgType::boolean, .default_value = true, .description = "Decompress a gzip-encoded response."},
      ArgSpec{.name = "ciphers", .type = ArgType::list, .description = "The TLS cipher suites to allow."},
      ArgSpec{.name = "use_netrc", .type = ArgType::boolean, .default_value = true, .description = "Take credentials from ~/.netrc when none are given."},
  });
  return k_spec;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Python's json.dumps(value): ", " and ": " between items, non-ASCII as \uXXXX.
std::string python_json(const json& value) {
  switch (value.type()) {
    case json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        out += (first ? "" : ", ") + python_json(json(key)) + ": " + python_json(item);
        first = false;
      }
      return out + "}";
    }
    case json::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + python_json(value[i]);
      return out + "]";
    }
    case json::value_t::string: return value.dump(-1, ' ', true, json::error_handler_t::replace);
    case json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case json::value_t::null: return "null";
    default: return value.dump();
  }
}

// str(value) as Python prints a scalar of a YAML/JSON document.
std::string python_str(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  if (value.is_null()) return "None";
  return value.dump();
}

// urllib.parse.quote_plus.
std::string quote_plus(const std::string& text) {
  static const char* k_hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~') out += static_cast<char>(c);
    else if (c == ' ') out += '+';
    else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

// Ansible's form_urlencoded: a mapping or a list of pairs, list values repeated (doseq).
std::string form_urlencoded(const json& body) {
  if (body.is_string()) return body.get<std::string>();
  std::vector<std::pair<json, json>> pairs;
  if (body.is_object()) {
    for (const auto& [key, value] : body.items()) pairs.emplace_back(json(key), value);
  } else if (body.is_array()) {
    for (const auto& item : body) {
      if (!item.is_array() || item.size() != 2)
        throw ModuleFailure("failed to parse body as form_urlencoded: a list body must hold [key, value] pairs",
                            {{"elapsed", 0}});
      pairs.emplace_back(item[0], item[1]);
    }
  } else {
    return python_str(body);
  }
  std::string out;
  for (const auto& [key, values] : pairs) {
    json list = values.is_array() ? values : json::array({values});
    for (const auto& value : list) {
      if (value.is_null()) continue;
      out += (out.empty() ? "" : "&") + quote_plus(python_str(key)) + "=" + quote_plus(python_str(value));
    }
  }
  return out;
}

bool has_header(const json& headers, const std::string& name) {
  for (const auto& [key, value] : headers.items())
    if (lower(key) == name) return true;
  return false;
}

// The request body and its Content-Type, from body/body_format (or src).
std::optional<std::string> request_body(const json& args, json& headers) {
  if (is_set(args, "_src_b64")) return base64_decode(arg_string(args, "_src_b64"));
  if (is_set(args, "src")) {
    auto data = read_file(arg_string(args, "src"));
    if (!data) throw ModuleFailure("Unable to open source file " + arg_string(args, "src"), {{"elapsed", 0}});
    return data;
  }
  std::string format = lower(arg_string(args, "body_format"));
  const json& body = args["body"];
  if (format == "form-multipart")
    throw ModuleFailure("drover's uri does not support body_format=form-multipart yet");
  if (format == "json") {
    if (!has_header(headers, "content-type")) headers["Content-Type"] = "application/json";
    if (body.is_null()) return std::nullopt;
    return body.is_string() ? body.get<std::string>() : python_json(body);
  }
  if (format == "form-urlencoded") {
    if (!has_header(headers, "content-type")) headers["Content-Type"] = "application/x-www-form-urlencoded";
    if (body.is_null()) return std::nullopt;
    return form_urlencoded(body);
  }
  if (body.is_null()) return std::nullopt;
  return body.is_string() ? body.get<std::string>() : python_json(body);
}

struct ContentType {
  std::string main = "application", sub = "octet-stream", charset = "utf-8";
  bool maybe_json() const {
    std::string s = lower(sub);
    if (auto plus = s.find('+'); plus != std::string::npos) s = s.substr(plus + 1);
    return s == "json" || s == "javascript";
  }
};

// email.message's get_content_type() and charset, as Ansible's parse_content_type reads them.
ContentType content_type_of(const HttpResponse& response) {
  ContentType type;
  if (response.status < 0) return type;
  std::string header = response.header("content-type").value_or("text/plain");
  std::string value = lower(trim(header.substr(0, header.find(';'))));
  auto slash = value.find('/');
  if (slash == std::string::npos) value = "text/plain", slash = 4;
  type.main = value.substr(0, slash);
  type.sub = value.substr(slash + 1);
  auto charset = lower(header).find("charset=");
  if (charset != std::string::npos) {
    std::string name = header.substr(charset + 8);
    name = trim(name.substr(0, name.find(';')));
    if (name.size() >= 2 && name.front() == '"') name = name.substr(1, name.size() - 2);
    type.charset = lower(name);
  }
  return type;
}

// The body as text: latin-1 is re-encoded; anything else is taken as UTF-8.
std::string body_text(const std::string& body, const ContentType& type) {
  if (type.charset != "iso-8859-1" && type.charset != "latin-1" && type.charset != "latin1") return body;
  std::string out;
  for (unsigned char c : body) {
    if (c < 0x80) out += static_cast<char>(c);
    else {
      out += static_cast<char>(0xc0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3f));
    }
  }
  return out;
}

// get_response_filename: the last part of the URL's path, or Content-Disposition's filename.
std::string response_filename(const HttpResponse& response) {
  std::string name;
  if (auto disposition = response.header("content-disposition")) {
    auto at = lower(*disposition).find("filename=");
    if (at != std::string::npos) {
      name = trim(disposition->substr(at + 9));
      name = name.substr(0, name.find(';'));
      if (name.size() >= 2 && name.front() == '"') name = name.substr(1, name.size() - 2);
      name = fs::path(name).filename().string();
    }
  }
  if (name.empty()) {
    auto url = parse_url(response.url);
    std::string path = url ? url->target.substr(0, url->target.find('?')) : "";
    while (path.ends_with("/")) path.pop_back();
    name = path.substr(path.rfind('/') + 1);
  }
  return name.empty() ? "index.html" : name;
}

// Ansible's absolute_location, as it behaves: a Location starting with "/" is appended to the
// URL with every occurrence of its path removed (the query stays: "http://h?q=1/x"); any other
// relative one to the URL's folder.
std::string absolute_location(const std::string& url, const std::string& location) {
  if (location.find("://") != std::string::npos) return location;
  if (location.starts_with("/")) {
    // urlsplit(url).path: from the first "/" after the host to "?" or "#"; "" when there is none
    std::string path;
    auto host = url.find("://");
    auto start = host == std::string::npos ? std::string::npos : url.find_first_of("/?#", host + 3);
    if (start != std::string::npos && url[start] == '/') path = url.substr(start, url.find_first_of("?#", start) - start);
    std::string base = url;
    if (!path.empty())
      for (size_t at; (at = base.find(path)) != std::string::npos;) base.erase(at, path.size());
    return base + location;
  }
  return url.substr(0, url.rfind('/')) + "/" + location;
}

std::string python_list(const json& codes) {
  std::string out = "[";
  for (size_t i = 0; i < codes.size(); ++i) out += (i ? ", " : "") + codes[i].dump();
  return out + "]";
}

json status_codes(const json& args) {
  json codes = json::array();
  for (const auto& code : args["status_code"]) {
    if (code.is_number_integer()) codes.push_back(code);
    else if (code.is_string()) {
      try {
        codes.push_back(std::stoi(code.get<std::string>()));
      } catch (const std::exception&) {
        throw ModuleFailure("Elements value for option 'status_code' is of type <class 'str'> and we were unable to "
                            "convert to int: " + code.dump());
      }
    } else {
      throw ModuleFailure("Elements value for option 'status_code' must be integers, got " + code.dump());
    }
  }
  return codes;
}

void write_dest(const std::string& dest, const std::string& content) {
  auto before = file_hex_digest(HashAlgorithm::sha1, dest);
  if (before && *before == hex_digest(HashAlgorithm::sha1, content)) return;
  atomic_write(dest, content);
}

}  // namespace

static json unmasked_uri(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, spec(), "uri");
  if (ctx.checking()) return {{"skipped", true}, {"changed", false}, {"msg", "remote module (uri) does not support check mode"}};
  if (is_set(args, "body") && is_set(args, "src")) throw ModuleFailure("parameters are mutually exclusive: body|src");
  if (is_set(args, "unix_socket")) throw ModuleFailure("drover's uri does not support unix_socket yet");
  std::string url = arg_string(args, "url");
  std::string method = arg_string(args, "method");
  for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (method.empty() || method.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)
    throw ModuleFailure("Parameter 'method' needs to be a single word in uppercase, like GET or POST.");
  json codes = status_codes(args);
  json headers = args["headers"];
  std::optional<std::string> body = request_body(args, headers);
  args["headers"] = headers;

  if (is_set(args, "creates") && fs::exists(arg_string(args, "creates")))
    return {{"changed", false}, {"stdout", "skipped, since '" + arg_string(args, "creates") + "' exists"}};
  if (is_set(args, "removes") && !fs::exists(arg_string(args, "removes")))
    return {{"changed", false}, {"stdout", "skipped, since '" + arg_string(args, "removes") + "' does not exist"}};

  HttpRequest request = url_request(args);
  request.method = method;
  request.body = body;
  std::string dest = arg_string(args, "dest");
  struct stat st{};
  if (!dest.empty() && ::stat(dest.c_str(), &st) == 0 && S_ISREG(st.st_mode))
    request.if_modified_since = std::chrono::system_clock::from_time_t(st.st_mtime);

  auto start = std::chrono::steady_clock::now();
  HttpResponse response = fetch_url(request);
  long long elapsed =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
  bool answered = response.status >= 0;
  if (answered && !dest.empty() && fs::is_directory(dest)) dest = (fs::path(dest) / response_filename(response)).string();

  ContentType type = content_type_of(response);
  bool return_content = arg_bool(args, "return_content");
  bool status_ok = std::find(codes.begin(), codes.end(), json(response.status)) != codes.end();
  bool maybe_output = type.maybe_json() || return_content || !status_ok;

  json info = response_info(response, response.http_error && !maybe_output);
  json resp = json::object();
  resp["redirected"] = info["url"] != url;
  for (const auto& [key, value] : info.items()) resp[key] = value;
  resp["elapsed"] = elapsed;
  resp["changed"] = false;
  if (answered && !dest.empty()) {
    if (status_ok && response.status != 304) {
      write_dest(dest, response.body);
      json diff = state_diff(dest);
      apply_file_attributes(dest, args, ctx, diff);
      resp["changed"] = true;  // Ansible's uri reports a written dest as changed, even when unchanged
    }
    resp["path"] = dest;
  }
  json result = json::object();
  for (const auto& [key, value] : resp.items()) {
    std::string name = lower(key);
    std::replace(name.begin(), name.end(), '-', '_');
    result[name] = value;
  }
  if (result.contains("location") && result["location"].is_string())
    result["location"] = absolute_location(url, result["location"].get<std::string>());
  std::string text = body_text(response.body, type);
  if (type.maybe_json() && answered) {
    json parsed = json::parse(text, nullptr, false);
    if (!parsed.is_discarded()) result["json"] = parsed;
  }
  if (result.contains("path") && fs::exists(dest)) add_path_info(result, dest);
  if (!status_ok) {
    std::string msg = "Status code was " + std::to_string(response.status) + " and not " + python_list(codes) + ": " +
                      result.value("msg", "");
    if (return_content) result["content"] = text;
    result.erase("msg");
    throw ModuleFailure(msg, result);
  }
  if (return_content) result["content"] = text;
  return result;
}

json run_uri(const json& raw_args, const ModuleContext& ctx) {
  return masking_password(raw_args, ctx, unmasked_uri);
}

namespace {
const ReturnDoc k_uri_returns[] = {
    ReturnDoc{"status", "int", "always", "The HTTP status of the response."},
    ReturnDoc{"url", "str", "always", "The URL of the response (after redirects)."},
    ReturnDoc{"content", "str", "return_content", "The response body."},
    ReturnDoc{"json", "dict", "return_content and a JSON body", "The body parsed."},
    ReturnDoc{"location", "str", "on a redirect", "The Location header."},
    ReturnDoc{"elapsed", "int", "always", "Seconds the request took."},
    ReturnDoc{"msg", "str", "always", "What happened."},
    ReturnDoc{"path", "str", "dest", "The file the body was written to."},
};
}  // namespace

const ModuleDoc uri_doc{
    .description = "Sends an HTTP or HTTPS request from the target and returns the response.\nThe task fails unless the status is one of status_code.",
    .options = spec(),
    .returns = k_uri_returns,
    .example = "- ansible.builtin.uri:\n    url: https://api.example.com/health\n    return_content: true\n  register: health\n",
    .notes = "use_gssapi is not supported.",
};

}  // namespace drover::modules
