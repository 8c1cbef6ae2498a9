// Lookups that read the run: env, vars, varnames, inventory_hostnames.
#include <cstdlib>

#include "core/template/ansible_support.hpp"
#include "core/value/regex.hpp"
#include "plugins/lookup/lookup_support.hpp"

namespace drover::lookup {

List env(const List& terms, const Map& kwargs, LookupContext&) {
  const Value* fallback = kwargs.find("default");
  List out;
  for (const Value& term : terms) {
    std::string s = term_string(term);
    std::size_t start = s.find_first_not_of(" \t\r\n");
    std::string name = start == std::string::npos ? "" : s.substr(start, s.find_first_of(" \t\r\n", start) - start);
    const char* value = std::getenv(name.c_str());
    if (value) out.emplace_back(value);
    else out.push_back(fallback ? *fallback : Value(""));
  }
  return out;
}

List vars(const List& terms, const Map& kwargs, LookupContext& ctx) {
  const Value* fallback = kwargs.find("default");
  List out;
  for (const Value& term : terms) {
    if (!term.is_string())
      throw TemplateError("Invalid setting identifier, \"" + python_str(term) + "\" is not a string, its a " +
                          tmpl::py_class(term));
    const Value* v = ctx.variable ? ctx.variable(term.as_string()) : nullptr;
    if (v) out.push_back(*v);
    else if (fallback) out.push_back(*fallback);
    else throw tmpl::UndefinedError("No variable found with this name: " + term.as_string());
  }
  return out;
}

List varnames(const List& terms, const Map&, LookupContext& ctx) {
  if (!ctx.variable_names) throw TemplateError("No variables available to search");
  std::vector<std::string> names = ctx.variable_names();
  List out;
  for (const Value& term : terms) {
    if (!term.is_string())
      throw TemplateError("Invalid setting identifier, \"" + python_str(term) + "\" is not a string, it is a " +
                          tmpl::py_class(term));
    std::optional<Regex> re;
    try {
      re.emplace(term.as_string());
    } catch (const RegexError& e) {
      throw TemplateError("Unable to use \"" + term.as_string() + "\" as a search parameter: " + e.what());
    }
    tmpl::with_regex([&] {
      for (const std::string& name : names)
        if (re->search(name)) out.emplace_back(name);
    });
  }
  return out;
}

List inventory_hostnames(const List& terms, const Map&, LookupContext& ctx) {
  if (!ctx.inventory_hostnames) return {};
  List out;
  for (const Value& term : terms)
    for (const std::string& host : ctx.inventory_hostnames(term_string(term))) out.emplace_back(host);
  return out;
}

}  // namespace drover::lookup
