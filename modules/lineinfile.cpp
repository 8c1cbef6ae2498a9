// lineinfile, as Ansible 2.14's: make sure one line is in a file (or that no line matching a
// regexp, a search string or the line itself is). Lines are bytes cut after each "\n"; patterns
// are Python bytes patterns (ASCII \w, \d, \s).
#include <array>
#include <filesystem>
#include <optional>

#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/edit.hpp"
#include "modules/util/fs.hpp"

namespace drover::modules {

namespace {

namespace fs = std::filesystem;

const std::array k_spec{
    ArgSpec{.name = "path", .type = ArgType::path, .required = Required::yes, .aliases = {"dest", "destfile", "name"}, .description = "The file to change."},
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "present"}, .description = "Whether the line should be in the file."},
    ArgSpec{.name = "regexp", .aliases = {"regex"}, .description = "A regular expression (Python re syntax): the last matching line is replaced (state=present) or every match removed (state=absent)."},
    ArgSpec{.name = "search_string", .description = "A literal string to find instead of regexp."},
    ArgSpec{.name = "line", .aliases = {"value"}, .description = "The line to put in the file."},
    ArgSpec{.name = "insertafter", .description = "Where a new line goes: after the last line matching this regular expression, or EOF (the default)."},
    ArgSpec{.name = "insertbefore", .description = "Where a new line goes: before the last line matching this regular expression, or BOF."},
    ArgSpec{.name = "backrefs", .type = ArgType::boolean, .default_value = false, .description = "With regexp: line may use \\1 back-references, and nothing is added when regexp matches nothing."},
    ArgSpec{.name = "create", .type = ArgType::boolean, .default_value = false, .description = "Create the file when it does not exist."},
    ArgSpec{.name = "backup", .type = ArgType::boolean, .default_value = false, .description = "Keep a copy of the old file (with a timestamp in its name) before changing it."},
    ArgSpec{.name = "firstmatch", .type = ArgType::boolean, .default_value = false, .description = "insertafter/insertbefore use the first matching line instead of the last."},
    ArgSpec{.name = "validate", .description = "A command that checks the new file before it replaces the old one; %s is the temp file's path. When it fails, the old file stays as it was."},
    ArgSpec{.name = "mode", .type = ArgType::raw, .description = "The permissions the file gets: an octal string such as \"0644\" (quote it), or symbolic (\"u=rw,g=r,o=r\"). Without it the file keeps its mode, or gets the umask's when created."},
    ArgSpec{.name = "owner", .description = "The user that should own the file (name or uid). Without it the owner is left as it is."},
    ArgSpec{.name = "group", .description = "The group that should own the file (name or gid). Without it the group is left as it is."},
    ArgSpec{.name = "unsafe_writes", .type = ArgType::boolean, .description = "Accepted for Ansible compatibility; drover always writes atomically (a temp file renamed over the destination)."},
    ArgSpec{.name = "attributes", .aliases = {"attr"}, .description = "The file's attributes as chattr sets them (for example \"+i\"). Not supported by drover yet: giving it fails clearly."},
};

constexpr RegexFlag k_bytes_pattern = RegexFlag::ascii;

struct Request {
  json args;
  std::string path;
  std::optional<std::string> regexp;
  std::optional<std::string> search_string;
  std::string line;
  std::optional<std::string> insertafter;
  std::optional<std::string> insertbefore;
  bool backrefs = false;
  bool firstmatch = false;
};

std::optional<std::string> optional_arg(const json& args, const char* name) {
  if (!is_set(args, name)) return std::nullopt;
  return arg_string(args, name);
}

std::string without_line_end(const std::string& line) {
  std::size_t end = line.find_last_not_of("\r\n");
  return end == std::string::npos ? std::string() : line.substr(0, end + 1);
}

bool ends_with_newline(const std::string& line) {
  return !line.empty() && (line.back() == '\n' || line.back() == '\r');
}

json content_diff_for(const std::string& path) {
  return {{"before", ""}, {"after", ""}, {"before_header", path + " (content)"}, {"after_header", path + " (content)"}};
}

json attributes_diff_for(const std::string& path) {
  return {{"before_header", path + " (file attributes)"}, {"after_header", path + " (file attributes)"}};
}

// What present() found: the line to replace (index) and where to insert (insert_at).
struct Scan {
  long index = -1;
  long insert_at = -1;
  bool matched = false;  // regexp or search_string matched a line
  bool exact_line = false;
  std::string new_line;  // the line to write at `index`, backrefs expanded when asked
};

