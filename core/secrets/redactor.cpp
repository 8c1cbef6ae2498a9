#include "core/secrets/redactor.hpp"

#include <algorithm>

namespace drover::secrets {

Redactor& Redactor::global() {
  static Redactor r;
  return r;
}

void Redactor::add(std::string_view secret) {
  if (secret.empty()) return;
  std::lock_guard lock(m_mutex);
  if (std::find(m_secrets.begin(), m_secrets.end(), secret) != m_secrets.end()) return;
  m_secrets.emplace_back(secret);
  std::stable_sort(m_secrets.begin(), m_secrets.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void Redactor::add_marked(const Value& v) {
  switch (v.kind()) {
    case Kind::string:
      if (v.is_secret()) add(v.as_string());
      break;
    case Kind::list:
      for (const auto& item : v.as_list()) add_marked(item);
      break;
    case Kind::map:
      for (const auto& [k, item] : v.as_map()) add_marked(item);
      break;
    default: break;
  }
}

bool Redactor::empty() const {
  std::lock_guard lock(m_mutex);
  return m_secrets.empty();
}

std::string Redactor::mask(std::string_view text) const {
  std::lock_guard lock(m_mutex);
  std::string out(text);
  for (const auto& s : m_secrets) {
    std::size_t pos = 0;
    while ((pos = out.find(s, pos)) != std::string::npos) {
      out.replace(pos, s.size(), "********");
      pos += 8;
    }
  }
  return out;
}

}  // namespace drover::secrets
