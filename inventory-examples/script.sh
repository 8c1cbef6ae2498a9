#!/bin/sh
# An executable inventory script (Ansible's script protocol): --list prints every group and
# _meta.hostvars; --host NAME prints one host's vars.
# Try: drover inventory -i inventory-examples/script.sh --graph
case "$1" in
  --list)
    cat <<'JSON'
{
  "web": {"hosts": ["web01.example.com", "web02.example.com"], "vars": {"http_port": 8080}},
  "db": ["db-a.example.com"],
  "prod": {"children": ["web", "db"], "vars": {"ntp_server": "ntp.example.com"}},
  "_meta": {"hostvars": {"web01.example.com": {"ansible_host": "10.0.0.21"}}}
}
JSON
    ;;
  --host)
    echo '{}'
    ;;
  *)
    echo "usage: $0 --list | --host NAME" >&2
    exit 1
    ;;
esac
