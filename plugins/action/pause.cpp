// pause: waits for some seconds or minutes, or for the user to press Enter, on the control node,
// once per task (the executor runs it for the first host only, as Ansible's BYPASS_HOST_LOOP).
// Input is read only when stdin is a terminal in the foreground; otherwise a prompt without a
// time returns at once with a warning, as Ansible's does ("Not waiting for response to prompt as
// stdin is not interactive"). Ctrl+C stops the run as anywhere else (Ansible's "C"ontinue/"A"bort
// question is not asked).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <thread>

#include <termios.h>
#include <unistd.h>

#include "plugins/action/action.hpp"

namespace drover::action {

namespace {

// str(datetime.now()): "2026-12-03 13:05:00.123456".
std::string python_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm local{};
  ::localtime_r(&seconds, &local);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &local);
  std::string text = buffer;
  if (micros) {
    std::snprintf(buffer, sizeof buffer, ".%06lld", static_cast<long long>(micros));
    text += buffer;
  }
  return text;
}

// repr(round(x, 2)): "1.0", "1.01", "0.02".
std::string rounded(double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f", std::round(x * 100) / 100);
  std::string text = buffer;
  while (text.ends_with("0") && !text.ends_with(".0")) text.pop_back();
  return text;
}

// Ansible's `int` conversion of minutes/seconds: an int, a float (truncated) or an integer string.
std::optional<std::int64_t> whole(const Value& v) {
  if (v.is_int()) return v.as_int();
  if (v.is_float()) return static_cast<std::int64_t>(v.as_float());
  if (v.is_string()) {
    try {
      size_t used = 0;
      std::int64_t n = std::stoll(v.as_string(), &used);
      if (used == v.as_string().size()) return n;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

bool interactive() { return ::isatty(STDIN_FILENO) && ::getpgrp() == ::tcgetpgrp(STDIN_FILENO); }

void show(const std::string& text) {
  std::fputs((text + "\n").c_str(), stdout);
  std::fflush(stdout);
}

// A line from the terminal, echoed or not.
std::string read_line(bool echo) {
  termios saved{};
  bool restore = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (restore) {
    termios quiet = saved;
    if (echo) quiet.c_lflag |= ECHO;
    else quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    ::tcflush(STDIN_FILENO, TCIFLUSH);
  }
  std::string line;
  char c;
  while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n' && c != '\r') line += c;
  if (restore) ::tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
  if (!echo) show("");
  return line;
}

}  // namespace

Value run_pause(ActionContext& ctx) {
  static constexpr std::string_view k_valid[] = {"echo", "minutes", "prompt", "seconds"};
  for (const auto& [key, value] : ctx.args.as_map())
    if (std::find(std::begin(k_valid), std::end(k_valid), key) == std::end(k_valid))
      return failed_result("Unsupported parameters for (pause) module: " + key +
                           ". Supported parameters include: echo, minutes, prompt, seconds.");
  const Value* minutes = ctx.args.find("minutes");
  const Value* seconds_arg = ctx.args.find("seconds");
  if (minutes && seconds_arg) return failed_result("parameters are mutually exclusive: minutes|seconds");
  bool echo = bool_arg(ctx.args, "echo", true);
  std::string prompt_text = ctx.args.get_string("prompt");
  std::optional<std::int64_t> seconds;
  bool in_minutes = true;
  for (const Value* given : {minutes, seconds_arg}) {
    if (!given) continue;
    auto n = whole(*given);
    if (!n)
      return failed_result("argument '" + std::string(given == minutes ? "minutes" : "seconds") +
                           "' is of type " + (given->is_string() ? "<class 'str'>" : "<class 'NoneType'>") +
                           " and we were unable to convert to int");
    seconds = given == minutes ? *n * 60 : *n;
    in_minutes = given == minutes;
  }
  std::string hidden = echo ? "" : " (output is hidden)";
  std::string name = ctx.task.name.empty() ? ctx.task.action : ctx.task.name;
  std::string prompt = "[" + name + "]\n" +
                       (prompt_text.empty() ? "Press enter to continue, Ctrl+C to interrupt" : prompt_text) + hidden + ":";

  auto start = std::chrono::steady_clock::now();
  Map result;
  result.set("changed", false);
  result.set("rc", 0);
  result.set("stderr", "");
  result.set("start", python_now());
  result.set("echo", echo);
  std::string user_input;
  if (seconds) {
    std::int64_t wait = std::max<std::int64_t>(*seconds, 1);
    show("Pausing for " + std::to_string(wait) + " seconds" + hidden);
    show("(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)\r");
    if (!prompt_text.empty()) show(prompt);
    std::this_thread::sleep_for(std::chrono::seconds(wait));
  } else {
    show(prompt);
    if (interactive()) {
      user_input = read_line(echo);
    } else {
      List warnings;
      warnings.push_back(Value("Not waiting for response to prompt as stdin is not interactive"));
      result.set("warnings", Value(std::move(warnings)));
    }
  }
  double duration = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.set("stop", python_now());
  result.set("delta", static_cast<std::int64_t>(duration));
  result.set("stdout", "Paused for " + (in_minutes ? rounded(duration / 60.0) + " minutes" : rounded(duration) + " seconds"));
  result.set("user_input", user_input);
  return Value(std::move(result));
}

namespace {
constexpr OptionDoc k_pause_options[] = {
    OptionDoc{.name = "minutes", .type = "int", .description = "How many minutes to wait."},
    OptionDoc{.name = "seconds", .type = "int", .description = "How many seconds to wait."},
    OptionDoc{.name = "prompt", .type = "str", .description = "The text shown while waiting."},
    OptionDoc{.name = "echo", .type = "bool", .description = "Show what the user types.", .default_value = "true"},
};
constexpr ReturnFieldDoc k_pause_returns[] = {
    ReturnFieldDoc{"user_input", "str", "always", "What the user typed (empty after a timed pause)."},
    ReturnFieldDoc{"delta", "int", "always", "Seconds paused."},
    ReturnFieldDoc{"stdout", "str", "always", "A line saying how long it paused."},
    ReturnFieldDoc{"echo", "bool", "always", "The echo option given."},
};
}  // namespace

// closed_options is false: the action checks its own arguments (or takes a free form).
const ActionDoc pause_doc{
    .description = "Waits some seconds or minutes, or until the user presses Enter when neither is given, on the control node. Runs once for all the hosts of the play.",
    .options = k_pause_options,
    .returns = k_pause_returns,
    .example = "- ansible.builtin.pause:\n    seconds: 30\n- ansible.builtin.pause:\n    prompt: Check the canary, then press Enter\n",
    .closed_options = false};

}  // namespace drover::action
