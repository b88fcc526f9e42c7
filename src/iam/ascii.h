#pragma once

// ASCII comparisons and fingerprints for policy text (action and condition
// key names are ASCII and case-insensitive; values are compared byte for
// byte). Internal to iam/.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace weir::iam::internal {

inline char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string ToLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

// Equal when lower-cased (ASCII letters only; other bytes must be equal).
inline bool EqualsIgnoreCaseAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

// Equality of `n` bytes, inline and eight at a time: policy strings are
// short, and a call to memcmp costs more than comparing them.
inline bool SameBytes(const char* a, const char* b, size_t n) {
  for (; n >= 8; a += 8, b += 8, n -= 8) {
    uint64_t x, y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
  }
  for (; n > 0; ++a, ++b, --n) {
    if (*a != *b) return false;
  }
  return true;
}

// Byte equality for short strings, inline (no library call).
inline bool SameBytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && SameBytes(a.data(), b.data(), a.size());
}

// Whether `text` starts with `prefix`, inline.
inline bool HasPrefix(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && SameBytes(text.data(), prefix.data(), prefix.size());
}

// FNV-1a: a quick fingerprint for comparing short names (condition keys,
// services) before comparing their bytes.
inline uint64_t Fingerprint(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace weir::iam::internal
