// Writing a file so that readers see the old content or the new, never half: a temp file in the
// same directory, fsync, rename over the destination, fsync of the directory. The temp file
// (`.NAME.drover-XXXXXX`) is removed when the write is abandoned, when the runner is stopped
// (modules/util/interrupt.hpp), and — after a SIGKILL, which nothing can catch — by the next
// write to the same destination (a temp file is flock'ed by its writer while it lives).
#pragma once

#include <string>
#include <string_view>

namespace drover::modules {

// A temp file beside `dest`, holding new content until commit(). Destroying an uncommitted
// AtomicFile removes the temp file and leaves `dest` untouched (e.g. when validation fails).
class AtomicFile {
public:
  // Creates the temp file and removes the stale ones of `dest` that no live writer holds. Throws
  // ModuleFailure when the directory is missing or not writable.
  explicit AtomicFile(std::string dest);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Writes all of `content` and fsyncs. Throws ModuleFailure on I/O errors.
  void write(std::string_view content);

  // The temp file's path (for `validate` commands).
  const std::string& temp_path() const { return m_temp; }

  // Gives the temp file the mode and owner of the file it replaces (a new file gets 0666 minus the
  // umask), renames it over `dest` and fsyncs the directory. Throws ModuleFailure on failure.
  void commit();

private:
  void remove_stale_temp_files(const std::string& prefix) const;

  std::string m_dest;
  std::string m_temp;
  int m_fd = -1;
  bool m_committed = false;
};

// Convenience: AtomicFile(dest), write(content), commit().
void atomic_write(const std::string& dest, std::string_view content);

}  // namespace drover::modules
