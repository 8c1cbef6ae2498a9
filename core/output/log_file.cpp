#include "core/output/log_file.hpp"

#include <pwd.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>

namespace drover::output {

namespace {

std::mutex g_mutex;
std::FILE* g_file = nullptr;

// Python's getpass.getuser(): LOGNAME, USER, LNAME, USERNAME, then the password database.
std::string user_name() {
  for (const char* name : {"LOGNAME", "USER", "LNAME", "USERNAME"})
    if (const char* v = std::getenv(name); v && *v) return v;
  if (const passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
  return "uid=" + std::to_string(::getuid());
}

// logging's asctime: local time, "%Y-%m-%d %H:%M:%S,mmm".
std::string asctime_now() {
  timeval tv{};
  ::gettimeofday(&tv, nullptr);
  std::tm local{};
  ::localtime_r(&tv.tv_sec, &local);
  char text[64];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
  std::snprintf(text + n, sizeof text - n, ",%03d", static_cast<int>(tv.tv_usec / 1000));
  return text;
}

std::string expand_home(const std::string& path) {
  if (path.empty() || path[0] != '~' || (path.size() > 1 && path[1] != '/')) return path;
  const char* home = std::getenv("HOME");
  return (home ? std::string(home) : "") + path.substr(1);
}

}  // namespace

std::string LogFile::open(const std::string& path) {
  std::lock_guard lock(g_mutex);
  if (g_file) std::fclose(g_file);
  g_file = path.empty() ? nullptr : std::fopen(expand_home(path).c_str(), "ae");
  if (!path.empty() && !g_file) return "log file at " + path + " is not writeable and we cannot create it, aborting";
  return "";
}

namespace {

// The SGR colour sequences (ESC [ digits and ; m) a callback put into its text itself: Ansible
// logs the recap and the other pre-coloured lines without colour.
std::string without_colour(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      std::size_t j = i + 2;
      while (j < text.size() && (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == ';')) ++j;
      if (j < text.size() && text[j] == 'm') {
        i = j;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace

std::string LogFile::record(std::string_view message, const std::string& asctime, long pid, const std::string& user) {
  while (!message.empty() && message.front() == '\n') message.remove_prefix(1);
  if (!message.empty() && message.back() == '\n') message.remove_suffix(1);
  return asctime + " p=" + std::to_string(pid) + " u=" + user + " n=ansible | " + without_colour(message) + "\n";
}

void LogFile::write(std::string_view message) {
  std::lock_guard lock(g_mutex);
  if (!g_file) return;
  static const std::string user = user_name();
  const std::string line = record(message, asctime_now(), static_cast<long>(::getpid()), user);
  std::fwrite(line.data(), 1, line.size(), g_file);
  std::fflush(g_file);
}

void LogFile::close() {
  std::lock_guard lock(g_mutex);
  if (g_file) std::fclose(g_file);
  g_file = nullptr;
}

}  // namespace drover::output
