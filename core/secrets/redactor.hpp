// Every secret value the run has seen is registered here; everything drover prints goes through
// mask(), which replaces each occurrence of a registered secret with "********".
// Thread-safe: workers may register secrets while the controller prints.
//
// What counts as an occurrence (see docs/secrets.md): the secret itself, its JSON-escaped form
// (results are printed as JSON, so a secret with quotes, backslashes or newlines appears
// escaped), its \uXXXX form for non-ASCII text, each line (8+ bytes) of a multi-line secret
// (diffs and logs print line by line), and the forms a command on a target may turn it into where
// no taint can follow: upper and lower case, base64 (also of the secret plus echo's newline) and
// URL-escaped. The first registration makes the process undumpable (PR_SET_DUMPABLE 0): no core
// file holds a secret. Secrets shorter than 3 bytes are not registered: masking
// every "1" or "no" in the output would make it unreadable, and such values carry no secrecy.
// mask() scans the text once; at a position whose byte starts some secret it looks the text up in
// one hash set per distinct secret length (longest first), so its cost grows with the text and
// the number of distinct lengths, not with the number of secrets.
#pragma once

#include <bitset>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <shared_mutex>
#include <unordered_set>
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

  static constexpr std::string_view k_mask = "********";
  static constexpr std::size_t k_min_length = 3;

private:
  void add_form(std::string_view form);

  mutable std::shared_mutex m_mutex;
  std::deque<std::string> m_secrets;  // every registered form (stable storage for the views)
  std::map<std::size_t, std::unordered_set<std::string_view>, std::greater<>> m_by_length;
  std::bitset<256> m_first_bytes;
};

}  // namespace drover::secrets
