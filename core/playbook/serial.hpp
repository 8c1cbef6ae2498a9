// The play keywords that size and order host batches (`serial`, `max_fail_percentage`), read as
// Ansible reads them (ansible.utils.helpers.pct_to_int, FieldAttribute isa='percent').
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/value/value.hpp"

namespace drover::playbook {

// One `serial` entry for `total` hosts: an int (or a string of digits) is that many hosts; "N%"
// is int(N / 100 * total), at least 1. A size <= 0 means "every remaining host". nullopt when
// the entry is none of those forms (a bool, a map, "ten", "5%%").
std::optional<long> serial_batch_size(const Value& entry, std::size_t total);

// The batches `serial` cuts `total` hosts into, as sizes: the entries in order, the last one
// repeated until every host has a batch. nullopt when an entry is malformed. `serial` is null
// (one batch of every host), one entry, or a list of entries.
std::optional<std::vector<std::size_t>> serial_batches(const Value& serial, std::size_t total);

// A percentage keyword: an int or float, or a string "N" or "N%". nullopt when malformed.
std::optional<double> percentage_value(const Value& v);

}  // namespace drover::playbook
