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
