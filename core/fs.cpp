#include "core/fs.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"

namespace drover {

namespace {

// Closes the descriptor without letting close() overwrite the errno the caller reports.
class FileDescriptor {
public:
  explicit FileDescriptor(int fd) : m_fd(fd) {}
  ~FileDescriptor() {
    if (m_fd < 0) return;
    int saved = errno;
    ::close(m_fd);
    errno = saved;
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return m_fd; }

private:
  int m_fd;
};

}  // namespace

std::optional<std::string> read_file(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  struct stat st {};
  std::string content;
  // The size is a hint only: /proc files report 0, and a file may grow while it is read.
  if (::fstat(fd.get(), &st) == 0 && st.st_size > 0) content.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n == 0) return content;
    if (n > 0) content.append(buffer, static_cast<std::size_t>(n));
    else if (errno != EINTR) return std::nullopt;
  }
}

std::string read_file_or_fatal(const std::string& path, std::string_view what) {
  std::optional<std::string> content = read_file(path);
  if (content) return std::move(*content);
  int error = errno;
  std::string role = what.empty() ? "" : std::string(what) + " ";
  throw Fatal("cannot read " + role + path + ": " + std::strerror(error));
}

}  // namespace drover
