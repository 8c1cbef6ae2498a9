// blockinfile, as Ansible 2.14's: a block of lines between two marker lines, inserted, replaced
// or removed. Lines are bytes cut at "\r\n", "\n" or "\r" (bytes.splitlines); insertafter and
// insertbefore are Python bytes patterns.
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
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "present"}, .description = "Whether the block should be in the file or not."},
    ArgSpec{.name = "marker", .default_value = "# {mark} ANSIBLE MANAGED BLOCK", .description = "The marker line template; {mark} becomes marker_begin or marker_end."},
    ArgSpec{.name = "block", .default_value = "", .aliases = {"content"}, .description = "The lines to put between the markers. An empty block removes the block, as state=absent."},
    ArgSpec{.name = "insertafter", .description = "Where a new block goes: after the last line matching this regular expression, or EOF (the default)."},
    ArgSpec{.name = "insertbefore", .description = "Where a new block goes: before the last line matching this regular expression, or BOF."},
    ArgSpec{.name = "create", .type = ArgType::boolean, .default_value = false, .description = "Create the file when it does not exist."},
    ArgSpec{.name = "backup", .type = ArgType::boolean, .default_value = false, .description = "Keep a copy of the old file (with a timestamp in its name) before changing it."},
    ArgSpec{.name = "validate", .description = "A command that checks the new file before it replaces the old one; %s is the temp file's path. When it fails, the old file stays as it was."},
    ArgSpec{.name = "marker_begin", .default_value = "BEGIN", .description = "What {mark} becomes in the first marker line."},
    ArgSpec{.name = "marker_end", .default_value = "END", .description = "What {mark} becomes in the last marker line."},
    ArgSpec{.name = "mode", .type = ArgType::raw, .description = "The permissions the file gets: an octal string such as \"0644\" (quote it), or symbolic (\"u=rw,g=r,o=r\"). Without it the file keeps its mode, or gets the umask's when created."},
    ArgSpec{.name = "owner", .description = "The user that should own the file (name or uid). Without it the owner is left as it is."},
    ArgSpec{.name = "group", .description = "The group that should own the file (name or gid). Without it the group is left as it is."},
    ArgSpec{.name = "unsafe_writes", .type = ArgType::boolean, .description = "Accepted for Ansible compatibility; drover always writes atomically (a temp file renamed over the destination)."},
    ArgSpec{.name = "attributes", .aliases = {"attr"}, .description = "The file's attributes as chattr sets them (for example \"+i\"). Not supported by drover yet: giving it fails clearly."},
};

constexpr RegexFlag k_bytes_pattern = RegexFlag::ascii;

// A pattern whose leading inline flags hold "m" ((?m), (?im)...) was compiled with re.MULTILINE:
// Ansible then searches the whole text instead of line by line.
bool has_multiline_flag(const std::string& pattern) {
  if (!pattern.starts_with("(?")) return false;
  for (std::size_t i = 2; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == 'm') return true;
    if (c == ')' || c == ':' || c == '-') return false;
  }
  return false;
}

std::size_t count_newlines(const std::string& text, std::size_t end) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < end && i < text.size(); ++i) count += text[i] == '\n' ? 1 : 0;
  return count;
}

// Where the block goes when no complete pair of markers is in the file (Ansible's n0).
std::size_t insertion_point(const std::optional<std::string>& after, const std::optional<std::string>& before,
                            const std::string& original, const std::vector<std::string>& lines) {
  std::optional<std::string> pattern;
  if (after && *after != "EOF") pattern = after;
  else if (before && *before != "BOF") pattern = before;
  if (!pattern) return before ? 0 : lines.size();  // insertbefore=BOF, else insertafter=EOF
  const char* argument = after ? "insertafter" : "insertbefore";
  Regex regex = compile_argument_regex(*pattern, argument, k_bytes_pattern);
  std::optional<std::size_t> found;
  if (has_multiline_flag(*pattern)) {
    if (auto match = regex.search(original)) found = count_newlines(original, after ? match->end() : match->start());
  } else {
    for (std::size_t i = 0; i < lines.size(); ++i)
      if (regex.search(lines[i])) found = i;
  }
  if (!found) return lines.size();
  return after ? *found + 1 : *found;
}

std::string block_message(const std::optional<std::string>& original, const std::string& result, bool has_block) {
  if (original && *original == result) return "";
  if (!original) return "File created";
  return has_block ? "Block inserted" : "Block removed";
}

// The block's lines with their markers; none when the block is to go (state=absent, empty block).
struct Block {
  std::string begin_line;
  std::string end_line;
  std::vector<std::string> lines;
};

