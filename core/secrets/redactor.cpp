#include "core/secrets/redactor.hpp"

#include <sys/prctl.h>

#include <mutex>

#include "core/secrets/crypto.hpp"
#include "core/value/json.hpp"
#include "core/value/unicode_case.hpp"
#include "core/value/url.hpp"

namespace drover::secrets {
namespace {

// The text between the quotes of json.dumps(s, ensure_ascii=…).
std::string json_escaped(std::string_view s, bool ensure_ascii) {
  JsonStyle style;
  style.ensure_ascii = ensure_ascii;
  std::string quoted = dump_json(Value(std::string(s)), style);
  return quoted.substr(1, quoted.size() - 2);
}

}  // namespace

Redactor& Redactor::global() {
  static Redactor r;
  return r;
}

void Redactor::add_form(std::string_view form) {
  if (form.size() < k_min_length) return;
  auto& same_length = m_by_length[form.size()];
  if (same_length.contains(form)) return;
  m_secrets.emplace_back(form);
  same_length.insert(m_secrets.back());
  m_first_bytes.set(static_cast<unsigned char>(form.front()));
}

// Once a secret is in memory the process must not dump core (a core file would hold it in
// plaintext) nor be readable through ptrace by the same user's other processes.
namespace {
void keep_out_of_core_dumps() {
  static std::once_flag once;
  std::call_once(once, [] { ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); });
}
}  // namespace

void Redactor::add(std::string_view secret) {
  if (secret.size() < k_min_length) return;
  keep_out_of_core_dumps();
  std::unique_lock lock(m_mutex);
  add_form(secret);
  add_form(json_escaped(secret, false));
  add_form(json_escaped(secret, true));
  // Forms a target's command may print when it transformed the secret where no taint can follow
  // (`tr a-z A-Z`, `base64`, a URL built in a shell): masked too.
  add_form(unicode::upper(secret));
  add_form(unicode::lower(secret));
  add_form(base64_encode(secret));
  add_form(base64_encode(std::string(secret) + "\n"));  // `echo "$SECRET" | base64`
  add_form(url_quote(secret, "/", SpaceAs::percent));
  add_form(url_quote(secret, "", SpaceAs::plus));
  if (secret.find('\n') != std::string_view::npos) {
    std::size_t start = 0;
    while (start < secret.size()) {
      auto nl = secret.find('\n', start);
      auto line = secret.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
      if (line.size() >= 8) add_form(line);
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
  }
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
  std::shared_lock lock(m_mutex);
  return m_secrets.empty();
}

std::string Redactor::mask(std::string_view text) const {
  std::shared_lock lock(m_mutex);
  if (m_secrets.empty()) return std::string(text);
  std::string out;
  std::size_t copied = 0;  // text[copied, i) is pending verbatim output
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t hit = 0;
    if (m_first_bytes.test(static_cast<unsigned char>(text[i]))) {
      for (const auto& [length, set] : m_by_length) {
        if (length > text.size() - i) continue;
        if (set.contains(text.substr(i, length))) {
          hit = length;
          break;
        }
      }
    }
    if (hit == 0) {
      ++i;
      continue;
    }
    if (out.empty()) out.reserve(text.size());
    out.append(text.substr(copied, i - copied));
    out.append(k_mask);
    i += hit;
    copied = i;
  }
  if (copied == 0) return std::string(text);
  out.append(text.substr(copied));
  return out;
}

}  // namespace drover::secrets
