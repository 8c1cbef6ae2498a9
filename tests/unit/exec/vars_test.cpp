// Variables the executor provides and keeps: magic variables from the command line, fact
// caching across runs, gathering policies, set_fact's cacheable.
#include <doctest/doctest.h>

#include "tests/unit/exec/exec_harness.hpp"

using namespace drover;
using drover::testing::ExecHarness;
using Lines = std::vector<std::string>;

namespace {

// The `args` the fake runner echoed for the last `ok` task of `host`.
Value echoed(const ExecHarness& h, const std::string& host) { return h.last_result(host).result.get("args"); }

}  // namespace

TEST_CASE("options vars: ansible_limit only with -l, the inventory sources, forks, verbosity, tags, config file") {
  ExecHarness h;
  h.options().limit = "web1";
  h.options().forks = 1;
  h.options().verbosity = 2;
  h.options().tags = {"a"};
  h.options().inventory_sources = {"/srv/inv/hosts.ini", "web1,web2"};
  h.options().config_file = "/srv/ansible.cfg";
  CHECK(h.run(R"(
- hosts: all
  gather_facts: false
  tasks:
    - ok:
        limit: "{{ ansible_limit }}"
        sources: "{{ ansible_inventory_sources }}"
        forks: "{{ ansible_forks }}"
        verbosity: "{{ ansible_verbosity }}"
        run_tags: "{{ ansible_run_tags }}"
        skip_tags: "{{ ansible_skip_tags }}"
        config: "{{ ansible_config_file }}"
        python: "{{ ansible_playbook_python | default('none') }}"
      tags: a
)") == ExitCode::ok);
  CHECK(dump_json(echoed(h, "web1")) ==
        R"({"limit": "web1", "sources": ["/srv/inv/hosts.ini", "web1,web2"], "forks": 1, "verbosity": 2, )"
        R"("run_tags": ["a"], "skip_tags": [], "config": "/srv/ansible.cfg", "python": "none"})");
}

TEST_CASE("without -l, ansible_limit is undefined, as in Ansible") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - ok: {defined: "{{ ansible_limit is defined }}", config: "{{ ansible_config_file }}"}
)") == ExitCode::ok);
  CHECK(dump_json(echoed(h, "web1")) == R"({"defined": false, "config": null})");
}

namespace {

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const char* k_gather_and_cache = R"(
- hosts: web1
  gather_subset: [min]
  tasks:
    - set_fact: {kept: one, cacheable: true}
    - set_fact: {passing: two}
)";

const char* k_read_facts = R"(
- hosts: web1
  gather_facts: false
  tasks:
    - ok: {kept: "{{ kept | default('-') }}", passing: "{{ passing | default('-') }}",
           fact: "{{ ansible_facts.kept | default('-') }}", host: "{{ ansible_hostname | default('-') }}",
           setup: "{{ module_setup | default('-') }}"}
)";

}  // namespace

TEST_CASE("any module's ansible_facts become host facts, as service_facts' and package_facts' do") {
  ExecHarness h;
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - facts:
    - ok: {namespaced: "{{ ansible_facts.services.cron | default('-') }}", plain: "{{ services.cron | default('-') }}"}
)") == ExitCode::ok);
  CHECK(dump_json(echoed(h, "web1")) == R"({"namespaced": "running", "plain": "running"})");
}

