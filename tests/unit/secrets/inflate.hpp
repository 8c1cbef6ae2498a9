// A small zlib (RFC 1950/1951) decoder for the compressed age test vectors, so the tests need no
// extra library. Test-only: it trusts its input no further than to throw on malformed data.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace drover::test {

class Inflater {
public:
  explicit Inflater(std::string_view in) : m_in(in) {}

  std::string run() {
    if (m_in.size() < 2) throw std::runtime_error("zlib: short input");
    m_pos = 2;  // CMF, FLG
    bool last = false;
    while (!last) {
      last = bits(1) != 0;
      switch (bits(2)) {
        case 0: stored(); break;
        case 1: fixed(); break;
        case 2: dynamic(); break;
        default: throw std::runtime_error("zlib: bad block type");
      }
    }
    return m_out;
  }

private:
  struct Huffman {
    std::vector<int> count = std::vector<int>(16, 0);
    std::vector<int> symbol;
  };

  int bits(int need) {
    long val = m_bitbuf;
    while (m_bitcnt < need) {
      if (m_pos >= m_in.size()) throw std::runtime_error("zlib: truncated");
      val |= static_cast<long>(static_cast<unsigned char>(m_in[m_pos++])) << m_bitcnt;
      m_bitcnt += 8;
    }
    m_bitbuf = static_cast<int>(val >> need);
    m_bitcnt -= need;
    return static_cast<int>(val & ((1L << need) - 1));
  }

  void stored() {
    m_bitbuf = 0;
    m_bitcnt = 0;
    if (m_pos + 4 > m_in.size()) throw std::runtime_error("zlib: truncated");
    unsigned len = static_cast<unsigned char>(m_in[m_pos]) | static_cast<unsigned char>(m_in[m_pos + 1]) << 8;
    m_pos += 4;
    if (m_pos + len > m_in.size()) throw std::runtime_error("zlib: truncated");
    m_out.append(m_in.substr(m_pos, len));
    m_pos += len;
  }

  static Huffman build(const std::vector<int>& lengths) {
    Huffman h;
    for (int l : lengths) h.count[static_cast<std::size_t>(l)]++;
    std::vector<int> offs(16, 0);
    for (int i = 1; i < 15; ++i) offs[static_cast<std::size_t>(i) + 1] = offs[static_cast<std::size_t>(i)] + h.count[static_cast<std::size_t>(i)];
    h.symbol.assign(lengths.size(), 0);
    for (std::size_t s = 0; s < lengths.size(); ++s)
      if (lengths[s]) h.symbol[static_cast<std::size_t>(offs[static_cast<std::size_t>(lengths[s])]++)] = static_cast<int>(s);
    return h;
  }

  int decode(const Huffman& h) {
    int code = 0, first = 0, index = 0;
    for (int len = 1; len < 16; ++len) {
      code |= bits(1);
      int count = h.count[static_cast<std::size_t>(len)];
      if (code - count < first) return h.symbol[static_cast<std::size_t>(index + (code - first))];
      index += count;
      first += count;
      first <<= 1;
      code <<= 1;
    }
    throw std::runtime_error("zlib: bad code");
  }

  void codes(const Huffman& lencode, const Huffman& distcode) {
    static const int lbase[] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const int lext[] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static const int dbase[] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static const int dext[] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    for (;;) {
      int sym = decode(lencode);
      if (sym < 256) {
        m_out += static_cast<char>(sym);
      } else if (sym == 256) {
        return;
      } else {
        sym -= 257;
        if (sym >= 29) throw std::runtime_error("zlib: bad length");
        int len = lbase[sym] + bits(lext[sym]);
        int d = decode(distcode);
        if (d >= 30) throw std::runtime_error("zlib: bad distance");
        std::size_t dist = static_cast<std::size_t>(dbase[d] + bits(dext[d]));
        if (dist > m_out.size()) throw std::runtime_error("zlib: distance too far");
        for (int i = 0; i < len; ++i) m_out += m_out[m_out.size() - dist];
      }
    }
  }

  void fixed() {
    std::vector<int> l(288);
    for (int i = 0; i < 144; ++i) l[static_cast<std::size_t>(i)] = 8;
    for (int i = 144; i < 256; ++i) l[static_cast<std::size_t>(i)] = 9;
    for (int i = 256; i < 280; ++i) l[static_cast<std::size_t>(i)] = 7;
    for (int i = 280; i < 288; ++i) l[static_cast<std::size_t>(i)] = 8;
    codes(build(l), build(std::vector<int>(30, 5)));
  }

  void dynamic() {
    static const int order[] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    int nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
    std::vector<int> lengths(19, 0);
    for (int i = 0; i < ncode; ++i) lengths[static_cast<std::size_t>(order[i])] = bits(3);
    Huffman lencode = build(lengths);
    std::vector<int> all;
    while (static_cast<int>(all.size()) < nlen + ndist) {
      int sym = decode(lencode);
      if (sym < 16) {
        all.push_back(sym);
        continue;
      }
      int len = 0, rep = 0;
      if (sym == 16) {
        if (all.empty()) throw std::runtime_error("zlib: repeat with no length");
        len = all.back();
        rep = 3 + bits(2);
      } else if (sym == 17) {
        rep = 3 + bits(3);
      } else {
        rep = 11 + bits(7);
      }
      all.insert(all.end(), static_cast<std::size_t>(rep), len);
    }
    std::vector<int> litlen(all.begin(), all.begin() + nlen), dist(all.begin() + nlen, all.end());
    codes(build(litlen), build(dist));
  }

  std::string_view m_in;
  std::size_t m_pos = 0;
  int m_bitbuf = 0;
  int m_bitcnt = 0;
  std::string m_out;
};

inline std::string zlib_decompress(std::string_view in) { return Inflater(in).run(); }

}  // namespace drover::test
