// The age identities the secrets fuzz targets decrypt with: public test keys, so that inputs
// seeded from the files encrypted to them get past the header into the payload.
#pragma once

#include "core/secrets/age.hpp"

namespace drover::fuzz {

inline const secrets::AgeIdentities& test_identities() {
  static const secrets::AgeIdentities ids = [] {
    // the key most C2SP/CCTV age vectors are encrypted to, and
    // inventory-examples/encrypted/DEMO-ONLY-age-key.txt (which the demo sops file is for)
    const char* keys[] = {
        "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0",
        "AGE-SECRET-KEY-1MWXRJ5GM76F7KWDHP80XXYV2EJZD53JJ7879ZX5JPLRVVURKFTGSM90DMG",
    };
    secrets::AgeIdentities i;
    for (const char* key : keys) i.x25519.push_back(*secrets::X25519Identity::parse(key));
    return i;
  }();
  return ids;
}

}  // namespace drover::fuzz
