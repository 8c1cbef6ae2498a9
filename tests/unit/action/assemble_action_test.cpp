#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/playbook/task.hpp"
#include "core/secrets/crypto.hpp"
#include "core/secrets/secrets_options.hpp"
#include "core/secrets/vault.hpp"
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

// A folder of fragments on the control node, removed afterwards.
struct Fragments {
  fs::path dir;
  Fragments() {
    dir = fs::temp_directory_path() / ("drover-assemble-test-" + std::to_string(::getpid()));
    fs::create_directories(dir / "files" / "frags");
    for (auto [name, text] : {std::pair{"b", "two"}, {"a", "one\n"}, {".h", "hidden\n"}})
      std::ofstream(dir / "files" / "frags" / name) << text;
  }
  ~Fragments() { fs::remove_all(dir); }
};

// Runs the assemble action against a runner that records each module call; stat answers that
// dest holds `dest_checksum` ("" = missing).
Value run(Value args, std::vector<ModuleCall>& calls, const std::vector<std::string>& search_paths,
          const std::string& dest_checksum = "", bool check_mode = false) {
  playbook::Task task;
  task.action = "assemble";
  tmpl::MapVariables vars(Value::map());
  tmpl::Templar templar(vars);
  action::ActionContext ctx{.task = task, .args = std::move(args), .templar = templar, .vars = vars};
  ctx.check_mode = check_mode;
  ctx.search_paths = search_paths;
  ctx.run_module = [&](const std::string& module, const Value& module_args) {
    calls.push_back({module, module_args});
    if (module == "stat") {
      Map stat;
      stat.set("exists", !dest_checksum.empty());
      stat.set("checksum", dest_checksum);
      Map result;
      result.set("stat", Value(std::move(stat)));
      return Value(std::move(result));
    }
    return *literal_eval("{'changed': True}");
  };
  return action::run_assemble(ctx);
}

Value literal(std::string_view text) { return literal_eval(text).value(); }

}  // namespace

TEST_CASE("assemble with remote_src (the default) runs the module on the target") {
  std::vector<ModuleCall> calls;
  run(literal("{'src': '/etc/frags', 'dest': '/tmp/out'}"), calls, {});
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].module == "assemble");
  CHECK(calls[0].args.get("src") == Value("/etc/frags"));
}

TEST_CASE("assemble with remote_src=false joins the control node's fragments and sends them as copy content") {
  Fragments fragments;
  std::vector<ModuleCall> calls;
  run(literal("{'src': 'frags', 'dest': '/tmp/out', 'remote_src': 'no', 'ignore_hidden': True, 'mode': '0600', "
              "'delimiter': '#'}"),
      calls, {fragments.dir.string()});
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].module == "stat");
  CHECK(calls[1].module == "copy");
  const Value& args = calls[1].args;
  CHECK(args.get("content_b64") == Value(secrets::base64_encode("one\n#\ntwo")));
  CHECK(args.get("dest") == Value("/tmp/out"));
  CHECK(args.get("mode") == Value("0600"));
  for (const char* gone : {"src", "remote_src", "ignore_hidden", "delimiter", "regexp"}) CHECK(args.find(gone) == nullptr);
}

TEST_CASE("assemble with remote_src=false sends nothing when the target has the result, only attributes") {
  Fragments fragments;
  std::vector<ModuleCall> calls;
  std::string checksum = secrets::hex_encode(secrets::sha1("hidden\none\ntwo"));
  run(literal("{'src': 'frags', 'dest': '/tmp/out', 'remote_src': False, 'mode': '0600', 'backup': True}"), calls,
      {fragments.dir.string()}, checksum);
  REQUIRE(calls.size() == 2);
  CHECK(calls[1].module == "file");
  CHECK(calls[1].args == literal("{'path': '/tmp/out', 'mode': '0600'}"));
}

TEST_CASE("assemble skips in check mode and fails clearly for a missing or plain-file src") {
  std::vector<ModuleCall> calls;
  Value skipped = run(literal("{'src': 'x', 'dest': '/tmp/out'}"), calls, {}, "", true);
  CHECK(skipped.get("skipped") == Value(true));
  CHECK(skipped.get("msg") == Value("check mode is not supported for this task."));
  CHECK(calls.empty());
  Value missing = run(literal("{'src': 'nowhere', 'dest': '/tmp/out', 'remote_src': False}"), calls, {"/nonexistent"});
  CHECK(missing.get("msg") == Value("Could not find or access 'nowhere' on the Ansible Controller."));
  CHECK(run(literal("{'dest': '/tmp/out'}"), calls, {}).get("msg") == Value("src and dest are required"));
  Fragments fragments;
  Value plain = run(literal("{'src': 'frags/a', 'dest': '/tmp/out', 'remote_src': False}"), calls, {fragments.dir.string()});
  CHECK(plain.get("msg") == Value("Source (" + (fragments.dir / "files/frags/a").string() + ") is not a directory"));
  CHECK(calls.empty());
}

TEST_CASE("assemble with remote_src=false decrypts vault fragments unless decrypt is false") {
  Fragments fragments;
  fs::path password = fragments.dir / "password";
  std::ofstream(password) << "hunter2\n";
  std::string sealed = secrets::vault_encrypt("secret\n", secrets::VaultSecret{"default", "hunter2"});
  std::ofstream(fragments.dir / "files" / "frags" / "c") << sealed;
  secrets::SecretsOptions options;
  options.vault_password_files.push_back(password.string());
  secrets::configure(options);
  std::vector<ModuleCall> calls;
  run(literal("{'src': 'frags', 'dest': '/tmp/out', 'remote_src': False, 'ignore_hidden': True}"), calls,
      {fragments.dir.string()});
  REQUIRE(calls.size() == 2);
  CHECK(calls[1].args.get("content_b64") == Value(secrets::base64_encode("one\ntwo\nsecret\n")));
  calls.clear();
  run(literal("{'src': 'frags', 'dest': '/tmp/out', 'remote_src': False, 'ignore_hidden': True, 'decrypt': 'no'}"),
      calls, {fragments.dir.string()});
  REQUIRE(calls.size() == 2);
  CHECK(calls[1].args.get("content_b64") == Value(secrets::base64_encode("one\ntwo\n" + sealed)));
  secrets::configure({});
  calls.clear();
  Value locked = run(literal("{'src': 'frags', 'dest': '/tmp/out', 'remote_src': False}"), calls, {fragments.dir.string()});
  CHECK(locked.get("failed") == Value(true));
  CHECK(calls.empty());
}
