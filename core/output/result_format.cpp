#include "core/output/result_format.hpp"

#include <array>
#include <cstdio>

#include "core/output/display.hpp"
#include "core/output/unified_diff.hpp"
#include "core/value/json.hpp"
#include "core/value/python_repr.hpp"

namespace drover::output {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// "debug", "ansible.builtin.debug" and "ansible.legacy.debug" all name the same action.
bool same_action(std::string_view action, std::string_view short_name) {
  if (action == short_name) return true;
  for (std::string_view prefix : {"ansible.builtin.", "ansible.legacy."})
    if (starts_with(action, prefix) && action.substr(prefix.size()) == short_name) return true;
  return false;
}

bool is_kept_internal_key(std::string_view key) {
  return key == "_ansible_verbose_always" || key == "_ansible_item_label" || key == "_ansible_no_log" ||
         key == "_ansible_verbose_override";
}

Value strip_keys(const Value& v, bool keep_callback_keys) {
  if (v.is_list()) {
    List out;
    for (const auto& item : v.as_list()) out.push_back(strip_keys(item, keep_callback_keys));
    return Value(std::move(out));
  }
  if (!v.is_map()) return v;
  Map out;
  for (const auto& [k, item] : v.as_map()) {
    if (starts_with(k, "_ansible_") && !(keep_callback_keys && is_kept_internal_key(k))) continue;
    out.set(k, strip_keys(item, keep_callback_keys));
  }
  return Value(std::move(out));
}

std::string serialize_diff_side(const Value& side) {
  if (side.is_map()) return dump_json(side, JsonStyle{4, true, false}) + "\n";
  if (side.is_null()) return "";
  if (side.is_string()) return side.as_string();
  return python_str(side);
}

std::string header(const Value& diff, std::string_view side) {
  const Value* h = diff.find(std::string(side) + "_header");
  if (h == nullptr) return std::string(side);
  return std::string(side) + ": " + python_str(*h);
}

std::string color_diff_line(const std::string& line, bool color) {
  if (!color) return line;
  if (starts_with(line, "+")) return colorize_text(line, color::diff_add);
  if (starts_with(line, "-")) return colorize_text(line, color::diff_remove);
  if (starts_with(line, "@@")) return colorize_text(line, color::diff_lines);
  return line;
}

std::string format_one_diff(const Value& diff, bool color) {
  std::string out;
  if (!diff.is_map()) return out;
  auto note = [&](const char* key, const char* text) {
    if (diff.find(key)) out += text;
  };
  note("dst_binary", "diff skipped: destination file appears to be binary\n");
  note("src_binary", "diff skipped: source file appears to be binary\n");
  if (const Value* v = diff.find("dst_larger"))
    out += "diff skipped: destination file size is greater than " + python_str(*v) + "\n";
  if (const Value* v = diff.find("src_larger"))
    out += "diff skipped: source file size is greater than " + python_str(*v) + "\n";
  const Value* before = diff.find("before");
  const Value* after = diff.find("after");
  if (before && after) {
    auto lines_of = [](const Value& side) {
      auto lines = split_lines_keep_ends(serialize_diff_side(side));
      if (!lines.empty() && lines.back().back() != '\n') lines.back() += "\n\\ No newline at end of file\n";
      return lines;
    };
    auto diff_lines = unified_diff(lines_of(*before), lines_of(*after), header(diff, "before"), header(diff, "after"));
    for (const auto& line : diff_lines) out += color_diff_line(line, color);
    if (!diff_lines.empty()) out += "\n";
  }
  if (const Value* prepared = diff.find("prepared")) out += python_str(*prepared);
  return out;
}

}  // namespace

bool is_debug_action(std::string_view action) { return same_action(action, "debug"); }

bool is_command_like_action(std::string_view action) {
  for (std::string_view name : {"command", "shell", "raw", "win_command", "win_shell"})
    if (same_action(action, name)) return true;
  return action == "ansible.windows.win_command" || action == "ansible.windows.win_shell";
}

Value strip_internal_keys(const Value& v) { return strip_keys(v, false); }

