// The failure kinds of age decryption, as the age test vectors classify them.
#pragma once

#include <stdexcept>
#include <string>

namespace drover::secrets {

enum class AgeFailure { header, armor, payload, no_match, hmac };

class AgeError : public std::runtime_error {
public:
  AgeError(AgeFailure kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
  AgeFailure kind() const { return m_kind; }

private:
  AgeFailure m_kind;
};

}  // namespace drover::secrets