Scan scan_lines(const Request& request, const std::vector<std::string>& lines) {
  Scan scan;
  scan.new_line = request.line;
  if (request.regexp) {
    Regex regex = compile_argument_regex(*request.regexp, "regexp", k_bytes_pattern);
    for (std::size_t n = 0; n < lines.size(); ++n) {
      auto found = regex.search(lines[n]);
      if (!found) continue;
      scan.index = static_cast<long>(n);
      scan.matched = true;
      scan.new_line = request.backrefs ? regex.expand(request.line, *found) : request.line;
      if (request.firstmatch) break;
    }
  }
  if (request.search_string) {
    for (std::size_t n = 0; n < lines.size(); ++n) {
      if (lines[n].find(*request.search_string) == std::string::npos) continue;
      scan.index = static_cast<long>(n);
      scan.matched = true;
      if (request.firstmatch) break;
    }
  }
  if (scan.matched) return scan;
  const auto& after = request.insertafter;
  const auto& before = request.insertbefore;
  std::optional<Regex> insert_regex;
  if (after && *after != "BOF" && *after != "EOF") insert_regex = compile_argument_regex(*after, "insertafter", k_bytes_pattern);
  else if (before && *before != "BOF") insert_regex = compile_argument_regex(*before, "insertbefore", k_bytes_pattern);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    if (without_line_end(lines[n]) == request.line) {
      scan.index = static_cast<long>(n);
      scan.exact_line = true;
    } else if (insert_regex && insert_regex->search(lines[n])) {
      scan.insert_at = static_cast<long>(after ? n + 1 : n);
      if (request.firstmatch) break;
    }
  }
  return scan;
}

// The insertion rules of Ansible's present(), in its order. Returns the message ("" = unchanged).
std::string place_line(const Request& request, const Scan& scan, std::vector<std::string>& lines) {
  const std::string& line = request.line;
  const auto& after = request.insertafter;
  const auto& before = request.insertbefore;
  if (scan.index != -1) {
    std::string wanted = scan.new_line;
    if (!wanted.ends_with("\n")) wanted += "\n";
    auto& current = lines[static_cast<std::size_t>(scan.index)];
    if (current == wanted) return "";
    current = wanted;
    return "line replaced";
  }
  if (request.backrefs) return "";  // no match to take the groups from: never guess the line
  if ((before && *before == "BOF") || (after && *after == "BOF")) {
    lines.insert(lines.begin(), line + "\n");
    return "line added";
  }
  if ((after && *after == "EOF") || scan.insert_at == -1) {
    if (!lines.empty() && !ends_with_newline(lines.back())) lines.push_back("\n");
    lines.push_back(line + "\n");
    return "line added";
  }
  auto at = static_cast<std::size_t>(scan.insert_at);
  if (after) {
    // the line right after the anchor already is the line: nothing to add
    if (at == lines.size()) {
      if (without_line_end(lines[at - 1]) == line) return "";
      lines.push_back(line + "\n");
      return "line added";
    }
    if (without_line_end(lines[at]) == line) return "";
  }
  lines.insert(lines.begin() + static_cast<long>(at), line + "\n");
  return "line added";
}

json present(const Request& request, const ModuleContext& ctx, bool create, bool backup) {
  const std::string& path = request.path;
  json diff = content_diff_for(path);
  bool exists = fs::exists(path);
  std::vector<std::string> lines;
  if (!exists) {
    if (!create) throw ModuleFailure("Destination " + path + " does not exist !", {{"rc", 257}});
    if (!ctx.checking()) make_parent_directories(path);
  } else {
    auto content = read_file(path);
    if (!content) throw ModuleFailure("Unable to read " + path);
    lines = split_keeping_ends(*content, LineEnds::newline);
  }
  if (ctx.diffing()) diff["before"] = join_lines(lines);
  Scan scan = scan_lines(request, lines);
  std::string msg = place_line(request, scan, lines);
  bool changed = !msg.empty();
  if (ctx.diffing()) diff["after"] = join_lines(lines);
  std::string backup_name;
  if (changed && !ctx.checking()) {
    if (backup && exists) backup_name = backup_file(path);
    write_validated(path, join_lines(lines), arg_string(request.args, "validate"));
  }
  if (ctx.checking() && !exists) return {{"changed", changed}, {"msg", msg}, {"backup", backup_name}, {"diff", diff}};
  json attributes_diff = json::object();
  apply_attributes_noting(path, request.args, ctx, attributes_diff, changed, msg);
  attributes_diff.update(attributes_diff_for(path));
  return {{"changed", changed}, {"msg", msg}, {"backup", backup_name}, {"diff", json::array({diff, attributes_diff})}};
}

bool line_matches(const Request& request, const std::optional<Regex>& regex, const std::string& line) {
  if (regex) return regex->search(line).has_value();
  if (request.search_string) return line.find(*request.search_string) != std::string::npos;
  return without_line_end(line) == request.line;
}

