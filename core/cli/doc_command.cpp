#include "core/cli/doc_command.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <sys/wait.h>

#include "core/error.hpp"
#include "core/transport/connection.hpp"
#include "core/transport/target.hpp"

namespace drover::cli {

namespace {

constexpr const char* k_usage =
    "usage: drover doc [-j|--json] MODULE...   a module's description, options, return values, examples\n"
    "       drover doc -l|--list [-j|--json]    every module and action with its summary\n"
    "MODULE is a short name (copy) or a fully qualified one (ansible.builtin.copy,\n"
    "community.general.ini_file).\n";

std::string fqcn(const action::ActionRow& row) { return std::string(row.collection) + "." + std::string(row.name); }

Json split_list(std::string_view text) {
  Json out = Json::array();
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (item.starts_with(' ')) item.remove_prefix(1);
    out.push_back(std::string(item));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Json paragraphs(std::string_view text) {
  Json out = Json::array();
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    out.push_back(std::string(text.substr(0, end)));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

// A default as YAML would read it: true/false, an integer, else the text.
Json scalar(std::string_view text) {
  if (text == "true" || text == "false") return text == "true";
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) return std::stoll(std::string(text));
  return std::string(text);
}

Json control_doc_json(const action::ActionRow& row) {
  const action::ActionDoc& doc = *row.doc;
  Json out = {{"short_description", std::string(row.summary)}, {"description", paragraphs(doc.description)}};
  out["options"] = Json::object();
  for (const auto& option : doc.options) {
    Json o = {{"type", std::string(option.type)}, {"required", option.required}, {"description", paragraphs(option.description)}};
    if (!option.default_value.empty()) o["default"] = scalar(option.default_value);
    if (!option.aliases.empty()) o["aliases"] = split_list(option.aliases);
    if (!option.choices.empty()) o["choices"] = split_list(option.choices);
    out["options"][std::string(option.name)] = o;
  }
  out["return"] = Json::object();
  for (const auto& field : doc.returns)
    out["return"][std::string(field.name)] = {{"type", std::string(field.type)},
                                              {"returned", std::string(field.returned)},
                                              {"description", paragraphs(field.description)}};
  out["examples"] = std::string(doc.example);
  return out;
}

// ansible-doc -j's shape: {"doc": {...}, "examples": ..., "return": {...}}.
Json ansible_doc_json(const action::ActionRow& row, const Json& doc) {
  Json head = {{"collection", std::string(row.collection)},
               {"module", std::string(row.name)},
               {"has_action", row.doc != nullptr || row.name == "copy" || row.name == "assemble"}};
  for (const auto& [key, value] : doc.items())
    if (key != "examples" && key != "return") head[key] = value;
  head["short_description"] = std::string(row.summary);
  return {{"doc", head}, {"examples", doc.value("examples", "")}, {"return", doc.value("return", Json::object())}};
}

std::string text_of(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + text_of(value[i]);
    return out + "]";
  }
  return value.dump();
}

// j[key], or an empty JSON value when j has no such member.
const Json& member(const Json& j, const char* key) {
  static const Json k_none;
  auto it = j.find(key);
  return it == j.end() ? k_none : *it;
}

void print_paragraphs(std::ostream& out, const Json& lines, const std::string& indent) {
  if (lines.is_string()) out << indent << lines.get<std::string>() << "\n";
  else if (lines.is_array())
    for (const auto& line : lines) out << indent << text_of(line) << "\n";
}

// ansible-doc's text layout: "= name" for a required option, "- name" for the others.
void print_doc(std::ostream& out, const action::ActionRow& row, const Json& doc) {
  std::string title = fqcn(row);
  for (auto& c : title) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  out << "> " << title << "    (" << (row.doc ? "runs on the control node" : "runner module") << ")\n\n";
  print_paragraphs(out, member(doc, "description"), "        ");
  if (doc.contains("notes")) {
    out << "\nNOTES:\n";
    print_paragraphs(out, doc["notes"], "      * ");
  }
  out << "\nOPTIONS (= is mandatory):\n";
  const Json& options = member(doc, "options");
  for (auto it = options.begin(); options.is_object() && it != options.end(); ++it) {
    const std::string& name = it.key();
    const Json& option = it.value();
    out << "\n" << (option.value("required", false) ? "= " : "- ") << name << "\n";
    print_paragraphs(out, member(option, "description"), "        ");
    if (option.contains("aliases")) out << "        aliases: " << text_of(option["aliases"]) << "\n";
    if (option.contains("choices")) out << "        choices: " << text_of(option["choices"]) << "\n";
    if (option.contains("default")) out << "        default: " << text_of(option["default"]) << "\n";
    out << "        type: " << option.value("type", "str") << "\n";
  }
  out << "\nEXAMPLES:\n\n" << doc.value("examples", "") << "\n";
  out << "RETURN VALUES:\n";
  const Json& returns = member(doc, "return");
  for (auto it = returns.begin(); returns.is_object() && it != returns.end(); ++it) {
    const std::string& name = it.key();
    const Json& field = it.value();
    out << "- " << name << "\n";
    print_paragraphs(out, member(field, "description"), "        ");
    out << "        returned: " << field.value("returned", "") << "\n";
    out << "        type: " << field.value("type", "") << "\n";
  }
}

// Sorted by FQCN, as ansible-doc lists them.
int list_actions(const Plugins& plugins, bool json, std::ostream& out) {
  std::vector<std::pair<std::string, std::string_view>> rows;
  for (const auto& row : plugins.actions) rows.emplace_back(fqcn(row), row.summary);
  std::sort(rows.begin(), rows.end());
  if (json) {
    Json list = Json::object();
    for (const auto& [name, summary] : rows) list[name] = std::string(summary);
    out << list.dump(4) << "\n";
    return 0;
  }
  std::size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.first.size());
  for (const auto& [name, summary] : rows) out << name << std::string(width + 3 - name.size(), ' ') << summary << "\n";
  return 0;
}

Json read_runner_docs(std::ostream& err) {
  try {
    const auto runner = transport::RunnerBinary::find();
    FILE* pipe = ::popen((connection::shell_quote(runner.path) + " --doc").c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run " + runner.path);
    std::string text;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) text.append(buf, n);
    const int status = ::pclose(pipe);
    if (status != 0) throw std::runtime_error(runner.path + " --doc failed (exit status " + std::to_string(WEXITSTATUS(status)) + ")");
    return Json::parse(text);
  } catch (const std::exception& e) {
    err << "[WARNING]: the runner's module documentation cannot be read: " << e.what() << "\n";
    return Json::object();
  }
}

}  // namespace

