// copy with remote_src and a directory src, as Ansible 2.14's copy module does it: copytree when
// the target directory is new, else a sync by filecmp.dircmp (files that differ and files only in
// src are copied; nothing in dest is removed), then owner/group on the tree and mode on dest.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules/copy_directory.hpp"
#include "modules/util/args.hpp"
#include "modules/util/diff.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/fs.hpp"

namespace drover::modules {

namespace {

namespace fs = std::filesystem;

enum class LocalFollow { unset, yes, no };

struct TreeCopy {
  const json& args;
  const ModuleContext& ctx;
  LocalFollow follow = LocalFollow::unset;
};

// os.path.join(dir, name), which keeps a trailing "/" of dir and adds one for an empty name.
std::string join(const std::string& dir, const std::string& name) {
  return dir.ends_with("/") ? dir + name : dir + "/" + name;
}

// os.path.basename: what follows the last "/" ("" for "dir/").
std::string basename_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> list_names(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw ModuleFailure(what + " " + path + ": " + std::strerror(errno));
}

// shutil.copyfile + copymode (and copystat's times when `times`): follows a link in src.
void copy_file(const std::string& src, const std::string& dst, bool times) {
  auto data = read_file(src);
  if (!data) fail("could not read", src);
  int fd = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fail("could not write", dst);
  std::size_t done = 0;
  while (done < data->size()) {
    ssize_t n = ::write(fd, data->data() + done, data->size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      fail("could not write", dst);
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  struct stat st{};
  if (::stat(src.c_str(), &st) != 0) return;
  ::chmod(dst.c_str(), st.st_mode & 07777);
  if (times) {
    timespec stamps[2] = {st.st_atim, st.st_mtim};
    ::utimensat(AT_FDCWD, dst.c_str(), stamps, 0);
  }
}

// shutil.copytree(src, dst, symlinks=links_as_links): files with copy2, directories with copystat.
void copy_tree(const std::string& src, const std::string& dst, bool links_as_links) {
  std::error_code error;
  fs::create_directories(dst, error);
  if (error) throw ModuleFailure("could not create " + dst + ": " + error.message());
  for (const auto& name : list_names(src)) {
    std::string s = join(src, name), d = join(dst, name);
    struct stat lst{}, st{};
    if (::lstat(s.c_str(), &lst) != 0) continue;
    bool is_dir = ::stat(s.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    if (S_ISLNK(lst.st_mode) && links_as_links) {
      if (::symlink(fs::read_symlink(s, error).c_str(), d.c_str()) != 0) fail("could not link", d);
    } else if (is_dir) {
      copy_tree(s, d, links_as_links);
    } else {
      copy_file(s, d, true);
    }
  }
  struct stat st{};
  if (::stat(src.c_str(), &st) == 0) {
    ::chmod(dst.c_str(), st.st_mode & 07777);
    timespec stamps[2] = {st.st_atim, st.st_mtim};
    ::utimensat(AT_FDCWD, dst.c_str(), stamps, 0);
  }
}

// filecmp.cmp(a, b, shallow=True): same type, size and mtime, else the same bytes.
bool same_file(const std::string& a, const std::string& b) {
  struct stat sa{}, sb{};
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  if ((sa.st_mode & S_IFMT) == (sb.st_mode & S_IFMT) && sa.st_size == sb.st_size &&
      sa.st_mtim.tv_sec == sb.st_mtim.tv_sec && sa.st_mtim.tv_nsec == sb.st_mtim.tv_nsec)
    return true;
  if (sa.st_size != sb.st_size) return false;
  return read_file(a) == read_file(b);
}

bool set_owner_group(const TreeCopy& copy, const std::string& path) {
  json owner_args = {{"owner", copy.args["owner"]}, {"group", copy.args["group"]}, {"mode", nullptr}};
  json no_diff;
  return apply_file_attributes(path, owner_args, copy.ctx, no_diff, Follow::no);
}

// Ansible's chown_recursive: owner and group on `path` and everything under it.
bool chown_recursive(const TreeCopy& copy, const std::string& path) {
  if (!is_set(copy.args, "owner") && !is_set(copy.args, "group")) return false;
  bool changed = set_owner_group(copy, path);
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(path, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error))
    changed = set_owner_group(copy, it->path().string()) || changed;
  return changed;
}

struct Kind {
  bool exists = false, is_dir = false, is_file = false, is_link = false;
};

Kind kind_of(const std::string& path) {
  Kind kind;
  struct stat lst{}, st{};
  kind.is_link = ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode);
  kind.exists = ::stat(path.c_str(), &st) == 0;
  kind.is_dir = kind.exists && S_ISDIR(st.st_mode);
  kind.is_file = kind.exists && S_ISREG(st.st_mode);
  return kind;
}

// One entry only in src (Ansible's copy_left_only), by its kind and local_follow.
void copy_left_only(const TreeCopy& copy, const std::string& s, const std::string& d) {
  Kind kind = kind_of(s);
  std::error_code error;
  if (kind.is_link && copy.follow == LocalFollow::no && (kind.is_dir || kind.is_file)) {
    if (::symlink(fs::read_symlink(s, error).c_str(), d.c_str()) != 0) fail("could not link", d);
  } else if (kind.is_link && kind.is_dir && copy.follow == LocalFollow::yes) {
    copy_tree(s, d, false);
    chown_recursive(copy, d);
  } else if (kind.is_link && kind.is_file && copy.follow == LocalFollow::yes) {
    copy_file(s, d, false);
    set_owner_group(copy, d);
  } else if (!kind.is_link && kind.is_file) {
    copy_file(s, d, false);
    set_owner_group(copy, d);
  } else if (!kind.is_link && kind.is_dir) {
    copy_tree(s, d, copy.follow != LocalFollow::yes);
    chown_recursive(copy, d);
  }
}

// filecmp.dircmp(src, dst): files that differ and entries only in src are copied, common
// directories compared the same way. Returns whether anything differed.
bool sync(const TreeCopy& copy, const std::string& src, const std::string& dst) {
  bool changed = false;
  std::vector<std::string> dst_names = list_names(dst);
  for (const auto& name : list_names(src)) {
    std::string s = join(src, name), d = join(dst, name);
    bool in_dst = std::find(dst_names.begin(), dst_names.end(), name) != dst_names.end();
    if (!in_dst) {
      changed = true;
      if (!copy.ctx.checking()) copy_left_only(copy, s, d);
      continue;
    }
    Kind ks = kind_of(s), kd = kind_of(d);
    if (ks.is_dir && kd.is_dir) {
      changed = sync(copy, s, d) || changed;
    } else if (ks.is_file && kd.is_file && !same_file(s, d)) {
      changed = true;
      if (copy.ctx.checking()) continue;
      std::error_code error;
      if (ks.is_link && copy.follow == LocalFollow::no) {
        if (::symlink(fs::read_symlink(s, error).c_str(), d.c_str()) != 0) fail("could not link", d);
      } else {
        copy_file(s, d, false);
      }
      set_owner_group(copy, d);
    }
  }
  return changed;
}

// Makes the parent of a dest ending in "/" as Ansible's module does before it looks at src.
std::optional<json> make_dest_parent(const json& args, const std::string& dest, const std::string& src,
                                     const ModuleContext& ctx) {
  std::string dirname = dest.substr(0, dest.size() - 1);
  if (dirname.empty() || fs::exists(dirname)) return std::nullopt;
  if (ctx.checking()) return json{{"msg", "dest directory " + dirname + " would be created"}, {"changed", true}, {"src", src}};
  std::error_code error;
  fs::create_directories(dirname, error);
  if (error) throw ModuleFailure("Could not create the directory " + dirname + ": " + error.message());
  json dir_args = {{"mode", args["directory_mode"]}, {"owner", args["owner"]}, {"group", args["group"]}};
  json no_diff;
  apply_file_attributes(dirname, dir_args, ctx, no_diff);
  return std::nullopt;
}

}  // namespace

json copy_remote_directory(const json& args, const ModuleContext& ctx) {
  std::string src = arg_string(args, "src");
  std::string dest_param = arg_string(args, "dest");
  std::string dest = dest_param;
  if (dest.ends_with("/"))
    if (auto early = make_dest_parent(args, dest, src, ctx)) return *early;
  if (fs::is_directory(dest)) dest = join(dest, basename_of(src));
  if (fs::exists(dest) && !arg_bool(args, "force"))
    return {{"msg", "file already exists"}, {"src", src}, {"dest", dest}, {"changed", false}};
  std::string parent = fs::path(dest).parent_path().string();
  if (!fs::exists(dest) && !parent.empty() && !fs::exists(parent))
    throw ModuleFailure("Destination directory " + parent + " does not exist");

  TreeCopy copy{args, ctx};
  if (is_set(args, "local_follow")) copy.follow = arg_bool(args, "local_follow") ? LocalFollow::yes : LocalFollow::no;
  bool links_as_links = copy.follow != LocalFollow::yes;
  bool changed = false;
  bool src_slash = src.ends_with("/");
  if (src_slash && fs::is_directory(dest_param)) {
    changed = sync(copy, src, dest_param);
    changed = chown_recursive(copy, dest_param) || changed;
  } else if (src_slash && !fs::exists(dest_param)) {
    if (!ctx.checking()) copy_tree(src, join(dest_param, basename_of(src)), links_as_links);
    if (!ctx.checking()) chown_recursive(copy, dest_param);
    changed = true;
  } else if (!src_slash && fs::is_directory(dest_param)) {
    std::string target = join(dest_param, basename_of(src));
    if (!fs::exists(target)) {
      changed = true;
      if (!ctx.checking()) copy_tree(join(src, ""), target, links_as_links);
    }
    if (fs::exists(target)) changed = sync(copy, join(src, ""), target) || chown_recursive(copy, target) || changed;
  } else if (!src_slash && !fs::exists(dest_param)) {
    std::string target = join(dest_param, basename_of(src));
    changed = true;
    if (!ctx.checking()) {
      std::error_code error;
      fs::create_directories(target, error);
      if (error) throw ModuleFailure("Could not create the directory " + target + ": " + error.message());
      sync(copy, join(src, ""), target);
      chown_recursive(copy, target);
    }
  }
  json result = {{"dest", dest}, {"src", src}, {"md5sum", nullptr}, {"checksum", nullptr}};
  json attrs_diff = state_diff(dest);
  json dest_args = {{"mode", args["mode"]}, {"owner", args["owner"]}, {"group", args["group"]}};
  if (dest_args["mode"] == "preserve") dest_args["mode"] = nullptr;
  result["changed"] = apply_file_attributes(dest, dest_args, ctx, attrs_diff) || changed;
  add_path_info(result, dest);
  return result;
}

}  // namespace drover::modules
