// ini_file, as community.general 6.x's (the collection Debian's ansible 7 ships): one option (or
// several values of it) in one section of an INI file set or removed, or a whole section removed.
// The file is read as text with universal newlines and without a UTF-8 BOM, as Python's
// io.open(..., encoding="utf-8-sig") reads it.
#include <algorithm>
#include <array>
#include <filesystem>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/diff.hpp"
#include "modules/util/edit.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/fs.hpp"

namespace drover::modules {

namespace {

namespace fs = std::filesystem;

const std::array k_spec{
    ArgSpec{.name = "path", .type = ArgType::path, .required = Required::yes, .aliases = {"dest"}, .description = "The INI file to change."},
    ArgSpec{.name = "section", .description = "The section; null or empty for options before the first section."},
    ArgSpec{.name = "option", .description = "The option to set or remove. Without it, the whole section is added or removed."},
    ArgSpec{.name = "value", .description = "The option's value."},
    ArgSpec{.name = "values", .type = ArgType::list, .description = "Several values of one option (one line each)."},
    ArgSpec{.name = "backup", .type = ArgType::boolean, .default_value = false, .description = "Keep a copy of the old file (with a timestamp in its name) before changing it."},
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "present"}, .description = "Whether the option (or section) should be in the file."},
    ArgSpec{.name = "exclusive", .type = ArgType::boolean, .default_value = true, .description = "With values: remove the option's other lines."},
    ArgSpec{.name = "no_extra_spaces", .type = ArgType::boolean, .default_value = false, .description = "Write option=value without spaces around =."},
    ArgSpec{.name = "allow_no_value", .type = ArgType::boolean, .default_value = false, .description = "Allow an option without a value (a bare name)."},
    ArgSpec{.name = "create", .type = ArgType::boolean, .default_value = true, .description = "Create the file when it does not exist."},
    ArgSpec{.name = "mode", .type = ArgType::raw, .description = "The permissions the file gets: an octal string such as \"0644\" (quote it), or symbolic (\"u=rw,g=r,o=r\"). Without it the file keeps its mode, or gets the umask's when created."},
    ArgSpec{.name = "owner", .description = "The user that should own the file (name or uid). Without it the owner is left as it is."},
    ArgSpec{.name = "group", .description = "The group that should own the file (name or gid). Without it the group is left as it is."},
    ArgSpec{.name = "unsafe_writes", .type = ArgType::boolean, .description = "Accepted for Ansible compatibility; drover always writes atomically (a temp file renamed over the destination)."},
    ArgSpec{.name = "attributes", .aliases = {"attr"}, .description = "The file's attributes as chattr sets them (for example \"+i\"). Not supported by drover yet: giving it fails clearly."},
};

// A section name no real file uses: the lines before the first section belong to it.
constexpr const char* k_fake_section = "ad01e11446efb704fcdbdb21f2c43757423d91c5";

std::string regex_escape(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && !std::isalnum(u) && c != '_') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

