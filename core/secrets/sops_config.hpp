// `.sops.yaml` creation rules: which age recipients and which encryption rules a new file gets.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/secrets/sops_file.hpp"

namespace drover::secrets {

// "a, b,,c" → {"a", "b", "c"}: comma-separated recipients, blanks trimmed and empty parts dropped.
std::vector<std::string> split_commas(const std::string& text);

struct CreationRule {
  std::string path_regex;  // empty: matches every file
  std::vector<std::string> age;
  SopsRules rules;
  bool has_pgp_or_kms = false;  // keys drover cannot write for
};

struct SopsConfig {
  std::string path;  // the .sops.yaml file
  std::vector<CreationRule> creation_rules;
};

// The nearest .sops.yaml from `start_dir` upwards (sops looks from the working directory).
std::optional<SopsConfig> find_sops_config(const std::string& start_dir);
SopsConfig parse_sops_config(const std::string& path);

// The first rule matching `file` (as given, or relative to the config's directory).
const CreationRule* match_creation_rule(const SopsConfig& config, const std::string& file);

}  // namespace drover::secrets