json absent(const Request& request, const ModuleContext& ctx, bool backup) {
  const std::string& path = request.path;
  if (!fs::exists(path)) return {{"changed", false}, {"msg", "file not present"}};
  json diff = content_diff_for(path);
  auto content = read_file(path);
  if (!content) throw ModuleFailure("Unable to read " + path);
  std::vector<std::string> lines = split_keeping_ends(*content, LineEnds::newline);
  if (ctx.diffing()) diff["before"] = *content;
  std::optional<Regex> regex;
  if (request.regexp) regex = compile_argument_regex(*request.regexp, "regexp", k_bytes_pattern);
  std::vector<std::string> kept;
  std::size_t found = 0;
  for (const auto& line : lines) {
    if (line_matches(request, regex, line)) ++found;
    else kept.push_back(line);
  }
  bool changed = found > 0;
  if (ctx.diffing()) diff["after"] = join_lines(kept);
  std::string backup_name;
  if (changed && !ctx.checking()) {
    if (backup) backup_name = backup_file(path);
    write_validated(path, join_lines(kept), arg_string(request.args, "validate"));
  }
  std::string msg = changed ? std::to_string(found) + " line(s) removed" : "";
  json attributes_diff = json::object();
  apply_attributes_noting(path, request.args, ctx, attributes_diff, changed, msg);
  attributes_diff.update(attributes_diff_for(path));
  return {{"changed", changed},
          {"found", found},
          {"msg", msg},
          {"backup", backup_name},
          {"diff", json::array({diff, attributes_diff})}};
}

// Ansible warns when a regexp or search string is empty: it matches every line.
json empty_pattern_warnings(const Request& request) {
  json warnings = json::array();
  const char* text =
      "The %s is an empty string, which will match every line in the file. This may have unintended "
      "consequences, such as replacing the last line in the file rather than appending.";
  std::string message = text;
  if (request.regexp && request.regexp->empty()) {
    message.replace(message.find("%s"), 2, "regular expression");
    message += " If this is desired, use '^' to match every line in the file and avoid this warning.";
    warnings.push_back(message);
  } else if (request.search_string && request.search_string->empty()) {
    message.replace(message.find("%s"), 2, "search string");
    warnings.push_back(message);
  }
  return warnings;
}

}  // namespace

json run_lineinfile(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "lineinfile");
  check_mutually_exclusive(args, {"insertbefore", "insertafter"});
  check_mutually_exclusive(args, {"regexp", "search_string"});
  if (arg_bool(args, "backrefs") && is_set(args, "search_string"))
    throw ModuleFailure("parameters are mutually exclusive: backrefs|search_string");
  if (is_set(args, "attributes")) throw ModuleFailure("drover's lineinfile does not set file attributes (chattr) yet");
  Request request;
  request.args = args;
  request.path = arg_string(args, "path");
  request.regexp = optional_arg(args, "regexp");
  request.search_string = optional_arg(args, "search_string");
  std::optional<std::string> line = optional_arg(args, "line");
  request.line = line.value_or("");
  request.insertafter = optional_arg(args, "insertafter");
  request.insertbefore = optional_arg(args, "insertbefore");
  request.backrefs = arg_bool(args, "backrefs");
  request.firstmatch = arg_bool(args, "firstmatch");
  json warnings = empty_pattern_warnings(request);
  if (fs::is_directory(request.path))
    throw ModuleFailure("Path " + request.path + " is a directory !", {{"rc", 256}});
  json result;
  if (arg_string(args, "state") == "present") {
    if (request.backrefs && !request.regexp) throw ModuleFailure("regexp is required with backrefs=true");
    if (!line) throw ModuleFailure("line is required with state=present");
    if (!request.insertafter && !request.insertbefore) request.insertafter = "EOF";
    result = present(request, ctx, arg_bool(args, "create"), arg_bool(args, "backup"));
  } else {
    if (!request.regexp && !request.search_string && !line)
      throw ModuleFailure("one of line, search_string, or regexp is required with state=absent");
    result = absent(request, ctx, arg_bool(args, "backup"));
  }
  if (!warnings.empty()) result["warnings"] = warnings;
  return result;
}

namespace {
const std::array<ReturnDoc, 2> k_lineinfile_returns{{
    ReturnDoc{"msg", "str", "always", "What happened, in Ansible's words (\"line added\", \"Block inserted\"...)."},
    ReturnDoc{"backup_file", "str", "changed and backup was requested", "The backup copy of the old file (its name with a timestamp)."},
}};
}  // namespace

const ModuleDoc lineinfile_doc{
    .description = "Makes sure a particular line is in a file, or replaces an existing line found by a regular expression or a string, or removes lines.",
    .options = k_spec,
    .returns = k_lineinfile_returns,
    .example = "- name: No root logins\n  ansible.builtin.lineinfile:\n    path: /etc/ssh/sshd_config\n    regexp: '^#?PermitRootLogin'\n    line: PermitRootLogin no\n    validate: /usr/sbin/sshd -t -f %s\n",
};

}  // namespace drover::modules
