#include "core/secrets/vars_file.hpp"

#include "core/value/yaml.hpp"

namespace drover::secrets {

// Plain YAML for now; the encrypted layer hooks in here.
Value load_vars_file(const std::string& path) { return load_yaml_value(path); }

}  // namespace drover::secrets
