// Every secret value the run has seen is registered here; everything drover prints goes through
// mask(), which replaces each occurrence of a registered secret with "********".
// Thread-safe: workers may register secrets while the controller prints.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/value/value.hpp"

namespace drover::secrets {

class Redactor {
public:
  static Redactor& global();

  void add(std::string_view secret);
  // Registers every string marked secret inside v.
  void add_marked(const Value& v);
  std::string mask(std::string_view text) const;
  bool empty() const;

private:
  mutable std::mutex m_mutex;
  std::vector<std::string> m_secrets;  // longest first, so a secret inside another is covered
};

}  // namespace drover::secrets
