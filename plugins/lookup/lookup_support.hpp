// Helpers and function declarations for Ansible's lookups (plugins/lookup/*.cpp). Each lookup takes
// the terms and keyword arguments of `lookup()`/`query()`/`with_<name>` and returns the list of
// results (query() semantics); failures are TemplateErrors with Ansible's wording.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/template/filter_api.hpp"

namespace drover::lookup {

using tmpl::LookupContext;
using tmpl::TemplateError;

// find_file_in_search_path: an absolute needle as is; else <dir>/<subdir>/<needle> then
// <dir>/<needle> for each search path (the current directory when there are none). nullopt when
// no such file exists.
std::optional<std::string> find_in_search_path(const LookupContext& ctx, const std::string& subdir,
                                               const std::string& needle);
// The directory relative paths are taken from (the first search path, else ".").
std::string base_dir(const LookupContext& ctx);
// The file's bytes (core/fs.hpp's read_file), or the file lookup's TemplateError when it cannot
// be read.
std::string read_lookup_file(const std::string& path);

struct ShellResult {
  int rc;
  std::string out;
};
// Runs `/bin/sh -c command` in `cwd`, capturing stdout (stderr passes through).
ShellResult run_shell(const std::string& command, const std::string& cwd);

// Python's str() of a term (lookups take strings).
std::string term_string(const Value& term);

// The inline `key=value` options of a term (`start=1 end=3`, `length=8 chars=digits`): its words,
// split on spaces, each at its first '='. A word without '=' throws TemplateError(`not_an_option`),
// the lookup's own message.
std::vector<std::pair<std::string, std::string>> term_options(const std::string& text,
                                                              const std::string& not_an_option);

List env(const List& terms, const Map& kwargs, LookupContext& ctx);
List file(const List& terms, const Map& kwargs, LookupContext& ctx);
List fileglob(const List& terms, const Map& kwargs, LookupContext& ctx);
List first_found(const List& terms, const Map& kwargs, LookupContext& ctx);
List template_(const List& terms, const Map& kwargs, LookupContext& ctx);
List pipe(const List& terms, const Map& kwargs, LookupContext& ctx);
List lines(const List& terms, const Map& kwargs, LookupContext& ctx);
List vars(const List& terms, const Map& kwargs, LookupContext& ctx);
List varnames(const List& terms, const Map& kwargs, LookupContext& ctx);
List inventory_hostnames(const List& terms, const Map& kwargs, LookupContext& ctx);
List items(const List& terms, const Map& kwargs, LookupContext& ctx);
List dict(const List& terms, const Map& kwargs, LookupContext& ctx);
List indexed_items(const List& terms, const Map& kwargs, LookupContext& ctx);
List together(const List& terms, const Map& kwargs, LookupContext& ctx);
List nested(const List& terms, const Map& kwargs, LookupContext& ctx);
List subelements(const List& terms, const Map& kwargs, LookupContext& ctx);
List sequence(const List& terms, const Map& kwargs, LookupContext& ctx);
List password(const List& terms, const Map& kwargs, LookupContext& ctx);
List list(const List& terms, const Map& kwargs, LookupContext& ctx);
List random_choice(const List& terms, const Map& kwargs, LookupContext& ctx);
List ini(const List& terms, const Map& kwargs, LookupContext& ctx);
List csvfile(const List& terms, const Map& kwargs, LookupContext& ctx);
List unvault(const List& terms, const Map& kwargs, LookupContext& ctx);
List config(const List& terms, const Map& kwargs, LookupContext& ctx);

}  // namespace drover::lookup
