// replace, as Ansible 2.14's: every match of a Python `re` pattern (MULTILINE) in a file, or in
// the part of it between `after` and `before`, replaced with a template (\1, \g<name>).
#include <array>
#include <filesystem>

#include "core/value/utf8.hpp"
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
    ArgSpec{.name = "regexp", .required = Required::yes, .description = "The regular expression (Python re syntax, multiline) whose matches are replaced."},
    ArgSpec{.name = "replace", .default_value = "", .description = "The replacement; \\1 and \\g<name> refer to groups. Empty removes the matches."},
    ArgSpec{.name = "after", .description = "Only replace after the first match of this regular expression."},
    ArgSpec{.name = "before", .description = "Only replace before the first match of this regular expression."},
    ArgSpec{.name = "backup", .type = ArgType::boolean, .default_value = false, .description = "Keep a copy of the old file (with a timestamp in its name) before changing it."},
    ArgSpec{.name = "validate", .description = "A command that checks the new file before it replaces the old one; %s is the temp file's path. When it fails, the old file stays as it was."},
    ArgSpec{.name = "encoding", .default_value = "utf-8", .description = "The file's character encoding."},
    ArgSpec{.name = "mode", .type = ArgType::raw, .description = "The permissions the file gets: an octal string such as \"0644\" (quote it), or symbolic (\"u=rw,g=r,o=r\"). Without it the file keeps its mode, or gets the umask's when created."},
    ArgSpec{.name = "owner", .description = "The user that should own the file (name or uid). Without it the owner is left as it is."},
    ArgSpec{.name = "group", .description = "The group that should own the file (name or gid). Without it the group is left as it is."},
    ArgSpec{.name = "unsafe_writes", .type = ArgType::boolean, .description = "Accepted for Ansible compatibility; drover always writes atomically (a temp file renamed over the destination)."},
    ArgSpec{.name = "attributes", .aliases = {"attr"}, .description = "The file's attributes as chattr sets them (for example \"+i\"). Not supported by drover yet: giving it fails clearly."},
};

// The file's encoding. The regex engine reads UTF-8, so latin-1 text is converted on the way in
// and back on the way out; ASCII is a subset of UTF-8.
enum class Encoding { utf8, latin1 };

Encoding encoding_named(std::string name) {
  for (auto& c : name) c = static_cast<char>(c == '_' ? '-' : std::tolower(static_cast<unsigned char>(c)));
  for (const char* utf8 : {"utf-8", "utf8", "ascii", "us-ascii"})
    if (name == utf8) return Encoding::utf8;
  for (const char* latin1 : {"latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1"})
    if (name == latin1) return Encoding::latin1;
  throw ModuleFailure("drover's replace reads files in utf-8, ascii or latin-1; encoding '" + name +
                      "' is not supported");
}

std::string latin1_to_utf8(const std::string& bytes) {
  std::string text;
  for (unsigned char c : bytes) append_utf8(text, c);
  return text;
}

std::string utf8_to_latin1(const std::string& text) {
  std::string bytes;
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      bytes += static_cast<char>(c);
      ++i;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < text.size() && c <= 0xC3) {
      bytes += static_cast<char>(((c & 0x1F) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F));
      i += 2;
    } else {
      throw ModuleFailure("the replacement holds a character that latin-1 cannot encode");
    }
  }
  return bytes;
}

// Ansible's section: the text between the matches of `after` and `before` (either may be
// missing), found with re.DOTALL; nothing when that pattern does not match.
struct Section {
  std::size_t start = 0;
  std::size_t end = 0;
};

std::string section_pattern(const json& args) {
  std::string after = arg_string(args, "after"), before = arg_string(args, "before");
  if (!after.empty() && !before.empty()) return after + "(?P<subsection>.*?)" + before;
  if (!after.empty()) return after + "(?P<subsection>.*)";
  if (!before.empty()) return "(?P<subsection>.*)" + before;
  return "";
}

}  // namespace

json run_replace(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "replace");
  if (is_set(args, "attributes")) throw ModuleFailure("drover's replace does not set file attributes (chattr) yet");
  std::string path = arg_string(args, "path");
  Encoding encoding = encoding_named(arg_string(args, "encoding"));
  if (fs::is_directory(path)) throw ModuleFailure("Path " + path + " is a directory !", {{"rc", 256}});
  if (!fs::exists(path)) throw ModuleFailure("Path " + path + " does not exist !", {{"rc", 257}});
  auto bytes = read_file(path);
  if (!bytes) throw ModuleFailure("Unable to read the contents of " + path);
  std::string contents = encoding == Encoding::latin1 ? latin1_to_utf8(*bytes) : *bytes;

  json result = {{"rc", 0}};
  Section section{0, contents.size()};
  std::string pattern = section_pattern(args);
  if (!pattern.empty()) {
    Regex section_regex = compile_argument_regex(pattern, "after/before", RegexFlag::dotall);
    auto match = section_regex.search(contents);
    if (!match) {
      result["msg"] = "Pattern for before/after params did not match the given file: " + pattern;
      result["changed"] = false;
      return result;
    }
    std::size_t group = *section_regex.group_index("subsection");
    section = {match->start(group), match->end(group)};
  }
  std::string text = contents.substr(section.start, section.end - section.start);
  Regex regex = compile_argument_regex(arg_string(args, "regexp"), "regexp", RegexFlag::multiline);
  std::string replaced;
  try {
    replaced = regex.sub(arg_string(args, "replace"), text);
  } catch (const RegexError& error) {
    throw ModuleFailure(std::string("replace: ") + error.what());
  }
  std::size_t count = regex.find_all(text).size();
  bool changed = count > 0 && replaced != text;
  std::string msg;
  if (changed) {
    std::string after = contents.substr(0, section.start) + replaced + contents.substr(section.end);
    msg = std::to_string(count) + " replacements made";
    if (ctx.diffing()) result["diff"] = {{"before_header", path}, {"before", contents}, {"after_header", path}, {"after", after}};
    if (!ctx.checking()) {
      if (arg_bool(args, "backup")) result["backup_file"] = backup_file(path);
      write_validated(path, encoding == Encoding::latin1 ? utf8_to_latin1(after) : after, arg_string(args, "validate"));
    }
  }
  json no_diff;
  apply_attributes_noting(path, args, ctx, no_diff, changed, msg);
  result["msg"] = msg;
  result["changed"] = changed;
  return result;
}

namespace {
const std::array<ReturnDoc, 2> k_replace_returns{{
    ReturnDoc{"msg", "str", "always", "What happened, in Ansible's words (\"line added\", \"Block inserted\"...)."},
    ReturnDoc{"backup_file", "str", "changed and backup was requested", "The backup copy of the old file (its name with a timestamp)."},
}};
}  // namespace

const ModuleDoc replace_doc{
    .description = "Replaces every match of a regular expression in a file, optionally only between after and before.",
    .options = k_spec,
    .returns = k_replace_returns,
    .example = "- name: Point the clients at the new server\n  ansible.builtin.replace:\n    path: /etc/app.conf\n    regexp: 'old\\.example\\.com'\n    replace: new.example.com\n",
};

}  // namespace drover::modules
