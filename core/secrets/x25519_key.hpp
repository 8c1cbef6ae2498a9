// age's native X25519 recipients (age1…) and identities (AGE-SECRET-KEY-1…).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/secrets/age_header.hpp"

namespace drover::secrets {

class X25519Recipient {
public:
  // nullopt unless text is a valid lower-case "age1…" bech32 string of a 32-byte key.
  static std::optional<X25519Recipient> parse(std::string_view text);
  explicit X25519Recipient(std::string public_key) : m_public(std::move(public_key)) {}

  std::string str() const;  // age1…
  const std::string& public_key() const { return m_public; }
  // Wraps a 16-byte file key into a fresh "X25519" stanza.
  Stanza wrap(std::string_view file_key) const;

private:
  std::string m_public;
};

class X25519Identity {
public:
  // nullopt unless text is a valid "AGE-SECRET-KEY-1…" bech32 string of a 32-byte scalar.
  static std::optional<X25519Identity> parse(std::string_view text);
  static X25519Identity generate();
  explicit X25519Identity(std::string secret);

  std::string str() const;  // AGE-SECRET-KEY-1… (upper case)
  X25519Recipient recipient() const { return X25519Recipient(m_public); }
  // The file key when this stanza is an X25519 stanza for this identity; nullopt when it is for
  // another key (or another type). Throws AgeError(header) when the stanza is malformed.
  std::optional<std::string> unwrap(const Stanza& stanza) const;

private:
  std::string m_secret;
  std::string m_public;
};

}  // namespace drover::secrets
