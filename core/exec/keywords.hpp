// Task and play keywords read as Ansible's FieldAttributes read them: templated with the
// variables of the host (or, for play keywords, of the play), then converted to the keyword's
// type. Every keyword of one type is read by the one function for that type, so `diff` means the
// same thing to the module and to the callback.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/template/templar.hpp"
#include "core/value/value.hpp"

namespace drover::exec {

// A bool keyword (become, check_mode, diff, ignore_errors, no_log, run_once, gather_facts, ...):
// `fallback` when the keyword is absent (null); else the templated value read by Ansible's
// boolean(). Throws tmpl::TemplateError with Ansible's message when it is not a boolean:
// "the field 'diff' has an invalid value (maybe), and could not be converted to an bool. The
// error was: The value 'maybe' is not a valid boolean. ..."
bool bool_keyword(tmpl::Templar& templar, std::string_view name, const Value& value, bool fallback);

// An int keyword (retries, delay): `fallback` when absent; else the templated value as an
// integer (an int, or a string of digits). Throws tmpl::TemplateError as bool_keyword does.
std::int64_t int_keyword(tmpl::Templar& templar, std::string_view name, const Value& value,
                         std::int64_t fallback);

// A float keyword (delay, loop_control.pause): `fallback` when absent; else the templated value
// as a number (an int, a float, or a string Python's float() reads). Throws tmpl::TemplateError
// as bool_keyword does.
double float_keyword(tmpl::Templar& templar, std::string_view name, const Value& value, double fallback);

// A string keyword (become_user, become_method, delegate_to): nullopt when absent; else the
// templated value as text (a non-string result is shown as Python's str() would).
std::optional<std::string> string_keyword(tmpl::Templar& templar, const Value& value);

}  // namespace drover::exec
