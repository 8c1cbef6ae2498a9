// Reading and writing the documents sops handles, typed as sops types them (YAML 1.2 core schema
// via go-yaml, JSON via encoding/json), so MACs and encodings match byte for byte.
//
// Comments: yaml-cpp does not keep comments, so drover reads sops YAML files without their
// comments (encrypted `#ENC[…]` comments are dropped; they are not part of the sops MAC) and
// writes files without comments. See docs/secrets.md.
#pragma once

#include <string>
#include <string_view>

#include "core/value/value.hpp"

namespace drover::secrets {

enum class SopsFormat { yaml, json };

// The format a file name implies: .json → json, anything else → yaml.
SopsFormat sops_format_for(const std::string& path);

// Parses a document (the top level must be a mapping). Throws SourceError/Fatal naming `file`.
Value parse_sops_document(std::string_view text, SopsFormat format, const std::string& file);

// Writes a document as sops does: YAML with 4-space indentation, JSON with tab indentation.
std::string emit_sops_document(const Value& doc, SopsFormat format);

// A float as Go's strconv.FormatFloat(f, 'f', -1, 64): shortest round-trip digits, no exponent.
std::string go_format_float(double d);

}  // namespace drover::secrets
