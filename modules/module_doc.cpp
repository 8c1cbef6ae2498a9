#include "modules/module_doc.hpp"

#include <string>

namespace drover::modules {

namespace {

std::string_view type_name(ArgType type) {
  switch (type) {
    case ArgType::raw: return "raw";
    case ArgType::str: return "str";
    case ArgType::path: return "path";
    case ArgType::boolean: return "bool";
    case ArgType::integer: return "int";
    case ArgType::number: return "float";
    case ArgType::list: return "list";
    case ArgType::dict: return "dict";
  }
  return "raw";
}

json paragraphs(std::string_view text) {
  json out = json::array();
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    out.push_back(std::string(text.substr(0, end)));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

json option_json(const ArgSpec& arg) {
  json option = {{"type", type_name(arg.type)},
                 {"required", arg.required == Required::yes},
                 {"description", paragraphs(arg.description)}};
  if (!arg.default_value.is_null()) option["default"] = arg.default_value;
  if (!arg.aliases.empty()) {
    option["aliases"] = json::array();
    for (auto alias : arg.aliases) option["aliases"].push_back(std::string(alias));
  }
  if (!arg.choices.empty()) {
    option["choices"] = json::array();
    for (auto choice : arg.choices) option["choices"].push_back(std::string(choice));
  }
  if (arg.no_log) option["no_log"] = true;
  return option;
}

json module_json(const ModuleEntry& entry) {
  json doc = {{"short_description", std::string(entry.short_doc)}};
  if (!entry.doc) return doc;
  doc["description"] = paragraphs(entry.doc->description);
  doc["options"] = json::object();
  for (const auto& arg : entry.doc->options)
    if (auto name = documented_name(arg); !name.empty()) doc["options"][std::string(name)] = option_json(arg);
  doc["return"] = json::object();
  for (const auto& field : entry.doc->returns)
    doc["return"][std::string(field.name)] = {{"type", std::string(field.type)},
                                              {"returned", std::string(field.returned)},
                                              {"description", paragraphs(field.description)}};
  doc["examples"] = std::string(entry.doc->example);
  if (!entry.doc->notes.empty()) doc["notes"] = paragraphs(entry.doc->notes);
  return doc;
}

}  // namespace

std::string_view documented_name(const ArgSpec& arg) {
  if (arg.name == "_raw_params") return "free_form";
  return arg.name.starts_with("_") ? std::string_view{} : arg.name;
}

json module_docs_json() {
  json docs = json::object();
  for (const auto& entry : module_table()) docs[std::string(entry.name)] = module_json(entry);
  return docs;
}

}  // namespace drover::modules
