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
