#include "core/secrets/sops_config.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "core/value/regex.hpp"
#include "core/value/yaml.hpp"

namespace drover::secrets {
std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto a = part.find_first_not_of(" \t\n"), b = part.find_last_not_of(" \t\n");
    if (a != std::string::npos) out.push_back(part.substr(a, b - a + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

namespace {

std::vector<std::string> split_recipients(const Value& v) {
  std::vector<std::string> out;
  auto add = [&](const std::string& text) {
    for (auto& r : split_commas(text)) out.push_back(std::move(r));
  };
  if (v.is_string()) add(v.as_string());
  if (v.is_list())
    for (const auto& item : v.as_list())
      if (item.is_string()) add(item.as_string());
  return out;
}

CreationRule parse_rule(const Value& r) {
  CreationRule rule;
  rule.path_regex = r.get_string("path_regex");
  rule.age = split_recipients(r.get("age"));
  if (const Value* groups = r.find("key_groups"); groups && groups->is_list())
    for (const auto& g : groups->as_list()) {
      auto more = split_recipients(g.get("age"));
      rule.age.insert(rule.age.end(), more.begin(), more.end());
      if (g.find("pgp") || g.find("kms")) rule.has_pgp_or_kms = true;
    }
  for (const char* other : {"pgp", "kms", "gcp_kms", "azure_keyvault", "hc_vault_transit_uri"})
    if (!r.get(other).is_null() && !(r.get(other).is_string() && r.get(other).as_string().empty()))
      rule.has_pgp_or_kms = true;
  rule.rules.unencrypted_suffix = r.get_string("unencrypted_suffix");
  rule.rules.encrypted_suffix = r.get_string("encrypted_suffix");
  rule.rules.unencrypted_regex = r.get_string("unencrypted_regex");
  rule.rules.encrypted_regex = r.get_string("encrypted_regex");
  rule.rules.mac_only_encrypted = r.get_truthy("mac_only_encrypted");
  return rule;
}

}  // namespace

SopsConfig parse_sops_config(const std::string& path) {
  Value doc = load_yaml_value(path);
  SopsConfig config{path, {}};
  if (const Value* rules = doc.find("creation_rules"); rules && rules->is_list())
    for (const auto& r : rules->as_list()) config.creation_rules.push_back(parse_rule(r));
  return config;
}

std::optional<SopsConfig> find_sops_config(const std::string& start_dir) {
  std::error_code ec;
  auto dir = std::filesystem::absolute(start_dir, ec);
  for (int depth = 0; depth < 100; ++depth) {
    for (const char* name : {".sops.yaml", ".sops.yml"}) {
      auto candidate = dir / name;
      if (std::filesystem::is_regular_file(candidate, ec)) return parse_sops_config(candidate.string());
    }
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return std::nullopt;
}

const CreationRule* match_creation_rule(const SopsConfig& config, const std::string& file) {
  std::error_code ec;
  auto base = std::filesystem::path(config.path).parent_path();
  std::string relative = std::filesystem::relative(std::filesystem::absolute(file, ec), base, ec).string();
  for (const auto& rule : config.creation_rules) {
    if (rule.path_regex.empty()) return &rule;
    try {
      Regex re(rule.path_regex);
      if (re.search(file) || re.search(relative)) return &rule;
    } catch (const RegexError& e) {
      throw Fatal(config.path + ": path_regex `" + rule.path_regex + "` is not a valid regular expression (" +
                  e.what() + ")");
    }
  }
  return nullptr;
}

}  // namespace drover::secrets
