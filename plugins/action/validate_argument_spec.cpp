// validate_argument_spec: checks arguments against an Ansible argument spec on the control node,
// as ansible.builtin.validate_argument_spec (ArgumentSpecValidator) does. Roles with
// meta/argument_specs.yml run it as their first task (the parser adds it); playbooks may call it
// too. Values come from `provided_arguments` over the variables named like the options.
//
// What it checks, in Ansible's order and words: unknown parameters, mutually_exclusive,
// required, types (str, int, float, bool, list, dict, path, raw; list `elements`), choices,
// required_together / required_one_of / required_if, then suboptions (`options`) of dicts and
// lists of dicts.
#include <algorithm>
#include <charconv>

#include "core/value/boolean.hpp"
#include "core/value/json.hpp"
#include "core/value/python_repr.hpp"
#include "core/value/text.hpp"
#include "plugins/action/action.hpp"

namespace drover::action {

namespace {

// Python's type(value) as Ansible's messages print it; strings from YAML are AnsibleUnicode.
std::string type_of(const Value& v) {
  if (v.is_string()) return "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>";
  if (v.is_null()) return "<class 'NoneType'>";
  return "<class '" + v.type_name() + "'>";
}

std::string joined(const std::vector<std::string>& names, std::string_view sep = ", ") {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : std::string(sep)) + n;
  return out;
}

std::vector<std::string> strings_of(const Value& v) {
  std::vector<std::string> out;
  if (v.is_list())
    for (const auto& item : v.as_list()) out.push_back(python_str(item));
  else if (!v.is_null())
    out.push_back(python_str(v));
  return out;
}

bool present(const Map& params, const std::string& name) {
  const Value* v = params.find(name);
  return v && !v->is_null();
}

// A thrown conversion failure: the text after "unable to convert to TYPE: ".
struct ConvertError {
  std::string msg;
};

Value to_str(const Value& v) { return v.is_string() ? v : Value(python_str(v)); }

Value to_int(const Value& v) {
  if (v.is_int()) return v;
  if (v.is_string()) {
    std::string_view s = trim(v.as_string());
    std::int64_t n = 0;
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return Value(n);
  }
  throw ConvertError{type_of(v) + " cannot be converted to an int"};
}

Value to_float(const Value& v) {
  if (v.is_float()) return v;
  if (v.is_int()) return Value(static_cast<double>(v.as_int()));
  if (v.is_string()) {
    std::string s(trim(v.as_string()));
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size()) return Value(d);
  }
  throw ConvertError{type_of(v) + " cannot be converted to a float"};
}

Value to_bool(const Value& v) {
  if (v.is_bool()) return v;
  if (v.is_string() || v.is_int() || v.is_float()) {
    if (std::optional<bool> b = parse_boolean(v)) return Value(*b);
    // boolean()'s own words, its BOOLEANS set in the order Python 3 prints it
    throw ConvertError{"The value '" + python_str(v) +
                       "' is not a valid boolean.  Valid booleans include: 0, 1, '0', 'false', 'no', '1', 'n', 'f', "
                       "'y', 'on', 'yes', 'off', 'true', 't'"};
  }
  throw ConvertError{type_of(v) + " cannot be converted to a bool"};
}

Value to_list(const Value& v) {
  if (v.is_list()) return v;
  if (v.is_string()) {
    List out;
    const std::string& text = v.as_string();
    std::size_t start = 0;
    for (std::size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1)
      out.push_back(Value(text.substr(start, comma - start)));
    out.push_back(Value(text.substr(start)));
    return Value(std::move(out));
  }
  if (v.is_int() || v.is_float()) return Value(List{Value(python_str(v))});
  throw ConvertError{type_of(v) + " cannot be converted to a list"};
}

