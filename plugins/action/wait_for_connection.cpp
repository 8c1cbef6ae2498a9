// wait_for_connection: retries reaching the host and a runner `ping` until it answers or the
// timeout passes, as Ansible's action of that name does (its transport test, then the ping
// module). A lost or refused connection starts over on the next attempt (Target::run).
#include <algorithm>
#include <chrono>
#include <thread>

#include "core/transport/connection.hpp"
#include "plugins/action/action.hpp"

namespace drover::action {

namespace {

using Clock = std::chrono::steady_clock;

// An integer argument (Ansible's int(): a number or a numeric string); `fallback` when absent.
std::optional<std::int64_t> int_arg(const Value& args, std::string_view key, std::int64_t fallback) {
  const Value* v = args.find(key);
  if (!v || v->is_null()) return fallback;
  if (v->is_int()) return v->as_int();
  if (v->is_float()) return static_cast<std::int64_t>(v->as_float());
  if (v->is_string()) {
    try {
      size_t used = 0;
      std::int64_t n = std::stoll(v->as_string(), &used);
      if (used == v->as_string().size()) return n;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

}  // namespace

Value run_wait_for_connection(ActionContext& ctx) {
  static constexpr std::string_view k_valid[] = {"connect_timeout", "delay", "sleep", "timeout"};
  std::string bad;
  for (const auto& [key, value] : ctx.args.as_map())
    if (std::find(std::begin(k_valid), std::end(k_valid), key) == std::end(k_valid))
      bad += (bad.empty() ? "" : ",") + key;
  if (!bad.empty()) return failed_result("Invalid options for " + ctx.task.action + ": " + bad);
  auto delay = int_arg(ctx.args, "delay", 0);
  auto sleep = int_arg(ctx.args, "sleep", 1);
  auto timeout = int_arg(ctx.args, "timeout", 600);
  auto connect_timeout = int_arg(ctx.args, "connect_timeout", 5);
  if (!delay || !sleep || !timeout || !connect_timeout)
    return failed_result("wait_for_connection: delay, sleep, timeout and connect_timeout must be integers");
  if (ctx.check_mode) {
    Map skipped;
    skipped.set("skipped", true);
    return Value(std::move(skipped));
  }

  auto start = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(*delay));
  auto end = start + std::chrono::seconds(*timeout);
  std::string error = "no attempt was made";
  bool reached = false;
  while (Clock::now() < end) {
    try {
      Map no_args;
      Value r = ctx.run_module("ping", Value(std::move(no_args)));
      if (r.get_string("ping") == "pong") {
        reached = true;
        break;
      }
      error = r.get_string("msg", "ping test failed");
    } catch (const connection::Unreachable& unreachable) {
      error = unreachable.what();
    }
    std::this_thread::sleep_for(std::chrono::seconds(*sleep));
  }
  Map result;
  result.set("changed", false);
  if (!reached) {
    result.set("failed", true);
    result.set("msg", "timed out waiting for ping module test: " + error);
  }
  result.set("elapsed", static_cast<std::int64_t>(
                            std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count()));
  return Value(std::move(result));
}

namespace {
constexpr OptionDoc k_wait_for_connection_options[] = {
    OptionDoc{.name = "timeout", .type = "int", .description = "Seconds to wait at most before failing.", .default_value = "600"},
    OptionDoc{.name = "delay", .type = "int", .description = "Seconds to wait before the first try.", .default_value = "0"},
    OptionDoc{.name = "sleep", .type = "int", .description = "Seconds between tries.", .default_value = "1"},
    OptionDoc{.name = "connect_timeout", .type = "int", .description = "Seconds to wait for one connection attempt.", .default_value = "5"},
};
constexpr ReturnFieldDoc k_wait_for_connection_returns[] = {
    ReturnFieldDoc{"elapsed", "float", "always", "Seconds waited."},
};
}  // namespace

// closed_options is false: the action checks its own arguments (or takes a free form).
const ActionDoc wait_for_connection_doc{
    .description = "Waits until drover can connect to the target and run a module there again (after a reboot, say), retrying a ping until timeout.",
    .options = k_wait_for_connection_options,
    .returns = k_wait_for_connection_returns,
    .example = "- ansible.builtin.wait_for_connection:\n    delay: 10\n    timeout: 300\n",
    .closed_options = false};

}  // namespace drover::action
