#include "modules/util/atomic_write.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules/module.hpp"
#include "modules/util/file_attrs.hpp"

namespace drover::modules {

namespace {

std::string parent_of(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw ModuleFailure(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

AtomicFile::AtomicFile(std::string dest) : m_dest(std::move(dest)) {
  std::filesystem::path path(m_dest);
  m_temp = (std::filesystem::path(parent_of(m_dest)) / ("." + path.filename().string() + ".drover-XXXXXX")).string();
  m_fd = ::mkostemp(m_temp.data(), O_CLOEXEC);
  if (m_fd < 0) {
    std::string reason = std::strerror(errno);
    throw ModuleFailure("cannot create a temporary file beside " + m_dest + " (" + reason +
                        "): the directory must exist and be writable");
  }
}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_committed) ::unlink(m_temp.c_str());
}

void AtomicFile::write(std::string_view content) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(m_fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("cannot write", m_temp);
    done += static_cast<size_t>(n);
  }
  if (::fsync(m_fd) != 0) fail("cannot fsync", m_temp);
}

void AtomicFile::commit() {
  struct stat existing{};
  if (::stat(m_dest.c_str(), &existing) == 0) {
    ::fchmod(m_fd, existing.st_mode & 07777);
    // Keeping the owner needs privileges we may not have; a failure leaves the file ours, as Ansible.
    [[maybe_unused]] int ignored = ::fchown(m_fd, existing.st_uid, existing.st_gid);
    ::fchmod(m_fd, existing.st_mode & 07777);  // chown may clear setuid/setgid bits
  } else {
    ::fchmod(m_fd, 0666 & ~current_umask());
  }
  if (::rename(m_temp.c_str(), m_dest.c_str()) != 0) fail("cannot rename the temporary file over", m_dest);
  m_committed = true;
  ::close(m_fd);
  m_fd = -1;
  int dir = ::open(parent_of(m_dest).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

void atomic_write(const std::string& dest, std::string_view content) {
  AtomicFile file(dest);
  file.write(content);
  file.commit();
}

}  // namespace drover::modules
