// The runner must run on a host without any shared library: the proof is running it in an empty root.
#include <doctest/doctest.h>

#include <filesystem>

#include <unistd.h>

#include "harness.hpp"
#include "modules/util/process.hpp"

using namespace drover::modules::testing;
using drover::modules::ProcessResult;
using drover::modules::ProcessSpec;
using drover::modules::run_process;

TEST_CASE("file(1) and ldd say the runner is statically linked") {
  ProcessSpec file_spec;
  file_spec.argv = {"file", "-L", DROVER_MODULES_BIN};
  ProcessResult file = run_process(file_spec);
  if (file.start_failure != drover::modules::StartFailure::none) {
    WARN_MESSAGE(false, "file(1) is not installed: skipping its check");
  } else {
    CHECK(file.stdout_text.find("statically linked") != std::string::npos);
  }
  ProcessSpec ldd_spec;
  ldd_spec.argv = {"ldd", DROVER_MODULES_BIN};
  ProcessResult ldd = run_process(ldd_spec);
  std::string said = ldd.stdout_text + ldd.stderr_text;
  CHECK((said.find("not a dynamic executable") != std::string::npos ||
         said.find("statically linked") != std::string::npos));
}

TEST_CASE("the runner prints its version inside an empty root that holds only the binary") {
  TempDir root;
  std::filesystem::copy_file(DROVER_MODULES_BIN, root / "drover-modules");
  std::filesystem::permissions(root / "drover-modules", std::filesystem::perms::owner_all);
  CHECK(std::filesystem::exists(root / "drover-modules"));
  std::vector<std::vector<std::string>> attempts;
  if (::geteuid() == 0) attempts.push_back({"chroot", root.path().string(), "/drover-modules", "--version"});
  attempts.push_back({"unshare", "-r", "--root", root.path().string(), "/drover-modules", "--version"});
  for (const auto& argv : attempts) {
    ProcessSpec spec;
    spec.argv = argv;
    ProcessResult result = run_process(spec);
    if (result.start_failure == drover::modules::StartFailure::none && result.rc == 0) {
      CHECK(result.stdout_text == std::string("drover-modules ") + DROVER_VERSION + "\n");
      MESSAGE("static proof ran with " << argv[0]);
      // and it can serve a request there too: the one-shot and serve paths need no library either
      ProcessSpec serve_spec;
      serve_spec.argv = argv;
      serve_spec.argv.back() = "--serve";
      serve_spec.stdin_data = "{\"id\": 1, \"module\": \"ping\"}\n";
      ProcessResult served = run_process(serve_spec);
      CHECK(served.stdout_text.find("\"ping\":\"pong\"") != std::string::npos);
      return;
    }
    MESSAGE(argv[0] << " did not work here (rc " << result.rc << "): " << result.stderr_text << result.error);
  }
  WARN_MESSAGE(false, "SKIPPED LOUDLY: neither chroot (needs root) nor unshare -r works on this machine, "
                      "so the empty-root proof of a static runner did not run");
}
