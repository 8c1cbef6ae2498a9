// Factories of the built-in callbacks, one per file in plugins/callback/; only registry.cpp and
// tests include this.
#pragma once

#include <memory>

#include "core/output/callback.hpp"
#include "core/output/callback_options.hpp"

namespace drover::callback {

std::unique_ptr<output::Callback> make_default_callback(const output::CallbackOptions& options);
std::unique_ptr<output::Callback> make_json_callback(const output::CallbackOptions& options);
std::unique_ptr<output::Callback> make_junit_callback(const output::CallbackOptions& options);
std::unique_ptr<output::Callback> make_minimal_callback(const output::CallbackOptions& options);
std::unique_ptr<output::Callback> make_oneline_callback(const output::CallbackOptions& options);
std::unique_ptr<output::Callback> make_timer_callback(const output::CallbackOptions& options);

}  // namespace drover::callback
