#include "core/vars/fact_cache.hpp"

#include <sys/stat.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/secrets/atomic_file.hpp"
#include "core/value/json.hpp"

namespace drover::vars {

namespace fs = std::filesystem;

FactCache::FactCache(FactCacheSettings settings) : m_settings(std::move(settings)) {
  if (m_settings.plugin.empty()) m_settings.plugin = "memory";
  if (m_settings.plugin != "memory" && m_settings.plugin != "jsonfile")
    throw Fatal("fact_caching = " + m_settings.plugin + ": drover has the memory and jsonfile caches",
                ExitCode::bad_options);
  if (persistent() && m_settings.connection.empty())
    throw Fatal("fact_caching = jsonfile needs fact_caching_connection, the folder for the cache files "
                "(ANSIBLE_CACHE_PLUGIN_CONNECTION)",
                ExitCode::bad_options);
  if (persistent()) {
    if (m_settings.connection.rfind("~/", 0) == 0)
      if (const char* home = std::getenv("HOME")) m_settings.connection = home + m_settings.connection.substr(1);
    std::error_code ec;
    fs::create_directories(m_settings.connection, ec);
    if (ec)
      throw Fatal("cannot create the fact cache folder " + m_settings.connection + ": " + ec.message(),
                  ExitCode::bad_options);
  }
}

std::string FactCache::path_of(const std::string& host) const {
  return (fs::path(m_settings.connection) / (m_settings.prefix + host)).string();
}

std::optional<Value> FactCache::load(const std::string& host) {
  if (!persistent()) return std::nullopt;
  const std::string path = path_of(host);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  // Ansible's has_expired: older than the timeout (by mtime) counts as absent
  if (m_settings.timeout_s > 0 && std::time(nullptr) - st.st_mtime > m_settings.timeout_s) return std::nullopt;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  try {
    Value facts = parse_json(text.str(), path);
    if (facts.is_map()) return facts;
  } catch (const Fatal&) {
  }
  m_warnings.push_back("error in 'jsonfile' cache plugin while trying to read " + path + ": not a JSON object");
  return std::nullopt;
}

std::vector<std::string> FactCache::store(const std::string& host, const Value& facts) {
  std::vector<std::string> warnings;
  if (!persistent()) return warnings;
  Map kept;
  for (const auto& [k, v] : facts.as_map()) {
    if (v.contains_secret()) {
      if (m_warned.insert(host + "\n" + k).second)
        warnings.push_back("fact '" + k + "' of " + host +
                         " holds a value from an encrypted vars file: it is not written to the fact cache");
      continue;
    }
    kept.set(k, v);
  }
  // json.dumps(facts, sort_keys=True, indent=4) as Ansible's jsonfile writes it (ASCII only),
  // in a file only its owner reads (Ansible's is a mkstemp file renamed into place)
  std::string text = dump_json(Value(std::move(kept)), JsonStyle{.indent = 4, .sort_keys = true, .ensure_ascii = true});
  secrets::write_file_atomically(path_of(host), text, 0600);
  return warnings;
}

void FactCache::remove(const std::string& host) {
  if (!persistent()) return;
  std::error_code ec;
  fs::remove(path_of(host), ec);
}

}  // namespace drover::vars
