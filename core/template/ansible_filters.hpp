// Ansible's filters (lib/ansible/plugins/filter/core.py, mathstuff.py, urls.py, urlsplit.py,
// encryption.py) as plain
// functions on Values. Each takes the filter input and the call arguments, returns the result, and
// throws TemplateError with Ansible's wording when Ansible would fail. The alphabetized table
// (ansible_filters()) is in ansible_tables.cpp.
#pragma once

#include "core/template/filter_api.hpp"

namespace drover::tmpl::filters {

// data: ansible_filters.cpp
Value b64decode(const Value& in, const CallArgs& args);
Value b64encode(const Value& in, const CallArgs& args);
Value to_bool(const Value& in, const CallArgs& args);
Value combine(const Value& in, const CallArgs& args);
Value dict2items(const Value& in, const CallArgs& args);
Value difference(const Value& in, const CallArgs& args);
Value extract(const Value& in, const CallArgs& args);
Value flatten(const Value& in, const CallArgs& args);
Value from_json(const Value& in, const CallArgs& args);
Value from_yaml(const Value& in, const CallArgs& args);
Value from_yaml_all(const Value& in, const CallArgs& args);
Value human_readable(const Value& in, const CallArgs& args);
Value human_to_bytes(const Value& in, const CallArgs& args);
Value intersect(const Value& in, const CallArgs& args);
Value items2dict(const Value& in, const CallArgs& args);
Value mandatory(const Value& in, const CallArgs& args);
Value random(const Value& in, const CallArgs& args);
Value shuffle(const Value& in, const CallArgs& args);
Value split(const Value& in, const CallArgs& args);
Value subelements(const Value& in, const CallArgs& args);
Value symmetric_difference(const Value& in, const CallArgs& args);
Value ternary(const Value& in, const CallArgs& args);
Value to_json(const Value& in, const CallArgs& args);
Value to_nice_json(const Value& in, const CallArgs& args);
Value to_nice_yaml(const Value& in, const CallArgs& args);
Value to_yaml(const Value& in, const CallArgs& args);
Value type_debug(const Value& in, const CallArgs& args);
Value union_(const Value& in, const CallArgs& args);
Value unique(const Value& in, const CallArgs& args);
Value zip(const Value& in, const CallArgs& args);
Value zip_longest(const Value& in, const CallArgs& args);

// text, paths, hashes, time: ansible_filters_text.cpp
Value basename(const Value& in, const CallArgs& args);
Value checksum(const Value& in, const CallArgs& args);
Value comment(const Value& in, const CallArgs& args);
Value dirname(const Value& in, const CallArgs& args);
Value expanduser(const Value& in, const CallArgs& args);
Value hash(const Value& in, const CallArgs& args);
Value md5(const Value& in, const CallArgs& args);
Value password_hash(const Value& in, const CallArgs& args);
Value path_join(const Value& in, const CallArgs& args);
Value quote(const Value& in, const CallArgs& args);
Value realpath(const Value& in, const CallArgs& args);
Value regex_escape(const Value& in, const CallArgs& args);
Value regex_findall(const Value& in, const CallArgs& args);
Value regex_replace(const Value& in, const CallArgs& args);
Value regex_search(const Value& in, const CallArgs& args);
Value relpath(const Value& in, const CallArgs& args);
Value sha1(const Value& in, const CallArgs& args);
Value splitext(const Value& in, const CallArgs& args);
Value strftime(const Value& in, const CallArgs& args);
Value to_datetime(const Value& in, const CallArgs& args);
Value to_uuid(const Value& in, const CallArgs& args);
Value urldecode(const Value& in, const CallArgs& args);
Value urlsplit(const Value& in, const CallArgs& args);

// math and combinatorics: ansible_filters_math.cpp
Value combinations(const Value& in, const CallArgs& args);
Value log(const Value& in, const CallArgs& args);
Value permutations(const Value& in, const CallArgs& args);
Value pow(const Value& in, const CallArgs& args);
Value product(const Value& in, const CallArgs& args);
Value rekey_on_member(const Value& in, const CallArgs& args);
Value root(const Value& in, const CallArgs& args);

// paths: ansible_filters_paths.cpp
Value expandvars(const Value& in, const CallArgs& args);
Value fileglob(const Value& in, const CallArgs& args);
Value win_basename(const Value& in, const CallArgs& args);
Value win_dirname(const Value& in, const CallArgs& args);
Value win_splitdrive(const Value& in, const CallArgs& args);

// vault: ansible_filters_vault.cpp
Value unvault(const Value& in, const CallArgs& args);
Value vault(const Value& in, const CallArgs& args);

}  // namespace drover::tmpl::filters
