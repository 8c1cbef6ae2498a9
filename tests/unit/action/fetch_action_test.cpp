#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/playbook/task.hpp"
#include "core/secrets/crypto.hpp"
#include "core/template/templar.hpp"
#include "core/value/python_literal.hpp"
#include "plugins/action/action.hpp"

using namespace drover;
namespace fs = std::filesystem;

namespace {

// A target holding `files` (path -> content): answers stat and slurp as the runner does, and
// records the modules called.
struct FakeTarget {
  std::map<std::string, std::string> files;
  std::vector<std::string> calls;

  Value run(const std::string& module, const Value& args) {
    calls.push_back(module);
    std::string path = args.get_string(module == "stat" ? "path" : "src");
    auto it = files.find(path);
    Map m;
    m.set("changed", false);
    if (module == "stat") {
      Map st;
      st.set("exists", it != files.end());
      if (it != files.end()) {
        st.set("path", path);
        st.set("isdir", false);
        st.set("checksum", secrets::hex_encode(secrets::sha1(it->second)));
      }
      m.set("stat", Value(std::move(st)));
    } else if (it == files.end()) {
      m.set("failed", true);
      m.set("msg", "file not found: " + path);
    } else {
      m.set("content", secrets::base64_encode(it->second));
      m.set("encoding", "base64");
    }
    return Value(std::move(m));
  }
};

struct Scratch {
  fs::path dir;
  Scratch() {
    std::string pattern = (fs::temp_directory_path() / "drover-fetch-test-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()));
    dir = pattern;
  }
  ~Scratch() { fs::remove_all(dir); }
};

Value fetch(FakeTarget& target, const std::string& playbook_dir, const std::string& args_text, bool check = false) {
  playbook::Task task;
  task.action = "fetch";
  tmpl::MapVariables vars(literal_eval("{'inventory_hostname': 'web1', 'playbook_dir': '" + playbook_dir + "'}").value());
  tmpl::Templar templar(vars);
  action::ActionContext ctx{.task = task, .args = literal_eval(args_text).value(), .templar = templar, .vars = vars};
  ctx.check_mode = check;
  ctx.run_module = [&target](const std::string& module, const Value& args) { return target.run(module, args); };
  return action::run_fetch(ctx);
}

}  // namespace

TEST_CASE("fetch writes dest/<inventory_hostname>/<path> relative to the playbook, then finds it unchanged") {
  Scratch scratch;
  FakeTarget target{{{"/etc/motd", "hello\n"}}, {}};
  std::string pb = scratch.dir.string();
  Value first = fetch(target, pb, "{'src': '/etc/motd', 'dest': 'out'}");
  std::string dest = pb + "/out/web1/etc/motd";
  CHECK(first.get_truthy("changed"));
  CHECK(first.get_string("dest") == dest);
  CHECK(first.get_string("checksum") == "f572d396fae9206628714fb2ce00f72e94f2258f");
  CHECK(first.get_string("remote_checksum") == "f572d396fae9206628714fb2ce00f72e94f2258f");
  CHECK(first.get_string("md5sum") == "b1946ac92492d2347c6235b4d2611184");
  CHECK(first.get("remote_md5sum").is_null());
  CHECK(read_file(dest) == std::optional<std::string>("hello\n"));
  CHECK(target.calls == std::vector<std::string>{"stat", "slurp"});

  target.calls.clear();
  Value second = fetch(target, pb, "{'src': '/etc/motd', 'dest': 'out'}");
  CHECK(!second.get_truthy("changed"));
  CHECK(second.get_string("file") == "/etc/motd");
  CHECK(target.calls == std::vector<std::string>{"stat"});  // same checksum: nothing transferred
}

TEST_CASE("fetch flat writes dest itself, or into a directory named with a trailing slash") {
  Scratch scratch;
  FakeTarget target{{{"/var/log/app.log", "x"}}, {}};
  std::string pb = scratch.dir.string();
  Value into = fetch(target, pb, "{'src': '/var/log/app.log', 'dest': 'logs/', 'flat': 'yes'}");
  CHECK(into.get_string("dest") == pb + "/logs/app.log");
  Value named = fetch(target, pb, "{'src': '/var/log/app.log', 'dest': '" + pb + "/renamed.log', 'flat': True}");
  CHECK(named.get_string("dest") == pb + "/renamed.log");
  CHECK(read_file(pb + "/renamed.log") == std::optional<std::string>("x"));
  Value onto_dir = fetch(target, pb, "{'src': '/var/log/app.log', 'dest': '" + pb + "/logs', 'flat': True}");
  CHECK(onto_dir.get_truthy("failed"));
  CHECK(onto_dir.get_string("msg") ==
        "dest is an existing directory, use a trailing slash if you want to fetch src into that directory");
}

TEST_CASE("fetch of a missing file fails, or is ignored with fail_on_missing=false") {
  Scratch scratch;
  FakeTarget target;
  std::string pb = scratch.dir.string();
  Value failed = fetch(target, pb, "{'src': '/nope', 'dest': 'out'}");
  CHECK(failed.get_truthy("failed"));
  CHECK(failed.get_string("msg") == "the remote file does not exist, not transferring, ignored");
  Value ignored = fetch(target, pb, "{'src': '/nope', 'dest': 'out', 'fail_on_missing': False}");
  CHECK(!ignored.get_truthy("failed"));
  CHECK(ignored.get_string("file") == "/nope");
  CHECK(ignored.get_string("msg") == "the remote file does not exist, not transferring, ignored");
  CHECK(!fs::exists(scratch.dir / "out"));
}

TEST_CASE("fetch is skipped in check mode and needs src and dest") {
  Scratch scratch;
  FakeTarget target{{{"/f", "x"}}, {}};
  Value checked = fetch(target, scratch.dir.string(), "{'src': '/f', 'dest': 'out'}", true);
  CHECK(checked.get_truthy("skipped"));
  CHECK(checked.get_string("msg") == "check mode not (yet) supported for this module");
  CHECK(target.calls.empty());
  Value missing = fetch(target, scratch.dir.string(), "{'src': '/f'}");
  CHECK(missing.get_string("msg") == "src and dest are required");
}
