#include "modules/util/fs.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules/module.hpp"
#include "modules/util/atomic_write.hpp"

namespace drover::modules {

bool write_all(int fd, std::string_view data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<std::string> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string content;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      content.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      int saved = errno;  // what the caller reports, not close()'s
      ::close(fd);
      errno = saved;
      if (n == 0) return content;
      return std::nullopt;
    }
  }
}

std::string backup_file(const std::string& path) {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  ::localtime_r(&now, &local);
  char stamp[64];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d@%H:%M:%S~", &local);
  std::string backup = path + "." + std::to_string(::getpid()) + "." + stamp;
  auto content = read_file(path);
  struct stat st{};
  if (!content || ::stat(path.c_str(), &st) != 0)
    throw ModuleFailure("Could not make backup of " + path + " to " + backup + ": " + std::strerror(errno));
  atomic_write(backup, *content);
  ::chmod(backup.c_str(), st.st_mode & 07777);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  ::utimensat(AT_FDCWD, backup.c_str(), times, 0);
  return backup;
}

std::string path_state(const std::string& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) return "absent";
  if (S_ISDIR(st.st_mode)) return "directory";
  if (S_ISLNK(st.st_mode)) return "link";
  if (st.st_nlink > 1) return "hard";
  return "file";
}

}  // namespace drover::modules
