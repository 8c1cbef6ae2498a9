#include <cctype>
#include <map>
#include <sstream>

#include <unistd.h>

#include "modules/facts/collectors.hpp"

namespace drover::modules::facts {

namespace {

using KeyValues = std::map<std::string, std::string>;

KeyValues parse_key_values(const std::string& text) {
  KeyValues values;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos || line.starts_with("#")) continue;
    std::string value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    values[trim(line.substr(0, eq))] = value;
  }
  return values;
}

struct Distribution {
  const char* id;      // os-release ID
  const char* name;    // Ansible's distribution
  const char* family;  // Ansible's os_family
};

// Ansible's names for the os-release ids drover knows; one row per distribution.
constexpr Distribution k_distributions[] = {
    {"almalinux", "AlmaLinux", "RedHat"}, {"alpine", "Alpine", "Alpine"},
    {"amzn", "Amazon", "RedHat"},         {"arch", "Archlinux", "Archlinux"},
    {"centos", "CentOS", "RedHat"},       {"debian", "Debian", "Debian"},
    {"fedora", "Fedora", "RedHat"},       {"gentoo", "Gentoo", "Gentoo"},
    {"kali", "Kali", "Debian"},           {"linuxmint", "Linux Mint", "Debian"},
    {"manjaro", "Manjaro", "Archlinux"},  {"ol", "OracleLinux", "RedHat"},
    {"opensuse-leap", "openSUSE Leap", "Suse"}, {"opensuse-tumbleweed", "openSUSE Tumbleweed", "Suse"},
    {"pop", "Pop!_OS", "Debian"},         {"raspbian", "Debian", "Debian"},
    {"rhel", "RedHat", "RedHat"},         {"rocky", "Rocky", "RedHat"},
    {"sles", "SLES", "Suse"},             {"ubuntu", "Ubuntu", "Debian"},
};

const Distribution* find_distribution(const std::string& id) {
  for (const auto& row : k_distributions)
    if (id == row.id) return &row;
  return nullptr;
}

// What `lsb_release -a` prints, read from os-release instead of running it (Debian's lsb_release
// is a Python script that takes a third of a second): only where the command is installed, as
// Ansible has no lsb facts without it or /etc/lsb-release.
json lsb_from_os_release(KeyValues& os) {
  json out = json::object();
  if (::access("/usr/bin/lsb_release", X_OK) != 0 && ::access("/bin/lsb_release", X_OK) != 0) return out;
  if (os.count("NAME")) out["id"] = os["NAME"].substr(0, os["NAME"].find(' '));
  if (os.count("PRETTY_NAME")) out["description"] = os["PRETTY_NAME"];
  if (os.count("VERSION_ID")) {
    out["release"] = os["VERSION_ID"];
    out["major_release"] = os["VERSION_ID"].substr(0, os["VERSION_ID"].find('.'));
  }
  if (os.count("VERSION_CODENAME")) out["codename"] = os["VERSION_CODENAME"];
  return out;
}

void add_lsb(json& facts, KeyValues& os) {
  auto text = read_file("/etc/lsb-release");
  if (!text) {
    json out = lsb_from_os_release(os);
    if (!out.empty()) facts["lsb"] = out;
    return;
  }
  KeyValues lsb = parse_key_values(*text);
  json out = json::object();
  if (lsb.count("DISTRIB_ID")) out["id"] = lsb["DISTRIB_ID"];
  if (lsb.count("DISTRIB_RELEASE")) {
    out["release"] = lsb["DISTRIB_RELEASE"];
    out["major_release"] = lsb["DISTRIB_RELEASE"].substr(0, lsb["DISTRIB_RELEASE"].find('.'));
  }
  if (lsb.count("DISTRIB_CODENAME")) out["codename"] = lsb["DISTRIB_CODENAME"];
  if (lsb.count("DISTRIB_DESCRIPTION")) out["description"] = lsb["DISTRIB_DESCRIPTION"];
  facts["lsb"] = out;
}

}  // namespace

void collect_distribution(json& facts) {
  auto text = read_file("/etc/os-release");
  if (!text) text = read_file("/usr/lib/os-release");
  KeyValues os = text ? parse_key_values(*text) : KeyValues{};
  std::string id = os.count("ID") ? os["ID"] : "";
  const Distribution* known = find_distribution(id);
  std::string name = known ? known->name : (os.count("NAME") ? os["NAME"] : "NA");
  std::string version = os.count("VERSION_ID") ? os["VERSION_ID"] : "NA";
  if (id == "debian") {
    // Ansible reports Debian's point release from /etc/debian_version ("12.11").
    if (auto point = read_file("/etc/debian_version"); point && isdigit(static_cast<unsigned char>((*point)[0])))
      version = trim(*point);
  }
  facts["distribution"] = name;
  facts["distribution_version"] = version;
  facts["distribution_major_version"] = version.substr(0, version.find('.'));
  if (auto dot = version.find('.'); dot != std::string::npos) facts["distribution_minor_version"] = version.substr(dot + 1);
  facts["distribution_release"] = os.count("VERSION_CODENAME") ? os["VERSION_CODENAME"] : "NA";
  facts["distribution_file_path"] = "/etc/os-release";
  facts["distribution_file_parsed"] = text.has_value();
  facts["os_family"] = known ? known->family : name;
  facts["distribution_file_variety"] = known ? known->family : name;
  add_lsb(facts, os);
}

}  // namespace drover::modules::facts
