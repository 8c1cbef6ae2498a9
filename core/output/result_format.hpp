// How Ansible turns a task result into text: the cleaning TaskResult.clean_copy() does before any
// callback sees a result, the extra cleaning of CallbackBase (_dump_results, _clean_results,
// _get_item_label, _get_diff), and Python's str()/repr() for loop item labels.
#pragma once

#include <string>
#include <string_view>

#include "core/output/callback.hpp"
#include "core/value/value.hpp"

namespace drover::output {

// The message Ansible puts in place of a no_log result.
inline constexpr std::string_view k_no_log_message =
    "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

// True for debug / ansible.builtin.debug / ansible.legacy.debug.
bool is_debug_action(std::string_view action);
// True for the modules Ansible prints as "rc=N >>" + output (its MODULE_NO_JSON: command, shell,
// raw and their Windows forms, short or FQCN).
bool is_command_like_action(std::string_view action);

// TaskResult.clean_copy(): a no_log result (`_ansible_no_log: true`) becomes {censored, and the
// kept changed/attempts/retries}; otherwise `failed` and `skipped` are dropped at the top
// (and `invocation` for debug), and every `_ansible_*` key is removed at any depth except the
// four callbacks need (_ansible_verbose_always, _ansible_item_label, _ansible_no_log,
// _ansible_verbose_override). Non-maps are returned unchanged.
Value clean_result(const Value& raw, std::string_view action);

// strip_internal_keys(): every `_ansible_*` key removed, at any depth.
Value strip_internal_keys(const Value& v);

// CallbackBase._clean_results(): for debug, a result with `msg` keeps only msg, exception,
// warnings, deprecations and `_` keys; one without keeps all but changed/failed/skipped/
// invocation/skip_reason. Other actions are returned unchanged.
Value clean_debug_result(const Value& result, std::string_view action);

// The result as _dump_results() shows it: internal keys stripped, `invocation` and `diff` removed
// below -vvv, `exception` removed.
Value abridged_result(const Value& result, int verbosity);

// CallbackBase._dump_results() in its json format: internal keys stripped, `invocation` and
// `diff` removed below -vvv, `exception` removed; indented by 4 when asked (indent > 0), when
// the result says `_ansible_verbose_always`, or at -vvv and above; keys sorted.
std::string dump_result(const Value& result, int verbosity, int indent = 0);

// True when the result is to be shown in full (-v, or `_ansible_verbose_always`), unless the
// result says `_ansible_verbose_override` (facts gathering).
bool run_is_verbose(const Value& result, int verbosity, int above = 0);

// _get_item_label(): "(censored due to no_log)", else `_ansible_item_label`, else `item`, as
// Python's str() prints it.
std::string item_label(const Value& result);

// CallbackBase._get_diff(): a diff map (or a list of them) as Ansible prints it, unified diff
// included; lines are coloured when `color` is on. Empty when there is nothing to show.
std::string format_diff(const Value& diff, bool color);

// CallbackBase.host_label(): "host", or "host -> delegate" (and "(ansible_host)" when it differs).
std::string host_label(const HostResult& r);

// The result's `warnings` as text lines (and the result without them), for _handle_warnings.
std::vector<std::string> take_warnings(Value& result);
// The result's `deprecations` as Ansible's short text lines (and the result without them).
std::vector<std::string> take_deprecations(Value& result);

}  // namespace drover::output
