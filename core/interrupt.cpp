#include "core/interrupt.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace drover {

std::atomic<bool> g_interrupted{false};

bool sleep_unless_interrupted(double seconds) {
  using Clock = std::chrono::steady_clock;
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (!g_interrupted) {
    const auto now = Clock::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(std::min<Clock::duration>(until - now, std::chrono::milliseconds(100)));
  }
  return false;
}

}  // namespace drover
