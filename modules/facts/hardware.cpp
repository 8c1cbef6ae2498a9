#include <cstdlib>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include <sched.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "modules/facts/collectors.hpp"

namespace drover::modules::facts {

namespace {

std::string value_after_colon(const std::string& line) {
  auto colon = line.find(':');
  return colon == std::string::npos ? "" : trim(line.substr(colon + 1));
}

void collect_processors(json& facts) {
  std::istringstream stream(read_file("/proc/cpuinfo").value_or(""));
  std::string line;
  json processor = json::array();
  std::set<std::string> sockets;
  long cores = 0, siblings = 0, entries = 0;
  while (std::getline(stream, line)) {
    std::string key = trim(line.substr(0, line.find(':')));
    std::string value = value_after_colon(line);
    if (key == "processor") {
      processor.push_back(value);
      ++entries;
    } else if (key == "vendor_id" || key == "model name") {
      processor.push_back(value);
    } else if (key == "physical id") {
      sockets.insert(value);
    } else if (key == "cpu cores") {
      cores = std::atol(value.c_str());
    } else if (key == "siblings") {
      siblings = std::atol(value.c_str());
    }
  }
  long count = sockets.empty() ? 1 : static_cast<long>(sockets.size());
  if (cores == 0) cores = entries > 0 ? entries / count : 1;
  long threads = (siblings > 0 && cores > 0) ? siblings / cores : 1;
  facts["processor"] = processor;
  facts["processor_count"] = count;
  facts["processor_cores"] = cores;
  facts["processor_threads_per_core"] = threads;
  facts["processor_vcpus"] = entries > 0 ? entries : threads * cores * count;
  cpu_set_t set;
  CPU_ZERO(&set);
  facts["processor_nproc"] = ::sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : ::sysconf(_SC_NPROCESSORS_ONLN);
}

void collect_memory(json& facts) {
  std::map<std::string, long long> kb;
  std::istringstream stream(read_file("/proc/meminfo").value_or(""));
  std::string line;
  while (std::getline(stream, line)) {
    auto colon = line.find(':');
    if (colon != std::string::npos) kb[line.substr(0, colon)] = std::atoll(line.c_str() + colon + 1);
  }
  auto mb = [&](const char* key) { return kb[key] / 1024; };
  facts["memtotal_mb"] = mb("MemTotal");
  facts["memfree_mb"] = mb("MemFree");
  facts["swaptotal_mb"] = mb("SwapTotal");
  facts["swapfree_mb"] = mb("SwapFree");
  long long nocache_free = mb("MemFree") + mb("Buffers") + mb("Cached");
  facts["memory_mb"] = {
      {"real", {{"total", mb("MemTotal")}, {"free", mb("MemFree")}, {"used", mb("MemTotal") - mb("MemFree")}}},
      {"nocache", {{"free", nocache_free}, {"used", mb("MemTotal") - nocache_free}}},
      {"swap", {{"total", mb("SwapTotal")}, {"free", mb("SwapFree")}, {"used", mb("SwapTotal") - mb("SwapFree")},
                {"cached", mb("SwapCached")}}},
  };
}

// Ansible lists mounts of real devices only (a path, or host:/path for network file systems);
// sizes come from statvfs, skipped for network mounts that could hang.
void collect_mounts(json& facts) {
  json mounts = json::array();
  std::istringstream stream(read_file("/proc/mounts").value_or(""));
  std::string line;
  while (std::getline(stream, line)) {
    std::istringstream fields(line);
    std::string device, mount, fstype, options;
    if (!(fields >> device >> mount >> fstype >> options)) continue;
    bool network = device.find(":/") != std::string::npos;
    if ((!device.starts_with("/") && !network) || fstype == "none") continue;
    json entry = {{"device", device}, {"mount", mount}, {"fstype", fstype}, {"options", options}, {"uuid", "N/A"}};
    struct statvfs vfs{};
    if (!network && ::statvfs(mount.c_str(), &vfs) == 0) {
      entry["block_size"] = vfs.f_bsize;
      entry["block_total"] = vfs.f_blocks;
      entry["block_available"] = vfs.f_bavail;
      entry["block_used"] = vfs.f_blocks - vfs.f_bavail;
      entry["inode_total"] = vfs.f_files;
      entry["inode_available"] = vfs.f_favail;
      entry["inode_used"] = vfs.f_files - vfs.f_favail;
      entry["size_total"] = static_cast<unsigned long long>(vfs.f_frsize) * vfs.f_blocks;
      entry["size_available"] = static_cast<unsigned long long>(vfs.f_frsize) * vfs.f_bavail;
    }
    mounts.push_back(entry);
  }
  facts["mounts"] = mounts;
}

// DMI facts from /sys/class/dmi/id (Ansible's names; "NA" when the kernel does not expose them).
void collect_dmi(json& facts) {
  constexpr std::pair<const char*, const char*> k_dmi[] = {
      {"bios_date", "bios_date"},         {"bios_vendor", "bios_vendor"},
      {"bios_version", "bios_version"},   {"board_asset_tag", "board_asset_tag"},
      {"board_name", "board_name"},       {"board_serial", "board_serial"},
      {"board_vendor", "board_vendor"},   {"board_version", "board_version"},
      {"chassis_asset_tag", "chassis_asset_tag"}, {"chassis_serial", "chassis_serial"},
      {"chassis_vendor", "chassis_vendor"}, {"chassis_version", "chassis_version"},
      {"product_name", "product_name"},   {"product_serial", "product_serial"},
      {"product_uuid", "product_uuid"},   {"product_version", "product_version"},
      {"system_vendor", "sys_vendor"},
  };
  for (const auto& [fact, file] : k_dmi) {
    auto value = read_file(std::string("/sys/class/dmi/id/") + file);
    facts[fact] = value ? trim(*value) : "NA";
  }
  // SMBIOS chassis types, as Ansible names them
  constexpr const char* k_form_factors[] = {
      "Unknown", "Other", "Unknown", "Desktop", "Low Profile Desktop", "Pizza Box", "Mini Tower", "Tower",
      "Portable", "Laptop", "Notebook", "Hand Held", "Docking Station", "All In One", "Sub Notebook",
      "Space-saving", "Lunch Box", "Main Server Chassis", "Expansion Chassis", "Sub Chassis",
      "Bus Expansion Chassis", "Peripheral Chassis", "RAID Chassis", "Rack Mount Chassis", "Sealed-case PC",
      "Multi-system", "CompactPCI", "AdvancedTCA", "Blade", "Blade Enclosure", "Tablet", "Convertible",
      "Detachable", "IoT Gateway", "Embedded PC", "Mini PC", "Stick PC"};
  if (auto type = read_file("/sys/class/dmi/id/chassis_type")) {
    std::string text = trim(*type);
    unsigned long index = std::strtoul(text.c_str(), nullptr, 10);
    facts["form_factor"] = index < std::size(k_form_factors) ? std::string(k_form_factors[index]) : "unknown (" + text + ")";
  } else {
    facts["form_factor"] = "NA";
  }
}

}  // namespace

void collect_hardware(json& facts) {
  collect_dmi(facts);
  collect_processors(facts);
  collect_memory(facts);
  collect_mounts(facts);
  collect_devices(facts);
  // drover does not run LVM's tools: Ansible's value when it does not either (not root, no vgs)
  facts["lvm"] = "N/A";
  std::istringstream uptime(read_file("/proc/uptime").value_or("0"));
  double seconds = 0;
  uptime >> seconds;
  facts["uptime_seconds"] = static_cast<long long>(seconds);
  std::istringstream load(read_file("/proc/loadavg").value_or("0 0 0"));
  double one = 0, five = 0, fifteen = 0;
  load >> one >> five >> fifteen;
  facts["loadavg"] = {{"1m", one}, {"5m", five}, {"15m", fifteen}};
}

void collect_virtual(json& facts) {
  json guest = json::array();
  std::string type = "NA", role = "NA";
  std::string environ = read_file("/proc/1/environ").value_or("");
  std::string cgroup = read_file("/proc/1/cgroup").value_or("");
  if (::access("/.dockerenv", F_OK) == 0 || cgroup.find("docker") != std::string::npos) type = "docker";
  else if (::access("/run/.containerenv", F_OK) == 0) type = "podman";
  else if (environ.find("container=lxc") != std::string::npos) type = "lxc";
  else if (environ.find("container=") != std::string::npos) type = "container";
  if (type != "NA") {
    role = "guest";
    guest.push_back(type);
    if (type != "container") guest.push_back("container");
  }
  facts["virtualization_type"] = type;
  facts["virtualization_role"] = role;
  facts["virtualization_tech_guest"] = guest;
  facts["virtualization_tech_host"] = json::array();
}

}  // namespace drover::modules::facts
