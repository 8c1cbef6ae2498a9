// The `local` connection: commands run as child processes of drover (Boost.Process), through
// /bin/sh -c, with the control node's environment. No SSH, no upload: files are written in place.
#pragma once

#include "core/transport/connection.hpp"

namespace drover::connection {

class LocalConnection : public Connection {
public:
  explicit LocalConnection(ConnectionSpec spec);
  void connect() override {}
  ExecResult exec(const std::string& command, std::string_view input = {}) override;
  std::unique_ptr<Process> spawn(const std::string& command) override;
  void upload(std::string_view data, const std::string& remote_path, int mode) override;
  void close() override {}
  std::string kind() const override { return "local"; }

private:
  ConnectionSpec m_spec;
};

}  // namespace drover::connection
