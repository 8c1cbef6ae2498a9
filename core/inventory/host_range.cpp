#include "core/inventory/host_range.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "core/value/regex.hpp"

namespace drover::inventory {

namespace {

const std::string k_letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

bool is_ipv4(const std::string& s) {
  static const Regex re(
      R"((?:(?:[0-9]{1,3}|\[[0-9]+:[0-9]+(?::[0-9]+)?\])\.){3}(?:[0-9]{1,3}|\[[0-9]+:[0-9]+(?::[0-9]+)?\]))");
  return re.fullmatch(s).has_value();
}

bool is_ipv6(const std::string& s) {
  if (s.empty() || s.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos) return false;
  auto colons = std::count(s.begin(), s.end(), ':');
  bool compressed = s.find("::") != std::string::npos;
  bool v4_tail = s.find('.') != std::string::npos;
  if (compressed) return colons >= 2 && colons <= 7;
  return colons == (v4_tail ? 6 : 7);
}

bool is_hostname(const std::string& s) {
  static const std::string range = R"(\[(?:[a-zA-Z]:[a-zA-Z]|[0-9]+:[0-9]+)(?::[0-9]+)?\])";
  static const std::string label = "(?:\\w|" + range + ")(?:[\\w-]|" + range + ")*";
  static const Regex re(label + "(?:\\." + label + ")*\\.?", RegexFlag::ascii);
  return re.fullmatch(s).has_value();
}

int to_int(const std::string& s) {
  int out = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || p != s.data() + s.size())
    throw RangeError("invalid literal for int() with base 10: '" + s + "'");
  return out;
}

std::vector<std::string> split_colon(const std::string& s) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto c = s.find(':', start);
    parts.push_back(s.substr(start, c - start));
    if (c == std::string::npos) break;
    start = c + 1;
  }
  return parts;
}

}  // namespace

std::optional<Address> parse_address(std::string_view text) {
  static const Regex bracketed(R"(\[(.+)\]:([0-9]+))");
  static const Regex hostport(R"(((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+))");
  Address out;
  out.host = std::string(text);
  std::optional<RegexMatch> m = bracketed.fullmatch(text);
  if (!m) m = hostport.fullmatch(text);
  if (m) {
    out.host = std::string(m->group(1));
    try {
      out.port = std::stoi(std::string(m->group(2)));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (is_ipv4(out.host) || is_ipv6(out.host) || is_hostname(out.host)) return out;
  return std::nullopt;
}

bool has_range(std::string_view name) { return name.find('[') != std::string_view::npos; }

// Ansible expands any range; drover stops past this many names (a typo such as [1:99999][1:99999]
// would otherwise exhaust memory).
constexpr std::size_t k_max_range_hosts = 1'000'000;

void check_range_size(std::size_t count) {
  if (count > k_max_range_hosts)
    throw RangeError("host range expands to more than " + std::to_string(k_max_range_hosts) + " hosts");
}

std::vector<std::string> expand_host_range(const std::string& name) {
  auto open = name.find('[');
  auto close = name.find(']', open);
  if (open == std::string::npos || close == std::string::npos)
    throw RangeError("host range must be enclosed in [ and ]: " + name);
  std::string head = name.substr(0, open);
  std::string tail = name.substr(close + 1);
  auto bounds = split_colon(name.substr(open + 1, close - open - 1));
  if (bounds.size() != 2 && bounds.size() != 3)
    throw RangeError("host range must be begin:end or begin:end:step");
  std::string beg = bounds[0].empty() ? "0" : bounds[0];
  const std::string& end = bounds[1];
  int step = bounds.size() == 3 ? to_int(bounds[2]) : 1;
  if (end.empty()) throw RangeError("host range must specify end value");
  std::size_t width = 0;
  if (beg[0] == '0' && beg.size() > 1) {
    width = beg.size();
    if (width != end.size()) throw RangeError("host range must specify equal-length begin and end formats");
  }
  if (step <= 0) throw RangeError("host range step must be a positive number");
  std::vector<std::string> seq;
  auto bi = beg.size() == 1 ? k_letters.find(beg[0]) : std::string::npos;
  auto ei = end.size() == 1 ? k_letters.find(end[0]) : std::string::npos;
  if (bi != std::string::npos && ei != std::string::npos) {
    if (bi > ei) throw RangeError("host range must have begin <= end");
    for (auto i = bi; i <= ei; i += static_cast<std::size_t>(step)) seq.emplace_back(1, k_letters[i]);
  } else {
    // 64-bit steps: `i += step` past INT_MAX would be undefined (and never end)
    const std::int64_t b = to_int(beg), e = to_int(end);
    for (std::int64_t i = b; i <= e; i += step) {
      check_range_size(seq.size() + 1);
      std::string n = std::to_string(i);
      if (n.size() < width) n.insert(0, width - n.size(), '0');
      seq.push_back(n);
    }
  }
  std::vector<std::string> out;
  for (const auto& part : seq) {
    std::string h = head + part + tail;
    if (has_range(h)) {
      auto more = expand_host_range(h);
      check_range_size(out.size() + more.size());
      out.insert(out.end(), more.begin(), more.end());
    } else {
      out.push_back(h);
    }
  }
  return out;
}

}  // namespace drover::inventory
