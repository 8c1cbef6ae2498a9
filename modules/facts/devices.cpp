// Block devices (ansible_devices, ansible_device_links) from /sys/block and /dev/disk, with the
// shapes and string values of Ansible's Linux hardware collector; storage ids other collectors
// of Ansible read from files (fibre channel WWNs, the iSCSI initiator, the NVMe host NQN).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "modules/facts/collectors.hpp"

namespace drover::modules::facts {

namespace {

namespace fs = std::filesystem;

// Ansible's get_file_content: the stripped content, or null when the file cannot be read.
json file_content(const std::string& path) {
  auto text = read_file(path);
  if (!text) return nullptr;
  return trim(*text);
}

std::string file_text(const std::string& path, const std::string& fallback) {
  auto text = read_file(path);
  return text ? trim(*text) : fallback;
}

std::vector<std::string> directory_names(const std::string& path) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(path, error)) names.push_back(entry.path().filename().string());
  return names;
}

// Ansible's bytes_to_human: two decimals and the largest unit the size reaches ("0.00 Bytes").
std::string bytes_to_human(double size) {
  constexpr std::pair<const char*, int> k_units[] = {{"YB", 80}, {"ZB", 70}, {"EB", 60}, {"PB", 50},
                                                     {"TB", 40}, {"GB", 30}, {"MB", 20}, {"KB", 10}};
  char text[64];
  for (const auto& [unit, shift] : k_units) {
    double limit = std::ldexp(1.0, shift);
    if (size >= limit) {
      std::snprintf(text, sizeof text, "%.2f %s", size / limit, unit);
      return text;
    }
  }
  std::snprintf(text, sizeof text, "%.2f Bytes", size);
  return text;
}

// Link name -> sorted names of the links in `dir` pointing at it (by-id, by-uuid, by-label).
json device_links(const std::string& dir) {
  std::map<std::string, std::set<std::string>> links;
  for (const auto& name : directory_names(dir)) {
    std::error_code error;
    fs::path target = fs::read_symlink(dir + "/" + name, error);
    if (!error) links[target.filename().string()].insert(name);
  }
  json out = json::object();
  for (const auto& [target, names] : links) out[target] = json(std::vector<std::string>(names.begin(), names.end()));
  return out;
}

// The devices each device is a slave of (/sys/block/*/slaves/*).
json device_masters() {
  std::map<std::string, std::set<std::string>> masters;
  for (const auto& block : directory_names("/sys/block"))
    for (const auto& slave : directory_names("/sys/block/" + block + "/slaves")) masters[slave].insert(block);
  json out = json::object();
  for (const auto& [slave, names] : masters) out[slave] = json(std::vector<std::string>(names.begin(), names.end()));
  return out;
}

json links_of(const json& all_links, const std::string& device) {
  json out = json::object();
  for (const auto& [kind, map] : all_links.items()) out[kind] = map.contains(device) ? map[device] : json::array();
  return out;
}

json holders(const std::string& sysdir) {
  json out = json::array();
  for (const auto& name : directory_names(sysdir + "/holders")) {
    if (!name.starts_with("dm-")) continue;
    json dm_name = file_content(sysdir + "/holders/" + name + "/dm/name");
    out.push_back(dm_name.is_string() && !dm_name.get<std::string>().empty() ? dm_name.get<std::string>() : name);
  }
  return out;
}

std::string sector_size(const std::string& sysdir) {
  std::string size = file_text(sysdir + "/queue/logical_block_size", "");
  return size.empty() ? file_text(sysdir + "/queue/hw_sector_size", "512") : size;
}

json partition_uuid(const std::string& partition) {
  for (const auto& uuid : directory_names("/dev/disk/by-uuid")) {
    std::error_code error;
    if (fs::canonical("/dev/disk/by-uuid/" + uuid, error) == fs::path("/dev/" + partition)) return uuid;
  }
  return nullptr;
}

bool is_partition_of(const std::string& disk, const std::string& name) {
  if (!name.starts_with(disk)) return false;
  std::string rest = name.substr(disk.size());
  if (rest.starts_with("p")) rest.erase(0, 1);
  return !rest.empty() && rest.find_first_not_of("0123456789") == std::string::npos;
}

