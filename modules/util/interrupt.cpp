#include "modules/util/interrupt.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <thread>

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace drover::modules {

namespace {

constexpr int k_slots = 8;
constexpr std::size_t k_path_max = 4096;
enum SlotState : int { k_free = 0, k_writing = 1, k_published = 2 };

char g_temp_paths[k_slots][k_path_max];
std::atomic<int> g_temp_state[k_slots];
std::atomic<pid_t> g_child_group{0};
std::atomic<bool> g_busy{false}, g_peer_gone{false};

void pause_ms(long ms) {
  timespec t{0, ms * 1000000L};
  while (::nanosleep(&t, &t) != 0 && errno == EINTR) {}
}

// SIGTERM first, so that the child removes its own temp files; SIGKILL after a moment.
void end_child_group(pid_t group) {
  if (group <= 0) return;
  ::kill(-group, SIGTERM);
  for (int i = 0; i < 30; ++i) {
    if (::waitpid(group, nullptr, WNOHANG) == group) break;
    pause_ms(10);
  }
  ::kill(-group, SIGKILL);
}

void on_stop_signal(int signal_number) { stop_runner(signal_number); }

}  // namespace

void track_temp_file(const char* path) {
  if (std::strlen(path) >= k_path_max) return;
  for (int i = 0; i < k_slots; ++i) {
    int expected = k_free;
    if (!g_temp_state[i].compare_exchange_strong(expected, k_writing)) continue;
    std::strcpy(g_temp_paths[i], path);
    g_temp_state[i] = k_published;
    return;
  }
}

void untrack_temp_file(const char* path) {
  for (int i = 0; i < k_slots; ++i) {
    if (g_temp_state[i] != k_published || std::strcmp(g_temp_paths[i], path) != 0) continue;
    g_temp_state[i] = k_free;
    return;
  }
}

void track_child_group(pid_t group) { g_child_group = group; }

void stop_runner(int signal_number) {
  // No second stop while this one runs (the watcher and a signal at once).
  static std::atomic<bool> stopping{false};
  if (stopping.exchange(true)) {
    for (;;) ::pause();
  }
  for (int i = 0; i < k_slots; ++i)
    if (g_temp_state[i] == k_published) ::unlink(g_temp_paths[i]);
  end_child_group(g_child_group);
  if (::getpgrp() == ::getpid()) {
    ::kill(0, SIGKILL);  // the commands of an in-process module, and the runner itself
  }
  ::_exit(128 + signal_number);
}

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (int s : {SIGTERM, SIGHUP, SIGINT}) ::sigaction(s, &sa, nullptr);
}

void watch_client(int out_fd) {
  if (::getsid(0) != ::getpid()) ::setpgid(0, 0);
  std::thread([out_fd] {
    pollfd p{out_fd, 0, 0};  // only POLLERR/POLLHUP: the reading end closed
    for (;;) {
      const int n = ::poll(&p, 1, -1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return;
      if (!(p.revents & (POLLHUP | POLLERR | POLLNVAL))) continue;
      g_peer_gone = true;
      if (g_busy) stop_runner(SIGHUP);
      return;
    }
  }).detach();
}

void set_busy(bool busy) { g_busy = busy; }

bool peer_gone() { return g_peer_gone; }

}  // namespace drover::modules
