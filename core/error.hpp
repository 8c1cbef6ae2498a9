// The three error tiers (see docs/architecture.md):
//   - expected failures are values (a module result, a `Result`-like return),
//   - `Fatal` is the one exception type that ends the run; only main() catches it,
//   - assert() guards broken contracts.
// `SourceError` is a Fatal that points at a place in a file.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace drover {

// Ansible's exit codes.
enum class ExitCode : int {
  ok = 0,
  error = 1,
  host_failed = 2,
  host_unreachable = 4,  // also a parse error
  bad_options = 5,
  interrupted = 99,
  unexpected = 250,
};

struct SourceLocation {
  std::string file;  // as the user named it
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown
  bool known() const { return !file.empty(); }
  std::string str() const;  // "file:line:col" (or less, when unknown)
};

class Fatal : public std::runtime_error {
public:
  explicit Fatal(const std::string& message, ExitCode code = ExitCode::error)
      : std::runtime_error(message), m_code(code) {}
  ExitCode code() const { return m_code; }

private:
  ExitCode m_code;
};

// The source line at `where` and a caret under its column, each line prefixed by `indent`
// ("  x: 1\n     ^"); "" when the file or line cannot be read.
std::string source_excerpt(const SourceLocation& where, std::string_view indent = "  ");

// Formats "file:line:col: message", the source line and a caret under the column, then the hint.
// Reads the line from the file; when the file or line is unavailable the excerpt is left out.
std::string format_source_error(const SourceLocation& where, std::string_view message,
                                std::string_view hint = "");

class SourceError : public Fatal {
public:
  SourceError(SourceLocation where, const std::string& message, const std::string& hint = "",
              ExitCode code = ExitCode::host_unreachable)
      : Fatal(format_source_error(where, message, hint), code), m_where(std::move(where)),
        m_message(message) {}
  const SourceLocation& where() const { return m_where; }
  const std::string& bare_message() const { return m_message; }

private:
  SourceLocation m_where;
  std::string m_message;
};

}  // namespace drover
