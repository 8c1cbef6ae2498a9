// drover-modules: the target-side runner. See docs/modules.md and docs/protocol.md.
#include <iostream>
#include <string>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/serve_loop.hpp"

namespace {

constexpr const char* k_usage =
    "usage: drover-modules --serve            answer requests on stdin (docs/protocol.md)\n"
    "       drover-modules MODULE ARGS_FILE   run one module (Ansible's binary-module protocol)\n"
    "       drover-modules --list             print the built-in module names\n"
    "       drover-modules --doc              print every module's documentation as JSON\n"
    "       drover-modules --version          print the version\n";

int list_modules() {
  for (const auto& entry : drover::modules::module_table())
    std::cout << entry.name << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string first = argc > 1 ? argv[1] : "";
  if (argc == 2 && first == "--serve") return drover::modules::serve(0, 1);
  if (argc == 2 && first == "--version") {
    std::cout << "drover-modules " << DROVER_VERSION << "\n";
    return 0;
  }
  if (argc == 2 && first == "--list") return list_modules();
  if (argc == 2 && first == "--doc") {
    std::cout << drover::modules::module_docs_json().dump() << "\n";
    return 0;
  }
  if (argc == 2 && (first == "--help" || first == "-h")) {
    std::cout << k_usage;
    return 0;
  }
  if (argc == 3 && !first.starts_with("-")) return drover::modules::run_one_shot(first, argv[2]);
  std::cerr << k_usage;
  return 1;
}
