// The parts of OpenSSH's known_hosts format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT") that libssh
// does not act on, for the ssh connection to apply itself: `@revoked` lines (a key never to be
// accepted from the hosts the line names) and `@cert-authority` lines (a CA vouching for the
// hosts' certificates; libssh cannot check host certificates, so the connection only names the
// line when it refuses an unknown key).
//
// Host patterns are sshd's: comma-separated, `*` and `?` wildcards, `!` negation (a negated match
// excludes the host whatever else matches), names compared in lower case, `[host]:port` for a
// port other than 22, and hashed names (`|1|salt|hash`: base64 of HMAC-SHA1(salt, name)).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace drover::connection {

enum class KnownHostsMarker { revoked, cert_authority };

struct MarkedHostKey {
  KnownHostsMarker marker;
  std::string key_type;    // "ssh-ed25519", ...
  std::string key_base64;  // the public key blob as the file writes it
  int line = 0;            // 1-based
};

// The name OpenSSH looks a host up by: "host", or "[host]:port" for a port other than 22.
std::string known_hosts_name(std::string_view host, int port);

// True when a pattern of the comma-separated `patterns` (hashed names included) matches `name`
// (a known_hosts_name) and no negated pattern does.
bool known_hosts_patterns_match(std::string_view patterns, std::string_view name);

// The @revoked and @cert-authority lines of a known_hosts file's text whose patterns match
// `name`, in file order. Malformed lines are skipped, as ssh skips them.
std::vector<MarkedHostKey> marked_host_keys(std::string_view text, std::string_view name);

}  // namespace drover::connection
