// Ansible's fact cache: the facts of each host (setup's, and set_fact's with `cacheable: true`)
// kept for the run (`memory`) or, with `jsonfile`, in one JSON file per host in the
// fact_caching_connection folder, named as Ansible names them (prefix + host name) and holding
// what Ansible writes there (the facts under their own keys, `ansible_` prefixes kept, sorted,
// indented by 4), so ansible-playbook and later drover runs read them.
//
// Secrets are never written: a fact whose value came from an encrypted vars file is left out of
// the file (with a warning); it stays in memory for the run.
//
// Not thread-safe: the controller thread alone stores and removes.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/value/value.hpp"

namespace drover::vars {

struct FactCacheSettings {
  std::string plugin = "memory";   // [defaults] fact_caching: memory | jsonfile
  std::string connection;          // fact_caching_connection: the jsonfile folder
  std::string prefix;              // fact_caching_prefix: before each host's file name
  std::int64_t timeout_s = 86400;  // fact_caching_timeout: older files are ignored; 0 = never
};

class FactCache {
public:
  // Throws Fatal for an unknown plugin name or a jsonfile cache without a folder.
  explicit FactCache(FactCacheSettings settings);

  // The cached facts of `host` (a map), or nullopt: memory, missing, expired or unreadable
  // (an unreadable file is a warning, as Ansible's is).
  std::optional<Value> load(const std::string& host);
  // Replaces the host's cached facts. Returns the warnings (facts left out because they hold
  // secrets), each once per run. Throws Fatal when the file cannot be written.
  std::vector<std::string> store(const std::string& host, const Value& facts);
  // Forgets the host (meta: clear_facts, --flush-cache): its file is removed.
  void remove(const std::string& host);
  bool persistent() const { return m_settings.plugin == "jsonfile"; }
  // The warnings of load() since the last call (unreadable files).
  std::vector<std::string> take_warnings() { return std::exchange(m_warnings, {}); }

private:
  FactCacheSettings m_settings;
  std::vector<std::string> m_warnings;
  std::set<std::string> m_warned;  // host + '\n' + fact
  std::string path_of(const std::string& host) const;
};

}  // namespace drover::vars
