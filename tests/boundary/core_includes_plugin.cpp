// Must NOT compile (ctest `boundary`): compiled as if it were a file of core/, it includes a plugin
// header, and drover_core's include directories must not reach plugins/.
#include "core/plugin_set.hpp"
#include "plugins/callback/registry.hpp"
