// Ansible's tests (lib/ansible/plugins/test/core.py, files.py, mathstuff.py, uri.py) as plain functions:
// each returns the test's truth value or throws TemplateError with Ansible's wording. The
// alphabetized table (ansible_tests()) is in ansible_tables.cpp.
#pragma once

#include "core/template/filter_api.hpp"

namespace drover::tmpl::tests {

bool abs(const Value& in, const CallArgs& args);
bool all(const Value& in, const CallArgs& args);
bool any(const Value& in, const CallArgs& args);
bool changed(const Value& in, const CallArgs& args);
bool contains(const Value& in, const CallArgs& args);
bool directory(const Value& in, const CallArgs& args);
bool exists(const Value& in, const CallArgs& args);
bool failed(const Value& in, const CallArgs& args);
bool falsy(const Value& in, const CallArgs& args);
bool file(const Value& in, const CallArgs& args);
bool finished(const Value& in, const CallArgs& args);
bool link(const Value& in, const CallArgs& args);
bool link_exists(const Value& in, const CallArgs& args);
bool match(const Value& in, const CallArgs& args);
bool mount(const Value& in, const CallArgs& args);
bool nan(const Value& in, const CallArgs& args);
bool reachable(const Value& in, const CallArgs& args);
bool regex(const Value& in, const CallArgs& args);
bool same_file(const Value& in, const CallArgs& args);
bool search(const Value& in, const CallArgs& args);
bool skipped(const Value& in, const CallArgs& args);
bool started(const Value& in, const CallArgs& args);
bool subset(const Value& in, const CallArgs& args);
bool succeeded(const Value& in, const CallArgs& args);
bool superset(const Value& in, const CallArgs& args);
bool truthy(const Value& in, const CallArgs& args);
bool unreachable(const Value& in, const CallArgs& args);
bool uri(const Value& in, const CallArgs& args);
bool url(const Value& in, const CallArgs& args);
bool urn(const Value& in, const CallArgs& args);
bool vault_encrypted(const Value& in, const CallArgs& args);
bool version(const Value& in, const CallArgs& args);

}  // namespace drover::tmpl::tests
