// Picks the strategy that runs a play's batch: `strategy:` of the play, else the configured
// default ([defaults] strategy, DROVER_STRATEGY/ANSIBLE_STRATEGY).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/exec/play_executor.hpp"

namespace drover::exec {

// linear (PlayExecutor), free or host_pinned (FreeStrategy). Throws SourceError at the play for
// any other name, with Ansible's message ("Invalid play strategy specified: NAME").
std::unique_ptr<PlayExecutor> make_strategy(const std::string& name, const playbook::Play& play, PlayContext& ctx,
                                            output::EventBus& bus, WorkerPool<TaskOutcome>& pool, HostVars& hostvars,
                                            std::vector<HostState*> hosts);

}  // namespace drover::exec
