#include "modules/registry.hpp"

namespace drover::modules {

json run_slurp(const json&, const ModuleContext&) { throw ModuleFailure("slurp: not implemented yet"); }

}  // namespace drover::modules
