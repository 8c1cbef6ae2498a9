#include "core/template/ansible_support.hpp"

#include <cstdio>
#include <random>

#include <openssl/evp.h>

#include "core/value/json.hpp"

namespace drover::tmpl {

// --- arguments ------------------------------------------------------------------------------

Value arg_or(const CallArgs& args, std::size_t i, std::string_view name, const Value& fallback) {
  const Value* v = args.arg(i, name);
  return v ? *v : fallback;
}

std::string string_arg(const CallArgs& args, std::size_t i, std::string_view name, std::string_view fallback) {
  const Value* v = args.arg(i, name);
  return v ? python_str(*v) : std::string(fallback);
}

bool bool_arg(const CallArgs& args, std::size_t i, std::string_view name, bool fallback) {
  const Value* v = args.arg(i, name);
  return v ? v->truthy() : fallback;
}

std::int64_t int_arg(const CallArgs& args, std::size_t i, std::string_view name, std::int64_t fallback,
                     std::string_view filter) {
  const Value* v = args.arg(i, name);
  if (!v || v->is_null()) return fallback;
  if (v->is_int()) return v->as_int();
  if (v->is_bool()) return v->as_bool() ? 1 : 0;
  if (v->is_float()) return static_cast<std::int64_t>(v->as_float());
  if (v->is_string()) {
    try {
      std::size_t used = 0;
      std::int64_t n = std::stoll(v->as_string(), &used);
      if (used == v->as_string().size()) return n;
    } catch (const std::exception&) {
    }
  }
  throw TemplateError(std::string(filter) + ": '" + std::string(name) + "' must be an integer, got " + python_repr(*v));
}

// --- Python's text forms ----------------------------------------------------------------------


std::string py_class(const Value& v) { return "<class '" + v.type_name() + "'>"; }

// --- Python's re ------------------------------------------------------------------------------

namespace {

bool is_quantifier_brace(const std::string& p, std::size_t i) {
  // {n}, {n,}, {,m}, {n,m}
  std::size_t j = i + 1;
  bool digits = false;
  while (j < p.size() && std::isdigit(static_cast<unsigned char>(p[j]))) ++j, digits = true;
  if (j < p.size() && p[j] == ',') {
    ++j;
    while (j < p.size() && std::isdigit(static_cast<unsigned char>(p[j]))) ++j, digits = true;
  }
  return digits && j < p.size() && p[j] == '}';
}

struct Translated {
  std::string pattern;
  std::vector<std::pair<std::string, std::size_t>> names;
  RegexFlag flags = RegexFlag::none;
};

// Reads leading inline flags such as (?i) or (?im).
std::size_t read_inline_flags(const std::string& p, std::size_t i, Translated& t) {
  std::size_t j = i + 2;
  RegexFlag found = RegexFlag::none;
  while (j < p.size() && std::isalpha(static_cast<unsigned char>(p[j]))) {
    if (p[j] == 'i') found = found | RegexFlag::ignorecase;
    else if (p[j] == 'm') found = found | RegexFlag::multiline;
    else if (p[j] != 'x' && p[j] != 'u' && p[j] != 'a') return 0;
    ++j;
  }
  if (j >= p.size() || p[j] != ')') return 0;
  t.flags = t.flags | found;
  return j + 1 - i;
}

std::size_t name_index(const Translated& t, const std::string& name) {
  for (const auto& [n, idx] : t.names)
    if (n == name) return idx;
  throw TemplateError("unknown group name '" + name + "'");
}

void translate_group_open(const std::string& p, std::size_t& i, Translated& t, std::size_t& groups) {
  if (p.compare(i, 4, "(?P<") == 0) {
    std::size_t close = p.find('>', i + 4);
    if (close == std::string::npos) throw TemplateError("missing >, unterminated name");
    t.names.emplace_back(p.substr(i + 4, close - i - 4), ++groups);
    t.pattern += '(';
    i = close + 1;
  } else if (p.compare(i, 4, "(?P=") == 0) {
    std::size_t close = p.find(')', i + 4);
    if (close == std::string::npos) throw TemplateError("missing ), unterminated name");
    t.pattern += "(?:\\" + std::to_string(name_index(t, p.substr(i + 4, close - i - 4))) + ")";
    i = close + 1;
  } else if (p.compare(i, 3, "(?#") == 0) {
    std::size_t close = p.find(')', i);
    i = close == std::string::npos ? p.size() : close + 1;
  } else if (p.compare(i, 2, "(?") == 0) {
    std::size_t used = read_inline_flags(p, i, t);
    if (used) {
      i += used;
      return;
    }
    if (p.compare(i, 4, "(?<=") == 0 || p.compare(i, 4, "(?<!") == 0)
      throw TemplateError("look-behind assertions are not supported by drover's regular expressions");
    t.pattern += "(?";
    i += 2;
  } else {
    ++groups;
    t.pattern += '(';
    ++i;
  }
}

Translated translate(const std::string& p) {
  Translated t;
  std::size_t groups = 0;
  bool in_class = false;
  std::size_t i = 0;
  while (i < p.size()) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char n = p[i + 1];
      if (!in_class && n == 'A') t.pattern += '^';
      else if (!in_class && n == 'Z') t.pattern += '$';
      else t.pattern += p.substr(i, 2);
      i += 2;
    } else if (in_class) {
      if (c == ']') in_class = false;
      t.pattern += c;
      ++i;
    } else if (c == '[') {
      in_class = true;
      t.pattern += c;
      ++i;
      if (i < p.size() && p[i] == '^') t.pattern += p[i++];
      if (i < p.size() && p[i] == ']') t.pattern += "\\]", ++i;
    } else if (c == '(') {
      translate_group_open(p, i, t, groups);
    } else if (c == '{' && !is_quantifier_brace(p, i)) {
      t.pattern += "\\{";
      ++i;
    } else if (c == '}') {
      // a '}' closing a quantifier was copied with it below; a lone one is literal in Python
      t.pattern += "\\}";
      ++i;
    } else if (c == '{') {
      std::size_t close = p.find('}', i);
      t.pattern += p.substr(i, close - i + 1);
      i = close + 1;
    } else {
      t.pattern += c;
      ++i;
    }
  }
  return t;
}

