// YAML → Value, read as PyYAML reads YAML 1.1 (what playbooks are written for): plain
// yes/no/on/off/true/false are booleans, 0644 is octal, ~/null/empty are null, 1e5 is a string,
// quoted scalars are always strings. Anchors, aliases and merge keys (`<<`) work; alias expansion
// is bounded. `!unsafe` marks a string unsafe, `!vault` marks it as a vault ciphertext.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/error.hpp"
#include "core/value/value.hpp"

namespace drover {

// Location of a yaml-cpp node (1-based line and column).
SourceLocation location_of(const YAML::Node& node, const std::string& file);

// Receives the loader's warnings (a duplicate mapping key, as Ansible words it); "[WARNING]: " is
// added by the printer. The default prints to stderr; each distinct text is reported once.
using YamlWarningSink = std::function<void(const std::string&)>;
void set_yaml_warning_sink(YamlWarningSink sink);

// Parses text; errors are SourceErrors naming `file` (used for messages only). A quoted scalar
// left open to the end of the text is an error, as in PyYAML (yaml-cpp would take the rest of the
// file as its text).
YAML::Node parse_yaml(std::string_view text, const std::string& file);
// Reads and parses a file. Throws Fatal when it cannot be read, SourceError when it is not YAML.
YAML::Node load_yaml_file(const std::string& path);

// Converts a node to a Value with YAML 1.1 typing. Throws SourceError on an unknown tag, a merge
// key whose value is not a mapping, a document that expands past the alias bound or nests deeper
// than 1,000 levels. A key given twice in one mapping warns; the last value wins.
Value yaml_to_value(const YAML::Node& node, const std::string& file);

// The scalar typing of a plain (unquoted) scalar, exposed for `k=v` argument parsing.
Value resolve_plain_scalar(const std::string& text);

// Convenience: parse text / read a file straight to a Value.
Value parse_yaml_value(std::string_view text, const std::string& file);
Value load_yaml_value(const std::string& path);

// Value → YAML text in the style of Ansible's to_nice_yaml (block style, indent 2).
std::string value_to_yaml(const Value& v, int indent = 2);

}  // namespace drover
