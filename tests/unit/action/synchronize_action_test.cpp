#include <doctest/doctest.h>

#include <string>

#include "core/value/python_literal.hpp"
#include "plugins/action/synchronize.hpp"

using namespace drover;

namespace {

connection::ConnectionSpec web() {
  connection::ConnectionSpec spec;
  spec.inventory_name = "web1";
  spec.address = "10.0.0.5";
  spec.user = "deploy";
  spec.port = 2222;
  spec.identity_files = {"/keys/id_ed25519"};
  spec.known_hosts_file = "/state/known_hosts";
  return spec;
}

std::string command_for(std::string_view args, const connection::ConnectionSpec& host = web(),
                        action::DryRun dry_run = action::DryRun::no) {
  auto built = action::rsync_command(literal_eval(args).value(), host, "/usr/bin/rsync", dry_run);
  REQUIRE(std::holds_alternative<action::RsyncCommand>(built));
  return std::get<action::RsyncCommand>(built).cmd;
}

}  // namespace

TEST_CASE("synchronize pushes with the host's user, address, port and key, and Ansible's defaults") {
  CHECK(command_for("{'src': 'site/', 'dest': '/srv/www'}") ==
        "/usr/bin/rsync --delay-updates -F --compress --archive "
        "'--rsh=ssh -S none -i /keys/id_ed25519 -o Port=2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' "
        "'--out-format=<<CHANGED>>%i %n%L' site/ deploy@10.0.0.5:/srv/www");
}

TEST_CASE("synchronize pull names the host on the source side; check mode is --dry-run") {
  CHECK(command_for("{'src': '/var/log/app/', 'dest': 'logs', 'mode': 'pull', 'compress': False}", web(),
                    action::DryRun::yes) ==
        "/usr/bin/rsync --delay-updates -F --dry-run --archive "
        "'--rsh=ssh -S none -i /keys/id_ed25519 -o Port=2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' "
        "'--out-format=<<CHANGED>>%i %n%L' deploy@10.0.0.5:/var/log/app/ logs");
}

TEST_CASE("synchronize options map to rsync's in the module's order") {
  CHECK(command_for("{'src': 'a', 'dest': 'b', 'delete': True, 'checksum': True, 'existing_only': True, "
                    "'copy_links': True, 'perms': False, 'times': False, 'dirs': True, 'partial': True, "
                    "'rsync_timeout': 30, 'rsync_path': 'sudo rsync', 'rsync_opts': ['--exclude=.git'], "
                    "'delay_updates': False, 'set_remote_user': False, 'dest_port': 22, 'private_key': '/k'}") ==
        "/usr/bin/rsync --compress --timeout=30 --delete-after --existing --checksum --copy-links --archive "
        "--no-perms --no-times --dirs '--rsh=ssh -S none -i /k -o Port=22 -o StrictHostKeyChecking=no -o "
        "UserKnownHostsFile=/dev/null' '--rsync-path=sudo rsync' --exclude=.git --partial "
        "'--out-format=<<CHANGED>>%i %n%L' a 10.0.0.5:b");
  CHECK(command_for("{'src': 'a', 'dest': 'b', 'archive': False, 'recursive': True, 'links': True, 'owner': False, "
                    "'delay_updates': False, 'compress': False}") ==
        "/usr/bin/rsync --recursive --links '--rsh=ssh -S none -i /keys/id_ed25519 -o Port=2222 -o "
        "StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' '--out-format=<<CHANGED>>%i %n%L' a "
        "deploy@10.0.0.5:b");
}

TEST_CASE("synchronize with verify_host checks the key against drover's known_hosts file") {
  CHECK(command_for("{'src': 'a', 'dest': 'b', 'verify_host': True, 'delay_updates': False, 'compress': False, "
                    "'archive': False}") ==
        "/usr/bin/rsync '--rsh=ssh -S none -i /keys/id_ed25519 -o Port=2222 -o StrictHostKeyChecking=yes -o "
        "UserKnownHostsFile=/state/known_hosts' '--out-format=<<CHANGED>>%i %n%L' a deploy@10.0.0.5:b");
}

TEST_CASE("synchronize on the local connection runs rsync between two local paths; an --rsh in rsync_opts wins") {
  connection::ConnectionSpec local = web();
  local.connection = "local";
  CHECK(command_for("{'src': '/a/', 'dest': '/b', 'delay_updates': False, 'compress': False}", local) ==
        "/usr/bin/rsync --archive '--out-format=<<CHANGED>>%i %n%L' /a/ /b");
  CHECK(command_for("{'src': 'a', 'dest': 'b', 'delay_updates': False, 'compress': False, 'archive': False, "
                    "'rsync_opts': ['--rsh=ssh -p 7']}") ==
        "/usr/bin/rsync --rsh=ssh -p 7 '--out-format=<<CHANGED>>%i %n%L' a deploy@10.0.0.5:b");
}

TEST_CASE("synchronize names an IPv6 host in brackets and refuses a bad mode or a missing dest") {
  connection::ConnectionSpec v6 = web();
  v6.address = "fd00::5";
  CHECK(command_for("{'src': 'a', 'dest': 'b'}", v6).ends_with(" a deploy@[fd00::5]:b"));
  auto bad = action::rsync_command(literal_eval("{'src': 'a', 'dest': 'b', 'mode': 'sideways'}").value(), web(),
                                   "/usr/bin/rsync", action::DryRun::no);
  CHECK(std::get<std::string>(bad) == "value of mode must be one of: pull, push, got: sideways");
  auto missing = action::rsync_command(literal_eval("{'src': 'a'}").value(), web(), "/usr/bin/rsync", action::DryRun::no);
  CHECK(std::get<std::string>(missing) == "missing required arguments: dest");
}