// check_type_dict's key=value form: fields split on commas and spaces outside quotes.
Value key_value_dict(const std::string& text) {
  std::vector<std::string> fields;
  std::string field;
  char quote = 0;
  bool escape = false;
  for (char c : trim(text)) {
    if (escape) {
      field += c;
      escape = false;
    } else if (c == '\\') {
      escape = true;
    } else if (!quote && (c == '\'' || c == '"')) {
      quote = c;
    } else if (quote && c == quote) {
      quote = 0;
    } else if (!quote && (c == ',' || c == ' ')) {
      if (!field.empty()) fields.push_back(field);
      field.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty()) fields.push_back(field);
  Map out;
  for (const auto& f : fields) {
    const std::size_t eq = f.find('=');
    if (eq == std::string::npos)
      throw ConvertError{"dictionary update sequence element #0 has length 1; 2 is required"};
    out.set(f.substr(0, eq), Value(f.substr(eq + 1)));
  }
  return Value(std::move(out));
}

Value to_dict(const Value& v) {
  if (v.is_map()) return v;
  if (v.is_string()) {
    const std::string& s = v.as_string();
    if (!s.empty() && s.front() == '{') {
      try {
        return parse_json(s, "the dictionary");
      } catch (const std::exception&) {
        throw ConvertError{"unable to evaluate string as dictionary"};
      }
    }
    if (s.find('=') != std::string::npos) return key_value_dict(s);
    throw ConvertError{"dictionary requested, could not parse JSON or key=value"};
  }
  throw ConvertError{type_of(v) + " cannot be converted to a dict"};
}

// The converted value for `type`; nullopt for a type drover does not know (no check, as `raw`).
Value convert(const std::string& type, const Value& v) {
  if (type == "str" || type == "path") return to_str(v);
  if (type == "int") return to_int(v);
  if (type == "float") return to_float(v);
  if (type == "bool") return to_bool(v);
  if (type == "list") return to_list(v);
  if (type == "dict") return to_dict(v);
  return v;
}

class Validator {
public:
  std::vector<std::string> errors;

  // Validates `params` (converted in place) against `spec`; `context` names the enclosing
  // options for nested specs ("found in a -> b").
  void validate(const Map& spec, Map& params, const std::vector<std::string>& context,
                const Map& rules) {
    std::vector<std::string> unsupported;
    for (const auto& [name, v] : params)
      if (!spec.find(name) && !is_alias(spec, name)) unsupported.push_back(name);
    resolve_aliases(spec, params);
    check_groups(rules, "mutually_exclusive", params, context);
    check_required(spec, params, context);
    check_types(spec, params, context);
    check_choices(spec, params, context);
    check_groups(rules, "required_together", params, context);
    check_groups(rules, "required_one_of", params, context);
    check_required_if(rules, params, context);
    for (const auto& [name, v] : spec) suboptions(name, v, params, context);
    if (!unsupported.empty()) {
      std::sort(unsupported.begin(), unsupported.end());
      std::vector<std::string> supported;
      for (const auto& [name, v] : spec) supported.push_back(name);
      std::sort(supported.begin(), supported.end());
      errors.push_back(joined(unsupported) + ". Supported parameters include: " + joined(supported) + ".");
    }
  }

private:
  static std::string found_in(const std::vector<std::string>& context) {
    return context.empty() ? "" : " found in " + joined(context, " -> ");
  }

  static bool is_alias(const Map& spec, const std::string& name) {
    for (const auto& [option, s] : spec)
      for (const auto& alias : strings_of(s.get("aliases")))
        if (alias == name) return true;
    return false;
  }

  static void resolve_aliases(const Map& spec, Map& params) {
    for (const auto& [option, s] : spec)
      for (const auto& alias : strings_of(s.get("aliases")))
        if (const Value* v = params.find(alias); v && !params.find(option)) params.set(option, *v);
  }

  void check_required(const Map& spec, const Map& params, const std::vector<std::string>& context) {
    std::vector<std::string> missing;
    for (const auto& [name, s] : spec)
      if (s.get_truthy("required") && !params.find(name)) missing.push_back(name);
    if (missing.empty()) return;
    std::sort(missing.begin(), missing.end());
    errors.push_back("missing required arguments: " + joined(missing) + found_in(context));
  }

  void check_types(const Map& spec, Map& params, const std::vector<std::string>& context) {
    for (const auto& [name, s] : spec) {
      const Value* v = params.find(name);
      if (!v || v->is_null()) continue;
      const std::string type = s.get_string("type", "str");
      const Value original = *v;
      try {
        Value converted = convert(type, original);
        if (const Value* elements = s.find("elements"); elements && !elements->is_null()) {
          if (type != "list" || !converted.is_list()) {
            errors.push_back("Invalid type " + type + " for option '" + python_str(converted) + "'" +
                             (context.empty() ? "" : " found in '" + joined(context, " -> ") + "'.") +
                             ", elements value check is supported only with 'list' type");
          } else {
            converted = convert_elements(python_str(*elements), name, converted, context);
          }
        }
        params.set(name, std::move(converted));
      } catch (const ConvertError& e) {
        errors.push_back("argument '" + name + "' is of type " + type_of(original) +
                         (context.empty() ? "" : " found in '" + joined(context, " -> ") + "'.") +
                         " and we were unable to convert to " + type + ": " + e.msg);
      }
    }
  }

  Value convert_elements(const std::string& type, const std::string& name, const Value& list,
                         const std::vector<std::string>& context) {
    List out;
    for (const auto& item : list.as_list()) {
      try {
        out.push_back(convert(type, item));
      } catch (const ConvertError& e) {
        errors.push_back("Elements value for option '" + name + "'" +
                         (context.empty() ? "" : " found in '" + joined(context, " -> ") + "'") +
                         " is of type " + type_of(item) + " and we were unable to convert to " + type + ": " + e.msg);
        out.push_back(item);
      }
    }
    return Value(std::move(out));
  }

  void check_choices(const Map& spec, const Map& params, const std::vector<std::string>& context) {
    for (const auto& [name, s] : spec) {
      const Value* choices = s.find("choices");
      const Value* v = params.find(name);
      if (!choices || !choices->is_list() || !v || v->is_null()) continue;
      const List& allowed = choices->as_list();
      auto allowed_has = [&](const Value& x) {
        return std::any_of(allowed.begin(), allowed.end(), [&](const Value& c) { return python_str(c) == python_str(x); });
      };
      std::vector<std::string> names;
      for (const auto& c : allowed) names.push_back(python_str(c));
      if (v->is_list()) {
        std::vector<std::string> bad;
        for (const auto& item : v->as_list())
          if (!allowed_has(item)) bad.push_back(python_str(item));
        if (!bad.empty())
          errors.push_back("value of " + name + " must be one or more of: " + joined(names) +
                           ". Got no match for: " + joined(bad) + found_in(context));
      } else if (!allowed_has(*v)) {
        errors.push_back("value of " + name + " must be one of: " + joined(names) + ", got: " + python_str(*v) +
                         found_in(context));
      }
    }
  }

  void check_groups(const Map& rules, const std::string& kind, const Map& params, const std::vector<std::string>& context) {
    const Value* groups = rules.find(kind);
    if (!groups || !groups->is_list()) return;
    for (const auto& group : groups->as_list()) {
      const std::vector<std::string> terms = strings_of(group);
      std::size_t count = 0;
      for (const auto& t : terms) count += present(params, t) ? 1 : 0;
      if (kind == "mutually_exclusive" && count > 1)
        errors.push_back("parameters are mutually exclusive: " + joined(terms, "|") + found_in(context));
      else if (kind == "required_together" && count != 0 && count != terms.size())
        errors.push_back("parameters are required together: " + joined(terms) + found_in(context));
      else if (kind == "required_one_of" && count == 0)
        errors.push_back("one of the following is required: " + joined(terms) + found_in(context));
    }
  }

  void check_required_if(const Map& rules, const Map& params, const std::vector<std::string>& context) {
    const Value* list = rules.find("required_if");
    if (!list || !list->is_list()) return;
    for (const auto& rule : list->as_list()) {
      if (!rule.is_list() || rule.as_list().size() < 3) continue;
      const List& r = rule.as_list();
      const std::string key = python_str(r[0]);
      const Value* v = params.find(key);
      if (!v || python_str(*v) != python_str(r[1])) continue;
      const bool any = r.size() > 3 && r[3].truthy();
      std::vector<std::string> missing;
      const std::vector<std::string> needed = strings_of(r[2]);
      for (const auto& n : needed)
        if (!present(params, n)) missing.push_back(n);
      if (missing.empty() || (any && missing.size() < needed.size())) continue;
      errors.push_back(key + " is " + python_str(*v) + " but " + (any ? "any" : "all") + " of the following are missing: " +
                       joined(missing) + found_in(context));
    }
  }

  // `options` of a dict option (or of each dict in a list option), validated as a spec of its own.
  void suboptions(const std::string& name, const Value& s, Map& params, const std::vector<std::string>& context) {
    const Value* options = s.find("options");
    Value* v = params.find(name);
    if (!options || !options->is_map() || !v || v->is_null()) return;
    std::vector<std::string> inner = context;
    inner.push_back(name);
    auto one = [&](Value& item) {
      if (!item.is_map()) return;
      Map& m = item.mutable_map();
      validate(options->as_map(), m, inner, s.as_map());
    };
    if (v->is_list()) {
      for (auto& item : v->mutable_list()) one(item);
    } else {
      one(*v);
    }
  }
};

}  // namespace

