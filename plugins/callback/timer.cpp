// `timer` (ansible.posix.timer): after the recap, "Playbook run took D days, H hours, M minutes,
// S seconds" on stdout.
#include <chrono>

#include "plugins/callback/builtins.hpp"
#include "plugins/callback/callback_base.hpp"

namespace drover::callback {

namespace {

class TimerCallback final : public CallbackBase {
public:
  explicit TimerCallback(const output::CallbackOptions& options)
      : CallbackBase(options), m_start(std::chrono::steady_clock::now()) {}
  std::string name() const override { return "timer"; }
  void on_warning(const std::string&) override {}  // the stdout callback shows warnings

  void on_stats(const output::RunStats&) override {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - m_start).count();
    long days = secs / 86400, hours = secs % 86400 / 3600, minutes = secs % 3600 / 60, seconds = secs % 60;
    m_display.display("Playbook run took " + std::to_string(days) + " days, " + std::to_string(hours) + " hours, " +
                      std::to_string(minutes) + " minutes, " + std::to_string(seconds) + " seconds");
  }

private:
  std::chrono::steady_clock::time_point m_start;
};

}  // namespace

std::unique_ptr<output::Callback> make_timer_callback(const output::CallbackOptions& options) {
  return std::make_unique<TimerCallback>(options);
}

}  // namespace drover::callback