void append_group(std::string& out, const std::smatch& m, std::size_t g) {
  if (g < m.size() && m[g].matched) out += m[g].str();
}

// Expands one backslash sequence of a Python replacement template at repl[i] ('\\').
std::size_t expand_escape(const PythonRegex& re, const std::string& repl, std::size_t i, const std::smatch& m,
                          std::string& out) {
  if (i + 1 >= repl.size()) throw TemplateError("bad escape (end of pattern)");
  char n = repl[i + 1];
  if (n == 'g') {
    std::size_t close = repl.find('>', i);
    if (i + 2 >= repl.size() || repl[i + 2] != '<' || close == std::string::npos)
      throw TemplateError("missing group name");
    auto idx = re.group_index(repl.substr(i + 3, close - i - 3));
    if (!idx) throw TemplateError("invalid group reference " + repl.substr(i + 3, close - i - 3));
    append_group(out, m, *idx);
    return close + 1;
  }
  if (std::isdigit(static_cast<unsigned char>(n))) {
    std::size_t j = i + 1;
    std::string digits;
    while (j < repl.size() && digits.size() < 2 && std::isdigit(static_cast<unsigned char>(repl[j]))) digits += repl[j++];
    std::size_t g = std::stoul(digits);
    if (g > re.group_count()) throw TemplateError("invalid group reference " + digits);
    append_group(out, m, g);
    return j;
  }
  static const std::string simple = "ntrfvab\\";
  static const std::string meaning = "\n\t\r\f\v\a\b\\";
  std::size_t k = simple.find(n);
  if (k != std::string::npos) {
    out += meaning[k];
  } else if (std::isalpha(static_cast<unsigned char>(n))) {
    throw TemplateError(std::string("bad escape \\") + n);
  } else {
    out += '\\';
    out += n;
  }
  return i + 2;
}

}  // namespace