Block requested_block(const json& args) {
  static const Regex mark("\\{mark\\}");
  std::string marker = arg_string(args, "marker");
  Block block{mark.sub(arg_string(args, "marker_begin"), marker) + "\n",
              mark.sub(arg_string(args, "marker_end"), marker) + "\n", {}};
  std::string text = arg_string(args, "block");
  if (arg_string(args, "state") != "present" || text.empty()) return block;
  if (!text.ends_with("\n")) text += "\n";
  block.lines.push_back(block.begin_line);
  for (auto& line : split_keeping_ends(text, LineEnds::universal)) block.lines.push_back(std::move(line));
  block.lines.push_back(block.end_line);
  return block;
}

// Ansible's placement: a block between a complete pair of markers is replaced where it is (both
// markers included); otherwise the block goes where insertafter/insertbefore say.
std::string place_block(const json& args, const Block& block, const std::string& original, std::vector<std::string> lines) {
  std::optional<std::string> after, before;
  if (is_set(args, "insertafter")) after = arg_string(args, "insertafter");
  if (is_set(args, "insertbefore")) before = arg_string(args, "insertbefore");
  if (!after && !before) after = "EOF";
  std::optional<std::size_t> n0, n1;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == block.begin_line) n0 = i;
    if (lines[i] == block.end_line) n1 = i;
  }
  std::size_t at = 0;
  if (!n0 || !n1) {
    at = insertion_point(after, before, original, lines);
  } else {
    std::size_t first = std::min(*n0, *n1), last = std::max(*n0, *n1);
    lines.erase(lines.begin() + static_cast<long>(first), lines.begin() + static_cast<long>(last) + 1);
    at = first;
  }
  if (at > 0 && !lines[at - 1].ends_with("\n")) lines[at - 1] += "\n";
  lines.insert(lines.begin() + static_cast<long>(at), block.lines.begin(), block.lines.end());
  return join_lines(lines);
}

}  // namespace

json run_blockinfile(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "blockinfile");
  check_mutually_exclusive(args, {"insertbefore", "insertafter"});
  if (is_set(args, "attributes")) throw ModuleFailure("drover's blockinfile does not set file attributes (chattr) yet");
  std::string path = arg_string(args, "path");
  if (fs::is_directory(path)) throw ModuleFailure("Path " + path + " is a directory !", {{"rc", 256}});
  bool exists = fs::exists(path);
  std::optional<std::string> original;
  if (!exists) {
    if (!arg_bool(args, "create")) throw ModuleFailure("Path " + path + " does not exist !", {{"rc", 257}});
    if (!ctx.checking()) make_parent_directories(path);
  } else if (!(original = read_file(path))) {
    throw ModuleFailure("Unable to read " + path);
  }
  json diff = {{"before", ""}, {"after", ""}, {"before_header", path + " (content)"}, {"after_header", path + " (content)"}};
  if (ctx.diffing() && original) diff["before"] = *original;
  if (arg_string(args, "state") == "absent" && !exists) return {{"changed", false}, {"msg", "File " + path + " not present"}};

  Block block = requested_block(args);
  std::vector<std::string> lines = original ? split_keeping_ends(*original, LineEnds::universal) : std::vector<std::string>{};
  std::string result_text = place_block(args, block, original.value_or(""), std::move(lines));
  if (ctx.diffing()) diff["after"] = result_text;
  std::string msg = block_message(original, result_text, !block.lines.empty());
  bool changed = !msg.empty();
  json result = json::object();
  if (changed && !ctx.checking()) {
    if (arg_bool(args, "backup") && exists) result["backup_file"] = backup_file(path);
    write_validated(path, result_text, arg_string(args, "validate"));
  }
  if (ctx.checking() && !exists) return {{"changed", changed}, {"msg", msg}, {"diff", diff}};
  json attributes_diff = json::object();
  apply_attributes_noting(path, args, ctx, attributes_diff, changed, msg);
  attributes_diff["before_header"] = path + " (file attributes)";
  attributes_diff["after_header"] = path + " (file attributes)";
  result["changed"] = changed;
  result["msg"] = msg;
  result["diff"] = json::array({diff, attributes_diff});
  return result;
}

namespace {
const std::array<ReturnDoc, 2> k_blockinfile_returns{{
    ReturnDoc{"msg", "str", "always", "What happened, in Ansible's words (\"line added\", \"Block inserted\"...)."},
    ReturnDoc{"backup_file", "str", "changed and backup was requested", "The backup copy of the old file (its name with a timestamp)."},
}};
}  // namespace

const ModuleDoc blockinfile_doc{
    .description = "Inserts, updates or removes a block of lines surrounded by marker lines, so the block can be found and updated on later runs.",
    .options = k_spec,
    .returns = k_blockinfile_returns,
    .example = "- name: Allow the backup host\n  ansible.builtin.blockinfile:\n    path: /etc/hosts.allow\n    block: |\n      sshd: 10.0.0.5\n",
};

}  // namespace drover::modules
