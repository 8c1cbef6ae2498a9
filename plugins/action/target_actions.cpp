// Actions whose work happens on the target.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <utility>
#include <vector>
#include <sstream>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

#include "core/fs.hpp"
#include "core/secrets/secrets_options.hpp"
#include "core/secrets/vault.hpp"
#include "core/template/ansible_support.hpp"
#include "core/template/render_options.hpp"
#include "core/value/python_repr.hpp"
#include "core/secrets/crypto.hpp"
#include "core/value/json.hpp"
#include "plugins/action/action.hpp"

namespace drover::action {

namespace fs = std::filesystem;

namespace {

bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : -1;
    if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size() + (extra == 0 ? 1 : 0)) return false;
    for (int k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) >> 6) != 0x2) return false;
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

// When the target already holds exactly this content, only the attributes may need a change:
// that is the file module's job, and the content is not sent at all.
// The file copy writes: dest, or dest/<_original_basename> when dest names a directory (a
// trailing "/" or, per `is_directory`, one that exists on the target).
std::string effective_dest(const Value& args, bool is_directory = false) {
  std::string dest = args.get_string("dest");
  std::string base = args.get_string("_original_basename");
  if (base.empty() || (!dest.ends_with("/") && !is_directory)) return dest;
  return (dest.ends_with("/") ? dest : dest + "/") + base;
}

Value remote_stat(ActionContext& ctx, const std::string& path, const Value& args) {
  Map stat_args;
  stat_args.set("path", path);
  stat_args.set("get_checksum", true);
  stat_args.set("checksum_algorithm", "sha1");
  stat_args.set("follow", bool_arg(args, "follow"));
  stat_args.set("get_mime", false);
  stat_args.set("get_attributes", false);
  return ctx.run_module("stat", Value(std::move(stat_args))).get("stat");
}

// What copy has to do with one file, after a stat of its dest on the target.
enum class Transfer { send, attributes_only, nothing };

// As Ansible's _copy_file decides: nothing when the file exists and force is off, only the
// attributes when the target already holds exactly this content, else send it. A dest that is a
// directory on the target becomes dest/<_original_basename> in `args`.
Transfer plan_transfer(ActionContext& ctx, Value& args, const std::string& content) {
  Value stat = remote_stat(ctx, effective_dest(args), args);
  if (stat.get_truthy("isdir") && !args.get_string("_original_basename").empty()) {
    args.mutable_map().set("dest", effective_dest(args, true));
    args.mutable_map().erase("_original_basename");
    stat = remote_stat(ctx, args.get_string("dest"), args);
  }
  bool exists = stat.get_truthy("exists");
  if (exists && !bool_arg(args, "force", true)) return Transfer::nothing;
  if (bool_arg(args, "backup") || args.find("validate")) return Transfer::send;
  bool same = exists && !stat.get_truthy("isdir") && stat.get_string("checksum") == secrets::hex_encode(secrets::sha1(content));
  if (same && args.get_string("dest").ends_with("/")) args.mutable_map().set("dest", effective_dest(args));
  return same ? Transfer::attributes_only : Transfer::send;
}

Value attributes_only(ActionContext& ctx, const Value& args, const std::string& content) {
  Map file_args;
  file_args.set("path", args.get_string("dest"));
  file_args.set("state", "file");
  for (const char* key : {"mode", "owner", "group", "follow"})
    if (const Value* v = args.find(key)) file_args.set(key, *v);
  Value r = ctx.run_module("file", Value(std::move(file_args)));
  if (r.is_map() && !r.get_truthy("failed")) {
    Map& m = r.mutable_map();
    m.set("dest", args.get_string("dest"));
    m.set("checksum", secrets::hex_encode(secrets::sha1(content)));
    m.set("size", static_cast<std::int64_t>(content.size()));
  }
  return r;
}

