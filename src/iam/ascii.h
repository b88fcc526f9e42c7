#pragma once

// ASCII comparisons and fingerprints for policy text (action and condition
// key names are ASCII and case-insensitive; values are compared byte for
// byte). Internal to iam/.

#include <cstddef>
#include <cstdint>
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

// Byte equality for short strings, inline (no library call).
inline bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
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