Json action_doc_json(const action::ActionRow& row, const Json& runner_docs) {
  if (row.doc) return control_doc_json(row);
  auto it = runner_docs.find(std::string(row.name));
  if (it == runner_docs.end() || !it->contains("options")) return nullptr;
  return *it;
}

int run_doc_command(const std::vector<std::string>& args, const Plugins& plugins, const Json& runner_docs,
                    std::ostream& out, std::ostream& err) {
  bool list = false, json = false;
  std::vector<std::string> names;
  for (const auto& arg : args) {
    if (arg == "-l" || arg == "--list") list = true;
    else if (arg == "-j" || arg == "--json") json = true;
    else if (arg == "-h" || arg == "--help") {
      out << k_usage;
      return 0;
    } else if (arg.starts_with("-")) {
      err << "ERROR! unknown option " << arg << "\n" << k_usage;
      return static_cast<int>(ExitCode::bad_options);
    } else names.push_back(arg);
  }
  if (list) return list_actions(plugins, json, out);
  if (names.empty()) {
    err << "ERROR! Incorrect options passed: name a module, or --list\n" << k_usage;
    return static_cast<int>(ExitCode::bad_options);
  }
  Json all = Json::object();
  bool first = true;
  for (const auto& name : names) {
    const action::ActionRow* row = action::find_action(plugins.actions, name);
    if (!row) {
      err << "[WARNING]: " << name << " was not found (`drover doc --list` lists the modules)\n";
      continue;
    }
    Json doc = action_doc_json(*row, runner_docs);
    if (doc.is_null()) {
      err << "[WARNING]: " << name << " has no documentation yet\n";
      continue;
    }
    if (json) {
      all[name] = ansible_doc_json(*row, doc);
    } else {
      if (!first) out << "\n";
      print_doc(out, *row, doc);
      first = false;
    }
  }
  if (json) out << all.dump(4) << "\n";
  return 0;
}

int run_doc_command(const std::vector<std::string>& args, const Plugins& plugins) {
  const bool needs_runner = std::none_of(args.begin(), args.end(), [](const std::string& a) {
    return a == "-l" || a == "--list" || a == "-h" || a == "--help";
  });
  const Json runner_docs = needs_runner ? read_runner_docs(std::cerr) : Json::object();
  return run_doc_command(args, plugins, runner_docs, std::cout, std::cerr);
}

}  // namespace drover::cli