// Ansible's copy action returns the diff of a file whose content it sent as a list ([] without
// --diff), the file module's diff dict when only attributes were looked at. The runner's copy
// reports a content change with md5sum.
Value with_action_diff(Value r) {
  if (!r.is_map() || r.get_truthy("failed") || !r.find("md5sum")) return r;
  List diffs;
  if (const Value* diff = r.find("diff"); diff && diff->is_map()) diffs.push_back(*diff);
  r.mutable_map().set("diff", Value(std::move(diffs)));
  return r;
}

// Sends `content` to the target as copy's content (text) or content_b64 (binary), unless the
// target has it already. `source` (the control-node file, if any) is the result's src when the
// content was sent or the file kept (Ansible's src is then its temp copy on the target).
Value send_content(ActionContext& ctx, Value args, const std::string& content, const std::string& source = "") {
  Transfer transfer = plan_transfer(ctx, args, content);
  if (transfer == Transfer::nothing) {
    Map m;
    m.set("changed", false);
    m.set("dest", args.get_string("dest"));
    if (!source.empty()) m.set("src", source);
    return Value(std::move(m));
  }
  if (transfer == Transfer::attributes_only) return attributes_only(ctx, args, content);
  Map& m = args.mutable_map();
  if (valid_utf8(content)) {
    m.set("content", content);
  } else {
    m.set("content_b64", secrets::base64_encode(content));
  }
  Value r = with_action_diff(ctx.run_module("copy", args));
  if (!source.empty() && r.is_map() && !r.get_truthy("failed") && !r.find("src")) r.mutable_map().set("src", source);
  return r;
}

// Ansible's copy action writes a `content` that is a dict or a list (templated to one, or given
// as YAML) as json.dumps(content) writes it: one line, ", " and ": " between items, keys in their
// order, non-ASCII text as \uXXXX, tuples as arrays. Other values go to the module as they are.
Value with_text_content(Value args) {
  const Value* content = args.find("content");
  if (content && (content->is_map() || content->is_list()))
    args.mutable_map().set("content", dump_json(*content, JsonStyle{.ensure_ascii = true}));
  return args;
}

// The variables the template module adds for the template's own use, over the task's.
class TemplateVariables : public tmpl::Variables {
public:
  TemplateVariables(const tmpl::Variables& base, Value extra) : m_base(base), m_extra(std::move(extra)) {}
  const Value* find(std::string_view name) const override {
    const Value* v = m_extra.find(name);
    return v ? v : m_base.find(name);
  }
  std::vector<std::string> names() const override {
    std::vector<std::string> out = m_base.names();
    for (const auto& [k, v] : m_extra.as_map()) out.push_back(k);
    return out;
  }

private:
  const tmpl::Variables& m_base;
  Value m_extra;
};

// Ansible's generate_ansible_template_vars: template_path is `src` as written, template_fullpath
// the file found; the two dates are datetime objects (file mtime, now) in local time.
Value template_vars(const std::string& src, const std::string& path, const std::string& dest) {
  Map m;
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  struct stat st {};
  std::string uid = "unknown";
  double mtime = 0;
  if (::stat(path.c_str(), &st) == 0) {
    if (const passwd* pw = getpwuid(st.st_uid)) uid = pw->pw_name;
    else uid = std::to_string(st.st_uid);
    mtime = static_cast<double>(st.st_mtim.tv_sec) + static_cast<double>(st.st_mtim.tv_nsec) / 1e9;
  }
  m.set("ansible_managed", "Ansible managed");
  m.set("template_host", std::string(host));
  m.set("template_path", src);
  m.set("template_mtime", tmpl::local_datetime(mtime));
  m.set("template_uid", uid);
  m.set("template_run_date", tmpl::local_datetime(static_cast<double>(
                                 std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::system_clock::now().time_since_epoch()).count()) / 1e6));
  m.set("template_destpath", dest.empty() ? Value() : Value(dest));
  m.set("template_fullpath", fs::absolute(path).string());
  return Value(std::move(m));
}

}  // namespace

Value run_module(ActionContext& ctx) { return ctx.run_module(ctx.task.action, ctx.args); }

