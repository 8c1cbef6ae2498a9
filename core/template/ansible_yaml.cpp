// YAML text as PyYAML's yaml.dump writes it for to_yaml/to_nice_yaml: sorted keys, indentless
// sequences inside mappings, "- " items padded to the indent, leaf collections inline when
// default_flow_style is None, PyYAML's scalar style choice (plain, 'single', "double") and its
// line folding at 80 columns. core/value/yaml.cpp's value_to_yaml is a simpler writer for drover's
// own files; this one exists so filter output equals Ansible's byte for byte.
#include <algorithm>
#include <cmath>

#include "core/template/ansible_support.hpp"
#include "core/value/json.hpp"
#include "core/value/regex.hpp"
#include "core/value/yaml.hpp"

namespace drover::tmpl {

namespace {

constexpr int k_best_width = 80;

enum class ScalarStyle { plain, single, dbl };

struct Analysis {
  bool empty = false, multiline = false;
  bool flow_plain = true, block_plain = true, single_quoted = true;
};

bool resolves_to_non_string(const std::string& s) {
  static const Regex timestamp(
      R"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?(([ \t]*)Z|[-+][0-9]{1,2}(:[0-9]{2})?)?|[0-9]{4}-[0-9]{2}-[0-9]{2})",
      RegexFlag::ascii);
  static const Regex sexagesimal(R"([-+]?[1-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)", RegexFlag::ascii);
  if (s == "<<" || s == "=") return true;
  if (!resolve_plain_scalar(s).is_string()) return true;
  return timestamp.fullmatch(s) || sexagesimal.fullmatch(s);
}

bool is_space_or_end(const std::string& s, std::size_t i) {
  return i >= s.size() || s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n';
}

// PyYAML's Emitter.analyze_scalar, for the characters drover's strings hold.
Analysis analyze(const std::string& s) {
  Analysis a;
  if (s.empty()) {
    a.empty = true;
    a.flow_plain = a.block_plain = false;
    return a;
  }
  bool flow_ind = false, block_ind = false, line_breaks = false, special = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false;
  bool break_space = false, space_break = false, prev_space = false, prev_break = false;
  if (s.rfind("---", 0) == 0 || s.rfind("...", 0) == 0) flow_ind = block_ind = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(s[i]);
    bool followed_ws = is_space_or_end(s, i + 1);
    bool preceded_ws = i == 0 || is_space_or_end(s, i - 1);
    if (i == 0) {
      if (std::string_view("#,[]{}&*!|>'\"%@`").find(static_cast<char>(ch)) != std::string_view::npos)
        flow_ind = block_ind = true;
      if (ch == '?' || ch == ':') {
        flow_ind = true;
        if (followed_ws) block_ind = true;
      }
      if (ch == '-' && followed_ws) flow_ind = block_ind = true;
    } else {
      if (std::string_view(",?[]{}").find(static_cast<char>(ch)) != std::string_view::npos) flow_ind = true;
      if (ch == ':') {
        flow_ind = true;
        if (followed_ws) block_ind = true;
      }
      if (ch == '#' && preceded_ws) flow_ind = block_ind = true;
    }
    if (ch == '\n') line_breaks = true;
    if (ch != '\n' && (ch < 0x20 || ch == 0x7f)) special = true;
    bool last = i + 1 == s.size();
    if (ch == ' ') {
      if (i == 0) leading_space = true;
      if (last) trailing_space = true;
      if (prev_break) break_space = true;
      prev_space = true, prev_break = false;
    } else if (ch == '\n') {
      if (i == 0) leading_break = true;
      if (last) trailing_break = true;
      if (prev_space) space_break = true;
      prev_break = true, prev_space = false;
    } else {
      prev_space = prev_break = false;
    }
  }
  a.multiline = line_breaks;
  if (leading_space || leading_break || trailing_space || trailing_break) a.flow_plain = a.block_plain = false;
  if (break_space) a.flow_plain = a.block_plain = a.single_quoted = false;
  if (space_break || special) a.flow_plain = a.block_plain = a.single_quoted = false;
  if (line_breaks) a.flow_plain = a.block_plain = false;
  if (flow_ind) a.flow_plain = false;
  if (block_ind) a.block_plain = false;
  return a;
}

std::string float_text(double d) {
  if (std::isnan(d)) return ".nan";
  if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
  std::string r = python_float_repr(d);
  std::transform(r.begin(), r.end(), r.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (r.find('.') == std::string::npos && r.find('e') != std::string::npos) r.replace(r.find('e'), 1, ".0e");
  return r;
}

class PyYamlEmitter {
public:
  explicit PyYamlEmitter(const YamlDumpStyle& style) : m_step(style.indent), m_flow_leaves(style.flow_leaves) {}

  std::string dump(const Value& v) {
    if (is_block(v)) {
      if (v.is_map()) block_map(v, 0);
      else block_seq(v, 0);
    } else {
      // PyYAML ends an open plain root scalar with "...", Ansible's to_yaml output does not
      inline_node(v, m_step, false);
      write("\n");
    }
    return m_out;
  }

private:
  int m_step;
  bool m_flow_leaves;
  std::string m_out;
  int m_column = 0;

  void write(std::string_view s) {
    for (char c : s) {
      if (c == '\n') m_column = 0;
      else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++m_column;
    }
    m_out += s;
  }
  void pad_to(int column) {
    if (m_column < column) write(std::string(static_cast<std::size_t>(column - m_column), ' '));
  }
  void line_indent(int indent) {
    write("\n");
    pad_to(indent);
  }

  bool is_flow(const Value& v) const {
    if (v.is_map()) {
      if (v.as_map().empty()) return true;
      if (!m_flow_leaves) return false;
      return std::all_of(v.as_map().begin(), v.as_map().end(),
                         [](const auto& e) { return !e.second.is_map() && !e.second.is_list(); });
    }
    if (v.is_list()) {
      if (v.as_list().empty()) return true;
      if (!m_flow_leaves) return false;
      return std::none_of(v.as_list().begin(), v.as_list().end(),
                          [](const Value& x) { return x.is_map() || x.is_list(); });
    }
    return false;
  }
  bool is_block(const Value& v) const { return (v.is_map() || v.is_list()) && !is_flow(v); }

  static std::vector<const Map::Entry*> sorted(const Map& m) {
    std::vector<const Map::Entry*> out;
    for (const auto& e : m) out.push_back(&e);
    std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    return out;
  }

  // Block mapping whose keys sit at column `indent`; the cursor is at the first key's position.
  void block_map(const Value& v, int indent) {
    bool first = true;
    for (const Map::Entry* e : sorted(v.as_map())) {
      if (!first) pad_to(indent);
      first = false;
      scalar(Value(e->first), indent + m_step, false, true);
      write(":");
      const Value& child = e->second;
      if (is_block(child)) {
        if (child.is_map()) {
          line_indent(indent + m_step);
          block_map(child, indent + m_step);
        } else {
          line_indent(indent);
          block_seq(child, indent);  // indentless inside a mapping
        }
      } else {
        write(" ");
        inline_node(child, indent + m_step, false);
        write("\n");
      }
    }
  }

  void block_seq(const Value& v, int indent) {
    bool first = true;
    for (const Value& item : v.as_list()) {
      if (!first) pad_to(indent);
      first = false;
      write("-");
      if (is_block(item)) {
        pad_to(indent + m_step);
        if (item.is_map()) block_map(item, indent + m_step);
        else block_seq(item, indent + m_step);
      } else {
        write(" ");
        inline_node(item, indent + m_step, false);
        write("\n");
      }
    }
  }

  // A scalar or flow collection at the cursor; returns true when it was a plain scalar.
  bool inline_node(const Value& v, int indent, bool in_flow) {
    if (v.is_map() || v.is_list()) {
      flow_collection(v, indent);
      return false;
    }
    return scalar(v, indent, in_flow, false);
  }

  void flow_collection(const Value& v, int indent) {
    bool is_map = v.is_map();
    write(is_map ? "{" : "[");
    bool first = true;
    auto separator = [&] {
      if (!first) write(",");
      if (m_column > k_best_width) line_indent(indent);
      else if (!first) write(" ");
      first = false;
    };
    if (is_map) {
      for (const Map::Entry* e : sorted(v.as_map())) {
        separator();
        scalar(Value(e->first), indent + m_step, true, true);
        write(": ");
        scalar(e->second, indent + m_step, true, false);
      }
    } else {
      for (const Value& item : v.as_list()) {
        separator();
        scalar(item, indent + m_step, true, false);
      }
    }
    write(is_map ? "}" : "]");
  }

  bool scalar(const Value& v, int indent, bool in_flow, bool simple_key) {
    switch (v.kind()) {
      case Kind::null: write("null"); return true;
      case Kind::boolean: write(v.as_bool() ? "true" : "false"); return true;
      case Kind::integer: write(std::to_string(v.as_int())); return true;
      case Kind::floating: write(float_text(v.as_float())); return true;
      case Kind::string: break;
      default: write(python_str(v)); return true;
    }
    const std::string& s = v.as_string();
    Analysis a = analyze(s);
    ScalarStyle style = ScalarStyle::dbl;
    bool plain_ok = !resolves_to_non_string(s) && !(simple_key && (a.empty || a.multiline)) &&
                    (in_flow ? a.flow_plain : a.block_plain);
    if (plain_ok) style = ScalarStyle::plain;
    else if (a.single_quoted && !(simple_key && a.multiline)) style = ScalarStyle::single;
    if (style == ScalarStyle::plain) write_plain(s, indent, !simple_key);
    else if (style == ScalarStyle::single) write_single(s, indent, !simple_key);
    else write_double(s);
    return style == ScalarStyle::plain;
  }

  void write_plain(const std::string& s, int indent, bool split) {
    for (std::size_t i = 0; i < s.size();) {
      if (s[i] == ' ') {
        std::size_t end = s.find_first_not_of(' ', i);
        if (end == std::string::npos) end = s.size();
        if (end == i + 1 && m_column > k_best_width && split) line_indent(indent);
        else write(std::string_view(s).substr(i, end - i));
        i = end;
      } else {
        std::size_t end = s.find(' ', i);
        if (end == std::string::npos) end = s.size();
        write(std::string_view(s).substr(i, end - i));
        i = end;
      }
    }
  }

  void write_single(const std::string& s, int indent, bool split) {
    write("'");
    for (std::size_t i = 0; i < s.size();) {
      if (s[i] == ' ') {
        std::size_t end = s.find_first_not_of(' ', i);
        if (end == std::string::npos) end = s.size();
        if (end == i + 1 && m_column > k_best_width && split && i != 0 && end != s.size()) line_indent(indent);
        else write(std::string_view(s).substr(i, end - i));
        i = end;
      } else if (s[i] == '\n') {
        std::size_t end = s.find_first_not_of('\n', i);
        if (end == std::string::npos) end = s.size();
        write("\n");
        for (std::size_t k = i; k < end; ++k) write("\n");
        pad_to(indent);
        i = end;
      } else {
        std::size_t end = s.find_first_of(" \n", i);
        if (end == std::string::npos) end = s.size();
        for (std::size_t k = i; k < end; ++k) write(s[k] == '\'' ? "''" : std::string(1, s[k]));
        i = end;
      }
    }
    write("'");
  }

  void write_double(const std::string& s) {
    static const std::string from("\0\a\b\t\n\v\f\r\x1b\"\\", 11);
    static const std::string to("0abtnvfre\"\\");
    std::string out = "\"";
    for (char c : s) {
      std::size_t k = from.find(c);
      unsigned char u = static_cast<unsigned char>(c);
      if (k != std::string::npos) out += '\\', out += to[k];
      else if (u < 0x20 || u == 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", u);
        out += buf;
      } else out += c;
    }
    write(out + "\"");
  }
};

}  // namespace

std::string pyyaml_dump(const Value& v, const YamlDumpStyle& style) { return PyYamlEmitter(style).dump(v); }

}  // namespace drover::tmpl
