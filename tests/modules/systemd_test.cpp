// systemd, service and service_facts. No systemd runs in the test container, so the systemd cases
// use a TEST DOUBLE of systemctl: a shell script put first on PATH that records every call in a
// log and keeps one unit's state (active, enabled/disabled/masked) in files, answering `show`,
// `is-enabled`, `list-units`, `list-unit-files` as systemctl does. The service case uses a REAL
// sysvinit script in /etc/init.d (root only; removed afterwards) through the machine's `service`
// and update-rc.d.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "harness.hpp"

using namespace drover::modules::testing;

namespace {

const char* k_systemctl_double = R"SH(#!/bin/sh
# test double of systemctl: logs its arguments, keeps the state of unit "web" in $STATE
STATE="$(dirname "$0")/state"
echo "$*" >> "$STATE/log"
while [ "${1#--}" != "$1" ]; do shift; done
cmd="$1"; unit="${2%.service}"
case "$cmd" in
  show)
    if [ "$unit" != web ]; then printf 'Id=%s.service\nLoadState=not-found\nActiveState=inactive\n' "$unit"; exit 0; fi
    printf 'Id=web.service\nLoadState=loaded\nActiveState=%s\nUnitFileState=%s\n' "$(cat "$STATE/active")" "$(cat "$STATE/enabled")"
    printf 'ExecStart={ path=/usr/bin/web ; argv[]=/usr/bin/web\n --serve ; ignore_errors=no }\nDescription=Web = server\n' ;;
  is-enabled)
    [ "$unit" = web ] || exit 1
    cat "$STATE/enabled"; [ "$(cat "$STATE/enabled")" = enabled ] ;;
  list-unit-files)
    [ "$unit" = web ] || [ -z "$unit" ] || exit 1
    printf 'UNIT FILE   STATE   VENDOR PRESET\nweb.service %s enabled\ncron.service enabled enabled\n' "$(cat "$STATE/enabled")" ;;
  list-units)
    printf '  UNIT LOAD ACTIVE SUB DESCRIPTION\n  web.service loaded %s %s Web\n' "$(cat "$STATE/active")" \
      "$( [ "$(cat "$STATE/active")" = active ] && echo running || echo dead)" ;;
  start|restart|reload) echo active > "$STATE/active" ;;
  stop) echo inactive > "$STATE/active" ;;
  enable) echo enabled > "$STATE/enabled" ;;
  disable|unmask) echo disabled > "$STATE/enabled" ;;
  mask) echo masked > "$STATE/enabled" ;;
  daemon-reload|daemon-reexec|'') ;;
  *) echo "unknown command $cmd" >&2; exit 1 ;;
esac
)SH";

// Puts the double first on PATH for the life of the object.
class SystemctlDouble {
public:
  SystemctlDouble() {
    std::filesystem::create_directories(m_dir.path() / "state");
    write_text(m_dir / "systemctl", k_systemctl_double);
    ::chmod((m_dir / "systemctl").c_str(), 0755);
    write_text(m_dir / "state/active", "inactive\n");
    write_text(m_dir / "state/enabled", "disabled\n");
    write_text(m_dir / "state/log", "");
    const char* path = std::getenv("PATH");
    m_old_path = path ? path : "";
    ::setenv("PATH", (m_dir.path().string() + ":" + m_old_path).c_str(), 1);
  }
  ~SystemctlDouble() { ::setenv("PATH", m_old_path.c_str(), 1); }
  std::string log() const { return read_text(m_dir / "state/log"); }
  void clear_log() const { write_text(m_dir / "state/log", ""); }
  std::string state(const std::string& name) const { return read_text(m_dir / ("state/" + name)); }

private:
  TempDir m_dir;
  std::string m_old_path;
};

}  // namespace