Value run_validate_argument_spec(ActionContext& ctx) {
  if (auto refused = check_action_args(ctx.args, validate_argument_spec_doc, ctx.task.action)) return *refused;
  Map result;
  result.set("validate_args_context", ctx.args.get("validate_args_context").is_null()
                                          ? Value::map()
                                          : ctx.args.get("validate_args_context"));
  const Value* spec = ctx.args.find("argument_spec");
  if (!spec) return failed_result("\"argument_spec\" arg is required in args: " + python_repr(ctx.args));
  const Value provided = ctx.args.get("provided_arguments").is_null() ? Value::map() : ctx.args.get("provided_arguments");
  if (!spec->is_map())
    return failed_result("Incorrect type for argument_spec, expected dict and got <class '" + spec->type_name() + "'>");
  if (!provided.is_map())
    return failed_result("Incorrect type for provided_arguments, expected dict and got <class '" + provided.type_name() +
                         "'>");
  // the variables named like the options, under what the task was given
  Map params;
  for (const auto& [name, s] : spec->as_map())
    if (const Value* v = ctx.vars.find(name)) params.set(name, ctx.templar.template_value(*v));
  for (const auto& [name, v] : provided.as_map()) params.set(name, v);
  Validator validator;
  validator.validate(spec->as_map(), params, {}, Map{});
  if (!validator.errors.empty()) {
    List errors;
    for (const auto& e : validator.errors) errors.push_back(Value(e));
    std::string msg = "Validation of arguments failed:";
    for (const auto& e : validator.errors) msg += "\n" + e;
    result.set("failed", true);
    result.set("msg", msg);
    result.set("argument_spec_data", *spec);
    result.set("argument_errors", Value(std::move(errors)));
    result.set("changed", false);
    return Value(std::move(result));
  }
  result.set("changed", false);
  result.set("msg", "The arg spec validation passed");
  return Value(std::move(result));
}

}  // namespace drover::action

