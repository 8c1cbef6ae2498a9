// Ansible's path filters beyond the POSIX basics: expandvars, fileglob and the Windows forms
// (Python's ntpath) win_basename, win_dirname, win_splitdrive.
#include <glob.h>
#include <sys/stat.h>

#include <cctype>
#include <cstdlib>

#include "core/template/ansible_filters.hpp"
#include "core/template/ansible_support.hpp"
#include "core/template/engine.hpp"

namespace drover::tmpl::filters {

namespace {

bool is_win_sep(char c) { return c == '\\' || c == '/'; }

// ntpath.splitdrive: "C:" drives and "\\server\share" / "\\?\UNC\server\share" UNC roots.
std::pair<std::string, std::string> split_drive(const std::string& p) {
  if (p.size() < 2) return {"", p};
  std::string norm = p;
  for (char& c : norm)
    if (c == '/') c = '\\';
  if (norm.compare(0, 2, "\\\\") == 0) {
    std::string prefix = norm.substr(0, 8);
    for (char& c : prefix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::size_t start = prefix == "\\\\?\\UNC\\" ? 8 : 2;
    std::size_t index = norm.find('\\', start);
    if (index == std::string::npos) return {p, ""};
    std::size_t index2 = norm.find('\\', index + 1);
    if (index2 == std::string::npos) return {p, ""};
    return {p.substr(0, index2), p.substr(index2)};
  }
  if (norm[1] == ':') return {p.substr(0, 2), p.substr(2)};
  return {"", p};
}

// ntpath.split: (head, tail) around the last separator after the drive.
std::pair<std::string, std::string> win_split(const std::string& path) {
  auto [drive, p] = split_drive(path);
  std::size_t i = p.size();
  while (i > 0 && !is_win_sep(p[i - 1])) --i;
  std::string head = p.substr(0, i), tail = p.substr(i);
  std::size_t end = head.size();
  while (end > 0 && is_win_sep(head[end - 1])) --end;
  if (end > 0) head.resize(end);
  return {drive + head, tail};
}

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

// posixpath.expandvars: $name and ${name}; unknown variables are left as written.
Value expandvars(const Value& in, const CallArgs&) {
  std::string p = python_str(in), out;
  std::size_t i = 0;
  while (i < p.size()) {
    if (p[i] != '$') {
      out += p[i++];
      continue;
    }
    std::size_t name_start = i + 1, name_end = name_start, next = name_start;
    if (name_start < p.size() && p[name_start] == '{') {
      std::size_t close = p.find('}', name_start + 1);
      if (close == std::string::npos) {
        out += p[i++];
        continue;
      }
      name_start = name_start + 1, name_end = close, next = close + 1;
    } else {
      while (name_end < p.size() && is_name_char(p[name_end])) ++name_end;
      next = name_end;
      if (name_end == name_start) {
        out += p[i++];
        continue;
      }
    }
    const char* value = std::getenv(p.substr(name_start, name_end - name_start).c_str());
    out += value ? std::string(value) : p.substr(i, next - i);
    i = next;
  }
  return Value(out);
}

// glob.glob(pattern) keeping regular files only; the order is glob(3)'s (sorted).
Value fileglob(const Value& in, const CallArgs&) {
  std::string pattern = python_str(in);
  List out;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) {
      struct stat st {};
      if (::stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode)) out.emplace_back(std::string(g.gl_pathv[i]));
    }
  }
  ::globfree(&g);
  return Value(std::move(out));
}

Value win_basename(const Value& in, const CallArgs&) { return Value(win_split(python_str(in)).second); }

Value win_dirname(const Value& in, const CallArgs&) { return Value(win_split(python_str(in)).first); }

Value win_splitdrive(const Value& in, const CallArgs&) {
  auto [drive, path] = split_drive(python_str(in));
  return detail::make_tuple(List{Value(drive), Value(path)});
}

}  // namespace drover::tmpl::filters
