// The table of Ansible's lookups, one row each, alphabetized.
#include "plugins/lookup/lookup_table.hpp"

#include "plugins/lookup/lookup_support.hpp"

namespace drover::lookup {

namespace {

using tmpl::LookupRow;
namespace l = drover::lookup;

const LookupRow k_lookups[] = {
    {"config", l::config},
    {"csvfile", l::csvfile},
    {"dict", l::dict},
    {"env", l::env},
    {"file", l::file},
    {"fileglob", l::fileglob},
    {"first_found", l::first_found},
    {"indexed_items", l::indexed_items},
    {"ini", l::ini},
    {"inventory_hostnames", l::inventory_hostnames},
    {"items", l::items},
    {"lines", l::lines},
    {"list", l::list},
    {"nested", l::nested},
    {"password", l::password},
    {"pipe", l::pipe},
    {"random_choice", l::random_choice},
    {"sequence", l::sequence},
    {"subelements", l::subelements},
    {"template", l::template_},
    {"together", l::together},
    {"unvault", l::unvault},
    {"varnames", l::varnames},
    {"vars", l::vars},
};

}  // namespace

std::span<const LookupRow> lookup_table() { return k_lookups; }

}  // namespace drover::lookup
