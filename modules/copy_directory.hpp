// copy's remote_src directory case (modules/copy_directory.cpp), split from modules/copy.cpp.
#pragma once

#include "modules/module.hpp"

namespace drover::modules {

// Copies the directory `src` of the checked copy arguments on the target as Ansible's copy
// module does with remote_src; returns the module result. Throws ModuleFailure on I/O errors.
json copy_remote_directory(const json& args, const ModuleContext& ctx);

}  // namespace drover::modules
