#include "modules/registry.hpp"

namespace drover::modules {

json run_stat(const json&, const ModuleContext&) { throw ModuleFailure("stat: not implemented yet"); }

}  // namespace drover::modules
