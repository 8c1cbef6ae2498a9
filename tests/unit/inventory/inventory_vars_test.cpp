// Precedence expectations were checked with ansible-inventory 2.14 on the same files.
#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/value/json.hpp"
#include "tests/unit/inventory/inventory_test_support.hpp"

using namespace drover;
using namespace drover::test;
using Names = std::vector<std::string>;

TEST_CASE("a child group's vars beat its parent's, and all's are weakest") {
  auto inv = ini("[parent:children]\nchild\n[child]\nh\n[parent:vars]\nx=p\ny=p\n[child:vars]\nx=c\n[all:vars]\nx=all\nz=all\n");
  CHECK(dump_json(inv.host_json("h")) == R"({"x": "c", "z": "all", "y": "p"})");
}

TEST_CASE("groups of the same depth merge by name unless ansible_group_priority says otherwise") {
  CHECK(ini("[a]\nh\n[b]\nh\n[a:vars]\nx=a\n[b:vars]\nx=b\n").host_json("h").get("x") == Value("b"));
  CHECK(ini("[a]\nh\n[b]\nh\n[a:vars]\nx=a\nansible_group_priority=2\n[b:vars]\nx=b\n").host_json("h").get("x") ==
        Value("a"));
}

TEST_CASE("host vars beat group vars; group_vars files beat inventory group vars; playbook dirs win") {
  TempDir dir;
  auto hosts = dir.write("inv/hosts", "[g]\nh x=inline\nh2\n[g:vars]\ny=ini\n");
  dir.write("inv/group_vars/g.yml", "x: invfile\ny: invfile\nz: invfile\n");
  dir.write("play/group_vars/g.yml", "z: play\n");
  dir.write("inv/host_vars/h2", "y: hostfile\n");
  auto inv = load_inventory({hosts});
  inv.add_vars_dir(dir.str() + "/play");
  CHECK(dump_json(inv.host_json("h")) == R"({"y": "invfile", "x": "inline", "z": "play"})");
  CHECK(dump_json(inv.host_json("h2")) == R"({"y": "hostfile", "x": "invfile", "z": "play"})");
}

TEST_CASE("group_vars/all files beat any [group:vars] of the inventory file") {
  TempDir dir;
  auto hosts = dir.write("hosts", "[g]\nh\n[g:vars]\nx=ini\n");
  dir.write("group_vars/all.yaml", "x: allfile\n");
  CHECK(load_inventory({hosts}).host_json("h").get("x") == Value("allfile"));
}

TEST_CASE("a group_vars directory merges its files in name order, skipping other extensions") {
  TempDir dir;
  auto hosts = dir.write("hosts", "[g]\nh\n");
  dir.write("group_vars/g/a.yml", "x: 1\ny: 1\n");
  dir.write("group_vars/g/b.json", "{\"y\": 2}");
  dir.write("group_vars/g/sub/c", "z: 3\n");
  dir.write("group_vars/g/notes.txt", "x: 99\n");
  dir.write("group_vars/g/.hidden.yml", "x: 98\n");
  CHECK(dump_json(load_inventory({hosts}).host_json("h")) == R"({"x": 1, "y": 2, "z": 3})");
}

TEST_CASE("a vars file that is not a mapping is an error naming the file") {
  TempDir dir;
  auto hosts = dir.write("hosts", "[g]\nh\n");
  auto bad = dir.write("group_vars/g.yml", "- a\n- b\n");
  CHECK(error_of([&] { load_inventory({hosts}); }) ==
        bad + ": a vars file must hold a mapping of variable names to values, not a list");
}

TEST_CASE("host_vars adds the magic variables") {
  TempDir dir;
  auto hosts = dir.write("hosts", "[web:children]\nfront\n[front]\nweb1.example.com\n");
  auto inv = load_inventory({hosts});
  auto v = inv.host_vars(*inv.find_host("web1.example.com"));
  CHECK(v.get("inventory_hostname") == Value("web1.example.com"));
  CHECK(v.get("inventory_hostname_short") == Value("web1"));
  CHECK(dump_json(v.get("group_names")) == R"(["front", "web"])");
  CHECK(v.get("inventory_file") == Value(hosts));
  CHECK(v.get("inventory_dir") == Value(dir.str()));
}

TEST_CASE("the groups variable lists every group's hosts, descendants included") {
  auto inv = ini("u1\n[p:children]\nc\n[c]\nh1\n[p]\nh2\n");
  CHECK(dump_json(inv.groups_var()) == R"({"all": ["u1", "h2", "h1"], "ungrouped": ["u1"], "p": ["h2", "h1"], "c": ["h1"]})");
}

TEST_CASE("add_host and add_child extend a loaded inventory") {
  auto inv = ini("[a]\nh1\n");
  inv.add_host("new1", "b");
  inv.add_child("a", "b");
  CHECK(names(inv.select("a")) == Names{"h1", "new1"});
  CHECK(error_of([&] { inv.add_child("b", "a"); }) ==
        "Adding group 'a' as child to 'b' creates a recursive dependency loop.");
}
