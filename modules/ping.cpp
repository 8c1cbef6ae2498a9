// ping: proves the runner answers. data=crash raises, as Ansible's ping does, to test failure paths.
#include <array>
#include <stdexcept>

#include "modules/registry.hpp"
#include "modules/util/args.hpp"

namespace drover::modules {

namespace {
const std::array k_spec{
    ArgSpec{.name = "data", .default_value = "pong"},
};
}  // namespace

json run_ping(const json& raw_args, const ModuleContext&) {
  json args = check_args(raw_args, k_spec, "ping");
  if (args["data"] == "crash") throw std::runtime_error("boom");
  return {{"ping", args["data"]}, {"changed", false}};
}

}  // namespace drover::modules
