#include "core/secrets/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"

namespace drover::secrets {

void write_file_atomically(const std::string& path, std::string_view content, mode_t mode) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
  std::filesystem::path target(path);
  std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  std::string tmpl = dir + "/." + target.filename().string() + ".drover-XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw Fatal("cannot write " + path + ": " + std::strerror(errno));
  auto fail = [&](const char* what) {
    int err = errno;
    ::close(fd);
    ::unlink(tmpl.c_str());
    throw Fatal(std::string("cannot write ") + path + " (" + what + "): " + std::strerror(err));
  };
  if (::fchmod(fd, mode) != 0) fail("chmod");
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail("fsync");
  if (::close(fd) != 0) {
    ::unlink(tmpl.c_str());
    throw Fatal("cannot write " + path + ": " + std::strerror(errno));
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmpl.c_str());
    throw Fatal("cannot replace " + path + ": " + std::strerror(err));
  }
}

}  // namespace drover::secrets