TEST_CASE("jsonfile fact cache: one file per host as Ansible writes it, read by the next run") {
  const auto cache = std::filesystem::temp_directory_path() / ("drover-fact-cache-" + std::to_string(::getpid()));
  std::filesystem::remove_all(cache);
  {
    ExecHarness h;
    h.options().fact_cache = {.plugin = "jsonfile", .connection = cache.string()};
    CHECK(h.run(k_gather_and_cache) == ExitCode::ok);
    // the play's gather_subset reaches the implicit setup
    CHECK(dump_json(h.requests("web1").front().get("args")) == R"({"gather_subset": ["min"], "gather_timeout": 10})");
  }
  CHECK(read_text(cache / "web1") ==
        "{\n    \"_ansible_facts_gathered\": true,\n    \"ansible_hostname\": \"web1\",\n"
        "    \"gather_subset\": [\n        \"min\"\n    ],\n    \"kept\": \"one\",\n    \"module_setup\": true\n}");
  CHECK((std::filesystem::status(cache / "web1").permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  {
    ExecHarness h;
    h.options().fact_cache = {.plugin = "jsonfile", .connection = cache.string()};
    CHECK(h.run(k_read_facts) == ExitCode::ok);
    CHECK(dump_json(echoed(h, "web1")) ==
          R"({"kept": "one", "passing": "-", "fact": "one", "host": "web1", "setup": true})");
  }
  {
    // --flush-cache forgets every inventory host's facts first
    ExecHarness h;
    h.options().fact_cache = {.plugin = "jsonfile", .connection = cache.string()};
    h.options().flush_cache = true;
    CHECK(h.run(k_read_facts) == ExitCode::ok);
    CHECK(echoed(h, "web1").get_string("kept") == "-");
    CHECK(!std::filesystem::exists(cache / "web1"));
  }
  std::filesystem::remove_all(cache);
}

TEST_CASE("an expired cache file is ignored; memory caching keeps nothing across runs") {
  const auto cache = std::filesystem::temp_directory_path() / ("drover-fact-cache-old-" + std::to_string(::getpid()));
  std::filesystem::remove_all(cache);
  std::filesystem::create_directories(cache);
  std::ofstream(cache / "web1") << R"({"kept": "stale"})";
  std::filesystem::last_write_time(cache / "web1", std::filesystem::file_time_type::clock::now() - std::chrono::hours(48));
  ExecHarness h;
  h.options().fact_cache = {.plugin = "jsonfile", .connection = cache.string(), .timeout_s = 3600};
  CHECK(h.run(k_read_facts) == ExitCode::ok);
  CHECK(echoed(h, "web1").get_string("kept") == "-");
  std::filesystem::remove_all(cache);
}

TEST_CASE("gathering = smart gathers once per host: later plays and runs with cached facts skip it") {
  const auto cache = std::filesystem::temp_directory_path() / ("drover-fact-cache-smart-" + std::to_string(::getpid()));
  std::filesystem::remove_all(cache);
  const char* two_plays = "- hosts: web1\n  tasks: [{ok: }]\n- hosts: web\n  tasks: [{ok: }]\n";
  ExecHarness h;
  h.options().gathering = "smart";
  h.options().fact_cache = {.plugin = "jsonfile", .connection = cache.string()};
  CHECK(h.run(two_plays) == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [Gathering Facts]", "ok: [web1]", "TASK [ok]", "ok: [web1]",
                            "PLAY [web]", "TASK [Gathering Facts]", "ok: [web2]", "TASK [ok]", "ok: [web1]", "ok: [web2]"});
  ExecHarness again;
  again.options().gathering = "smart";
  again.options().fact_cache = {.plugin = "jsonfile", .connection = cache.string()};
  CHECK(again.run(two_plays) == ExitCode::ok);
  CHECK(again.events() == Lines{"PLAY [web1]", "TASK [ok]", "ok: [web1]", "PLAY [web]", "TASK [ok]", "ok: [web1]", "ok: [web2]"});
  std::filesystem::remove_all(cache);
}

TEST_CASE("gathering = explicit gathers only where the play says gather_facts: true") {
  ExecHarness h;
  h.options().gathering = "explicit";
  CHECK(h.run("- hosts: web1\n  tasks: [{ok: }]\n- hosts: web1\n  gather_facts: true\n  tasks: [{ok: }]\n") == ExitCode::ok);
  CHECK(h.events() == Lines{"PLAY [web1]", "TASK [ok]", "ok: [web1]", "PLAY [web1]", "TASK [Gathering Facts]", "ok: [web1]",
                            "TASK [ok]", "ok: [web1]"});
}

TEST_CASE("a fact holding a secret is not written to the fact cache, with a warning; it still works in the run") {
  const auto cache = std::filesystem::temp_directory_path() / ("drover-fact-cache-secret-" + std::to_string(::getpid()));
  std::filesystem::remove_all(cache);
  ExecHarness h;
  h.options().fact_cache = {.plugin = "jsonfile", .connection = cache.string()};
  h.options().extra_vars = Value(Map{{"pw", Value(std::string("hunter2"), Mark::secret)}});
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - set_fact: {token: "{{ pw }}", plain: visible, cacheable: true}
    - ok: {token_len: "{{ token | length }}"}
)") == ExitCode::ok);
  CHECK(echoed(h, "web1").get_string("token_len") == "7");
  const std::string text = read_text(cache / "web1");
  CHECK(text.find("hunter2") == std::string::npos);
  CHECK(text.find("\"plain\": \"visible\"") != std::string::npos);
  CHECK(h.warnings() ==
        Lines{"fact 'token' of web1 holds a value from an encrypted vars file: it is not written to the fact cache"});
  std::filesystem::remove_all(cache);
}

TEST_CASE("meta: clear_facts removes the host's cache file") {
  const auto cache = std::filesystem::temp_directory_path() / ("drover-fact-cache-clear-" + std::to_string(::getpid()));
  std::filesystem::remove_all(cache);
  ExecHarness h;
  h.options().fact_cache = {.plugin = "jsonfile", .connection = cache.string()};
  CHECK(h.run("- hosts: web1\n  tasks:\n    - meta: clear_facts\n") == ExitCode::ok);
  CHECK(!std::filesystem::exists(cache / "web1"));
  std::filesystem::remove_all(cache);
}

