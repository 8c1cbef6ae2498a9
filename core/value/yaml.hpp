// YAML → Value, read as PyYAML reads YAML 1.1 (what playbooks are written for): plain
// yes/no/on/off/true/false are booleans, 0644 is octal, ~/null/empty are null, 1e5 is a string,
// quoted scalars are always strings. Anchors, aliases and merge keys (`<<`) work; alias expansion
// is bounded. `!unsafe` marks a string unsafe, `!vault` marks it as a vault ciphertext.
#pragma once

#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/error.hpp"
#include "core/value/value.hpp"

namespace drover {

// Location of a yaml-cpp node (1-based line and column).
SourceLocation location_of(const YAML::Node& node, const std::string& file);

// Parses text; errors are SourceErrors naming `file` (used for messages only).
YAML::Node parse_yaml(std::string_view text, const std::string& file);
// Reads and parses a file. Throws Fatal when it cannot be read, SourceError when it is not YAML.
YAML::Node load_yaml_file(const std::string& path);

// Converts a node to a Value with YAML 1.1 typing. Throws SourceError on an unknown tag, a merge
// key whose value is not a mapping, or a document that expands past the alias bound.
Value yaml_to_value(const YAML::Node& node, const std::string& file);

// The scalar typing of a plain (unquoted) scalar, exposed for `k=v` argument parsing.
Value resolve_plain_scalar(const std::string& text);

// Convenience: parse text / read a file straight to a Value.
Value parse_yaml_value(std::string_view text, const std::string& file);
Value load_yaml_value(const std::string& path);

// Value → YAML text in the style of Ansible's to_nice_yaml (block style, indent 2).
std::string value_to_yaml(const Value& v, int indent = 2);

}  // namespace drover
