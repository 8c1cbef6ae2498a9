// get_url: downloads a file over HTTP or HTTPS on the target, as Ansible's get_url does (the
// target fetches; the control node only sends the arguments).
//
// Query: with force=false an existing dest whose checksum matches is left alone without a
// download, and If-Modified-Since lets the server answer 304. Apply: the body goes to a temp
// file (in tmp_dest, else beside dest), is checked against `checksum`, and replaces dest
// atomically only when its sha1 differs; then mode/owner/group. Check mode sends HEAD.
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/value/regex.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/diff.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/hash.hpp"
#include "modules/util/http.hpp"
#include "modules/util/url_args.hpp"
#include "modules/module_doc.hpp"

namespace drover::modules {

namespace {

namespace fs = std::filesystem;

const std::vector<ArgSpec>& spec() {
  static const std::vector<ArgSpec> k_spec = url_module_spec({
      ArgSpec{.name = "url", .required = Required::yes, .description = "The HTTP or HTTPS URL to download."},
      ArgSpec{.name = "dest", .type = ArgType::path, .required = Required::yes, .description = "The file to write; for a directory, the name comes from the Content-Disposition header or the URL."},
      ArgSpec{.name = "url_username", .aliases = {"username"}, .description = "The user name for HTTP basic authentication."},
      ArgSpec{.name = "url_password", .aliases = {"password"}, .no_log = true, .description = "The password for HTTP basic authentication."},
      ArgSpec{.name = "backup", .type = ArgType::boolean, .default_value = false, .description = "Keep a timestamped copy of the file it replaces."},
      ArgSpec{.name = "checksum", .default_value = "", .description = "ALGORITHM:DIGEST the download must have (or ALGORITHM:URL of a checksum file); a file already there with it is not downloaded again."},
      ArgSpec{.name = "timeout", .type = ArgType::integer, .default_value = 10, .description = "Seconds to wait for the server."},
      ArgSpec{.name = "headers", .type = ArgType::dict, .description = "Extra request headers."},
      ArgSpec{.name = "tmp_dest", .type = ArgType::path, .description = "The directory to download into before the file is moved to dest."},
      ArgSpec{.name = "unredirected_headers", .type = ArgType::list, .default_value = json::array(), .description = "Headers not sent again after a redirect."},
      ArgSpec{.name = "decompress", .type = ArgType::boolean, .default_value = true, .description = "Decompress a gzip-encoded response."},
      ArgSpec{.name = "ciphers", .type = ArgType::list, .description = "The TLS cipher suites to allow."},
      ArgSpec{.name = "use_netrc", .type = ArgType::boolean, .default_value = true, .description = "Take credentials from ~/.netrc when none are given."},
  });
  return k_spec;
}

long long seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
}

// A downloaded body on disk, removed unless taken.
class TempDownload {
public:
  explicit TempDownload(const std::string& dir) : m_path((fs::path(dir) / ".drover-get_url-XXXXXX").string()) {
    m_fd = ::mkostemp(m_path.data(), O_CLOEXEC);
    if (m_fd < 0) throw ModuleFailure("failed to create temporary content file: " + std::string(std::strerror(errno)));
  }
  ~TempDownload() {
    if (m_fd >= 0) ::close(m_fd);
    ::unlink(m_path.c_str());
  }
  TempDownload(const TempDownload&) = delete;
  TempDownload& operator=(const TempDownload&) = delete;
  void write(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(m_fd, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw ModuleFailure("failed to create temporary content file: " + std::string(std::strerror(errno)));
      data.remove_prefix(static_cast<size_t>(n));
    }
  }
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
  int m_fd = -1;
};

// The folder downloads go to first: tmp_dest when given (it must be a directory), else dest's
// own folder (so the final move stays on one file system), else the system's temp folder.
std::string download_dir(const json& args, const std::string& dest, bool dest_is_dir) {
  if (is_set(args, "tmp_dest")) {
    std::string tmp = arg_string(args, "tmp_dest");
    if (fs::is_directory(tmp)) return tmp;
    if (fs::exists(tmp)) throw ModuleFailure(tmp + " is a file but should be a directory.");
    throw ModuleFailure(tmp + " directory does not exist.");
  }
  std::string dir = dest_is_dir ? dest : fs::path(dest).parent_path().string();
  if (dir.empty()) dir = ".";
  if (fs::is_directory(dir) && ::access(dir.c_str(), W_OK) == 0) return dir;
  return fs::temp_directory_path().string();
}

struct Expected {
  std::string algorithm;  // "" when no checksum was given
  std::string digest;
  HashAlgorithm hash = HashAlgorithm::sha1;
};

std::string url_filename(const std::string& url) {
  auto parsed = parse_url(url);
  std::string path = parsed ? parsed->target.substr(0, parsed->target.find('?')) : url;
  std::string name = path.substr(path.rfind('/') + 1);
  return name.empty() ? "index.html" : name;
}

// A failed request: Ansible's url_get fails with url, dest and elapsed only.
void fail_request(const HttpResponse& response, const json& result) {
  json fields = {{"url", result["url"]}, {"dest", result["dest"]}, {"elapsed", result["elapsed"]}};
  if (response.status == -1) throw ModuleFailure(response.msg, fields);
  fields["status_code"] = response.status;
  fields["response"] = response.msg;
  throw ModuleFailure("Request failed", fields);
}

// The digest a checksum file lists for `filename` (`sha256sum` output, or one bare digest).
std::optional<std::string> digest_from_list(const std::string& text, const std::string& filename) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (lines.size() == 1 && lines[0].find_first_of(" \t") == std::string::npos && !lines[0].empty()) return lines[0];
  for (const auto& line : lines) {
    auto space = line.find(' ');
    if (space == std::string::npos) continue;
    std::string name = line.substr(space + 1);
    if (!name.empty() && (name[0] == ' ' || name[0] == '*')) name.erase(0, 1);
    name.erase(0, name.find_first_not_of("./"));
    if (name == filename) return line.substr(0, space);
  }
  return std::nullopt;
}