TEST_CASE("vars_prompt asks on the terminal; an empty answer takes the default; -e wins; encrypt hashes") {
  ExecHarness h;
  std::vector<std::string> asked;
  h.var_prompt() = [&asked](const std::string& msg, bool hidden, bool confirm) {
    asked.push_back(msg + (hidden ? " hidden" : "") + (confirm ? " confirm" : ""));
    return msg.rfind("Name", 0) == 0 ? std::string() : std::string("s3cret");
  };
  h.options().extra_vars = Value(Map{{"given", Value("from -e")}});
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  vars_prompt:
    - {name: who, prompt: Name, default: nobody, private: false}
    - {name: pw, confirm: true}
    - {name: given}
    - {name: hashed, encrypt: sha512_crypt, salt: abcdefgh}
  tasks:
    - ok: {who: "{{ who }}", pw: "{{ pw }}", given: "{{ given }}", hashed: "{{ hashed }}"}
)") == ExitCode::ok);
  CHECK(asked == Lines{"Name [nobody]: ", "pw:  hidden confirm", "hashed:  hidden"});
  Value args = echoed(h, "web1");
  CHECK(args.get_string("who") == "nobody");
  CHECK(args.get_string("pw") == "s3cret");
  CHECK(args.get_string("given") == "from -e");
  CHECK(args.get_string("hashed").rfind("$6$abcdefgh$", 0) == 0);
}

TEST_CASE("vars_prompt without a terminal: the default with Ansible's warning, else an error naming the variable") {
  ExecHarness h;
  CHECK(h.run("- hosts: web1\n  gather_facts: false\n  vars_prompt: [{name: a, default: 1}]\n  tasks: [{ok: {a: '{{ a }}'}}]\n") ==
        ExitCode::ok);
  CHECK(echoed(h, "web1").get_string("a") == "1");
  CHECK(h.warnings() == Lines{"Not prompting as we are not in interactive mode"});
  ExecHarness bare;
  try {
    bare.run("- hosts: web1\n  gather_facts: false\n  vars_prompt:\n    - name: token\n      prompt: API token\n  tasks: []\n");
    FAIL("no error");
  } catch (const SourceError& e) {
    CHECK(std::string(e.what()).find("vars_prompt: cannot ask for 'token' (API token): stdin is not a terminal and the "
                                     "prompt has no default") != std::string::npos);
  }
}

TEST_CASE("hash_behaviour = merge: a dict variable merges across inventory, play vars, vars_files and extra vars") {
  struct Restore {
    ~Restore() { set_hash_behaviour(HashBehaviour::replace); }
  } restore;
  ExecHarness h;
  h.write_file("more.yml", "cfg: {file: 1, deep: {f: 1}}\n");
  h.inventory().set_host_var("web1", "cfg", Value(Map{{"inv", Value(1)}, {"deep", Value(Map{{"i", Value(1)}})}}));
  h.options().extra_vars = Value(Map{{"cfg", Value(Map{{"extra", Value(1)}})}});
  const char* play = R"(
- hosts: web1
  gather_facts: false
  vars:
    cfg: {play: 1, deep: {p: 1}}
  vars_files: [more.yml]
  tasks:
    - ok: {cfg: "{{ cfg }}"}
)";
  set_hash_behaviour(HashBehaviour::merge);
  CHECK(h.run(play) == ExitCode::ok);
  CHECK(dump_json(echoed(h, "web1").get("cfg")) ==
        R"({"inv": 1, "deep": {"i": 1, "p": 1, "f": 1}, "play": 1, "file": 1, "extra": 1})");
  set_hash_behaviour(HashBehaviour::replace);
  ExecHarness r;
  r.write_file("more.yml", "cfg: {file: 1, deep: {f: 1}}\n");
  r.options().extra_vars = Value(Map{{"cfg", Value(Map{{"extra", Value(1)}})}});
  CHECK(r.run(play) == ExitCode::ok);
  CHECK(dump_json(echoed(r, "web1").get("cfg")) == R"({"extra": 1})");
}

TEST_CASE("include_vars has its own layer: above task vars, below set_fact and register, in hostvars too") {
  ExecHarness h;
  h.write_file("more.yml", "x: from_include\ny: from_include\n");
  CHECK(h.run(R"(
- hosts: web1
  gather_facts: false
  tasks:
    - set_fact: {x: from_set_fact}
    - include_vars: {file: more.yml}
    - ok: {v: "{{ x }} {{ y }} {{ hostvars.web1.x }} {{ hostvars.web1.y }}"}
      vars: {y: from_task_vars}
    - set_fact: {y: from_set_fact}
    - include_vars: {file: more.yml}
    - ok: {v: "{{ x }} {{ y }}"}
)") == ExitCode::ok);
  REQUIRE(h.results().size() == 6);
  CHECK(h.results()[2].result.get("args").get_string("v") == "from_set_fact from_include from_set_fact from_include");
  CHECK(h.results()[5].result.get("args").get_string("v") == "from_set_fact from_set_fact");
}
