#include <sstream>
#include <vector>

#include <sys/utsname.h>
#include <unistd.h>

#include "modules/facts/collectors.hpp"

namespace drover::modules::facts {

namespace {

std::vector<std::string> words(const std::string& line) {
  std::istringstream stream(line);
  std::vector<std::string> result;
  std::string word;
  while (stream >> word) {
    if (word.starts_with("#")) break;
    result.push_back(word);
  }
  return result;
}
}  // namespace

// Python's socket.getfqdn() as /etc/hosts answers it: the address of `name`, then the first
// hosts line for that address; its first name holding a dot, else its first name.
std::string fqdn_from_hosts(const std::string& name) {
  auto hosts = read_file("/etc/hosts");
  if (!hosts) return name;
  std::vector<std::vector<std::string>> lines;
  std::istringstream stream(*hosts);
  std::string line;
  while (std::getline(stream, line)) {
    auto fields = words(line);
    if (fields.size() >= 2) lines.push_back(fields);
  }
  std::string address;
  for (const auto& fields : lines)
    for (size_t i = 1; i < fields.size() && address.empty(); ++i)
      if (fields[i] == name) address = fields[0];
  if (address.empty()) return name;
  for (const auto& fields : lines) {
    if (fields[0] != address) continue;
    for (size_t i = 1; i < fields.size(); ++i)
      if (fields[i].find('.') != std::string::npos) return fields[i];
    return fields[1];
  }
  return name;
}

void collect_platform(json& facts) {
  struct utsname names{};
  ::uname(&names);
  std::string nodename = names.nodename;
  facts["system"] = names.sysname;
  facts["kernel"] = names.release;
  facts["kernel_version"] = names.version;
  facts["machine"] = names.machine;
  facts["architecture"] = names.machine;
  facts["userspace_architecture"] = names.machine;
  facts["userspace_bits"] = std::to_string(sizeof(void*) * 8);
  facts["nodename"] = nodename;
  facts["hostname"] = nodename.substr(0, nodename.find('.'));
  std::string fqdn = fqdn_from_hosts(nodename);
  facts["fqdn"] = fqdn;
  auto dot = fqdn.find('.');
  facts["domain"] = dot == std::string::npos ? "" : fqdn.substr(dot + 1);
  if (auto id = read_file("/etc/machine-id")) facts["machine_id"] = trim(*id);
}

}  // namespace drover::modules::facts
