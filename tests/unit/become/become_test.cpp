#include <doctest/doctest.h>

#include <stdexcept>

#include "plugins/become/registry.hpp"

using namespace drover;
using namespace drover::become;

namespace {

transport::Become as(const std::string& user, const std::string& password = "", const std::string& flags = "") {
  transport::Become b;
  b.enabled = true;
  b.user = user;
  b.password = password;
  b.flags = flags;
  return b;
}

}  // namespace

TEST_CASE("the become table is alphabetized and finds Ansible's FQCN names") {
  const BecomeMethods methods = become_methods();
  REQUIRE(methods.size() == 2);
  CHECK(methods[0].name == "su");
  CHECK(methods[1].name == "sudo");
  CHECK(find_become_method(methods, "ansible.builtin.su").name == "su");
  CHECK_THROWS_WITH_AS(find_become_method(methods, "runas"),
                       "Invalid become method specified, could not find matching plugin: 'runas' (known: su, sudo)",
                       std::invalid_argument);
}

TEST_CASE("sudo never prompts without a password and prompts with a marker or nothing with one") {
  const BecomeMethod& sudo = find_become_method(become_methods(), "sudo");
  CHECK(sudo.wrap("id", as("root"), Prompt::answered) == "sudo -H -S -n -u 'root' id");
  CHECK(sudo.wrap("id", as("root", "pw"), Prompt::on_stdin) == "sudo -H -S -p '' -u 'root' id");
  const std::string answered = sudo.wrap("id", as("root", "pw"), Prompt::answered);
  CHECK(answered.rfind("sudo -H -S -p '[drover-become-prompt-", 0) == 0);
  CHECK(sudo.wrap("id", as("pg", "", "-i -n"), Prompt::answered) == "sudo -i -n -u 'pg' id");
  CHECK(sudo.refusal("sudo: a password is required\n") == Refusal::password_missing);
  CHECK(sudo.refusal("Sorry, try again.\n") == Refusal::password_incorrect);
  CHECK(sudo.refusal("sudo: unknown user pg\n") == Refusal::none);
}

TEST_CASE("sudo counts only its own prompt marker") {
  const BecomeMethod& sudo = find_become_method(become_methods(), "sudo");
  const std::string wrapped = sudo.wrap("id", as("root", "pw"), Prompt::answered);
  const std::size_t start = wrapped.find("-p '") + 4;
  const std::string marker = wrapped.substr(start, wrapped.find('\'', start) - start);
  CHECK(sudo.prompts("Password: ") == 0);
  CHECK(sudo.prompts(marker) == 1);
  CHECK(sudo.prompts(marker + "\nSorry, try again.\n" + marker) == 2);
}

TEST_CASE("su runs the command through -c and recognises PAM's password prompt at a line start") {
  const BecomeMethod& su = find_become_method(become_methods(), "su");
  CHECK(su.wrap("'/bin/runner' --serve", as("postgres"), Prompt::answered) ==
        "su 'postgres' -c ''\\''/bin/runner'\\'' --serve'");
  CHECK(su.wrap("id", as("root", "", "-l"), Prompt::on_stdin) == "su -l 'root' -c 'id'");
  CHECK(su.prompts("") == 0);
  CHECK(su.prompts("Password: ") == 1);
  CHECK(su.prompts("password:") == 1);
  CHECK(su.prompts("PASSWORD :") == 1);
  CHECK(su.prompts("Password: \nsu: Authentication failure\nPassword: ") == 2);
  CHECK(su.prompts("Passwordless login\n") == 0);
  CHECK(su.prompts("the password: is not a prompt here") == 0);
  CHECK(su.refusal("Password: \nsu: Authentication failure\n") == Refusal::password_incorrect);
  CHECK(su.refusal("su: user pg does not exist\n") == Refusal::none);
}

TEST_CASE("refusals read as Ansible's messages, naming the method") {
  const BecomeMethods methods = become_methods();
  CHECK(refusal_message(find_become_method(methods, "su"), Refusal::password_incorrect) == "Incorrect su password");
  CHECK(refusal_message(find_become_method(methods, "sudo"), Refusal::password_missing) == "Missing sudo password");
  CHECK(refusal_message(find_become_method(methods, "sudo"), Refusal::none) == "");
}

TEST_CASE("become_exe replaces the method's program name") {
  transport::Become b = as("root");
  b.exe = "/usr/local/bin/sudo";
  CHECK(find_become_method(become_methods(), "sudo").wrap("id", b, Prompt::answered) ==
        "/usr/local/bin/sudo -H -S -n -u 'root' id");
  b.exe = "ksu";
  CHECK(find_become_method(become_methods(), "su").wrap("id", b, Prompt::answered) == "ksu 'root' -c 'id'");
}
