// Placeholder tables until Ansible's filters, tests and lookups land (plugins/lookup and
// core/template/ansible_*.cpp replace this file).
#include "core/template/filter_api.hpp"

namespace drover::tmpl {

std::span<const FilterRow> ansible_filters() { return {}; }
std::span<const TestRow> ansible_tests() { return {}; }
std::span<const LookupRow> ansible_lookups() { return {}; }

}  // namespace drover::tmpl