TEST_CASE("systemd (against a systemctl test double) starts and enables a unit once, and returns systemctl show as status") {
  SystemctlDouble systemctl;
  json checked = run_module("systemd", {{"name", "web"}, {"state", "started"}, {"enabled", true}}, Check::yes);
  CHECK(checked["changed"] == true);
  CHECK(checked["enabled"] == true);
  CHECK(systemctl.state("active") == "inactive\n");
  CHECK(systemctl.log() == "show web\nis-enabled web -l\n");

  systemctl.clear_log();
  json started = run_module("systemd", {{"name", "web"}, {"state", "started"}, {"enabled", true}, {"daemon_reload", true}});
  INFO(started.dump());
  CHECK(started["changed"] == true);
  CHECK(started["name"] == "web");
  CHECK(started["state"] == "started");
  CHECK(started["enabled"] == true);
  CHECK(started["status"]["ActiveState"] == "inactive");  // as Ansible: status is read before the change
  CHECK(started["status"]["Description"] == "Web = server");
  CHECK(started["status"]["ExecStart"] == "{ path=/usr/bin/web ; argv[]=/usr/bin/web\n --serve ; ignore_errors=no }");
  CHECK(systemctl.log() == "daemon-reload\nshow web\nis-enabled web -l\nenable web\nstart web\n");

  json again = run_module("systemd", {{"name", "web.service"}, {"state", "started"}, {"enabled", true}});
  CHECK(again["changed"] == false);
  CHECK(again["status"]["ActiveState"] == "active");

  systemctl.clear_log();
  json restarted = run_module("systemd", {{"name", "web"}, {"state", "restarted"}, {"scope", "user"}, {"no_block", true}});
  CHECK(restarted["changed"] == true);
  CHECK(restarted["state"] == "started");
  CHECK(systemctl.log() == "--user --no-block show web\n--user --no-block restart web\n");
  CHECK(run_module("systemd", {{"name", "web"}, {"state", "reloaded"}})["changed"] == true);

  json masked = run_module("systemd", {{"name", "web"}, {"masked", true}, {"state", "stopped"}});
  CHECK(masked["changed"] == true);
  CHECK(systemctl.state("enabled") == "masked\n");
  CHECK(systemctl.state("active") == "inactive\n");
  CHECK(run_module("systemd_service", {{"name", "web"}, {"masked", true}, {"state", "stopped"}})["changed"] == false);
}

TEST_CASE("systemd fails as Ansible's for a missing unit, glob patterns and missing arguments") {
  SystemctlDouble systemctl;
  json missing = run_module("systemd", {{"name", "nosuch"}, {"state", "started"}});
  CHECK(missing["failed"] == true);
  CHECK(missing["msg"] == "Could not find the requested service nosuch: host");
  CHECK(run_module("systemd", {{"name", "web*"}, {"state", "started"}})["msg"] ==
        "This module does not currently support using glob patterns, found '*' in service name: web*");
  CHECK(run_module("systemd", {{"name", "web"}})["msg"] ==
        "one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec");
  CHECK(run_module("systemd", {{"state", "started"}})["msg"] == "missing parameter(s) required by 'state': name");
  json reload_only = run_module("systemd", {{"daemon_reload", true}});
  CHECK(reload_only["changed"] == false);
  CHECK(systemctl.log() == "show nosuch\ndaemon-reload\n");
}

TEST_CASE("service with use=systemd runs the systemd module (test double) and warns about the arguments systemd ignores") {
  SystemctlDouble systemctl;
  json started = run_module("service", {{"name", "web"}, {"state", "started"}, {"use", "systemd"}, {"pattern", "web"}});
  CHECK(started["changed"] == true);
  CHECK(started["status"]["LoadState"] == "loaded");
  CHECK(started["warnings"] == json::array({"Ignoring \"pattern\" as it is not used in \"systemd\""}));
  CHECK(systemctl.state("active") == "active\n");
}