PythonRegex::PythonRegex(const std::string& pattern, RegexFlag flags) {
  Translated t = translate(pattern);
  m_names = std::move(t.names);
  unsigned f = static_cast<unsigned>(flags | t.flags);
  auto syntax = std::regex::ECMAScript;
  if (f & static_cast<unsigned>(RegexFlag::ignorecase)) syntax |= std::regex::icase;
  if (f & static_cast<unsigned>(RegexFlag::multiline)) syntax |= std::regex::multiline;
  try {
    m_regex = std::regex(t.pattern, syntax);
  } catch (const std::regex_error& e) {
    throw TemplateError("invalid regular expression '" + pattern + "': " + e.what());
  }
}

std::optional<std::size_t> PythonRegex::group_index(const std::string& name_or_number) const {
  if (!name_or_number.empty() &&
      name_or_number.find_first_not_of("0123456789") == std::string::npos) {
    std::size_t g = std::stoul(name_or_number);
    if (g <= group_count()) return g;
    return std::nullopt;
  }
  for (const auto& [n, idx] : m_names)
    if (n == name_or_number) return idx;
  return std::nullopt;
}

bool PythonRegex::search(const std::string& text, std::smatch& m) const {
  return std::regex_search(text, m, m_regex);
}

bool PythonRegex::match(const std::string& text, std::smatch& m) const {
  return std::regex_search(text, m, m_regex, std::regex_constants::match_continuous);
}

std::string PythonRegex::sub(const std::string& repl, const std::string& text, std::int64_t count) const {
  std::string out;
  auto last = text.cbegin();
  std::int64_t done = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), m_regex), end; it != end; ++it) {
    if (count > 0 && done >= count) break;
    const std::smatch& m = *it;
    out.append(last, m[0].first);
    for (std::size_t i = 0; i < repl.size();) {
      if (repl[i] == '\\') i = expand_escape(*this, repl, i, m, out);
      else out += repl[i++];
    }
    last = m[0].second;
    ++done;
  }
  out.append(last, text.cend());
  return out;
}

List PythonRegex::findall(const std::string& text) const {
  List out;
  std::size_t groups = group_count();
  for (std::sregex_iterator it(text.begin(), text.end(), m_regex), end; it != end; ++it) {
    const std::smatch& m = *it;
    if (groups == 0) out.emplace_back(m[0].str());
    else if (groups == 1) out.emplace_back(m[1].matched ? m[1].str() : std::string());
    else {
      List tuple;
      for (std::size_t g = 1; g <= groups; ++g) tuple.emplace_back(m[g].matched ? m[g].str() : std::string());
      out.emplace_back(std::move(tuple));
    }
  }
  return out;
}

// --- Python's random.Random -------------------------------------------------------------------

namespace {

std::vector<std::uint32_t> words_of_big_endian(const std::vector<unsigned char>& bytes) {
  std::vector<std::uint32_t> words;
  // least significant word first, as CPython's init_by_array key
  for (std::size_t end = bytes.size(); end > 0;) {
    std::size_t begin = end >= 4 ? end - 4 : 0;
    std::uint32_t w = 0;
    for (std::size_t i = begin; i < end; ++i) w = (w << 8) | bytes[i];
    words.push_back(w);
    end = begin;
  }
  while (words.size() > 1 && words.back() == 0) words.pop_back();
  if (words.empty()) words.push_back(0);
  return words;
}

std::vector<std::uint32_t> seed_key(const Value& seed) {
  if (seed.is_string()) {
    const std::string& s = seed.as_string();
    std::vector<unsigned char> bytes(s.begin(), s.end());
    unsigned char digest[64];
    unsigned int len = 0;
    EVP_Digest(s.data(), s.size(), digest, &len, EVP_sha512(), nullptr);
    bytes.insert(bytes.end(), digest, digest + len);
    return words_of_big_endian(bytes);
  }
  std::int64_t n = 0;
  if (seed.is_int()) n = seed.as_int();
  else if (seed.is_bool()) n = seed.as_bool() ? 1 : 0;
  else if (seed.is_float()) n = static_cast<std::int64_t>(seed.as_float());
  else throw TemplateError("random: a seed must be a string or a number, got " + seed.type_name());
  std::uint64_t a = n < 0 ? static_cast<std::uint64_t>(-(n + 1)) + 1 : static_cast<std::uint64_t>(n);
  std::vector<std::uint32_t> key{static_cast<std::uint32_t>(a)};
  if (a >> 32) key.push_back(static_cast<std::uint32_t>(a >> 32));
  return key;
}

}  // namespace

