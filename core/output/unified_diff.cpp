#include "core/output/unified_diff.hpp"

#include <algorithm>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace drover::output {

namespace {

struct Match {
  std::size_t a, b, size;
};

struct Opcode {
  char tag;  // 'e'qual, 'r'eplace, 'd'elete, 'i'nsert
  std::size_t i1, i2, j1, j2;
};

// SequenceMatcher(None, a, b, autojunk=True) without an isjunk function.
class SequenceMatcher {
public:
  SequenceMatcher(const std::vector<std::string>& a, const std::vector<std::string>& b) : m_a(a), m_b(b) {
    for (std::size_t j = 0; j < b.size(); ++j) m_b2j[b[j]].push_back(j);
    if (b.size() >= 200) {  // "popular" elements are ignored when looking for matches
      std::size_t ntest = b.size() / 100 + 1;
      for (auto it = m_b2j.begin(); it != m_b2j.end();) {
        if (it->second.size() > ntest) it = m_b2j.erase(it);
        else ++it;
      }
    }
  }

  std::vector<Opcode> opcodes() const {
    std::vector<Opcode> out;
    std::size_t i = 0, j = 0;
    for (const auto& m : matching_blocks()) {
      char tag = 0;
      if (i < m.a && j < m.b) tag = 'r';
      else if (i < m.a) tag = 'd';
      else if (j < m.b) tag = 'i';
      if (tag) out.push_back({tag, i, m.a, j, m.b});
      i = m.a + m.size;
      j = m.b + m.size;
      if (m.size) out.push_back({'e', m.a, i, m.b, j});
    }
    return out;
  }

private:
  Match longest_match(std::size_t alo, std::size_t ahi, std::size_t blo, std::size_t bhi) const {
    std::size_t besti = alo, bestj = blo, bestsize = 0;
    std::unordered_map<std::size_t, std::size_t> j2len;
    for (std::size_t i = alo; i < ahi; ++i) {
      std::unordered_map<std::size_t, std::size_t> next;
      auto it = m_b2j.find(m_a[i]);
      if (it != m_b2j.end()) {
        for (std::size_t j : it->second) {
          if (j < blo) continue;
          if (j >= bhi) break;
          std::size_t prev = 0;
          if (j > 0) {
            auto p = j2len.find(j - 1);
            if (p != j2len.end()) prev = p->second;
          }
          std::size_t k = next[j] = prev + 1;
          if (k > bestsize) {
            besti = i - k + 1;
            bestj = j - k + 1;
            bestsize = k;
          }
        }
      }
      j2len = std::move(next);
    }
    while (besti > alo && bestj > blo && m_a[besti - 1] == m_b[bestj - 1]) {
      --besti;
      --bestj;
      ++bestsize;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && m_a[besti + bestsize] == m_b[bestj + bestsize])
      ++bestsize;
    return {besti, bestj, bestsize};
  }

  std::vector<Match> matching_blocks() const {
    std::vector<Match> blocks;
    std::vector<std::tuple<std::size_t, std::size_t, std::size_t, std::size_t>> queue{{0, m_a.size(), 0, m_b.size()}};
    while (!queue.empty()) {
      auto [alo, ahi, blo, bhi] = queue.back();
      queue.pop_back();
      Match m = longest_match(alo, ahi, blo, bhi);
      if (m.size == 0) continue;
      blocks.push_back(m);
      if (alo < m.a && blo < m.b) queue.emplace_back(alo, m.a, blo, m.b);
      if (m.a + m.size < ahi && m.b + m.size < bhi) queue.emplace_back(m.a + m.size, ahi, m.b + m.size, bhi);
    }
    std::sort(blocks.begin(), blocks.end(),
              [](const Match& x, const Match& y) { return std::tie(x.a, x.b, x.size) < std::tie(y.a, y.b, y.size); });
    std::vector<Match> merged;
    for (const auto& m : blocks) {
      if (!merged.empty() && merged.back().a + merged.back().size == m.a &&
          merged.back().b + merged.back().size == m.b)
        merged.back().size += m.size;
      else
        merged.push_back(m);
    }
    merged.push_back({m_a.size(), m_b.size(), 0});
    return merged;
  }

  const std::vector<std::string>& m_a;
  const std::vector<std::string>& m_b;
  std::unordered_map<std::string_view, std::vector<std::size_t>> m_b2j;
};

std::vector<std::vector<Opcode>> grouped_opcodes(std::vector<Opcode> codes, std::size_t n) {
  if (codes.empty()) codes.push_back({'e', 0, 1, 0, 1});
  if (codes.front().tag == 'e') {
    auto& c = codes.front();
    c.i1 = std::max(c.i1, c.i2 < n ? 0 : c.i2 - n);
    c.j1 = std::max(c.j1, c.j2 < n ? 0 : c.j2 - n);
  }
  if (codes.back().tag == 'e') {
    auto& c = codes.back();
    c.i2 = std::min(c.i2, c.i1 + n);
    c.j2 = std::min(c.j2, c.j1 + n);
  }
  std::vector<std::vector<Opcode>> groups;
  std::vector<Opcode> group;
  for (Opcode c : codes) {
    if (c.tag == 'e' && c.i2 - c.i1 > 2 * n) {
      group.push_back({'e', c.i1, std::min(c.i2, c.i1 + n), c.j1, std::min(c.j2, c.j1 + n)});
      groups.push_back(std::move(group));
      group.clear();
      c.i1 = std::max(c.i1, c.i2 - n);
      c.j1 = std::max(c.j1, c.j2 - n);
    }
    group.push_back(c);
  }
  if (!group.empty() && !(group.size() == 1 && group.front().tag == 'e')) groups.push_back(std::move(group));
  return groups;
}

std::string format_range(std::size_t start, std::size_t stop) {
  std::size_t beginning = start + 1;
  std::size_t length = stop - start;
  if (length == 1) return std::to_string(beginning);
  if (length == 0) --beginning;
  return std::to_string(beginning) + "," + std::to_string(length);
}

}  // namespace

std::vector<std::string> unified_diff(const std::vector<std::string>& a, const std::vector<std::string>& b,
                                      const std::string& from_file, const std::string& to_file, int context) {
  std::vector<std::string> out;
  SequenceMatcher matcher(a, b);
  for (const auto& group : grouped_opcodes(matcher.opcodes(), static_cast<std::size_t>(context))) {
    if (out.empty()) {
      out.push_back("--- " + from_file + "\n");
      out.push_back("+++ " + to_file + "\n");
    }
    out.push_back("@@ -" + format_range(group.front().i1, group.back().i2) + " +" +
                  format_range(group.front().j1, group.back().j2) + " @@\n");
    for (const auto& c : group) {
      if (c.tag == 'e') {
        for (std::size_t i = c.i1; i < c.i2; ++i) out.push_back(" " + a[i]);
        continue;
      }
      if (c.tag == 'r' || c.tag == 'd')
        for (std::size_t i = c.i1; i < c.i2; ++i) out.push_back("-" + a[i]);
      if (c.tag == 'r' || c.tag == 'i')
        for (std::size_t j = c.j1; j < c.j2; ++j) out.push_back("+" + b[j]);
    }
  }
  return out;
}

std::vector<std::string> split_lines_keep_ends(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      lines.push_back(text.substr(start, i + 1 - start));
      start = i + 1;
    }
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

}  // namespace drover::output