TEST_CASE("service_facts lists systemd's services (test double), when systemd is PID 1") {
  std::string init = read_text("/proc/1/comm");
  if (init.find("systemd") == std::string::npos) return;  // only the systemd path reads systemctl
  SystemctlDouble systemctl;
  json facts = run_module("service_facts", json::object());
  CHECK(facts["ansible_facts"]["services"]["web.service"]["source"] == "systemd");
}

TEST_CASE("service starts, stops and enables a real sysvinit script through the service tool and update-rc.d") {
  if (::geteuid() != 0 || std::system("command -v service >/dev/null 2>&1 && command -v update-rc.d >/dev/null 2>&1") != 0) return;
  if (std::filesystem::exists("/run/systemd/system")) return;  // `service` would hand the script to systemd
  TempDir dir;
  const std::string script = "/etc/init.d/drover-t-svc";
  const std::string pid = dir / "pid";
  struct Cleanup {
    std::string script, pid;
    ~Cleanup() {
      std::system(("[ -f '" + pid + "' ] && kill $(cat '" + pid + "') 2>/dev/null").c_str());
      std::system("update-rc.d -f drover-t-svc remove >/dev/null 2>&1");
      std::filesystem::remove(script);
    }
  } cleanup{script, pid};
  write_text(script, "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: drover-t-svc\n# Required-Start:\n# Required-Stop:\n"
                     "# Default-Start: 2 3 4 5\n# Default-Stop: 0 1 6\n# Short-Description: drover test\n### END INIT INFO\n"
                     "PID='" + pid + "'\n"
                     "running() { [ -f \"$PID\" ] && kill -0 \"$(cat \"$PID\")\" 2>/dev/null; }\n"
                     "case \"$1\" in\n"
                     "  start) running || { sleep 600 & echo $! > \"$PID\"; } ;;\n"
                     "  stop) running && kill \"$(cat \"$PID\")\"; rm -f \"$PID\" ;;\n"
                     "  restart) \"$0\" stop; \"$0\" start ;;\n"
                     "  status) if running; then echo 'drover-t-svc is running'; else echo 'drover-t-svc is not running'; exit 3; fi ;;\n"
                     "esac\n");
  ::chmod(script.c_str(), 0755);

  CHECK(run_module("service", {{"name", "drover-t-svc"}, {"state", "started"}}, Check::yes)["changed"] == true);
  CHECK(!std::filesystem::exists(pid));
  json started = run_module("service", {{"name", "drover-t-svc"}, {"state", "started"}, {"enabled", true}});
  INFO(started.dump());
  CHECK(started["changed"] == true);
  CHECK(started["state"] == "started");
  CHECK(started["enabled"] == true);
  CHECK(std::filesystem::exists(pid));
  CHECK(std::system("ls /etc/rc2.d/S??drover-t-svc >/dev/null 2>&1") == 0);
  CHECK(run_module("service", {{"name", "drover-t-svc"}, {"state", "started"}, {"enabled", true}})["changed"] == false);
  CHECK(run_module("service", {{"name", "drover-t-svc"}, {"state", "started"}, {"pattern", "sleep 600"}})["changed"] == false);

  json facts = run_module("service_facts", json::object());
  CHECK(facts["ansible_facts"]["services"]["drover-t-svc"] == json{{"name", "drover-t-svc"}, {"state", "running"}, {"source", "sysv"}});

  json stopped = run_module("service", {{"name", "drover-t-svc"}, {"state", "stopped"}, {"enabled", false}});
  CHECK(stopped["changed"] == true);
  CHECK(stopped["state"] == "stopped");
  CHECK(!std::filesystem::exists(pid));
  CHECK(std::system("ls /etc/rc2.d/S??drover-t-svc >/dev/null 2>&1") != 0);
  CHECK(run_module("service", {{"name", "drover-t-svc"}, {"state", "stopped"}})["changed"] == false);

  json missing = run_module("service", {{"name", "drover-t-nosuch"}, {"state", "started"}});
  CHECK(missing["failed"] == true);
  CHECK(missing["msg"] == "Could not find the requested service drover-t-nosuch: host");
}
