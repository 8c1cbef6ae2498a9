// The password lookup: a random password kept in a file on the control node, created on first use
// and reused afterwards, in Ansible's file format ("<password>[ salt=<salt>[ ident=<ident>]]").
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/template/ansible_support.hpp"
#include "plugins/lookup/lookup_support.hpp"

namespace drover::lookup {

namespace {

const char* k_ascii_letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

struct PasswordParams {
  std::string path;
  std::int64_t length = 20;
  Value encrypt, ident, seed;
  std::vector<std::string> chars{"ascii_letters", "digits", ".,:-_"};
};

// Python's string module constants that `chars=` may name.
std::string chars_for(const std::string& spec) {
  if (spec == "ascii_letters") return k_ascii_letters;
  if (spec == "ascii_lowercase") return "abcdefghijklmnopqrstuvwxyz";
  if (spec == "ascii_uppercase") return "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  if (spec == "digits") return "0123456789";
  if (spec == "hexdigits") return "0123456789abcdefABCDEF";
  if (spec == "octdigits") return "01234567";
  if (spec == "punctuation") return "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  return spec;
}

std::vector<std::string> split_chars(const std::string& s) {
  std::vector<std::string> out;
  if (s.find(",,") != std::string::npos) out.push_back(",");
  std::string rest;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 2, ",,") == 0) rest += ',', ++i;
    else rest += s[i];
  }
  for (std::size_t i = 0, comma; i <= rest.size(); i = comma + 1) {
    comma = rest.find(',', i);
    if (comma == std::string::npos) comma = rest.size();
    if (comma > i) out.push_back(rest.substr(i, comma - i));
  }
  return out;
}

void set_param(PasswordParams& p, const std::string& key, const Value& v) {
  if (key == "length") {
    std::string s = python_str(v);
    try {
      p.length = std::stoll(s);
    } catch (const std::exception&) {
      throw TemplateError("invalid literal for int() with base 10: '" + s + "'");
    }
  } else if (key == "encrypt") p.encrypt = v;
  else if (key == "ident") p.ident = v;
  else if (key == "seed") p.seed = v;
  else if (key == "chars") p.chars = v.is_list() ? std::vector<std::string>{} : split_chars(python_str(v));
  else throw TemplateError("Unrecognized parameter(s) given to password lookup: " + key);
  if (key == "chars" && v.is_list())
    for (const Value& c : v.as_list()) p.chars.push_back(python_str(c));
}

PasswordParams parse_term(const std::string& term, const Map& kwargs) {
  PasswordParams p;
  for (const auto& [k, v] : kwargs) set_param(p, k, v);
  std::size_t space = term.find(' ');
  p.path = term.substr(0, space);
  if (space == std::string::npos) return p;
  for (const auto& [key, value] :
       term_options(term.substr(space), "Unrecognized value after key=value parameters given to password lookup"))
    set_param(p, key, Value(value));
  return p;
}

std::string random_password(const PasswordParams& p, const std::string& chars) {
  std::size_t length = static_cast<std::size_t>(std::max<std::int64_t>(0, p.length));
  if (p.seed.is_null()) return tmpl::random_string(length, chars);
  tmpl::PyRandom r(p.seed);
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out += chars[static_cast<std::size_t>(r.randbelow(chars.size()))];
  return out;
}

struct Stored {
  std::string password, salt, ident;
};

Stored parse_content(const std::string& content) {
  Stored s{content, "", ""};
  std::size_t at = content.rfind(" salt=");
  if (at == std::string::npos) return s;
  s.password = content.substr(0, at);
  std::string rem = content.substr(at + 6);
  std::size_t id = rem.rfind(" ident=");
  if (id == std::string::npos) s.salt = rem;
  else s.salt = rem.substr(0, id), s.ident = rem.substr(id + 7);
  return s;
}

void write_password_file(const std::string& path, const std::string& content) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::exists(dir)) {
    std::filesystem::create_directories(dir, ec);
    ::chmod(dir.c_str(), 0700);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw TemplateError("the password lookup cannot write " + path);
  ::chmod(path.c_str(), 0600);
  out << content << "\n";
}

}  // namespace

List password(const List& terms, const Map& kwargs, LookupContext& ctx) {
  List out;
  for (const Value& term : terms) {
    PasswordParams p = parse_term(term_string(term), kwargs);
    std::string path = p.path[0] == '/' ? p.path : base_dir(ctx) + "/" + p.path;
    std::string chars;
    for (const std::string& spec : p.chars) chars += chars_for(spec);
    chars.erase(std::remove_if(chars.begin(), chars.end(), [](char c) { return c == '"' || c == '\''; }), chars.end());
    bool dev_null = path == "/dev/null";
    Stored stored;
    bool changed = false;
    struct stat st;
    if (dev_null || ::stat(path.c_str(), &st) != 0) {
      stored.password = random_password(p, chars);
      changed = true;
    } else {
      std::string content = read_lookup_file(path);
      while (!content.empty() && std::isspace(static_cast<unsigned char>(content.back()))) content.pop_back();
      stored = parse_content(content);
    }
    std::string encrypt = p.encrypt.truthy() ? python_str(p.encrypt) : "";
    if (!encrypt.empty() && stored.salt.empty()) {
      stored.salt = tmpl::random_string(16, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
      changed = true;
    }
    if (changed && !dev_null) {
      std::string content = stored.password;
      if (!stored.salt.empty()) content += " salt=" + stored.salt;
      if (!stored.salt.empty() && !stored.ident.empty()) content += " ident=" + stored.ident;
      write_password_file(path, content);
    }
    if (encrypt.empty()) {
      out.emplace_back(stored.password);
    } else {
      int variant = (encrypt == "sha256_crypt" || encrypt == "sha256") ? 5 : 6;
      if (encrypt != "sha512_crypt" && encrypt != "sha512" && variant != 5)
        throw TemplateError("drover's password lookup encrypts with sha512_crypt or sha256_crypt, not " + encrypt);
      out.emplace_back(tmpl::sha_crypt(variant, stored.password, stored.salt, variant == 6 ? 656000 : 535000));
    }
  }
  return out;
}

}  // namespace drover::lookup
