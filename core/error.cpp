#include "core/error.hpp"

#include <fstream>

namespace drover {

std::string SourceLocation::str() const {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
}

static bool read_line(const std::string& file, int line, std::string& out) {
  std::ifstream in(file);
  if (!in) return false;
  for (int i = 1; std::getline(in, out); ++i)
    if (i == line) return true;
  return false;
}

std::string source_excerpt(const SourceLocation& where, std::string_view indent) {
  std::string text;
  if (where.line <= 0 || !read_line(where.file, where.line, text)) return "";
  for (auto& c : text)
    if (c == '\t') c = ' ';
  std::string out = std::string(indent) + text;
  if (where.column > 0)
    out += "\n" + std::string(indent) + std::string(static_cast<std::size_t>(where.column - 1), ' ') + "^";
  return out;
}

std::string format_source_error(const SourceLocation& where, std::string_view message,
                                 std::string_view hint) {
  std::string out;
  if (where.known()) out += where.str() + ": ";
  out += message;
  if (std::string excerpt = source_excerpt(where); !excerpt.empty()) out += "\n" + excerpt;
  if (!hint.empty()) {
    out += "\n";
    out += hint;
  }
  return out;
}

}  // namespace drover
