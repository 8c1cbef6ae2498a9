#include "modules/registry.hpp"

namespace drover::modules {

json run_setup(const json&, const ModuleContext&) { throw ModuleFailure("setup: not implemented yet"); }

}  // namespace drover::modules
