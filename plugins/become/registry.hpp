// The built-in become plugins (sudo, su), in the shape core defines (core/transport/become.hpp).
// Adding a method is one new file in plugins/become/ plus one row in registry.cpp.
#pragma once

#include "core/transport/become.hpp"

namespace drover::become {

// The table, alphabetized.
BecomeMethods become_methods();

// The rows behind the table, one per file.
extern const BecomeMethod k_su;
extern const BecomeMethod k_sudo;

}  // namespace drover::become
