// Must compile (ctest `boundary-control`): with the same settings as core_includes_plugin.cpp,
// a core header is found, so that probe fails for the include of plugins/ alone.
#include "core/plugin_set.hpp"
