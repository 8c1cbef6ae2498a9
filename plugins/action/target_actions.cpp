// Actions whose work happens on the target.
#include <filesystem>
#include <sstream>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>

#include "core/fs.hpp"
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
bool same_content_on_target(ActionContext& ctx, const Value& args, const std::string& content) {
  if (bool_arg(args, "backup") || args.find("validate")) return false;
  Map stat_args;
  stat_args.set("path", args.get_string("dest"));
  stat_args.set("get_checksum", true);
  stat_args.set("checksum_algorithm", "sha1");
  stat_args.set("follow", true);
  Value st = ctx.run_module("stat", Value(std::move(stat_args)));
  const Value& stat = st.get("stat");
  return stat.get_truthy("exists") && !stat.get_truthy("isdir") &&
         stat.get_string("checksum") == secrets::hex_encode(secrets::sha1(content));
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
    m.erase("path");
  }
  return r;
}

// Sends `content` to the target as copy's content (text) or content_b64 (binary), unless the
// target has it already.
Value send_content(ActionContext& ctx, Value args, const std::string& content) {
  if (same_content_on_target(ctx, args, content)) return attributes_only(ctx, args, content);
  Map& m = args.mutable_map();
  if (valid_utf8(content)) {
    m.set("content", content);
  } else {
    m.set("content_b64", secrets::base64_encode(content));
  }
  return ctx.run_module("copy", args);
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

Value template_vars(const std::string& path, const std::string& dest) {
  Map m;
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  struct stat st {};
  std::string uid = "unknown";
  if (::stat(path.c_str(), &st) == 0) {
    if (const passwd* pw = getpwuid(st.st_uid)) uid = pw->pw_name;
    else uid = std::to_string(st.st_uid);
  }
  m.set("ansible_managed", "Ansible managed");
  m.set("template_host", std::string(host));
  m.set("template_path", path);
  m.set("template_fullpath", fs::absolute(path).string());
  m.set("template_destpath", dest);
  m.set("template_uid", uid);
  m.set("template_run_date", static_cast<std::int64_t>(std::time(nullptr)));
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

Value run_copy(ActionContext& ctx) {
  const Value* src = ctx.args.find("src");
  if (!src) return ctx.run_module("copy", with_text_content(ctx.args));
  if (ctx.args.find("content")) return failed_result("src and content are mutually exclusive");
  if (bool_arg(ctx.args, "remote_src")) return ctx.run_module("copy", ctx.args);
  std::string name = src->is_string() ? src->as_string() : "";
  std::string path = find_file(ctx.search_paths, "files", name);
  if (path.empty()) return failed_result("Could not find or access '" + name + "' on the Ansible Controller.");
  if (fs::is_directory(path))
    return failed_result("copying a directory from the control node is not supported by this version of drover");
  std::optional<std::string> content = read_file(path);
  if (!content) return failed_result("Could not read '" + path + "'");
  Value args = ctx.args;
  args.mutable_map().erase("src");
  std::string dest = args.get_string("dest");
  if (!dest.empty() && dest.back() == '/') args.mutable_map().set("dest", dest + fs::path(path).filename().string());
  if (!args.find("mode")) {
    // Ansible keeps the target's mode for new files unless mode is given; nothing to add.
  }
  return send_content(ctx, std::move(args), *content);
}

// A found file's path as the user thinks of it: relative to the search folder it was found in.
std::string display_path(const std::vector<std::string>& search_paths, const std::string& path) {
  for (const auto& dir : search_paths) {
    std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
    if (!prefix.empty() && path.rfind(prefix, 0) == 0) return path.substr(prefix.size());
  }
  return path;
}

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
    TemplateVariables vars(ctx.vars, template_vars(path, dest));
    tmpl::TemplateOptions options;
    options.search_paths = ctx.search_paths;
    options.result_types = ctx.result_types;
    options.lookups = ctx.templar.lookups();
    tmpl::Templar templar(vars, options);
    rendered = templar.render(*source, display_path(ctx.search_paths, path));
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
    {.name = "trim_blocks", .type = "bool", .description = "Accepted for compatibility; drover renders with Ansible's default (true).", .default_value = "true"},
    {.name = "lstrip_blocks", .type = "bool", .description = "Accepted for compatibility; drover renders with Ansible's default (false).", .default_value = "false"},
    {.name = "output_encoding", .description = "Accepted for compatibility; the file is written as UTF-8.", .default_value = "utf-8"},
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