json partitions(const std::string& disk, const std::string& sysdir, const json& all_links) {
  json out = json::object();
  for (const auto& name : directory_names(sysdir)) {
    if (!is_partition_of(disk, name)) continue;
    std::string part_dir = sysdir + "/" + name;
    json part = {{"links", links_of(all_links, name)}};
    part["start"] = file_text(part_dir + "/start", "0");
    part["sectors"] = file_text(part_dir + "/size", "0");
    part["sectorsize"] = sector_size(part_dir);
    part["size"] = bytes_to_human(std::atof(part["sectors"].get<std::string>().c_str()) * 512.0);
    part["uuid"] = partition_uuid(name);
    part["holders"] = holders(part_dir);
    out[name] = part;
  }
  return out;
}

std::string scheduler_mode(const std::string& sysdir) {
  std::string text = file_text(sysdir + "/queue/scheduler", "");
  auto open = text.find('['), close = text.rfind(']');
  return open == std::string::npos || close == std::string::npos || close < open ? "" : text.substr(open + 1, close - open - 1);
}

json block_device(const std::string& block, const json& all_links) {
  std::string sysdir = "/sys/block/" + block;
  std::error_code error;
  fs::path resolved = fs::read_symlink(sysdir, error);
  int virtual_device = 1;
  if (error) {
    for (const auto& name : directory_names(sysdir))
      if (name.find("device") != std::string::npos) virtual_device = 0;
  }
  json d = {{"virtual", virtual_device}, {"links", links_of(all_links, block)}};
  for (const char* key : {"vendor", "model", "sas_address", "sas_device_handle"})
    d[key] = file_content(sysdir + "/device/" + key);
  if (json serial = file_content(sysdir + "/device/serial"); serial.is_string() && !serial.get<std::string>().empty())
    d["serial"] = serial;
  d["removable"] = file_content(sysdir + "/removable");
  d["support_discard"] = file_content(sysdir + "/queue/discard_granularity");
  d["partitions"] = partitions(block, sysdir, all_links);
  d["rotational"] = file_content(sysdir + "/queue/rotational");
  d["scheduler_mode"] = scheduler_mode(sysdir);
  std::string sectors = file_text(sysdir + "/size", "");
  d["sectors"] = sectors.empty() ? json(0) : json(sectors);
  d["sectorsize"] = sector_size(sysdir);
  d["size"] = bytes_to_human(std::atof(sectors.c_str()) * 512.0);
  d["host"] = "";
  d["holders"] = holders(sysdir);
  return d;
}

}  // namespace

void collect_devices(json& facts) {
  json links = {{"ids", device_links("/dev/disk/by-id")},
                {"uuids", device_links("/dev/disk/by-uuid")},
                {"labels", device_links("/dev/disk/by-label")},
                {"masters", device_masters()}};
  json devices = json::object();
  for (const auto& block : directory_names("/sys/block")) devices[block] = block_device(block, links);
  facts["device_links"] = links;
  facts["devices"] = devices;
}

void collect_storage_ids(json& facts) {
  json wwns = json::array();
  for (const auto& host : directory_names("/sys/class/fc_host")) {
    std::string port = file_text("/sys/class/fc_host/" + host + "/port_name", "");
    if (port.starts_with("0x")) port.erase(0, 2);
    if (!port.empty()) wwns.push_back(port);
  }
  facts["fibre_channel_wwn"] = wwns;
  facts["iscsi_iqn"] = "";
  std::istringstream iscsi(read_file("/etc/iscsi/initiatorname.iscsi").value_or(""));
  for (std::string line; std::getline(iscsi, line);) {
    line = trim(line);
    if (line.starts_with("InitiatorName=")) {
      facts["iscsi_iqn"] = line.substr(line.find('=') + 1);
      break;
    }
  }
  facts["hostnqn"] = "";
  std::istringstream nvme(read_file("/etc/nvme/hostnqn").value_or(""));
  for (std::string line; std::getline(nvme, line);) {
    line = trim(line);
    if (line.starts_with("nqn.")) {
      facts["hostnqn"] = line;
      break;
    }
  }
}

}  // namespace drover::modules::facts
