// Shared by the libFuzzer targets in tests/fuzz (docs/testing.md, "Fuzzing").
//
// Every target feeds its input to one parser and accepts the errors that parser documents for bad
// input: exceptions derived from std::runtime_error (drover::Fatal and SourceError, TemplateError,
// AgeError, RunnerFailure). Anything else escapes and libFuzzer reports it as a crash: a memory
// error or undefined behaviour (the targets are built with ASan and UBSan), but also a
// std::logic_error (out_of_range from a substr past the end...) or a JSON library exception, which
// a user would see as a meaningless message instead of a clear error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace drover::fuzz {

inline std::string_view text_of(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs `parse`; swallows the errors bad input is documented to raise.
template <class F>
void expect_clean_errors(F&& parse) {
  try {
    parse();
  } catch (const std::runtime_error&) {
  }
}

}  // namespace drover::fuzz
