// `drover secrets edit`'s scratch space: a private (0700) directory, on tmpfs (/dev/shm) when
// available, holding the one plaintext file the editor sees. The directory is removed when the
// session ends, on error, and on SIGINT/SIGTERM/SIGHUP (the handler removes it and exits 99).
#pragma once

#include <string>

namespace drover::secrets {

class EditSession {
public:
  // Creates the directory and writes `plaintext` to a file named like `original_name`.
  EditSession(const std::string& original_name, const std::string& plaintext);
  ~EditSession();
  EditSession(const EditSession&) = delete;
  EditSession& operator=(const EditSession&) = delete;

  // Runs $VISUAL, $EDITOR or vi on the file and waits. Throws Fatal when the editor fails.
  void run_editor() const;
  std::string read() const;
  const std::string& file() const { return m_file; }
  const std::string& dir() const { return m_dir; }

private:
  std::string m_dir;
  std::string m_file;
};

}  // namespace drover::secrets
