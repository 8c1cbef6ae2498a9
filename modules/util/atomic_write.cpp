#include "modules/util/atomic_write.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "modules/module.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/interrupt.hpp"

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

// A temp file is ours while we hold its flock: one that nobody holds was left by a writer that
// died (SIGKILL, power loss) and can go. Between mkostemp and flock another writer's cleanup may
// take the new file for a stale one and remove it: then the name no longer leads to our file and
// we make another.
AtomicFile::AtomicFile(std::string dest) : m_dest(std::move(dest)) {
  const std::string prefix = "." + std::filesystem::path(m_dest).filename().string() + ".drover-";
  for (int attempt = 0; attempt < 5; ++attempt) {
    m_temp = (std::filesystem::path(parent_of(m_dest)) / (prefix + "XXXXXX")).string();
    m_fd = ::mkostemp(m_temp.data(), O_CLOEXEC);
    if (m_fd < 0) {
      std::string reason = std::strerror(errno);
      throw ModuleFailure("cannot create a temporary file beside " + m_dest + " (" + reason +
                          "): the directory must exist and be writable");
    }
    ::flock(m_fd, LOCK_EX | LOCK_NB);
    struct stat by_fd{}, by_name{};
    if (::fstat(m_fd, &by_fd) == 0 && ::lstat(m_temp.c_str(), &by_name) == 0 && by_fd.st_ino == by_name.st_ino &&
        by_fd.st_dev == by_name.st_dev)
      break;
    ::close(m_fd);
    m_fd = -1;
  }
  if (m_fd < 0) throw ModuleFailure("cannot create a temporary file beside " + m_dest + ": it kept disappearing");
  track_temp_file(m_temp.c_str());
  remove_stale_temp_files(prefix);
}

// `.NAME.drover-XXXXXX` beside the destination, not ours, that no live writer holds.
void AtomicFile::remove_stale_temp_files(const std::string& prefix) const {
  const std::string dir = parent_of(m_dest);
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string path = it->path().string();
    if (path == m_temp) continue;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) continue;
    struct stat by_fd{}, by_name{};
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &by_fd) == 0 && S_ISREG(by_fd.st_mode) &&
        ::lstat(path.c_str(), &by_name) == 0 && by_fd.st_ino == by_name.st_ino)
      ::unlink(path.c_str());
    ::close(fd);
  }
}

AtomicFile::~AtomicFile() {
  if (m_fd >= 0) ::close(m_fd);
  if (!m_committed) ::unlink(m_temp.c_str());
  untrack_temp_file(m_temp.c_str());
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
  untrack_temp_file(m_temp.c_str());
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
