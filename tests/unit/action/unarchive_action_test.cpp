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

// A target where `existing` paths exist (`dirs` of them directories); records the module calls.
struct FakeTarget {
  std::vector<std::string> existing;
  std::vector<std::string> dirs;
  std::vector<ModuleCall> calls;

  Value run(const std::string& module, const Value& args) {
    calls.push_back({module, args});
    if (module == "stat") {
      std::string path = args.get_string("path");
      bool exists = std::find(existing.begin(), existing.end(), path) != existing.end();
      bool dir = std::find(dirs.begin(), dirs.end(), path) != dirs.end();
      return literal_eval(std::string("{'changed': False, 'stat': {'exists': ") + (exists ? "True" : "False") +
                          ", 'isdir': " + (dir ? "True" : "False") + "}}")
          .value();
    }
    return literal_eval("{'changed': True}").value();
  }
};

struct Files {
  fs::path dir;
  Files() {
    std::string pattern = (fs::temp_directory_path() / "drover-unarchive-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()));
    dir = pattern;
    fs::create_directory(dir / "files");
    std::ofstream(dir / "files/app.tgz", std::ios::binary) << std::string("\x1f\x8b\x08\x00 bytes", 12);
  }
  ~Files() { fs::remove_all(dir); }
};

Value unarchive(FakeTarget& target, const Files& files, const std::string& args_text, bool check = false) {
  playbook::Task task;
  task.action = "unarchive";
  tmpl::MapVariables vars(Value::map());
  tmpl::Templar templar(vars);
  action::ActionContext ctx{.task = task, .args = literal_eval(args_text).value(), .templar = templar, .vars = vars};
  ctx.check_mode = check;
  ctx.search_paths = {files.dir.string()};
  ctx.run_module = [&target](const std::string& module, const Value& args) { return target.run(module, args); };
  return action::run_unarchive(ctx);
}

std::vector<std::string> modules_called(const FakeTarget& target) {
  std::vector<std::string> names;
  for (const auto& call : target.calls) names.push_back(call.module);
  return names;
}

}  // namespace

TEST_CASE("unarchive sends a control-node archive with the request, base64, without decrypt") {
  Files files;
  FakeTarget target{.existing = {"/srv/app"}, .dirs = {"/srv/app"}};
  Value r = unarchive(target, files, "{'src': 'app.tgz', 'dest': '/srv/app', 'decrypt': True}");
  CHECK(r.get_truthy("changed"));
  CHECK(modules_called(target) == std::vector<std::string>{"stat", "unarchive"});
  const Value& args = target.calls.back().args;
  CHECK(args.get_string("_content_b64") == secrets::base64_encode(std::string("\x1f\x8b\x08\x00 bytes", 12)));
  CHECK(args.get_string("dest") == "/srv/app");
  CHECK_FALSE(args.find("decrypt"));
}

TEST_CASE("unarchive with remote_src (or copy: false) sends src as it is") {
  Files files;
  FakeTarget target{.existing = {"/srv/app"}, .dirs = {"/srv/app"}};
  unarchive(target, files, "{'src': 'https://example.com/a.zip', 'dest': '/srv/app', 'remote_src': 'yes'}");
  CHECK(target.calls.back().args.get_string("src") == "https://example.com/a.zip");
  CHECK_FALSE(target.calls.back().args.find("_content_b64"));
  unarchive(target, files, "{'src': '/tmp/a.zip', 'dest': '/srv/app', 'copy': False}");
  CHECK(target.calls.back().args.get_truthy("remote_src"));
  CHECK_FALSE(target.calls.back().args.find("copy"));
}

TEST_CASE("unarchive skips when creates exists and fails as Ansible's action for bad arguments") {
  Files files;
  FakeTarget target{.existing = {"/srv/app", "/srv/app/done"}, .dirs = {"/srv/app"}};
  Value skipped = unarchive(target, files, "{'src': 'app.tgz', 'dest': '/srv/app', 'creates': '/srv/app/done'}");
  CHECK(skipped.get_truthy("skipped"));
  CHECK(skipped.get_string("msg") == "skipped, since /srv/app/done exists");
  CHECK(modules_called(target) == std::vector<std::string>{"stat"});

  CHECK(unarchive(target, files, "{'src': 'app.tgz', 'dest': '/nowhere'}").get_string("msg") ==
        "dest '/nowhere' must be an existing dir");
  CHECK(unarchive(target, files, "{'dest': '/srv/app'}").get_string("msg") == "src (or content) and dest are required");
  CHECK(unarchive(target, files, "{'src': 'a', 'dest': '/srv/app', 'copy': True, 'remote_src': True}").get_string("msg") ==
        "parameters are mutually exclusive: ('copy', 'remote_src')");
  Value missing = unarchive(target, files, "{'src': 'none.tgz', 'dest': '/srv/app'}");
  CHECK(missing.get_truthy("failed"));
  CHECK(missing.get_string("msg").starts_with("Could not find or access 'none.tgz'"));
}
