// fetch, as Ansible 2.14's fetch action: stat the remote file (following links), compare its sha1
// with the local copy, and only when they differ read it with slurp and write it to
// dest/<inventory_hostname>/<path> (or dest itself with flat), atomically.
#include <filesystem>

#include "core/fs.hpp"
#include "core/secrets/atomic_file.hpp"
#include "core/secrets/crypto.hpp"
#include "plugins/action/action.hpp"

namespace drover::action {

namespace fs = std::filesystem;

namespace {

std::string sha1_hex(const std::string& data) { return secrets::hex_encode(secrets::sha1(data)); }
std::string md5_hex(const std::string& data) { return secrets::hex_digest("md5", data).value_or(""); }

// posixpath.normpath.
std::string normpath(const std::string& path) {
  std::string normal = fs::path(path).lexically_normal().string();
  while (normal.size() > 1 && normal.ends_with("/")) normal.pop_back();
  return normal.empty() ? "." : normal;
}

// The loader's path_dwim: a relative dest is relative to the playbook's directory.
std::string dwim(const ActionContext& ctx, const std::string& path) {
  if (path.starts_with("/")) return path;
  if (path.starts_with("~")) {
    const char* home = std::getenv("HOME");
    if (home && (path == "~" || path.starts_with("~/"))) return std::string(home) + path.substr(1);
  }
  const Value* dir = ctx.vars.find("playbook_dir");
  std::string base = dir && dir->is_string() ? dir->as_string() : fs::current_path().string();
  return (fs::path(base) / path).string();
}

// Where the file goes on the control node, or an error message.
std::string local_dest(const ActionContext& ctx, const std::string& dest, const std::string& source, bool flat,
                       std::string& error) {
  if (flat) {
    std::error_code ec;
    if (fs::is_directory(dest, ec) && !dest.ends_with("/")) {
      error = "dest is an existing directory, use a trailing slash if you want to fetch src into that directory";
      return "";
    }
    std::string path = dest.ends_with("/") ? dest + fs::path(source).filename().string() : dest;
    return normpath(dwim(ctx, path));
  }
  const Value* host = ctx.vars.find("inventory_hostname");
  std::string target = host && host->is_string() ? host->as_string() : "";
  return normpath(dwim(ctx, dest) + "/" + target + "/" + source);
}

Map missing_result(const std::string& source, const std::string& msg, bool fail_on_missing) {
  Map m;
  m.set("changed", false);
  m.set("file", source);
  if (fail_on_missing) {
    m.set("failed", true);
    m.set("msg", msg);
  } else {
    m.set("msg", msg + ", ignored");
  }
  return m;
}

// Reads the remote file with slurp; nullopt with `failure` set when it cannot be read (Ansible's
// messages for a missing file and a directory).
std::optional<std::string> slurp(ActionContext& ctx, const std::string& source, bool fail_on_missing, Value& failure) {
  Map args;
  args.set("src", source);
  Value r = ctx.run_module("slurp", Value(std::move(args)));
  if (!r.get_truthy("failed")) {
    auto data = secrets::base64_decode_strict(r.get_string("content"));
    if (data) return data;
    failure = failed_result("fetch: slurp returned content that is not base64");
    return std::nullopt;
  }
  Map m;
  if (fail_on_missing) {
    m = r.as_map();
  } else {
    m.set("file", source);
    m.set("changed", false);
  }
  std::string msg = r.get_string("msg");
  if (msg.find("not found") != std::string::npos) m.set("msg", "the remote file does not exist, not transferring, ignored");
  else if (msg.starts_with("source is a directory")) m.set("msg", "remote file is a directory, fetch cannot work on directories");
  failure = Value(std::move(m));
  return std::nullopt;
}

Value write_local(const std::string& dest, const std::string& data, const std::string& remote_checksum,
                  const std::string& source, bool validate_checksum) {
  try {
    fs::create_directories(fs::path(dest).parent_path());
    secrets::write_file_atomically(dest, data, 0644);
  } catch (const std::exception& e) {
    return failed_result(std::string("Failed to fetch the file: ") + e.what());
  }
  std::optional<std::string> written = read_file(dest);
  std::string checksum = written ? sha1_hex(*written) : "";
  Map m;
  m.set("md5sum", written ? Value(md5_hex(*written)) : Value());
  m.set("dest", dest);
  m.set("remote_md5sum", Value());
  m.set("checksum", checksum);
  m.set("remote_checksum", remote_checksum);
  if (validate_checksum && checksum != remote_checksum) {
    m.set("failed", true);
    m.set("msg", "checksum mismatch");
    m.set("file", source);
    m.set("changed", false);
  } else {
    m.set("changed", true);
  }
  return Value(std::move(m));
}

Value unchanged_result(const std::string& source, const std::string& dest, const std::string& local) {
  Map m;
  m.set("changed", false);
  m.set("md5sum", md5_hex(local));
  m.set("file", source);
  m.set("dest", dest);
  m.set("checksum", sha1_hex(local));
  return Value(std::move(m));
}

}  // namespace

Value run_fetch(ActionContext& ctx) {
  if (ctx.check_mode) {
    Map m;
    m.set("changed", false);
    m.set("skipped", true);
    m.set("msg", "check mode not (yet) supported for this module");
    return Value(std::move(m));
  }
  const Value* src = ctx.args.find("src");
  const Value* dest_arg = ctx.args.find("dest");
  if (!src || !dest_arg) return failed_result("src and dest are required");
  if (!dest_arg->is_string()) return failed_result("Invalid type supplied for dest option, it must be a string");
  if (!src->is_string()) return failed_result("Invalid type supplied for source option, it must be a string");
  bool flat = bool_arg(ctx.args, "flat");
  bool fail_on_missing = bool_arg(ctx.args, "fail_on_missing", true);
  bool validate_checksum = bool_arg(ctx.args, "validate_checksum", true);
  std::string source = src->as_string();

  Map stat_args;
  stat_args.set("path", source);
  stat_args.set("follow", true);
  stat_args.set("get_checksum", true);
  stat_args.set("checksum_algorithm", "sha1");
  stat_args.set("get_mime", false);
  stat_args.set("get_attributes", false);
  Value st = ctx.run_module("stat", Value(std::move(stat_args)));
  if (st.get_truthy("failed"))
    return Value(missing_result(source, "Failed to get information on remote file (" + source + "): " + st.get_string("msg"),
                                fail_on_missing));
  const Value& stat = st.get("stat");
  if (stat.get_truthy("exists") && stat.get_truthy("isdir")) {
    if (!fail_on_missing) {
      Map m;
      m.set("msg", "remote file is a directory, fetch cannot work on directories, not transferring, ignored");
      return Value(std::move(m));
    }
    Value r = failed_result("remote file is a directory, fetch cannot work on directories");
    r.mutable_map().set("changed", false);
    return r;
  }
  if (stat.get_truthy("exists") && stat.get_string("path").size()) source = stat.get_string("path");  // ~ expanded
  std::string remote_checksum = stat.get_truthy("exists") ? stat.get_string("checksum") : "1";

  std::string error;
  std::string dest = local_dest(ctx, dest_arg->as_string(), source, flat, error);
  if (!error.empty()) return failed_result(error);
  std::optional<std::string> local = read_file(dest);
  std::optional<std::string> data;
  if (remote_checksum.empty() || remote_checksum == "1") {
    // unreadable by stat or missing: slurp says which, as Ansible's fallback does
    Value failure;
    data = slurp(ctx, source, fail_on_missing, failure);
    if (!data) return failure;
    remote_checksum = sha1_hex(*data);
  }
  if (local && sha1_hex(*local) == remote_checksum) return unchanged_result(source, dest, *local);
  if (!data) {
    Value failure;
    data = slurp(ctx, source, fail_on_missing, failure);
    if (!data) return failure;
  }
  return write_local(dest, *data, remote_checksum, source, validate_checksum);
}

namespace {
constexpr OptionDoc k_fetch_options[] = {
    OptionDoc{.name = "src", .type = "str", .description = "The file on the target to fetch (a file, not a directory).", .required = true},
    OptionDoc{.name = "dest", .type = "str", .description = "The directory (or, with flat, the file) on the control node to write to; without flat the file goes to DEST/HOSTNAME/SRC.", .required = true},
    OptionDoc{.name = "flat", .type = "bool", .description = "Write to dest itself instead of a per-host path under it.", .default_value = "false"},
    OptionDoc{.name = "fail_on_missing", .type = "bool", .description = "Fail when src does not exist or cannot be read.", .default_value = "true"},
    OptionDoc{.name = "validate_checksum", .type = "bool", .description = "Check that the copy has the checksum of the file on the target.", .default_value = "true"},
};
constexpr ReturnFieldDoc k_fetch_returns[] = {
    ReturnFieldDoc{"dest", "str", "success", "The file written on the control node."},
    ReturnFieldDoc{"checksum", "str", "success", "The SHA-1 of the file written."},
    ReturnFieldDoc{"remote_checksum", "str", "success", "The SHA-1 of the file on the target."},
    ReturnFieldDoc{"file", "str", "when not fetched", "The source file."},
};
}  // namespace

// closed_options is false: the action checks its own arguments (or takes a free form).
const ActionDoc fetch_doc{
    .description = "Copies a file from the target to the control node (the reverse of copy). Unchanged when the local copy already has the same content.",
    .options = k_fetch_options,
    .returns = k_fetch_returns,
    .example = "- ansible.builtin.fetch:\n    src: /etc/hostname\n    dest: fetched/\n",
    .closed_options = false};

}  // namespace drover::action