namespace drover::action {

namespace {

constexpr OptionDoc k_validate_argument_spec_options[] = {
    {.name = "argument_spec", .type = "dict", .description = "The options to check against, as a role's meta/argument_specs.yml writes them (type, required, default, choices, elements, aliases, options).", .required = true},
    {.name = "provided_arguments", .type = "dict", .description = "The values to check; the variables named like the options are checked too, under these."},
    {.name = "validate_args_context", .type = "dict", .description = "What is being validated (a role's name and entry point), copied into the result."},
};
constexpr ReturnFieldDoc k_validate_argument_spec_returns[] = {
    {"argument_errors", "list", "failure", "Every problem found, one message each."},
    {"argument_spec_data", "dict", "failure", "The argument_spec checked against."},
    {"validate_args_context", "dict", "always", "The validate_args_context given."},
};

}  // namespace

const ActionDoc validate_argument_spec_doc{
    .description = "Checks arguments against an argument spec on the control node, with Ansible's messages. "
                   "A role with meta/argument_specs.yml runs it as its first task.",
    .options = k_validate_argument_spec_options,
    .returns = k_validate_argument_spec_returns,
    .example = "- ansible.builtin.validate_argument_spec:\n    argument_spec: {port: {type: int, required: true}}\n"
               "    provided_arguments: {port: 80}\n"};

}  // namespace drover::action
