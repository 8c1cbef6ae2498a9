#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/playbook/task.hpp"
#include "core/secrets/crypto.hpp"
#include "core/template/templar.hpp"
#include "core/value/python_literal.hpp"
#include "plugins/action/action.hpp"

using namespace drover;
namespace fs = std::filesystem;

namespace {

struct ModuleCall {
  std::string module;
  Value args;
};

// A target where `existing` paths exist; records the module calls and answers them.
struct FakeTarget {
  std::vector<std::string> existing;
  int rc = 0;
  std::vector<ModuleCall> calls;

  Value run(const std::string& module, const Value& args) {
    calls.push_back({module, args});
    if (module == "stat") {
      bool exists = std::find(existing.begin(), existing.end(), args.get_string("path")) != existing.end();
      return literal_eval(std::string("{'changed': False, 'stat': {'exists': ") + (exists ? "True" : "False") + "}}").value();
    }
    if (module == "tempfile") return literal_eval("{'changed': True, 'path': '/tmp/drover-script.abc'}").value();
    return literal_eval("{'changed': True}").value();
  }

  connection::ExecResult raw(const std::string& command) {
    calls.push_back({"raw", Value(command)});
    return {rc, "out\n", "err\n"};
  }
};

struct Scripts {
  fs::path dir;
  Scripts() {
    std::string pattern = (fs::temp_directory_path() / "drover-script-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()));
    dir = pattern;
    fs::create_directory(dir / "files");
    std::ofstream(dir / "files/run.sh") << "#!/bin/sh\necho out\n";
  }
  ~Scripts() { fs::remove_all(dir); }
};

Value script(FakeTarget& target, const Scripts& scripts, const std::string& args_text, bool check = false) {
  playbook::Task task;
  task.action = "script";
  tmpl::MapVariables vars(Value::map());
  tmpl::Templar templar(vars);
  action::ActionContext ctx{.task = task, .args = literal_eval(args_text).value(), .templar = templar, .vars = vars};
  ctx.check_mode = check;
  ctx.search_paths = {scripts.dir.string()};
  ctx.run_module = [&target](const std::string& module, const Value& args) { return target.run(module, args); };
  ctx.run_raw = [&target](const std::string& command) { return target.raw(command); };
  return action::run_script(ctx);
}

std::vector<std::string> modules_called(const FakeTarget& target) {
  std::vector<std::string> names;
  for (const auto& call : target.calls) names.push_back(call.module);
  return names;
}

}  // namespace

TEST_CASE("script uploads the file to a temp directory as 0700, runs it with its arguments and removes it") {
  Scripts scripts;
  FakeTarget target;
  Value r = script(target, scripts, "{'_raw_params': 'run.sh --name \"a b\"', 'chdir': '/srv'}");
  CHECK(modules_called(target) == std::vector<std::string>{"tempfile", "copy", "raw", "file"});
  const Value& copy = target.calls[1].args;
  CHECK(copy.get_string("dest") == "/tmp/drover-script.abc/run.sh");
  CHECK(copy.get_string("mode") == "0700");
  CHECK(copy.get_string("content_b64") == secrets::base64_encode("#!/bin/sh\necho out\n"));
  CHECK(target.calls[2].args == Value("cd '/srv' && /tmp/drover-script.abc/run.sh --name \"a b\""));
  CHECK(target.calls[3].args.get_string("path") == "/tmp/drover-script.abc");
  CHECK(target.calls[3].args.get_string("state") == "absent");
  CHECK(r.get_truthy("changed"));
  CHECK(r.get("rc") == Value(std::int64_t{0}));
  CHECK(r.get_string("stdout") == "out\n");  // as written: Ansible's script does not strip it
  CHECK(r.get("stdout_lines") == *literal_eval("['out']"));
  CHECK(r.get_string("stderr") == "err\n");
}

TEST_CASE("script with executable runs the interpreter on it, and a non-zero rc fails") {
  Scripts scripts;
  FakeTarget target;
  target.rc = 3;
  Value r = script(target, scripts, "{'_raw_params': 'run.sh', 'executable': '/bin/bash'}");
  CHECK(target.calls[2].args == Value("/bin/bash /tmp/drover-script.abc/run.sh"));
  CHECK(r.get_truthy("failed"));
  CHECK(r.get_string("msg") == "non-zero return code");
  CHECK(modules_called(target).back() == "file");  // removed even when it failed
}

TEST_CASE("script honours creates and removes, and does not run in check mode") {
  Scripts scripts;
  FakeTarget target{{"/etc/done"}};
  Value created = script(target, scripts, "{'_raw_params': 'run.sh', 'creates': '/etc/done'}");
  CHECK(created.get_truthy("skipped"));
  CHECK(created.get_string("msg") == "/etc/done exists, matching creates option");
  Value removed = script(target, scripts, "{'_raw_params': 'run.sh', 'removes': '/etc/none'}");
  CHECK(removed.get_string("msg") == "/etc/none does not exist, matching removes option");
  target.calls.clear();
  Value checked = script(target, scripts, "{'_raw_params': 'run.sh'}", true);
  CHECK(checked.get_truthy("skipped"));
  CHECK(checked.get_string("msg") == "Check mode is not supported for this task.");
  CHECK(target.calls.empty());
  Value predicted = script(target, scripts, "{'_raw_params': 'run.sh', 'removes': '/etc/done'}", true);
  CHECK(predicted.get_truthy("changed"));
  CHECK(!predicted.get_truthy("skipped"));
  CHECK(modules_called(target) == std::vector<std::string>{"stat"});
}

TEST_CASE("script errors name the missing file and a relative chdir") {
  Scripts scripts;
  FakeTarget target;
  CHECK(script(target, scripts, "{'_raw_params': 'missing.sh'}").get_string("msg") ==
        "Could not find or access 'missing.sh' on the Ansible Controller.");
  CHECK(script(target, scripts, "{'_raw_params': 'run.sh', 'chdir': 'rel'}").get_string("msg") ==
        "chdir rel must be an absolute path for a Unix-aware remote node");
  CHECK(target.calls.empty());
}