Value run_raw(ActionContext& ctx) {
  std::string cmd = ctx.args.get_string("_raw_params");
  if (cmd.empty()) return failed_result("raw needs a command");
  if (ctx.check_mode) {
    Map m;
    m.set("changed", false);
    m.set("skipped", true);
    m.set("msg", "raw does not support check mode");
    return Value(std::move(m));
  }
  auto r = ctx.run_raw(cmd);
  Map m;
  m.set("changed", true);
  m.set("rc", r.rc);
  m.set("stdout", r.out);
  m.set("stderr", r.err);
  List lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(Value(line));
  }
  m.set("stdout_lines", Value(std::move(lines)));
  if (r.rc != 0) {
    m.set("failed", true);
    m.set("msg", "non-zero return code");
  }
  return Value(std::move(m));
}

std::optional<std::string> local_content(const std::string& path, bool decrypt, std::string& error) {
  std::optional<std::string> content = read_file(path);
  if (!content) {
    error = "Could not read '" + path + "'";
    return std::nullopt;
  }
  if (!decrypt || !secrets::is_vault_text(*content)) return content;
  if (secrets::vault_secrets().empty()) {
    error = "A vault password or secret must be specified to decrypt " + path;  // Ansible's words
    return std::nullopt;
  }
  try {
    return secrets::vault_decrypt(*content, secrets::vault_secrets(), path);
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

namespace {

// A local source for copy, as Ansible's _walk_dirs lists it: (absolute path, path relative to
// dest) for files and directories, (link target, relative path) for links that are copied as
// links (local_follow=false, or a link that would loop).
struct SourceTree {
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<std::pair<std::string, std::string>> directories;
  std::vector<std::pair<std::string, std::string>> symlinks;
};

std::pair<dev_t, ino_t> identity(const struct stat& st) { return {st.st_dev, st.st_ino}; }

void walk_source(const fs::path& dir, const std::string& rel_base, bool local_follow,
                 std::set<std::pair<dev_t, ino_t>>& ancestors, SourceTree& tree) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  // as os.walk yields them: the files of a directory before anything in its subdirectories
  std::stable_partition(names.begin(), names.end(), [&](const std::string& name) {
    struct stat st{};
    return !(::stat((dir / name).c_str(), &st) == 0 && S_ISDIR(st.st_mode));
  });
  for (const auto& name : names) {
    fs::path path = dir / name;
    std::string rel = rel_base.empty() ? name : rel_base + "/" + name;
    struct stat lst{}, st{};
    if (::lstat(path.c_str(), &lst) != 0) continue;
    bool is_link = S_ISLNK(lst.st_mode);
    bool target_ok = ::stat(path.c_str(), &st) == 0;
    if (target_ok && S_ISDIR(st.st_mode)) {
      if (is_link && (!local_follow || ancestors.count(identity(st)))) {
        tree.symlinks.emplace_back(fs::read_symlink(path, ec).string(), rel);
        continue;
      }
      fs::path real = is_link ? fs::canonical(path, ec) : path;
      tree.directories.emplace_back(real.string(), rel);
      ancestors.insert(identity(st));
      walk_source(real, rel, local_follow, ancestors, tree);
      ancestors.erase(identity(st));
    } else if (is_link) {
      if (local_follow && target_ok && S_ISREG(st.st_mode)) tree.files.emplace_back(fs::canonical(path, ec).string(), rel);
      else tree.symlinks.emplace_back(fs::read_symlink(path, ec).string(), rel);
    } else {
      tree.files.emplace_back(path.string(), rel);
    }
  }
}

// The tree under `source` (a directory): its content when `source` ends in "/", else the
// directory itself (relative paths then start with its name).
SourceTree walk_source_tree(const std::string& source, bool local_follow) {
  SourceTree tree;
  std::string top = source;
  while (top.size() > 1 && top.ends_with("/")) top.pop_back();
  std::string rel_base = source.ends_with("/") ? "" : fs::path(top).filename().string();
  struct stat st{};
  std::set<std::pair<dev_t, ino_t>> ancestors;
  if (::stat(top.c_str(), &st) == 0) ancestors.insert(identity(st));
  walk_source(top, rel_base, local_follow, ancestors, tree);
  return tree;
}


// The module arguments for one file of a copy from the control node (Ansible's _copy_file).
Value file_copy_args(const Value& task_args, const std::string& dest, const std::string& rel, const std::string& path,
                     bool follow) {
  Value args = task_args;
  Map& m = args.mutable_map();
  for (const char* key : {"src", "content", "decrypt", "local_follow"}) m.erase(key);
  m.set("dest", dest);
  m.set("_original_basename", rel);
  m.set("follow", follow);
  if (task_args.get_string("mode") == "preserve") {
    struct stat st{};
    if (::stat(path.c_str(), &st) == 0) {
      char octal[16];
      std::snprintf(octal, sizeof octal, "0%03o", static_cast<unsigned>(st.st_mode & 07777));
      m.set("mode", std::string(octal));
    }
  }
  return args;
}

// The file module's arguments Ansible's copy passes on (_create_remote_file_args).
Map file_module_args(const Value& task_args) {
  Map m;
  for (const char* key : {"mode", "owner", "group", "attributes", "unsafe_writes"})
    if (const Value* v = task_args.find(key)) m.set(key, *v);
  return m;
}

Value copy_one_file(ActionContext& ctx, const std::string& path, const std::string& rel, const std::string& dest,
                    bool follow) {
  std::string error;
  std::optional<std::string> content = local_content(path, bool_arg(ctx.args, "decrypt", true), error);
  if (!content) return failed_result(error);
  Value r = send_content(ctx, file_copy_args(ctx.args, dest, rel, path, follow), *content, path);
  bool kept = !r.get_truthy("changed") && r.find("src");  // force=no: Ansible adds nothing to that result
  if (r.is_map() && !kept && !r.find("checksum"))
    r.mutable_map().set("checksum", secrets::hex_encode(secrets::sha1(*content)));  // as Ansible's _copy_file
  return r;
}

// A directory from the control node: every file through copy, then every directory and link
// through file, as Ansible's copy action does; one result for the whole tree.
Value copy_tree(ActionContext& ctx, const std::string& source, std::string dest) {
  SourceTree tree = walk_source_tree(source, bool_arg(ctx.args, "local_follow", true));
  if (!dest.ends_with("/")) dest += "/";
  bool changed = false;
  Value last;
  for (const auto& [path, rel] : tree.files) {
    last = copy_one_file(ctx, path, rel, dest, tree.directories.empty() && bool_arg(ctx.args, "follow"));
    if (last.get_truthy("failed")) return last;
    changed = changed || last.get_truthy("changed");
  }
  for (const auto& [path, rel] : tree.directories) {
    Map m = file_module_args(ctx.args);
    m.set("path", dest + rel);
    m.set("state", "directory");
    const Value* directory_mode = ctx.args.find("directory_mode");
    m.set("mode", directory_mode ? *directory_mode : Value());
    if (!directory_mode) m.erase("mode");
    last = ctx.run_module("file", Value(std::move(m)));
    if (last.get_truthy("failed")) return last;
    changed = changed || last.get_truthy("changed");
  }
  for (const auto& [target, rel] : tree.symlinks) {
    Map m = file_module_args(ctx.args);
    if (ctx.args.get_string("mode") == "preserve") m.erase("mode");
    m.set("path", dest + rel);
    m.set("src", target);
    m.set("state", "link");
    m.set("force", true);
    if (!tree.directories.empty()) m.set("follow", false);
    last = ctx.run_module("file", Value(std::move(m)));
    if (last.get_truthy("failed")) return last;
    changed = changed || last.get_truthy("changed");
  }
  if (tree.files.size() == 1 && tree.directories.empty() && tree.symlinks.empty()) return last;
  Map m;
  m.set("dest", dest);
  m.set("src", source);
  m.set("changed", changed);
  return Value(std::move(m));
}

}  // namespace

Value run_copy(ActionContext& ctx) {
  const Value* src = ctx.args.find("src");
  if (src && (src->is_null() || (src->is_string() && src->as_string().empty()))) src = nullptr;  // Python's `not source`
  const Value* content = ctx.args.find("content");
  std::string dest = ctx.args.get_string("dest");
  if (!src && !content) return failed_result("src (or content) is required");
  if (dest.empty()) return failed_result("dest is required");
  if (src && content) return failed_result("src and content are mutually exclusive");
  if (content && dest.ends_with("/")) return failed_result("can not use content with a dir as dest");
  if (!src) return with_action_diff(ctx.run_module("copy", with_text_content(ctx.args)));
  if (bool_arg(ctx.args, "remote_src")) return ctx.run_module("copy", ctx.args);
  std::string name = src->is_string() ? src->as_string() : "";
  std::string path = find_file(ctx.search_paths, "files", name);
  if (path.empty()) return failed_result("Could not find or access '" + name + "' on the Ansible Controller.");
  if (fs::is_directory(path)) {
    // find_file drops a trailing slash; it decides whether the directory or its content is copied
    if (name.ends_with("/") && !path.ends_with("/")) path += "/";
    if (!name.ends_with("/")) while (path.size() > 1 && path.ends_with("/")) path.pop_back();
    return copy_tree(ctx, path, dest);
  }
  std::string rel = fs::path(path).filename().string();
  return copy_one_file(ctx, path, rel, dest, bool_arg(ctx.args, "follow"));
}

// A found file's path as the user thinks of it: relative to the search folder it was found in.
std::string display_path(const std::vector<std::string>& search_paths, const std::string& path) {
  for (const auto& dir : search_paths) {
    std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
    if (!prefix.empty() && path.rfind(prefix, 0) == 0) return path.substr(prefix.size());
  }
  return path;
}

namespace {

// The template action's Jinja2 options (delimiters, trim_blocks, lstrip_blocks), as the
// `#jinja2:` header the template's own header may further change.
std::vector<std::pair<std::string, Value>> template_overrides(const Value& args) {
  std::vector<std::pair<std::string, Value>> out;
  for (const char* key : {"variable_start_string", "variable_end_string", "block_start_string", "block_end_string",
                          "comment_start_string", "comment_end_string"})
    if (const Value* v = args.find(key); v && !v->is_null()) out.emplace_back(key, Value(python_str(*v)));
  for (const char* key : {"trim_blocks", "lstrip_blocks"})
    if (const Value* v = args.find(key); v && !v->is_null()) out.emplace_back(key, Value(bool_arg(args, key)));
  return out;
}

}  // namespace

Value run_template(ActionContext& ctx) {
  std::string src = ctx.args.get_string("src");
  std::string dest = ctx.args.get_string("dest");
  if (src.empty() || dest.empty()) return failed_result("src and dest are required");
  std::string path = find_file(ctx.search_paths, "templates", src);
  if (path.empty()) return failed_result("Could not find or access '" + src + "'");
  std::optional<std::string> source = read_file(path);
  if (!source) return failed_result("Could not read '" + path + "'");
  std::string rendered;
  try {
    TemplateVariables vars(ctx.vars, template_vars(src, path, dest));
    tmpl::TemplateOptions options;
    options.search_paths = ctx.search_paths;
    options.result_types = ctx.result_types;
    options.lookups = ctx.templar.lookups();
    tmpl::Templar templar(vars, options);
    rendered = templar.render(tmpl::with_jinja2_overrides(*source, template_overrides(ctx.args)),
                              display_path(ctx.search_paths, path));
  } catch (const tmpl::TemplateError& e) {
    return failed_result(e.what());  // "templates/x.j2:3: 'str object' has no attribute 'z'"
  }
  std::string newline = ctx.args.get_string("newline_sequence", "\n");
  if (newline != "\n") {
    std::string converted;
    for (char c : rendered) {
      if (c == '\n') converted += newline;
      else converted += c;
    }
    rendered = converted;
  }
  Value args = ctx.args;
  Map& m = args.mutable_map();
  m.erase("src");
  m.erase("newline_sequence");
  m.erase("trim_blocks");
  m.erase("lstrip_blocks");
  m.erase("variable_start_string");
  m.erase("variable_end_string");
  m.erase("block_start_string");
  m.erase("block_end_string");
  m.erase("comment_start_string");
  m.erase("comment_end_string");
  m.erase("output_encoding");
  return send_content(ctx, std::move(args), rendered);
}

// --- documentation (`drover doc`) ------------------------------------------------------------

namespace {

constexpr OptionDoc k_raw_options[] = {
    {.name = "free_form", .description = "The command, run by the login shell of the connection.", .required = true},
    {.name = "executable", .type = "path", .description = "Accepted for compatibility: the command runs through the connection's login shell."},
};
constexpr ReturnFieldDoc k_raw_returns[] = {
    {"rc", "int", "always", "The command's exit status."},
    {"stdout", "str", "always", "Its output."},
    {"stderr", "str", "always", "Its error output."},
    {"stdout_lines", "list", "always", "stdout split into lines."}};

constexpr OptionDoc k_template_options[] = {
    {.name = "src", .type = "path", .description = "The Jinja2 template on the control node, looked for in templates/ beside the play or role.", .required = true},
    {.name = "dest", .type = "path", .description = "Where the rendered file goes on the target.", .required = true},
    {.name = "newline_sequence", .description = "The line ending of the rendered file.", .default_value = "\\n", .choices = "\\n, \\r, \\r\\n"},
    {.name = "backup", .type = "bool", .description = "Keep a copy of the old file before replacing it.", .default_value = "false"},
    {.name = "validate", .description = "A command that checks the new file (%s is its path) before it replaces the old one."},
    {.name = "force", .type = "bool", .description = "Replace the file when it differs; false: only write a missing file.", .default_value = "true"},
    {.name = "follow", .type = "bool", .description = "Follow links at dest.", .default_value = "false"},
    {.name = "mode", .type = "raw", .description = "The file's permissions (an octal string such as \"0644\", or symbolic)."},
    {.name = "owner", .description = "The file's owner."},
    {.name = "group", .description = "The file's group."},
    {.name = "trim_blocks", .type = "bool", .description = "Remove the first newline after a block tag.", .default_value = "true"},
    {.name = "lstrip_blocks", .type = "bool", .description = "Strip spaces and tabs from the start of a line up to a block tag.", .default_value = "false"},
    {.name = "output_encoding", .description = "Accepted for compatibility; the file is written as UTF-8.", .default_value = "utf-8"},
    {.name = "variable_start_string", .description = "What starts an expression in the template.", .default_value = "{{"},
    {.name = "variable_end_string", .description = "What ends an expression.", .default_value = "}}"},
    {.name = "block_start_string", .description = "What starts a statement block.", .default_value = "{%"},
    {.name = "block_end_string", .description = "What ends a statement block.", .default_value = "%}"},
    {.name = "comment_start_string", .description = "What starts a comment.", .default_value = "{#"},
    {.name = "comment_end_string", .description = "What ends a comment.", .default_value = "#}"},
};
constexpr ReturnFieldDoc k_template_returns[] = {
    {"dest", "str", "success", "The file written."},
    {"checksum", "str", "success", "SHA-1 of the rendered content."},
    {"size", "int", "success", "Its size in bytes."},
    {"backup_file", "str", "changed and backup was requested", "The backup copy of the old file."}};

}  // namespace

const ActionDoc raw_doc{
    .description = "Runs a command over the connection without the runner: for bootstrapping a host, or devices that cannot run drover-modules. Always changed; skipped in check mode.",
    .options = k_raw_options,
    .returns = k_raw_returns,
    .example = "- ansible.builtin.raw: test -e /usr/bin/rsync || apt-get install -y rsync\n",
    .closed_options = false};
const ActionDoc template_doc{
    .description = "Renders a Jinja2 template on the control node with the host's variables and writes the result to the target as copy does (atomically, only when it differs).",
    .options = k_template_options,
    .returns = k_template_returns,
    .example = "- ansible.builtin.template:\n    src: nginx.conf.j2\n    dest: /etc/nginx/nginx.conf\n    validate: nginx -t -c %s\n",
    .closed_options = false};

}  // namespace drover::action
