// Ansible's text filters: regular expressions, shell quoting, comments, paths, hashes, passwords,
// UUIDs, time and URLs (urlsplit, urldecode).
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "core/secrets/crypto.hpp"
#include "core/template/ansible_filters.hpp"
#include "core/template/ansible_support.hpp"
#include "core/template/engine.hpp"

namespace drover::tmpl::filters {

namespace {

RegexFlag flags_of(const CallArgs& args, std::size_t ignorecase_pos, std::size_t multiline_pos) {
  RegexFlag f = RegexFlag::none;
  if (bool_arg(args, ignorecase_pos, "ignorecase", false)) f = f | RegexFlag::ignorecase;
  if (bool_arg(args, multiline_pos, "multiline", false)) f = f | RegexFlag::multiline;
  return f;
}

std::vector<std::string> path_parts(const std::string& p) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i <= p.size()) {
    std::size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    parts.push_back(p.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

// os.path.normpath for POSIX.
std::string normpath(const std::string& p) {
  if (p.empty()) return ".";
  bool absolute = p[0] == '/';
  int leading = absolute ? ((p.size() > 1 && p[1] == '/' && (p.size() == 2 || p[2] != '/')) ? 2 : 1) : 0;
  std::vector<std::string> out;
  for (const std::string& part : path_parts(p)) {
    if (part.empty() || part == ".") continue;
    if (part != ".." || (!absolute && out.empty()) || (!out.empty() && out.back() == "..")) out.push_back(part);
    else if (!out.empty()) out.pop_back();
  }
  std::string joined;
  for (const auto& part : out) joined += (joined.empty() ? "" : "/") + part;
  std::string result = std::string(static_cast<std::size_t>(leading), '/') + joined;
  return result.empty() ? "." : result;
}

std::string cwd() {
  std::error_code ec;
  return std::filesystem::current_path(ec).string();
}

std::string abspath(const std::string& p) { return normpath(!p.empty() && p[0] == '/' ? p : cwd() + "/" + p); }

std::string shlex_quote(const std::string& s) {
  if (s.empty()) return "''";
  bool safe = std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || std::string_view("@%+=:,./-").find(static_cast<char>(c)) != std::string_view::npos;
  });
  if (safe) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return out + "'";
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

std::string rstrip(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

const std::string k_crypt_chars = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// hashlib's hexdigest(), or Ansible's error for an algorithm it does not know.
std::string known_hex_digest(std::string_view algorithm, std::string_view data) {
  std::optional<std::string> hex = secrets::hex_digest(algorithm, data);
  if (!hex) throw TemplateError("unsupported hash type " + std::string(algorithm));
  return *hex;
}

}  // namespace

Value regex_replace(const Value& in, const CallArgs& args) {
  return with_regex([&] {
    Regex re(string_arg(args, 0, "pattern", ""), flags_of(args, 2, 3));
    std::int64_t count = int_arg(args, 4, "count", 0, "regex_replace");
    return Value(re.sub(string_arg(args, 1, "replacement", ""), python_str(in), count > 0 ? count : 0));
  });
}

// re.findall: strings when the pattern has at most one group, else a tuple of its groups per match
// (a group that did not take part is "").
Value regex_findall(const Value& in, const CallArgs& args) {
  return with_regex([&] {
    Regex re(string_arg(args, 0, "regex", ""), flags_of(args, 2, 1));
    std::string text = python_str(in);
    List out;
    for (const RegexMatch& m : re.find_all(text)) {
      if (re.group_count() <= 1) {
        out.emplace_back(std::string(m.group(re.group_count())));
        continue;
      }
      List groups;
      for (std::size_t g = 1; g <= re.group_count(); ++g) groups.emplace_back(std::string(m.group(g)));
      Value tuple(std::move(groups));
      out.push_back(std::move(tuple.add_mark(Mark::tuple)));
    }
    return Value(std::move(out));
  });
}

Value regex_search(const Value& in, const CallArgs& args) {
  std::string text = python_str(in);
  RegexFlag f = RegexFlag::none;
  if (const Value* v = args.keyword.find("ignorecase"); v && v->truthy()) f = f | RegexFlag::ignorecase;
  if (const Value* v = args.keyword.find("multiline"); v && v->truthy()) f = f | RegexFlag::multiline;
  return with_regex([&] {
    Regex re(string_arg(args, 0, "regex", ""), f);
    std::vector<std::size_t> groups;
    for (std::size_t i = 1; i < args.positional.size(); ++i) {
      std::string a = python_str(args.positional[i]);
      std::string ref;
      if (a.rfind("\\g<", 0) == 0 && a.find('>') != std::string::npos) ref = a.substr(3, a.find('>') - 3);
      else if (a.size() > 1 && a[0] == '\\' && std::isdigit(static_cast<unsigned char>(a[1])))
        ref = a.substr(1, a.find_first_not_of("0123456789", 1) - 1);
      else throw TemplateError("Unknown argument");
      std::optional<std::size_t> idx;
      if (!ref.empty() && ref.find_first_not_of("0123456789") == std::string::npos) {
        if (ref.size() < 10 && std::stoul(ref) <= re.group_count()) idx = std::stoul(ref);
      } else {
        idx = re.group_index(ref);
      }
      if (!idx) throw TemplateError("no such group");
      groups.push_back(*idx);
    }
    std::optional<RegexMatch> m = re.search(text);
    if (!m) return Value();
    if (groups.empty()) return Value(std::string(m->group()));
    List out;
    for (std::size_t g : groups) {
      if (m->matched(g)) out.emplace_back(std::string(m->group(g)));
      else out.emplace_back();
    }
    return Value(std::move(out));
  });
}

Value regex_escape(const Value& in, const CallArgs& args) {
  std::string type = string_arg(args, 0, "re_type", "python");
  std::string specials;
  if (type == "python") specials = std::string("()[]{}?*+-|^$\\.&~# \t\n\r\v\f");
  else if (type == "posix_basic") specials = "].[^$*\\";
  else if (type == "posix_extended") throw TemplateError("Regex type (" + type + ") not yet implemented");
  else throw TemplateError("Invalid regex type (" + type + ")");
  std::string out;
  for (char c : python_str(in)) {
    if (specials.find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return Value(out);
}

Value quote(const Value& in, const CallArgs&) { return Value(shlex_quote(in.is_null() ? "" : python_str(in))); }

Value comment(const Value& in, const CallArgs& args) {
  struct Style {
    const char* name;
    const char* beginning;
    const char* decoration;
    const char* end;
  };
  static const Style styles[] = {{"c", "", "// ", ""},
                                 {"cblock", "/*", " * ", " */"},
                                 {"erlang", "", "% ", ""},
                                 {"plain", "", "# ", ""},
                                 {"xml", "<!--", " - ", "-->"}};
  std::string style_name = string_arg(args, 0, "style", "plain");
  const Style* st = nullptr;
  for (const Style& s : styles)
    if (style_name == s.name) st = &s;
  if (!st) throw TemplateError("'" + style_name + "'");
  auto kw = [&](const char* name, std::string fallback) {
    const Value* v = args.keyword.find(name);
    return v ? python_str(*v) : fallback;
  };
  std::string prepostfix = kw("decoration", st->decoration);
  std::string newline = kw("newline", "\n");
  std::string beginning = kw("beginning", st->beginning);
  std::string decoration = kw("decoration", st->decoration);
  std::string prefix = kw("prefix", rstrip(prepostfix));
  std::string postfix = kw("postfix", rstrip(prepostfix));
  std::string end = kw("end", st->end);
  std::int64_t prefix_count = std::stoll(kw("prefix_count", "1"));
  std::int64_t postfix_count = std::stoll(kw("postfix_count", "1"));

  std::string out;
  if (!beginning.empty()) out += beginning + newline;
  if (!prefix.empty())
    for (std::int64_t i = 0; i < prefix_count; ++i) out += prefix != newline ? prefix + newline : newline;
  std::string text = decoration + replace_all(python_str(in), newline, newline + decoration);
  out += replace_all(text, decoration + newline, rstrip(decoration) + newline);
  for (std::int64_t i = 0; i < postfix_count; ++i) out += newline + postfix;
  if (!end.empty()) out += newline + end;
  return Value(out);
}

Value basename(const Value& in, const CallArgs&) {
  std::string p = python_str(in);
  std::size_t slash = p.rfind('/');
  return Value(slash == std::string::npos ? p : p.substr(slash + 1));
}

Value dirname(const Value& in, const CallArgs&) {
  std::string p = python_str(in);
  std::size_t slash = p.rfind('/');
  std::string head = slash == std::string::npos ? "" : p.substr(0, slash + 1);
  if (!head.empty() && head.find_first_not_of('/') != std::string::npos)
    while (!head.empty() && head.back() == '/') head.pop_back();
  return Value(head);
}

Value expanduser(const Value& in, const CallArgs&) {
  std::string p = python_str(in);
  if (p.empty() || p[0] != '~') return Value(p);
  std::size_t slash = p.find('/');
  std::string user = p.substr(1, (slash == std::string::npos ? p.size() : slash) - 1);
  std::string home;
  if (user.empty()) {
    const char* h = std::getenv("HOME");
    if (h) home = h;
    else if (const passwd* pw = getpwuid(getuid())) home = pw->pw_dir;
  } else if (const passwd* pw = getpwnam(user.c_str())) {
    home = pw->pw_dir;
  } else {
    return Value(p);
  }
  if (home.size() > 1 && home.back() == '/') home.pop_back();
  std::string rest = slash == std::string::npos ? "" : p.substr(slash);
  return Value(home.empty() && rest.empty() ? std::string("/") : home + rest);
}

Value realpath(const Value& in, const CallArgs&) {
  std::string p = abspath(python_str(in));
  // resolve the longest existing prefix through the file system, keep the rest as written
  std::vector<std::string> parts = path_parts(p.substr(1));
  std::string resolved = "/";
  std::size_t i = 0;
  for (; i < parts.size(); ++i) {
    std::string candidate = (resolved == "/" ? "/" : resolved + "/") + parts[i];
    char buf[PATH_MAX];
    if (!::realpath(candidate.c_str(), buf)) break;
    resolved = buf;
  }
  for (; i < parts.size(); ++i) resolved = normpath((resolved == "/" ? "" : resolved) + "/" + parts[i]);
  return Value(resolved);
}

Value relpath(const Value& in, const CallArgs& args) {
  std::string path = python_str(in);
  if (path.empty()) throw TemplateError("no path specified");
  std::vector<std::string> target = path_parts(abspath(path).substr(1));
  std::vector<std::string> start = path_parts(abspath(string_arg(args, 0, "start", ".")).substr(1));
  auto clean = [](std::vector<std::string>& v) { v.erase(std::remove(v.begin(), v.end(), ""), v.end()); };
  clean(target), clean(start);
  std::size_t common = 0;
  while (common < target.size() && common < start.size() && target[common] == start[common]) ++common;
  std::string out;
  for (std::size_t i = common; i < start.size(); ++i) out += out.empty() ? ".." : "/..";
  for (std::size_t i = common; i < target.size(); ++i) out += (out.empty() ? "" : "/") + target[i];
  return Value(out.empty() ? std::string(".") : out);
}

// os.path.splitext: the tuple (root, ext).
Value splitext(const Value& in, const CallArgs&) {
  std::string p = python_str(in);
  std::size_t slash = p.rfind('/');
  std::size_t base = slash == std::string::npos ? 0 : slash + 1;
  std::size_t dot = p.rfind('.');
  if (dot != std::string::npos && dot > base) {
    // dots leading the file name do not start an extension
    std::size_t first_non_dot = p.find_first_not_of('.', base);
    if (first_non_dot != std::string::npos && first_non_dot < dot)
      return detail::make_tuple(List{Value(p.substr(0, dot)), Value(p.substr(dot))});
  }
  return detail::make_tuple(List{Value(p), Value("")});
}

Value path_join(const Value& in, const CallArgs&) {
  List parts;
  if (in.is_string()) parts.push_back(in);
  else if (in.is_list()) parts = in.as_list();
  else throw TemplateError("|path_join expects string or sequence, got " + py_class(in) + " instead.");
  std::string out;
  bool first = true;
  for (const Value& v : parts) {
    std::string s = python_str(v);
    if (first || (!s.empty() && s[0] == '/')) out = s;
    else if (out.empty() || out.back() == '/') out += s;
    else out += "/" + s;
    first = false;
  }
  return Value(out);
}

Value hash(const Value& in, const CallArgs& args) {
  return Value(known_hex_digest(string_arg(args, 0, "hashtype", "sha1"), python_str(in)));
}
Value checksum(const Value& in, const CallArgs&) { return Value(known_hex_digest("sha1", python_str(in))); }
Value md5(const Value& in, const CallArgs&) { return Value(known_hex_digest("md5", python_str(in))); }
Value sha1(const Value& in, const CallArgs&) { return Value(known_hex_digest("sha1", python_str(in))); }

Value password_hash(const Value& in, const CallArgs& args) {
  std::string type = string_arg(args, 0, "hashtype", "sha512");
  int variant;
  int implicit_rounds;
  if (type == "sha512" || type == "sha512_crypt") variant = 6, implicit_rounds = 656000;
  else if (type == "sha256" || type == "sha256_crypt") variant = 5, implicit_rounds = 535000;
  else throw TemplateError("drover's password_hash supports sha512 and sha256 (crypt), not '" + type + "'");
  std::string name = variant == 6 ? "sha512_crypt" : "sha256_crypt";
  Value salt_v = arg_or(args, 1, "salt", Value());
  std::string salt;
  if (salt_v.truthy()) {
    salt = python_str(salt_v);
    if (salt.size() > 16) throw TemplateError("Could not hash the secret. salt too large (" + name + " requires <= 16 chars)");
    if (salt.find_first_not_of(k_crypt_chars) != std::string::npos)
      throw TemplateError("Could not hash the secret. invalid characters in " + name + " salt");
  } else {
    std::int64_t size = int_arg(args, 2, "salt_size", 16, "password_hash");
    salt = random_string(static_cast<std::size_t>(std::clamp<std::int64_t>(size, 0, 16)), k_crypt_chars);
  }
  std::int64_t rounds = int_arg(args, 3, "rounds", 0, "password_hash");
  if (rounds == 0) rounds = implicit_rounds;
  if (rounds < 1000 || rounds > 999999999) throw TemplateError("Could not hash the secret. rounds out of range for " + name);
  return Value(sha_crypt(variant, python_str(in), salt, static_cast<int>(rounds)));
}

Value to_uuid(const Value& in, const CallArgs& args) {
  return Value(uuid5(string_arg(args, 0, "namespace", "361E6D51-FAEC-444A-9079-341386DA8E2E"), python_str(in)));
}

Value strftime(const Value& in, const CallArgs& args) {
  std::time_t t = std::time(nullptr);
  if (const Value* s = args.arg(0, "second"); s && !s->is_null()) {
    double d;
    if (s->is_number()) d = s->as_number();
    else {
      try {
        d = std::stod(python_str(*s));
      } catch (const std::exception&) {
        throw TemplateError("Invalid value for epoch value (" + python_str(*s) + ")");
      }
    }
    t = static_cast<std::time_t>(d);
  }
  std::tm tm{};
  if (bool_arg(args, 1, "utc", false)) gmtime_r(&t, &tm);
  else localtime_r(&t, &tm);
  std::string format = python_str(in);
  if (format.empty()) return Value("");
  std::string buf(format.size() * 8 + 256, '\0');
  std::size_t n = std::strftime(buf.data(), buf.size(), format.c_str(), &tm);
  buf.resize(n);
  return Value(buf);
}

Value to_datetime(const Value& in, const CallArgs& args) {
  std::string text = python_str(in);
  std::string format = string_arg(args, 0, "format", "%Y-%m-%d %H:%M:%S");
  std::tm tm{};
  const char* rest = ::strptime(text.c_str(), format.c_str(), &tm);
  if (!rest || *rest)
    throw TemplateError("time data " + python_repr(Value(text)) + " does not match format " + python_repr(Value(format)));
  // drover has no datetime type: the value is str(datetime) ("2020-01-02 03:04:05").
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return Value(std::string(buf));
}

namespace {

Map url_parts(const std::string& url) {
  std::string rest = url, scheme, netloc, query, fragment;
  std::size_t colon = rest.find(':');
  if (colon != std::string::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(rest[0])) &&
      std::all_of(rest.begin(), rest.begin() + static_cast<long>(colon), [](unsigned char c) {
        return std::isalnum(c) || c == '+' || c == '-' || c == '.';
      })) {
    scheme = rest.substr(0, colon);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    rest = rest.substr(colon + 1);
  }
  if (rest.rfind("//", 0) == 0) {
    std::size_t end = rest.find_first_of("/?#", 2);
    if (end == std::string::npos) end = rest.size();
    netloc = rest.substr(2, end - 2);
    rest = rest.substr(end);
  }
  if (std::size_t hash = rest.find('#'); hash != std::string::npos) fragment = rest.substr(hash + 1), rest.resize(hash);
  if (std::size_t q = rest.find('?'); q != std::string::npos) query = rest.substr(q + 1), rest.resize(q);

  Value username, password, hostname, port;
  std::string hostport = netloc;
  if (std::size_t at = netloc.rfind('@'); at != std::string::npos) {
    std::string userinfo = netloc.substr(0, at);
    hostport = netloc.substr(at + 1);
    std::size_t c = userinfo.find(':');
    username = Value(userinfo.substr(0, c));
    if (c != std::string::npos) password = Value(userinfo.substr(c + 1));
  }
  std::string host = hostport, port_text;
  if (!hostport.empty() && hostport[0] == '[') {
    std::size_t close = hostport.find(']');
    host = hostport.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    if (close != std::string::npos && hostport.size() > close + 1 && hostport[close + 1] == ':') port_text = hostport.substr(close + 2);
  } else if (std::size_t c = hostport.rfind(':'); c != std::string::npos) {
    host = hostport.substr(0, c);
    port_text = hostport.substr(c + 1);
  }
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!host.empty()) hostname = Value(host);
  if (!port_text.empty() && port_text.find_first_not_of("0123456789") == std::string::npos) {
    long p = std::stol(port_text);
    if (p > 65535) throw TemplateError("Port out of range 0-65535");
    port = Value(p);
  }
  Map out;
  out.set("fragment", Value(fragment));
  out.set("hostname", hostname);
  out.set("netloc", Value(netloc));
  out.set("password", password);
  out.set("path", Value(rest));
  out.set("port", port);
  out.set("query", Value(query));
  out.set("scheme", Value(scheme));
  out.set("username", username);
  return out;
}

}  // namespace

Value urlsplit(const Value& in, const CallArgs& args) {
  Map parts = url_parts(python_str(in));
  std::string query = string_arg(args, 0, "query", "");
  if (query.empty()) return Value(std::move(parts));
  const Value* v = parts.find(query);
  if (!v) throw TemplateError("urlsplit: unknown URL component: " + query);
  return *v;
}

// urllib.parse.unquote_plus: '+' is a space, %XX a byte (malformed escapes stay as written);
// bytes that are not UTF-8 become U+FFFD, as errors='replace' does.
Value urldecode(const Value& in, const CallArgs&) {
  if (!in.is_string()) throw TemplateError("a bytes-like object is required, not '" + in.type_name() + "'");
  const std::string& s = in.as_string();
  std::string bytes;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') bytes += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
             std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      bytes += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      bytes += s[i];
    }
  }
  std::string out;
  for (std::size_t i = 0; i < bytes.size();) {
    auto c = static_cast<unsigned char>(bytes[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = len > 0 && i + len <= bytes.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(bytes[i + k]) & 0xC0) == 0x80;
    if (ok) out.append(bytes, i, len), i += len;
    else out += "\xEF\xBF\xBD", ++i;
  }
  return Value(out);
}

}  // namespace drover::tmpl::filters
