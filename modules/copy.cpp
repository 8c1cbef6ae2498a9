#include "modules/registry.hpp"

namespace drover::modules {

json run_copy(const json&, const ModuleContext&) { throw ModuleFailure("copy: not implemented yet"); }

}  // namespace drover::modules
