#include <doctest/doctest.h>

#include "core/playbook/serial.hpp"

using namespace drover;
using playbook::serial_batches;
using Sizes = std::vector<std::size_t>;

TEST_CASE("serial batch sizes are Ansible's _get_serialized_batches") {
  CHECK(serial_batches(Value(), 5) == Sizes{5});
  CHECK(serial_batches(Value(2), 5) == Sizes{2, 2, 1});
  CHECK(serial_batches(Value("2"), 5) == Sizes{2, 2, 1});
  CHECK(serial_batches(Value("40%"), 5) == Sizes{2, 2, 1});
  CHECK(serial_batches(Value("10%"), 5) == Sizes{1, 1, 1, 1, 1});  // int(0.5) is 0: at least 1
  CHECK(serial_batches(Value::list({1, "40%", 3}), 10) == Sizes{1, 4, 3, 2});
  CHECK(serial_batches(Value(0), 4) == Sizes{4});   // 0 or less: every host left
  CHECK(serial_batches(Value::list({1, -1}), 4) == Sizes{1, 3});
  CHECK(serial_batches(Value(3), 0) == Sizes{});
  CHECK_FALSE(serial_batches(Value("ten"), 5));
  CHECK_FALSE(serial_batches(Value(true), 5));
}

TEST_CASE("a percentage keyword is a number or a string with or without %") {
  CHECK(playbook::percentage_value(Value(30)) == 30.0);
  CHECK(playbook::percentage_value(Value("30%")) == 30.0);
  CHECK(playbook::percentage_value(Value("12.5")) == 12.5);
  CHECK_FALSE(playbook::percentage_value(Value("lots")));
  CHECK_FALSE(playbook::percentage_value(Value::list({})));
}
