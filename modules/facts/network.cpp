#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <vector>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include "modules/facts/collectors.hpp"

namespace drover::modules::facts {

namespace {

std::string sys_value(const std::string& interface, const char* name) {
  return trim(read_file("/sys/class/net/" + interface + "/" + name).value_or(""));
}

std::string ipv4_text(in_addr_t address) {
  char text[INET_ADDRSTRLEN];
  in_addr value{address};
  ::inet_ntop(AF_INET, &value, text, sizeof text);
  return text;
}

int prefix_length(const unsigned char* bytes, size_t size) {
  int bits = 0;
  for (size_t i = 0; i < size; ++i) bits += __builtin_popcount(bytes[i]);
  return bits;
}

std::string ipv6_scope(const in6_addr& address) {
  if (IN6_IS_ADDR_LOOPBACK(&address)) return "host";
  if (IN6_IS_ADDR_LINKLOCAL(&address)) return "link";
  if (IN6_IS_ADDR_SITELOCAL(&address)) return "site";
  return "global";
}

json base_interface(const std::string& name) {
  std::string type_code = sys_value(name, "type");
  std::string flags_text = sys_value(name, "flags");
  unsigned long flags = std::strtoul(flags_text.c_str(), nullptr, 16);
  json facts = {{"device", name},
                {"active", (flags & IFF_UP) != 0},
                {"promisc", (flags & IFF_PROMISC) != 0},
                {"type", type_code == "772" ? "loopback" : type_code == "1" ? "ether" : "unknown"}};
  std::string mtu = sys_value(name, "mtu");
  if (!mtu.empty()) facts["mtu"] = std::atol(mtu.c_str());
  std::string mac = sys_value(name, "address");
  if (!mac.empty() && type_code != "772") facts["macaddress"] = mac;
  const std::string dir = "/sys/class/net/" + name;
  std::error_code error;
  if (auto module = std::filesystem::canonical(dir + "/device/driver/module", error); !error)
    facts["module"] = module.filename().string();
  if (auto device = std::filesystem::read_symlink(dir + "/device", error); !error)
    facts["pciid"] = device.filename().string();
  // reading speed fails (EINVAL) on interfaces that are down or have none: then no fact, as Ansible
  if (auto speed = read_file(dir + "/speed"); speed && !trim(*speed).empty()) facts["speed"] = std::atol(speed->c_str());
  return facts;
}

void add_ipv4(json& facts, const ifaddrs& entry) {
  in_addr_t address = reinterpret_cast<const sockaddr_in*>(entry.ifa_addr)->sin_addr.s_addr;
  in_addr_t netmask = entry.ifa_netmask ? reinterpret_cast<const sockaddr_in*>(entry.ifa_netmask)->sin_addr.s_addr : 0;
  json ipv4 = {{"address", ipv4_text(address)},
               {"netmask", ipv4_text(netmask)},
               {"network", ipv4_text(address & netmask)},
               {"prefix", std::to_string(prefix_length(reinterpret_cast<const unsigned char*>(&netmask), 4))},
               {"broadcast", ""}};
  if ((entry.ifa_flags & IFF_BROADCAST) && entry.ifa_broadaddr)
    ipv4["broadcast"] = ipv4_text(reinterpret_cast<const sockaddr_in*>(entry.ifa_broadaddr)->sin_addr.s_addr);
  if (!facts.contains("ipv4")) facts["ipv4"] = ipv4;
  else facts["ipv4_secondaries"].push_back(ipv4);
}

void add_ipv6(json& facts, const ifaddrs& entry) {
  const in6_addr& address = reinterpret_cast<const sockaddr_in6*>(entry.ifa_addr)->sin6_addr;
  char text[INET6_ADDRSTRLEN];
  ::inet_ntop(AF_INET6, &address, text, sizeof text);
  int prefix = entry.ifa_netmask
                   ? prefix_length(reinterpret_cast<const sockaddr_in6*>(entry.ifa_netmask)->sin6_addr.s6_addr, 16)
                   : 128;
  facts["ipv6"].push_back({{"address", text}, {"prefix", std::to_string(prefix)}, {"scope", ipv6_scope(address)}});
}

std::string ipv6_text(const std::string& hex) {
  in6_addr address{};
  for (std::size_t i = 0; i < 16 && 2 * i + 1 < hex.size(); ++i)
    address.s6_addr[i] = static_cast<unsigned char>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
  char text[INET6_ADDRSTRLEN];
  ::inet_ntop(AF_INET6, &address, text, sizeof text);
  return text;
}

// The IPv6 default route's interface and gateway from /proc/net/ipv6_route (destination ::/0).
std::pair<std::string, std::string> default_route6() {
  std::istringstream stream(read_file("/proc/net/ipv6_route").value_or(""));
  std::string line;
  while (std::getline(stream, line)) {
    std::vector<std::string> fields = split_words(line);
    if (fields.size() < 10 || fields[0] != std::string(32, '0') || fields[1] != "00") continue;
    if (fields[9] == "lo") continue;
    return {fields[9], ipv6_text(fields[4])};
  }
  return {};
}

// The default route's interface and gateway from /proc/net/route.
std::pair<std::string, std::string> default_route() {
  std::istringstream stream(read_file("/proc/net/route").value_or(""));
  std::string line;
  std::getline(stream, line);
  while (std::getline(stream, line)) {
    std::istringstream fields(line);
    std::string interface, destination, gateway;
    if (!(fields >> interface >> destination >> gateway) || destination != "00000000") continue;
    return {interface, ipv4_text(static_cast<in_addr_t>(std::strtoul(gateway.c_str(), nullptr, 16)))};
  }
  return {};
}

std::string fact_name(std::string interface) {
  std::replace(interface.begin(), interface.end(), '-', '_');
  std::replace(interface.begin(), interface.end(), '.', '_');
  return interface;
}

}  // namespace

void collect_network(json& facts) {
  std::map<std::string, json> interfaces;
  json names = json::array();  // in directory order, as Ansible lists them
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/sys/class/net", error)) {
    interfaces[entry.path().filename().string()] = base_interface(entry.path().filename().string());
    names.push_back(entry.path().filename().string());
  }
  json all_ipv4 = json::array(), all_ipv6 = json::array();
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) == 0) {
    for (ifaddrs* entry = list; entry; entry = entry->ifa_next) {
      if (!entry->ifa_addr) continue;
      std::string name = entry->ifa_name;
      if (!interfaces.count(name)) {
        interfaces[name] = base_interface(name);
        names.push_back(name);
      }
      json& facts_of = interfaces[name];
      if (entry->ifa_addr->sa_family == AF_INET) {
        add_ipv4(facts_of, *entry);
        std::string address = facts_of.contains("ipv4_secondaries") ? facts_of["ipv4_secondaries"].back()["address"]
                                                                      : facts_of["ipv4"]["address"];
        if (!address.starts_with("127.")) all_ipv4.push_back(address);
      } else if (entry->ifa_addr->sa_family == AF_INET6) {
        add_ipv6(facts_of, *entry);
        std::string address = facts_of["ipv6"].back()["address"];
        if (address != "::1") all_ipv6.push_back(address);
      }
    }
    ::freeifaddrs(list);
  }
  for (auto& [name, data] : interfaces) facts[fact_name(name)] = data;
  facts["interfaces"] = names;
  facts["all_ipv4_addresses"] = all_ipv4;
  facts["all_ipv6_addresses"] = all_ipv6;
  auto [route_interface, gateway] = default_route();
  json default_ipv4 = json::object();
  if (!route_interface.empty() && interfaces.count(route_interface)) {
    const json& data = interfaces[route_interface];
    if (data.contains("ipv4")) default_ipv4 = data["ipv4"];
    default_ipv4["interface"] = route_interface;
    default_ipv4["alias"] = route_interface;
    default_ipv4["gateway"] = gateway;
    for (const char* key : {"macaddress", "mtu", "type"})
      if (data.contains(key)) default_ipv4[key] = data[key];
  }
  facts["default_ipv4"] = default_ipv4;
  json default_ipv6 = json::object();
  auto [route6_interface, gateway6] = default_route6();
  if (!route6_interface.empty() && interfaces.count(route6_interface)) {
    const json& data = interfaces[route6_interface];
    // Ansible takes the source address the kernel would pick; drover the interface's first global one
    if (data.contains("ipv6"))
      for (const auto& address : data["ipv6"])
        if (address["scope"] == "global") {
          default_ipv6 = address;
          break;
        }
    default_ipv6["interface"] = route6_interface;
    default_ipv6["gateway"] = gateway6;
    for (const char* key : {"macaddress", "mtu", "type"})
      if (data.contains(key)) default_ipv6[key] = data[key];
  }
  facts["default_ipv6"] = default_ipv6;
}

}  // namespace drover::modules::facts
