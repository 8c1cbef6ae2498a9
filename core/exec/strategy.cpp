#include "core/exec/strategy.hpp"

#include "core/exec/free_strategy.hpp"

namespace drover::exec {

std::unique_ptr<PlayExecutor> make_strategy(const std::string& name, const playbook::Play& play, PlayContext& ctx,
                                            output::EventBus& bus, WorkerPool<TaskOutcome>& pool, HostVars& hostvars,
                                            std::vector<HostState*> hosts) {
  if (name == "linear" || name.empty())
    return std::make_unique<PlayExecutor>(ctx, bus, pool, hostvars, std::move(hosts));
  if (name == "free")
    return std::make_unique<FreeStrategy>(ctx, bus, pool, hostvars, std::move(hosts), Pinning::none);
  if (name == "host_pinned")
    return std::make_unique<FreeStrategy>(ctx, bus, pool, hostvars, std::move(hosts), Pinning::hosts_to_workers);
  throw SourceError(play.where, "Invalid play strategy specified: " + name,
                    "drover has the strategies linear (the default), free and host_pinned", ExitCode::error);
}

}  // namespace drover::exec
