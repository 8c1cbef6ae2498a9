// Runs a module of the built runner inside new mount, UTS and network namespaces, with /etc as an
// overlay whose writes land in a scratch folder: the system-settings modules (hostname, sysctl,
// mount, timezone, ...) then change real files and the kernel's per-namespace settings (host
// name, net.* sysctls, mounts) without touching this machine's. Needs root and unshare(1): the
// tests that use it skip themselves otherwise (namespaces_available()).
#pragma once

#include <string>
#include <vector>

#include <unistd.h>

#include "harness.hpp"
#include "modules/util/process.hpp"

namespace drover::modules::testing {

inline bool namespaces_available() {
  if (::geteuid() != 0) return false;
  ProcessSpec probe;
  probe.argv = {"unshare", "-m", "-u", "-n", "true"};
  return run_process(probe).rc == 0;
}

// The isolated system: `etc_changes` is where the module's writes to /etc land (upper layer);
// `bin` is put first on PATH (test doubles of commands).
class Isolated {
public:
  Isolated() {
    std::filesystem::create_directories(m_dir / "etc_changes");
    std::filesystem::create_directories(m_dir / "work");
    std::filesystem::create_directories(m_dir / "bin");
  }
  std::string etc_file(const std::string& name) const { return m_dir / ("etc_changes/" + name); }
  std::string bin() const { return m_dir / "bin"; }
  std::string path(const std::string& name) const { return m_dir / name; }

  // Shell commands run in the namespaces before the modules, and after them (the output of
  // `after` is in `after_output`).
  std::string setup;
  std::string after;
  std::string after_output;

  struct Call {
    std::string module;
    json args;
    Check check = Check::no;
    Diff diff = Diff::no;
  };

  // Runs the calls one after the other in the same namespaces and returns their results.
  std::vector<json> run_all(const std::vector<Call>& calls) {
    std::string script = "set -e; mount -t overlay overlay -o lowerdir=/etc,upperdir=" + (m_dir / "etc_changes") +
                         ",workdir=" + (m_dir / "work") + " /etc; " + setup + "\n";
    for (std::size_t i = 0; i < calls.size(); ++i) {
      json args = calls[i].args;
      if (calls[i].check == Check::yes) args["_ansible_check_mode"] = true;
      if (calls[i].diff == Diff::yes) args["_ansible_diff"] = true;
      std::string n = std::to_string(i);
      write_text(m_dir / ("args" + n + ".json"), args.dump());
      script += "\"$0\" " + calls[i].module + " " + (m_dir / ("args" + n + ".json")) + " > " + (m_dir / ("result" + n + ".json")) + "\n";
    }
    script += after;
    ProcessSpec spec;
    spec.argv = {"unshare", "-m", "-u", "-n", "sh", "-c", script, DROVER_MODULES_BIN};
    spec.environment = {{"PATH", bin() + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}};
    ProcessResult process = run_process(spec);
    INFO("stderr: " << process.stderr_text);
    REQUIRE(process.rc == 0);
    after_output = process.stdout_text;
    std::vector<json> results;
    for (std::size_t i = 0; i < calls.size(); ++i) results.push_back(json::parse(read_text(m_dir / ("result" + std::to_string(i) + ".json"))));
    return results;
  }

  json run(const std::string& module, json args, Check check = Check::no, Diff diff = Diff::no) {
    return run_all({{module, std::move(args), check, diff}}).front();
  }

private:
  TempDir m_dir;
};

}  // namespace drover::modules::testing
