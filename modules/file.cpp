#include "modules/registry.hpp"

namespace drover::modules {

json run_file(const json&, const ModuleContext&) { throw ModuleFailure("file: not implemented yet"); }

}  // namespace drover::modules
