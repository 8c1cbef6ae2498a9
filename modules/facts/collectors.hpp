// Fact collectors for the setup module. Each adds facts (without the "ansible_" prefix, which
// setup adds) to `facts`, reads only files and system calls (no child processes), and is fast.
#pragma once

#include <optional>
#include <string>

#include "modules/module.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/text.hpp"

namespace drover::modules::facts {

void collect_platform(json& facts);      // system, kernel, machine, hostname, fqdn, domain, ...
void collect_distribution(json& facts);  // distribution*, os_family, lsb
void collect_date_time(json& facts);     // date_time
void collect_env(json& facts);           // env
void collect_user(json& facts);          // user_* and real/effective ids
void collect_system(json& facts);        // pkg_mgr, service_mgr, dns, cmdline, machine_id, fips, apparmor, ssh host keys
void collect_hardware(json& facts);      // processor*, memory, mounts, devices, uptime, loadavg
void collect_devices(json& facts);       // devices, device_links (block devices)
void collect_storage_ids(json& facts);   // fibre_channel_wwn, iscsi_iqn, hostnqn
void collect_network(json& facts);       // interfaces, per-interface facts, default_ipv4, all_ipv4_addresses
void collect_virtual(json& facts);       // virtualization_type / role (containers only)

// Python's socket.getfqdn() for `name`, as /etc/hosts answers it (the hostname module's facts too).
std::string fqdn_from_hosts(const std::string& name);

// ansible_local: the facts of the *.fact files in `fact_path` (run when executable; JSON or INI).
// A fact that cannot be read or parsed holds the error text, which is also added to `warnings`.
json local_facts(const std::string& fact_path, json& warnings);

}  // namespace drover::modules::facts
