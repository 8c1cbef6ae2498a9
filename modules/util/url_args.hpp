// What get_url and uri share: Ansible's url_argument_spec() and file common arguments, the
// HttpRequest those arguments ask for, and fetch_url's `info` map of a response.
#pragma once

#include <vector>

#include "modules/module.hpp"
#include "modules/util/args.hpp"
#include "modules/util/http.hpp"

namespace drover::modules {

// url_argument_spec() plus the file arguments (mode, owner, group, se*, attributes,
// unsafe_writes), followed by `own` (which may redefine one of them: the last one wins).
std::vector<ArgSpec> url_module_spec(std::vector<ArgSpec> own);

// The request the checked `args` describe: url, validate_certs, url_username/url_password,
// force_basic_auth, http_agent, client_cert/client_key, headers, unredirected_headers, timeout,
// follow_redirects (Ansible's urllib2 when the module has none). Throws ModuleFailure for
// arguments drover cannot honour (use_gssapi, ciphers) and a URL that is not http(s).
HttpRequest url_request(const json& args);

// Ansible's fetch_url info: the response headers with lower-case names (duplicates joined with
// ", "), then url, status, msg, cookies ({}), cookies_string ("") — and for an HTTP error the
// error body as "body" when `with_body`.
json response_info(const HttpResponse& response, bool with_body);

// Runs `module` with Ansible's remove_values for url_password: the password (when given) is
// masked as "********" in every string of the result, a failure's message and fields included.
json masking_password(const json& raw_args, const ModuleContext& ctx, json (*module)(const json&, const ModuleContext&));

}  // namespace drover::modules