PyRandom::PyRandom(const Value& seed) { init_by_array(seed_key(seed)); }

PyRandom PyRandom::system() {
  std::random_device rd;
  std::vector<std::uint32_t> key;
  for (int i = 0; i < 8; ++i) key.push_back(rd());
  PyRandom r;
  r.init_by_array(key);
  return r;
}

void PyRandom::init_genrand(std::uint32_t s) {
  m_state[0] = s;
  for (int i = 1; i < 624; ++i)
    m_state[i] = 1812433253U * (m_state[i - 1] ^ (m_state[i - 1] >> 30)) + static_cast<std::uint32_t>(i);
  m_index = 624;
}

void PyRandom::init_by_array(const std::vector<std::uint32_t>& key) {
  init_genrand(19650218U);
  std::size_t i = 1, j = 0;
  std::size_t k = std::max<std::size_t>(624, key.size());
  for (; k; --k) {
    m_state[i] = (m_state[i] ^ ((m_state[i - 1] ^ (m_state[i - 1] >> 30)) * 1664525U)) + key[j] +
                 static_cast<std::uint32_t>(j);
    ++i, ++j;
    if (i >= 624) m_state[0] = m_state[623], i = 1;
    if (j >= key.size()) j = 0;
  }
  for (k = 623; k; --k) {
    m_state[i] = (m_state[i] ^ ((m_state[i - 1] ^ (m_state[i - 1] >> 30)) * 1566083941U)) - static_cast<std::uint32_t>(i);
    ++i;
    if (i >= 624) m_state[0] = m_state[623], i = 1;
  }
  m_state[0] = 0x80000000U;
}

std::uint32_t PyRandom::next32() {
  constexpr std::uint32_t upper = 0x80000000U, lower = 0x7fffffffU, matrix = 0x9908b0dfU;
  if (m_index >= 624) {
    for (int kk = 0; kk < 624; ++kk) {
      std::uint32_t y = (m_state[kk] & upper) | (m_state[(kk + 1) % 624] & lower);
      m_state[kk] = m_state[(kk + 397) % 624] ^ (y >> 1) ^ ((y & 1U) ? matrix : 0U);
    }
    m_index = 0;
  }
  std::uint32_t y = m_state[m_index++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= (y >> 18);
  return y;
}

std::uint64_t PyRandom::getrandbits(int k) {
  if (k <= 32) return next32() >> (32 - k);
  std::uint64_t low = next32();
  std::uint64_t high = next32() >> (64 - k);
  return (high << 32) | low;
}

std::uint64_t PyRandom::randbelow(std::uint64_t n) {
  if (n == 0) return 0;
  int k = 64 - __builtin_clzll(n);
  std::uint64_t r = getrandbits(k);
  while (r >= n) r = getrandbits(k);
  return r;
}

std::int64_t PyRandom::randrange(std::int64_t start, std::int64_t stop, std::int64_t step) {
  std::int64_t width = stop - start;
  if (step == 1) {
    if (width > 0) return start + static_cast<std::int64_t>(randbelow(static_cast<std::uint64_t>(width)));
    throw TemplateError("empty range for randrange() (" + std::to_string(start) + ", " + std::to_string(stop) +
                        ", " + std::to_string(width) + ")");
  }
  if (step == 0) throw TemplateError("zero step for randrange()");
  // Python's floor division
  auto floordiv = [](std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
  };
  std::int64_t n = step > 0 ? floordiv(width + step - 1, step) : floordiv(width + step + 1, step);
  if (n <= 0) throw TemplateError("empty range for randrange()");
  return start + step * static_cast<std::int64_t>(randbelow(static_cast<std::uint64_t>(n)));
}

void PyRandom::shuffle(List& items) {
  for (std::size_t i = items.size(); i-- > 1;) {
    std::size_t j = static_cast<std::size_t>(randbelow(i + 1));
    std::swap(items[i], items[j]);
  }
}

}  // namespace drover::tmpl
