#include "core/secrets/bech32.hpp"

#include <cctype>
#include <cstdint>
#include <vector>

namespace drover::secrets {
namespace {

constexpr std::string_view k_charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

std::uint32_t polymod(const std::vector<std::uint8_t>& values) {
  constexpr std::uint32_t gen[] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  std::uint32_t chk = 1;
  for (auto v : values) {
    std::uint32_t top = chk >> 25;
    chk = (chk & 0x1ffffff) << 5 ^ v;
    for (int i = 0; i < 5; ++i)
      if ((top >> i) & 1) chk ^= gen[i];
  }
  return chk;
}

std::vector<std::uint8_t> hrp_expand(std::string_view hrp) {
  std::vector<std::uint8_t> out;
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(c) >> 5);
  out.push_back(0);
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(c) & 31);
  return out;
}

// Regroups bits; with pad=false, leftover bits must be zero padding shorter than a group.
std::optional<std::vector<std::uint8_t>> convert_bits(const std::vector<std::uint8_t>& in, int from,
                                                      int to, bool pad) {
  std::uint32_t acc = 0;
  int bits = 0;
  std::vector<std::uint8_t> out;
  const std::uint32_t maxv = (1u << to) - 1;
  for (auto v : in) {
    acc = acc << from | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & maxv));
    }
  }
  if (pad) {
    if (bits > 0) out.push_back(static_cast<std::uint8_t>((acc << (to - bits)) & maxv));
  } else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::string bech32_encode(std::string_view hrp_in, std::string_view data) {
  std::string hrp;
  for (char c : hrp_in) hrp += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::uint8_t> bytes(data.begin(), data.end());
  auto groups = *convert_bits(bytes, 8, 5, true);
  auto values = hrp_expand(hrp);
  values.insert(values.end(), groups.begin(), groups.end());
  values.insert(values.end(), 6, 0);
  std::uint32_t mod = polymod(values) ^ 1;
  std::string out = hrp + "1";
  for (auto g : groups) out += k_charset[g];
  for (int i = 0; i < 6; ++i) out += k_charset[(mod >> (5 * (5 - i))) & 31];
  return out;
}

std::optional<Bech32> bech32_decode(std::string_view text) {
  bool lower = false, upper = false;
  for (char c : text) {
    if (c < 33 || c > 126) return std::nullopt;
    lower |= std::islower(static_cast<unsigned char>(c)) != 0;
    upper |= std::isupper(static_cast<unsigned char>(c)) != 0;
  }
  if (lower && upper) return std::nullopt;
  auto sep = text.rfind('1');
  if (sep == std::string_view::npos || sep == 0 || sep + 7 > text.size()) return std::nullopt;
  std::string hrp;
  for (char c : text.substr(0, sep)) hrp += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::uint8_t> values;
  for (char c : text.substr(sep + 1)) {
    auto p = k_charset.find(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (p == std::string_view::npos) return std::nullopt;
    values.push_back(static_cast<std::uint8_t>(p));
  }
  auto all = hrp_expand(hrp);
  all.insert(all.end(), values.begin(), values.end());
  if (polymod(all) != 1) return std::nullopt;
  values.resize(values.size() - 6);
  auto bytes = convert_bits(values, 5, 8, false);
  if (!bytes) return std::nullopt;
  return Bech32{hrp, std::string(bytes->begin(), bytes->end())};
}

}  // namespace drover::secrets