// Python's universal newlines and the utf-8-sig codec: "\r\n" and "\r" read as "\n", no BOM.
std::string as_read_in_text_mode(std::string text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

struct Options {
  std::string section;
  std::string option;
  std::vector<std::string> values;
  bool present = true;
  bool exclusive = true;
  bool allow_no_value = false;
  std::string assignment;  // " = " or "="
};

// The option's line patterns: match_opt also matches a commented-out "#opt = v" / ";opt = v".
class OptionLine {
public:
  explicit OptionLine(const std::string& option)
      : m_any(compile_argument_regex("[#;]?( |\\t)*(" + regex_escape(option) + ")( |\\t)*(=|$)( |\\t)*(.*)", "option")),
        m_active(compile_argument_regex("( |\\t)*(" + regex_escape(option) + ")( |\\t)*(=|$)( |\\t)*(.*)", "option")) {}
  bool matches(const std::string& line) const { return m_any.match(line).has_value(); }
  bool active(const std::string& line) const { return m_active.match(line).has_value(); }
  // The value part (group 6) of a line `matches` accepts.
  std::string value(const std::string& line) const { return std::string(m_any.match(line)->group(6)); }
  std::string active_value(const std::string& line) const { return std::string(m_active.match(line)->group(6)); }

private:
  Regex m_any;
  Regex m_active;
};

struct Edit {
  std::vector<std::string> lines;  // the section's lines, its header first
  std::vector<bool> touched;
  bool changed = false;
  std::string msg = "OK";

  void set_line(std::size_t index, const std::string& line) {
    if (lines[index] != line) {
      changed = true;
      msg = "option changed";
    }
    lines[index] = line;
    touched[index] = true;
  }
};

bool blank_or_comment(const std::string& line) {
  static const Regex pattern("^[ \\t]*([#;].*)?$");
  return pattern.match(line).has_value();
}

std::string option_line(const Options& o, const std::string& value) { return o.option + o.assignment + value + "\n"; }

void set_option_present(const Options& o, const OptionLine& pattern, Edit& edit, std::vector<std::string>& values) {
  bool no_value_present = false;
  for (std::size_t i = 0; i < edit.lines.size(); ++i) {
    if (!pattern.matches(edit.lines[i])) continue;
    std::string found = pattern.value(edit.lines[i]);
    auto known = std::find(values.begin(), values.end(), found);
    if (!values.empty() && known != values.end()) {
      bool bare = found.empty() && o.allow_no_value;
      no_value_present = no_value_present || bare;
      edit.set_line(i, bare ? o.option + "\n" : option_line(o, found));
      values.erase(known);
    } else if (values.empty() && o.allow_no_value) {
      edit.set_line(i, o.option + "\n");
      no_value_present = true;
      break;
    }
  }
  if (o.exclusive && !o.allow_no_value) {
    for (std::size_t i = 0; i < edit.lines.size() && !values.empty(); ++i) {
      if (edit.touched[i] || !pattern.matches(edit.lines[i])) continue;
      edit.set_line(i, option_line(o, values.front()));
      values.erase(values.begin());
    }
    for (std::size_t i = edit.lines.size(); i-- > 1;) {
      if (edit.touched[i] || !pattern.matches(edit.lines[i])) continue;
      edit.lines.erase(edit.lines.begin() + static_cast<long>(i));
      edit.touched.erase(edit.touched.begin() + static_cast<long>(i));
      edit.changed = true;
      edit.msg = "option changed";
    }
  }
  // the missing ones go after the section's last line that is neither blank nor a comment
  for (std::size_t i = edit.lines.size(); i > 0; --i) {
    if (blank_or_comment(edit.lines[i - 1])) continue;
    auto at = edit.lines.begin() + static_cast<long>(i);
    if (!values.empty()) {
      std::vector<std::string> added;
      for (const auto& value : values) added.push_back(option_line(o, value));
      edit.lines.insert(at, added.begin(), added.end());
      edit.changed = true;
      edit.msg = "option added";
    } else if (o.allow_no_value && !no_value_present) {
      edit.lines.insert(at, o.option + "\n");
      edit.changed = true;
      edit.msg = "option added";
    }
    break;
  }
}

void remove_option(const Options& o, const OptionLine& pattern, const std::vector<std::string>& values, Edit& edit) {
  if (!o.exclusive && values.empty()) return;
  std::vector<std::string> kept;
  for (const auto& line : edit.lines) {
    bool drop = pattern.active(line) &&
                (o.exclusive || std::find(values.begin(), values.end(), pattern.active_value(line)) != values.end());
    if (!drop) kept.push_back(line);
  }
  if (kept != edit.lines) {
    edit.lines = kept;
    edit.changed = true;
    edit.msg = "option changed";
  }
}

struct Result {
  std::string text;
  bool changed = false;
  std::string msg;
};

Result edit_ini(const Options& o, std::vector<std::string> lines, std::vector<std::string> values) {
  bool changed = false;
  if (lines.empty()) lines.emplace_back("\n");
  if (lines.back().empty() || lines.back().back() != '\n') {
    lines.back() += "\n";
    changed = true;
  }
  std::string section = o.section.empty() ? k_fake_section : o.section;
  lines.insert(lines.begin(), std::string("[") + k_fake_section + "]");
  lines.emplace_back("[");
  bool within = false;
  std::size_t start = 0, end = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].starts_with("[" + section + "]")) {
      within = true;
      start = i;
    } else if (lines[i].starts_with("[") && within) {
      end = i;
      break;
    }
  }
  Edit edit;
  edit.lines.assign(lines.begin() + static_cast<long>(start), lines.begin() + static_cast<long>(end));
  edit.touched.assign(edit.lines.size(), false);
  edit.changed = changed;
  if (!o.option.empty()) {
    OptionLine pattern(o.option);
    if (o.present) set_option_present(o, pattern, edit, values);
    else remove_option(o, pattern, values, edit);
  } else if (!o.present && !edit.lines.empty()) {
    edit.lines.clear();
    edit.changed = true;
    edit.msg = "section removed";
  }
  // before + section + after, without the two sentinel lines (as Ansible deletes them: the first
  // line and the last, whatever they have become)
  std::vector<std::string> out(lines.begin(), lines.begin() + static_cast<long>(start));
  out.insert(out.end(), edit.lines.begin(), edit.lines.end());
  out.insert(out.end(), lines.begin() + static_cast<long>(end), lines.end());
  out.erase(out.begin());
  out.pop_back();
  if (!within && o.present) {
    out.push_back("[" + section + "]\n");
    edit.msg = "section and option added";
    if (!o.option.empty() && !values.empty()) {
      for (const auto& value : values) out.push_back(option_line(o, value));
    } else if (!o.option.empty() && o.allow_no_value) {
      out.push_back(o.option + "\n");
    } else {
      edit.msg = "only section added";
    }
    edit.changed = true;
  }
  return {join_lines(out), edit.changed, edit.msg};
}

