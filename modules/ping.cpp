// ping: proves the runner answers. data=crash raises, as Ansible's ping does, to test failure paths.
#include <array>
#include <stdexcept>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"

namespace drover::modules {

namespace {
const std::array k_spec{
    ArgSpec{.name = "data", .default_value = "pong", .description = "What the ping field returns. \"crash\" makes the module fail (to test error handling)."},
};
}  // namespace

json run_ping(const json& raw_args, const ModuleContext&) {
  json args = check_args(raw_args, k_spec, "ping");
  if (args["data"] == "crash") throw std::runtime_error("boom");
  return {{"ping", args["data"]}, {"changed", false}};
}

namespace {
const std::array<ReturnDoc, 1> k_ping_returns{{
    ReturnDoc{"ping", "str", "success", "The value of data."},
}};
}  // namespace

const ModuleDoc ping_doc{
    .description = "Checks that drover can log in to the target and run its runner; returns pong. Not an ICMP ping.",
    .options = k_spec,
    .returns = k_ping_returns,
    .example = "- name: Can we reach them?\n  ansible.builtin.ping:\n",
};

}  // namespace drover::modules
