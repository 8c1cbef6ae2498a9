// The tables of Ansible's filters and tests, one row each, alphabetized. Lookups are in
// plugins/lookup/lookup_table.cpp. `version_compare` is a test only, as in Ansible 2.14.
#include "core/template/ansible_filters.hpp"
#include "core/template/ansible_tests.hpp"

namespace drover::tmpl {

namespace {

namespace f = filters;
namespace t = tests;

const FilterRow k_filters[] = {
    {"b64decode", f::b64decode},
    {"b64encode", f::b64encode},
    {"basename", f::basename},
    {"bool", f::to_bool},
    {"checksum", f::checksum},
    {"combine", f::combine},
    {"comment", f::comment},
    {"dict2items", f::dict2items},
    {"difference", f::difference},
    {"dirname", f::dirname},
    {"expanduser", f::expanduser},
    {"extract", f::extract},
    {"flatten", f::flatten},
    {"from_json", f::from_json},
    {"from_yaml", f::from_yaml},
    {"hash", f::hash},
    {"human_readable", f::human_readable},
    {"human_to_bytes", f::human_to_bytes},
    {"intersect", f::intersect},
    {"items2dict", f::items2dict},
    {"mandatory", f::mandatory},
    {"md5", f::md5},
    {"password_hash", f::password_hash},
    {"path_join", f::path_join},
    {"quote", f::quote},
    {"random", f::random},
    {"realpath", f::realpath},
    {"regex_escape", f::regex_escape},
    {"regex_findall", f::regex_findall},
    {"regex_replace", f::regex_replace},
    {"regex_search", f::regex_search},
    {"relpath", f::relpath},
    {"sha1", f::sha1},
    {"shuffle", f::shuffle},
    {"split", f::split},
    {"splitext", f::splitext},
    {"strftime", f::strftime},
    {"subelements", f::subelements},
    {"symmetric_difference", f::symmetric_difference},
    {"ternary", f::ternary},
    {"to_datetime", f::to_datetime},
    {"to_json", f::to_json},
    {"to_nice_json", f::to_nice_json},
    {"to_nice_yaml", f::to_nice_yaml},
    {"to_uuid", f::to_uuid},
    {"to_yaml", f::to_yaml},
    {"type_debug", f::type_debug},
    {"union", f::union_},
    {"unique", f::unique},
    {"urlsplit", f::urlsplit},
    {"zip", f::zip},
    {"zip_longest", f::zip_longest},
};

const TestRow k_tests[] = {
    {"abs", t::abs},
    {"all", t::all},
    {"any", t::any},
    {"change", t::changed},
    {"changed", t::changed},
    {"contains", t::contains},
    {"directory", t::directory},
    {"exists", t::exists},
    {"failed", t::failed},
    {"failure", t::failed},
    {"falsy", t::falsy},
    {"file", t::file},
    {"finished", t::finished},
    {"is_abs", t::abs},
    {"is_dir", t::directory},
    {"is_file", t::file},
    {"is_link", t::link},
    {"is_same_file", t::same_file},
    {"link", t::link},
    {"link_exists", t::link_exists},
    {"match", t::match},
    {"reachable", t::reachable},
    {"regex", t::regex},
    {"same_file", t::same_file},
    {"search", t::search},
    {"skip", t::skipped},
    {"skipped", t::skipped},
    {"started", t::started},
    {"subset", t::subset},
    {"succeeded", t::succeeded},
    {"success", t::succeeded},
    {"successful", t::succeeded},
    {"superset", t::superset},
    {"truthy", t::truthy},
    {"unreachable", t::unreachable},
    {"version", t::version},
    {"version_compare", t::version},
};

}  // namespace

std::span<const FilterRow> ansible_filters() { return k_filters; }
std::span<const TestRow> ansible_tests() { return k_tests; }

}  // namespace drover::tmpl
