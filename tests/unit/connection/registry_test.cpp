#include <doctest/doctest.h>

#include <stdexcept>

#include "plugins/connection/registry.hpp"

using namespace drover::connection;

TEST_CASE("an unknown connection type is refused naming the known ones") {
  ConnectionSpec spec;
  spec.inventory_name = "h";
  spec.connection = "winrm";
  CHECK_THROWS_WITH_AS(make_connection(spec), "unknown connection type 'winrm' for host h (known: local, ssh)",
                       std::invalid_argument);
}

TEST_CASE("the connection registry names its plugins alphabetized") {
  CHECK(connection_names() == std::vector<std::string>{"local", "ssh"});
}