Expected parse_checksum(const json& args, const HttpRequest& base, const json& result) {
  std::string text = arg_string(args, "checksum");
  Expected expected;
  if (text.empty()) return expected;
  auto colon = text.find(':');
  if (colon == std::string::npos)
    throw ModuleFailure("The checksum parameter has to be in format <algorithm>:<checksum>", result);
  expected.algorithm = text.substr(0, colon);
  std::string value = text.substr(colon + 1);
  auto hash = hash_algorithm(expected.algorithm);
  if (!hash)
    throw ModuleFailure("Could not hash file with algorithm '" + expected.algorithm +
                            "'. Available algorithms: md5, sha1, sha224, sha256, sha384, sha512",
                        result);
  expected.hash = *hash;
  std::string scheme = value.substr(0, value.find(':'));
  if (scheme == "http" || scheme == "https" || scheme == "ftp" || scheme == "file") {
    HttpRequest request = base;
    request.url = value;
    request.method = "GET";
    HttpResponse response = fetch_url(request);
    if (response.status != 200) fail_request(response, result);
    auto digest = digest_from_list(response.body, url_filename(arg_string(args, "url")));
    if (!digest)
      throw ModuleFailure("Unable to find a checksum for file '" + url_filename(arg_string(args, "url")) + "' in '" +
                          value + "'");
    value = *digest;
  }
  std::string cleaned;
  for (char c : value)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_')
      cleaned += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (cleaned.empty() || cleaned.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw ModuleFailure("The checksum format is invalid", result);
  expected.digest = cleaned;
  return expected;
}

// dest inside a directory: the name Content-Disposition gives, else the last part of the URL.
std::string name_in_directory(const HttpResponse& response) {
  static const Regex k_disposition("attachment; ?filename=\"?([^\"]+)");
  if (auto disposition = response.header("content-disposition")) {
    if (auto m = k_disposition.match(*disposition)) {
      std::string name(m->group(1));
      name = fs::path(name).filename().string();
      if (!name.empty() && name != "." && name != "..") return name;
    }
  }
  return url_filename(response.url);
}

void check_destination(const std::string& dest, const json& result) {
  if (fs::exists(dest)) {
    if (::access(dest.c_str(), W_OK) != 0) throw ModuleFailure("Destination " + dest + " is not writable", result);
    if (::access(dest.c_str(), R_OK) != 0) throw ModuleFailure("Destination " + dest + " is not readable", result);
    return;
  }
  std::string dir = fs::path(dest).parent_path().string();
  if (dir.empty()) dir = ".";
  if (!fs::exists(dir)) throw ModuleFailure("Destination " + dir + " does not exist", result);
  if (::access(dir.c_str(), W_OK) != 0) throw ModuleFailure("Destination " + dir + " is not writable", result);
}

// Copies the downloaded file over dest through the atomic writer (temp beside dest, rename).
void install(const std::string& source, const std::string& dest) {
  AtomicFile file(dest);
  std::ifstream in(source, std::ios::binary);
  std::vector<char> buffer(4 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) file.write(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) throw ModuleFailure("failed to copy " + source + " to " + dest + ": read error");
  file.commit();
}

// An existing dest with the expected checksum and force=false: no download, only attributes.
json already_there(const json& args, const std::string& dest, json result, const ModuleContext& ctx) {
  json diff = state_diff(dest);
  result["changed"] = apply_file_attributes(dest, args, ctx, diff);
  result["msg"] = result["changed"] == true ? "file already exists but file attributes changed" : "file already exists";
  add_path_info(result, dest);
  return result;
}

}  // namespace

