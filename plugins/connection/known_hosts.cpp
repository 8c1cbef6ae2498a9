#include "plugins/connection/known_hosts.hpp"

#include "core/secrets/crypto.hpp"
#include "core/value/text.hpp"

namespace drover::connection {
namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// |1|base64(salt)|base64(HMAC-SHA1(salt, name))
bool hashed_name_matches(std::string_view entry, std::string_view name) {
  constexpr std::string_view k_magic = "|1|";
  if (entry.rfind(k_magic, 0) != 0) return false;
  entry.remove_prefix(k_magic.size());
  const std::size_t bar = entry.find('|');
  if (bar == std::string_view::npos) return false;
  auto salt = secrets::base64_decode_strict(entry.substr(0, bar));
  if (!salt) return false;
  return secrets::base64_encode(secrets::hmac_sha1(*salt, name)) == entry.substr(bar + 1);
}

// OpenSSH's match_pattern: `*` any run, `?` one character, everything else literal (so the
// brackets of "[host]:port" are plain characters). Iterative, backtracking to the last `*`.
bool wildcard_match(std::string_view pattern, std::string_view name) {
  std::size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool pattern_matches(std::string_view pattern, std::string_view name) {
  if (pattern.rfind("|1|", 0) == 0) return hashed_name_matches(pattern, name);
  return wildcard_match(ascii_lower(pattern), name);
}

}  // namespace

std::string known_hosts_name(std::string_view host, int port) {
  const std::string lower = ascii_lower(host);
  return port == 22 ? lower : "[" + lower + "]:" + std::to_string(port);
}

bool known_hosts_patterns_match(std::string_view patterns, std::string_view name) {
  bool matched = false;
  for (std::string_view p : split(patterns, ',')) {
    if (p.empty()) continue;
    const bool negated = p.front() == '!';
    if (negated) p.remove_prefix(1);
    if (!pattern_matches(p, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

std::vector<MarkedHostKey> marked_host_keys(std::string_view text, std::string_view name) {
  std::vector<MarkedHostKey> out;
  int number = 0;
  for (std::string_view line : split(text, '\n')) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::vector<std::string_view> w = words(line);
    if (w.size() < 4 || w[0].front() != '@') continue;
    KnownHostsMarker marker;
    if (w[0] == "@revoked") marker = KnownHostsMarker::revoked;
    else if (w[0] == "@cert-authority") marker = KnownHostsMarker::cert_authority;
    else continue;
    if (!known_hosts_patterns_match(w[1], name)) continue;
    out.push_back({marker, std::string(w[2]), std::string(w[3]), number});
  }
  return out;
}

}  // namespace drover::connection