Value clean_result(const Value& raw, std::string_view action) {
  if (!raw.is_map()) return raw;
  Map out;
  if (raw.get("_ansible_no_log").truthy()) {
    out.set("censored", Value(std::string(k_no_log_message)));
    for (const char* kept : {"attempts", "changed", "retries"})
      if (const Value* v = raw.find(kept)) out.set(kept, *v);
  } else {
    bool debug = is_debug_action(action);
    for (const auto& [k, v] : raw.as_map()) {
      if (k == "failed" || k == "skipped" || (debug && k == "invocation")) continue;
      if (starts_with(k, "_ansible_") && !is_kept_internal_key(k)) continue;
      out.set(k, strip_keys(v, true));
    }
  }
  // Ansible keeps these few delegation facts for host labels, even under no_log.
  if (const Value* dv = raw.find("_ansible_delegated_vars"); dv && dv->is_map()) {
    Map kept;
    for (const char* key : {"ansible_host", "ansible_port", "ansible_user", "ansible_connection"})
      if (const Value* v = dv->find(key)) kept.set(key, *v);
    out.set("_ansible_delegated_vars", Value(std::move(kept)));
  }
  return Value(std::move(out));
}

Value clean_debug_result(const Value& result, std::string_view action) {
  if (!is_debug_action(action) || !result.is_map()) return result;
  Map out;
  bool has_msg = result.find("msg") != nullptr;
  for (const auto& [k, v] : result.as_map()) {
    bool keep;
    if (has_msg)
      keep = k == "msg" || k == "exception" || k == "warnings" || k == "deprecations" || starts_with(k, "_");
    else
      keep = !(k == "changed" || k == "failed" || k == "skipped" || k == "invocation" || k == "skip_reason");
    if (keep) out.set(k, v);
  }
  return Value(std::move(out));
}

bool run_is_verbose(const Value& result, int verbosity, int above) {
  const Value& always = result.get("_ansible_verbose_always");
  const Value& override_ = result.get("_ansible_verbose_override");
  bool verbose = verbosity > above || (always.is_bool() && always.as_bool());
  return verbose && !(override_.is_bool() && override_.as_bool());
}

Value abridged_result(const Value& result, int verbosity) {
  Value abridged = strip_internal_keys(result);
  if (abridged.is_map()) {
    Map& m = abridged.mutable_map();
    if (verbosity < 3) {
      m.erase("invocation");
      m.erase("diff");
    }
    m.erase("exception");
  }
  return abridged;
}

std::string dump_result(const Value& result, int verbosity, int indent) {
  if (indent <= 0 && (result.get("_ansible_verbose_always").truthy() || verbosity > 2)) indent = 4;
  Value abridged = abridged_result(result, verbosity);
  return dump_json(abridged, JsonStyle{indent > 0 ? indent : -1, true, false});
}

std::string item_label(const Value& result) {
  if (result.get("_ansible_no_log").truthy()) return "(censored due to no_log)";
  if (const Value* label = result.find("_ansible_item_label")) return python_str(*label);
  return python_str(result.get("item"));
}

std::string format_diff(const Value& diff, bool color) {
  std::string out;
  if (diff.is_list()) {
    for (const auto& d : diff.as_list()) out += format_one_diff(d, color);
  } else {
    out = format_one_diff(diff, color);
  }
  return out;
}

std::string host_label(const HostResult& r) {
  std::string label = r.host;
  if (r.delegated && !r.delegate_host.empty() && r.delegate_host != r.host) {
    label += " -> " + r.delegate_host;
    const Value& ahost = r.result.get("_ansible_delegated_vars").get("ansible_host");
    std::string shown = ahost.is_null() ? r.delegate_host : python_str(ahost);
    if (shown != r.delegate_host) label += "(" + shown + ")";
  }
  return label;
}

std::vector<std::string> take_warnings(Value& result) {
  std::vector<std::string> out;
  if (!result.is_map()) return out;
  const Value* w = result.find("warnings");
  if (w == nullptr || !w->truthy()) return out;
  if (w->is_list()) {
    for (const auto& item : w->as_list()) out.push_back(python_str(item));
  } else {
    out.push_back(python_str(*w));
  }
  result.mutable_map().erase("warnings");
  return out;
}

std::vector<std::string> take_deprecations(Value& result) {
  std::vector<std::string> out;
  if (!result.is_map()) return out;
  const Value* d = result.find("deprecations");
  if (d == nullptr || !d->truthy()) return out;
  if (d->is_list()) {
    for (const auto& item : d->as_list()) {
      std::string text = item.is_map() ? item.get_string("msg") : python_str(item);
      if (item.is_map() && item.find("version"))
        text += ". This feature will be removed in version " + python_str(item.get("version")) + ".";
      out.push_back(text);
    }
  }
  result.mutable_map().erase("deprecations");
  return out;
}

}  // namespace drover::output
