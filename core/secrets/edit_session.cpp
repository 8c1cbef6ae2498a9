#include "core/secrets/edit_session.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/fs.hpp"
#include "core/secrets/atomic_file.hpp"

namespace drover::secrets {
namespace {

// Paths the signal handler removes; plain char arrays so the handler stays async-signal-safe.
char g_dir[4096];
char g_file[4096];
struct sigaction g_old_int, g_old_term, g_old_hup;

void cleanup_on_signal(int) {
  if (g_file[0]) ::unlink(g_file);
  if (g_dir[0]) ::rmdir(g_dir);
  ::_exit(99);
}

void install_handlers() {
  struct sigaction sa {};
  sa.sa_handler = cleanup_on_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, &g_old_int);
  ::sigaction(SIGTERM, &sa, &g_old_term);
  ::sigaction(SIGHUP, &sa, &g_old_hup);
}

void restore_handlers() {
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
  ::sigaction(SIGHUP, &g_old_hup, nullptr);
}

std::string scratch_root() {
  struct stat st {};
  if (::stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && ::access("/dev/shm", W_OK) == 0) return "/dev/shm";
  std::error_code ec;
  return std::filesystem::temp_directory_path(ec).string();
}

}  // namespace

EditSession::EditSession(const std::string& original_name, const std::string& plaintext) {
  std::string tmpl = scratch_root() + "/drover-edit-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw Fatal(std::string("cannot create a private edit directory: ") + std::strerror(errno));
  m_dir = tmpl;
  ::chmod(m_dir.c_str(), 0700);
  m_file = m_dir + "/" + std::filesystem::path(original_name).filename().string();
  if (m_dir.size() >= sizeof g_dir || m_file.size() >= sizeof g_file) {
    ::rmdir(m_dir.c_str());
    throw Fatal("edit directory path too long");
  }
  std::strcpy(g_dir, m_dir.c_str());
  std::strcpy(g_file, m_file.c_str());
  install_handlers();
  try {
    write_file_atomically(m_file, plaintext, 0600);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
    restore_handlers();
    g_dir[0] = g_file[0] = '\0';
    throw;
  }
}

EditSession::~EditSession() {
  std::error_code ec;
  std::filesystem::remove_all(m_dir, ec);
  restore_handlers();
  g_dir[0] = g_file[0] = '\0';
}

void EditSession::run_editor() const {
  const char* editor = std::getenv("VISUAL");
  if (!editor || !*editor) editor = std::getenv("EDITOR");
  if (!editor || !*editor) editor = "vi";
  // Through sh so EDITOR may carry arguments ("code --wait"); the file is passed as $1.
  std::string script = std::string(editor) + " \"$1\"";
  pid_t pid = ::fork();
  if (pid < 0) throw Fatal(std::string("cannot start the editor: ") + std::strerror(errno));
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", script.c_str(), "sh", m_file.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Fatal(std::string("the editor `") + editor + "` failed; the file was not changed");
}

std::string EditSession::read() const { return read_file_or_fatal(m_file); }

}  // namespace drover::secrets
