#include <doctest/doctest.h>

#include <array>

#include "core/exec/action.hpp"

namespace drover::action {
namespace {

Value none(ActionContext&) { return Value(); }

constexpr std::array k_table = {
    ActionRow{"copy", none, "copy"},
    ActionRow{"ini_file", none, "ini", "community.general"},
    ActionRow{"mount", none, "mount", "ansible.posix"},
};

}  // namespace

TEST_CASE("an action answers to its short name, its collection's FQCN and Ansible's builtin routing") {
  ActionTable table = k_table;
  CHECK(find_action(table, "copy") == &k_table[0]);
  CHECK(find_action(table, "ansible.builtin.copy") == &k_table[0]);
  CHECK(find_action(table, "ansible.legacy.copy") == &k_table[0]);
  CHECK(find_action(table, "ini_file") == &k_table[1]);
  CHECK(find_action(table, "community.general.ini_file") == &k_table[1]);
  CHECK(find_action(table, "ansible.builtin.ini_file") == &k_table[1]);  // routed, as in Ansible
  CHECK(find_action(table, "ansible.posix.mount") == &k_table[2]);
  CHECK(find_action(table, "community.general.copy") == nullptr);   // wrong collection
  CHECK(find_action(table, "ansible.posix.ini_file") == nullptr);
  CHECK(find_action(table, "fetch") == nullptr);
  CHECK(find_action(table, "") == nullptr);
}

}  // namespace drover::action