std::vector<std::string> requested_values(const json& args) {
  std::vector<std::string> values;
  json given = is_set(args, "value") ? json::array({args["value"]}) : is_set(args, "values") ? args["values"] : json::array();
  for (const auto& value : given) {
    if (value.is_null()) continue;
    std::string text = value.is_string()    ? value.get<std::string>()
                       : value.is_boolean() ? (value.get<bool>() ? "True" : "False")  // Python's str()
                                            : value.dump();
    if (std::find(values.begin(), values.end(), text) == values.end()) values.push_back(text);
  }
  return values;
}

}  // namespace

json run_ini_file(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "ini_file");
  check_mutually_exclusive(args, {"value", "values"});
  if (is_set(args, "attributes")) throw ModuleFailure("drover's ini_file does not set file attributes (chattr) yet");
  Options o;
  o.section = arg_string(args, "section");
  o.option = arg_string(args, "option");
  o.present = arg_string(args, "state") == "present";
  o.exclusive = arg_bool(args, "exclusive");
  o.allow_no_value = arg_bool(args, "allow_no_value");
  o.assignment = arg_bool(args, "no_extra_spaces") ? "=" : " = ";
  std::vector<std::string> values = requested_values(args);
  if (o.present && !o.allow_no_value && !is_set(args, "value") && values.empty())
    throw ModuleFailure("Parameter 'value(s)' must be defined if state=present and allow_no_value=False.");

  std::string path = arg_string(args, "path");
  json diff = {{"before", ""}, {"after", ""}, {"before_header", path + " (content)"}, {"after_header", path + " (content)"}};
  bool exists = fs::exists(path);
  std::vector<std::string> lines;
  if (!exists) {
    if (!arg_bool(args, "create")) throw ModuleFailure("Destination " + path + " does not exist!", {{"rc", 257}});
    if (!ctx.checking()) make_parent_directories(path);
  } else {
    auto content = read_file(path);
    if (!content) throw ModuleFailure("Unable to read " + path);
    lines = split_keeping_ends(as_read_in_text_mode(*content), LineEnds::newline);
  }
  if (ctx.diffing()) diff["before"] = join_lines(lines);
  Result edited = edit_ini(o, lines, values);
  if (ctx.diffing()) diff["after"] = edited.text;
  json result = {{"changed", edited.changed}, {"diff", diff}, {"msg", edited.msg}, {"path", path}};
  if (edited.changed && !ctx.checking()) {
    if (arg_bool(args, "backup") && exists) result["backup_file"] = backup_file(path);
    write_validated(path, edited.text, "");
  }
  if (!ctx.checking() && fs::exists(path)) {
    json no_diff;
    result["changed"] = apply_file_attributes(path, args, ctx, no_diff) || edited.changed;
  }
  add_path_info(result, path);
  return result;
}

namespace {
const std::array<ReturnDoc, 2> k_ini_file_returns{{
    ReturnDoc{"msg", "str", "always", "What happened, in Ansible's words (\"line added\", \"Block inserted\"...)."},
    ReturnDoc{"backup_file", "str", "changed and backup was requested", "The backup copy of the old file (its name with a timestamp)."},
}};
}  // namespace

const ModuleDoc ini_file_doc{
    .description = "Sets, adds or removes options and sections in INI-style files, keeping the rest of the file as it is (community.general's module).",
    .options = k_spec,
    .returns = k_ini_file_returns,
    .example = "- name: Two workers\n  community.general.ini_file:\n    path: /etc/app.ini\n    section: server\n    option: workers\n    value: \"2\"\n",
};

}  // namespace drover::modules