static json unmasked_get_url(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, spec(), "get_url");
  std::string url = arg_string(args, "url");
  std::string dest = arg_string(args, "dest");
  json result = {{"changed", false}, {"checksum_dest", nullptr}, {"checksum_src", nullptr},
                 {"dest", dest},     {"elapsed", 0},             {"url", url}};
  HttpRequest request = url_request(args);
  bool force = arg_bool(args, "force");
  bool dest_is_dir = fs::is_directory(dest);
  Expected expected = parse_checksum(args, request, result);

  if (!dest_is_dir && fs::exists(dest)) {
    bool mismatch = false;
    if (!force && !expected.algorithm.empty()) {
      mismatch = file_hex_digest(expected.hash, dest).value_or("") != expected.digest;
      if (!mismatch) return already_there(args, dest, result, ctx);
    }
    struct stat st{};
    if (::stat(dest.c_str(), &st) == 0)
      request.if_modified_since = std::chrono::system_clock::from_time_t(st.st_mtime);
    if (mismatch) force = true;
  }
  request.force = force;
  request.method = ctx.checking() ? "HEAD" : "GET";

  auto start = std::chrono::steady_clock::now();
  TempDownload temp(download_dir(args, dest, dest_is_dir));
  request.sink = [&](std::string_view piece) { temp.write(piece); };
  HttpResponse response = fetch_url(request);
  result["elapsed"] = seconds_since(start);
  if (response.status == 304) {
    return {{"url", url}, {"dest", dest}, {"changed", false}, {"msg", response.msg},
            {"status_code", 304}, {"elapsed", result["elapsed"]}};
  }
  if (response.status != 200) fail_request(response, result);
  result["src"] = temp.path();

  if (dest_is_dir) {
    dest = (fs::path(dest) / name_in_directory(response)).string();
    result["dest"] = dest;
  }
  result["checksum_src"] = *file_hex_digest(HashAlgorithm::sha1, temp.path());
  check_destination(dest, result);
  if (fs::exists(dest)) result["checksum_dest"] = file_hex_digest(HashAlgorithm::sha1, dest).value_or("");

  if (ctx.checking()) {
    result["changed"] = result["checksum_dest"].is_null() || result["checksum_src"] != result["checksum_dest"];
    result["msg"] = response.msg;
    return result;
  }

  if (!expected.algorithm.empty()) {
    std::string got = file_hex_digest(expected.hash, temp.path()).value_or("");
    if (got != expected.digest) {
      // Ansible moves the download in and then deletes dest: the same end state, without a
      // moment in which the wrong content is in place.
      std::error_code ignored;
      fs::remove(dest, ignored);
      result["changed"] = result["checksum_src"] != result["checksum_dest"];
      throw ModuleFailure("The checksum for " + dest + " did not match " + expected.digest + "; it was " + got + ".",
                          result);
    }
  }
  bool changed = result["checksum_src"] != result["checksum_dest"];
  if (changed) {
    if (arg_bool(args, "backup") && fs::exists(dest)) result["backup_file"] = backup_file(dest);
    install(temp.path(), dest);
  }
  json diff = state_diff(dest);
  changed = apply_file_attributes(dest, args, ctx, diff) || changed;
  result["changed"] = changed;
  result["md5sum"] = file_hex_digest(HashAlgorithm::md5, dest).value_or("");
  result["msg"] = response.msg;
  result["status_code"] = response.status;
  add_path_info(result, dest);
  return result;
}

json run_get_url(const json& raw_args, const ModuleContext& ctx) {
  return masking_password(raw_args, ctx, unmasked_get_url);
}

namespace {
const ReturnDoc k_get_url_returns[] = {
    ReturnDoc{"dest", "str", "success", "The file written."},
    ReturnDoc{"url", "str", "always", "The URL requested."},
    ReturnDoc{"status_code", "int", "when a request was made", "The HTTP status of the response."},
    ReturnDoc{"checksum_src", "str", "when downloaded", "The SHA-1 of the downloaded content."},
    ReturnDoc{"checksum_dest", "str", "success", "The SHA-1 of the destination afterwards."},
    ReturnDoc{"backup_file", "str", "changed and backup", "The copy of the file replaced."},
    ReturnDoc{"elapsed", "int", "always", "Seconds the download took."},
    ReturnDoc{"msg", "str", "always", "What happened."},
};
}  // namespace

const ModuleDoc get_url_doc{
    .description = "Downloads a file over HTTP or HTTPS from the target to a file on it.\nAn existing destination is not downloaded again unless force=true or its checksum differs from the one given.",
    .options = spec(),
    .returns = k_get_url_returns,
    .example = "- ansible.builtin.get_url:\n    url: https://example.com/tool.tar.gz\n    dest: /opt/tool.tar.gz\n    checksum: sha256:0123...\n    mode: '0644'\n",
    .notes = "use_gssapi is not supported.",
};

}  // namespace drover::modules
