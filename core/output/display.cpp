#include "core/output/display.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "core/output/log_file.hpp"
#include "core/secrets/redactor.hpp"
#include "core/value/boolean.hpp"

namespace drover::output {

bool CallbackOptions::flag(const std::string& key, bool fallback) const {
  auto it = config.find(key);
  return it == config.end() ? fallback : loose_boolean(it->second);
}

std::string CallbackOptions::text(const std::string& key, const std::string& fallback) const {
  auto it = config.find(key);
  return it == config.end() ? fallback : it->second;
}

namespace {

bool env_truthy(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && loose_boolean(v);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

bool color_wanted(bool is_terminal) {
  // Same order as ansible.utils.color: nocolor first, then the terminal test, force wins last.
  bool wanted = is_terminal;
  if (env_truthy("ANSIBLE_NOCOLOR") || env_truthy("NO_COLOR")) wanted = false;
  if (env_truthy("ANSIBLE_FORCE_COLOR")) wanted = true;
  return wanted;
}

std::string colorize_text(std::string_view text, std::string_view code) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    std::size_t nl = text.find('\n', start);
    std::string_view piece = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    out += "\033[";
    out += code;
    out += 'm';
    out += piece;
    out += "\033[0m";
    if (nl == std::string_view::npos) break;
    out += '\n';
    start = nl + 1;
  }
  return out;
}

int banner_columns(int fd) {
  int tty_columns = 0;
  if (isatty(fd)) {
    winsize ws{};
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0) tty_columns = ws.ws_col;
  }
  return std::max(79, tty_columns - 1);
}

int text_width(std::string_view text) {
  int n = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  return n;
}

std::vector<std::string> wrap_text(std::string_view text, int width) {
  // Chunks alternate between words and whitespace runs (each whitespace char becomes a space).
  std::vector<std::string> chunks;
  for (std::size_t i = 0; i < text.size();) {
    bool space = is_space(text[i]);
    std::size_t j = i;
    while (j < text.size() && is_space(text[j]) == space) ++j;
    chunks.emplace_back(space ? std::string(j - i, ' ') : std::string(text.substr(i, j - i)));
    i = j;
  }
  std::reverse(chunks.begin(), chunks.end());
  std::vector<std::string> lines;
  while (!chunks.empty()) {
    std::string line;
    int len = 0;
    if (chunks.back()[0] == ' ' && !lines.empty()) chunks.pop_back();
    while (!chunks.empty() && len + text_width(chunks.back()) <= width) {
      len += text_width(chunks.back());
      line += chunks.back();
      chunks.pop_back();
    }
    if (!chunks.empty() && text_width(chunks.back()) > width) {
      std::size_t room = static_cast<std::size_t>(std::max(1, width - len));
      line += chunks.back().substr(0, room);
      chunks.back() = chunks.back().substr(room);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

Display::Display(const CallbackOptions& options)
    : m_out(options.out), m_err(options.err), m_color(options.color),
      m_columns(options.columns > 0 ? options.columns : banner_columns(1)) {}

void Display::display(std::string_view text, std::string_view code, bool to_stderr) {
  std::string masked = secrets::Redactor::global().mask(text);
  if (!masked.empty() && masked.back() == '\n') masked.pop_back();
  LogFile::write(masked);
  if (m_color && !code.empty()) masked = colorize_text(masked, code);
  masked += '\n';
  std::ostream& os = to_stderr ? *m_err : *m_out;
  os << masked;
  os.flush();
}

void Display::banner(std::string_view text, std::string_view code) {
  std::string_view msg = text;
  while (!msg.empty() && is_space(msg.front())) msg.remove_prefix(1);
  while (!msg.empty() && is_space(msg.back())) msg.remove_suffix(1);
  // The width counts the masked text, which is what the user sees.
  std::string shown = secrets::Redactor::global().mask(msg);
  int stars = std::max(3, m_columns - text_width(shown));
  display("\n" + shown + " " + std::string(static_cast<std::size_t>(stars), '*'), code);
}

void Display::warning(std::string_view text) {
  auto lines = wrap_text("[WARNING]: " + std::string(text), m_columns);
  std::string msg;
  for (const auto& l : lines) msg += l + "\n";
  if (std::find(m_warned.begin(), m_warned.end(), msg) != m_warned.end()) return;
  m_warned.push_back(msg);
  display(msg, color::warn, true);
}

void Display::deprecated(std::string_view text) {
  display("[DEPRECATION WARNING]: " + std::string(text), color::deprecate, true);
}

}  // namespace drover::output
