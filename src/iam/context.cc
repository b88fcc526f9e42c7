// Context: the request's condition keys, stored sorted by lower-cased key.

#include <algorithm>

#include "iam/policy.h"
#include "iam/policy_variables.h"

namespace weir::iam {

namespace {

// Orders `a` (any case) against `b` (lower case) as if `a` were lower-cased.
int CompareIgnoringCase(std::string_view a, std::string_view lowercase_b) {
  size_t n = std::min(a.size(), lowercase_b.size());
  for (size_t i = 0; i < n; ++i) {
    auto x = static_cast<unsigned char>(internal::LowerAscii(a[i]));
    auto y = static_cast<unsigned char>(lowercase_b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.size() == lowercase_b.size()) return 0;
  return a.size() < lowercase_b.size() ? -1 : 1;
}

}  // namespace

Context::Context(std::initializer_list<std::pair<std::string_view, std::vector<std::string>>> entries) {
  for (const auto& [key, values] : entries) Set(key, values);
}

std::vector<Context::Entry>::iterator Context::LowerBound(std::string_view lowercase_key) {
  return std::lower_bound(entries_.begin(), entries_.end(), lowercase_key,
                          [](const Entry& e, std::string_view k) { return e.key < k; });
}

Context& Context::Set(std::string_view key, std::string value) {
  std::vector<std::string> values;
  values.push_back(std::move(value));
  return Set(key, std::move(values));
}

Context& Context::Set(std::string_view key, std::vector<std::string> values) {
  std::string lower = internal::ToLowerAscii(key);
  auto it = LowerBound(lower);
  if (it != entries_.end() && it->key == lower) {
    it->values = std::move(values);
  } else {
    uint64_t fingerprint = internal::Fingerprint(lower);
    entries_.insert(it, Entry{std::move(lower), std::move(values), fingerprint});
  }
  return *this;
}

Context& Context::Add(std::string_view key, std::string value) {
  std::string lower = internal::ToLowerAscii(key);
  auto it = LowerBound(lower);
  if (it != entries_.end() && it->key == lower) {
    it->values.push_back(std::move(value));
  } else {
    std::vector<std::string> values;
    values.push_back(std::move(value));
    uint64_t fingerprint = internal::Fingerprint(lower);
    entries_.insert(it, Entry{std::move(lower), std::move(values), fingerprint});
  }
  return *this;
}

bool Context::Erase(std::string_view key) {
  std::string lower = internal::ToLowerAscii(key);
  auto it = LowerBound(lower);
  if (it == entries_.end() || it->key != lower) return false;
  entries_.erase(it);
  return true;
}

const std::vector<std::string>* Context::Find(std::string_view key) const noexcept {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const Entry& e, std::string_view k) { return CompareIgnoringCase(k, e.key) > 0; });
  if (it == entries_.end() || CompareIgnoringCase(key, it->key) != 0) return nullptr;
  return &it->values;
}

const std::vector<std::string>* Context::FindLowercase(std::string_view lowercase_key) const noexcept {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), lowercase_key,
                             [](const Entry& e, std::string_view k) { return e.key < k; });
  if (it == entries_.end() || it->key != lowercase_key) return nullptr;
  return &it->values;
}

const std::vector<std::string>* Context::FindLowercase(std::string_view lowercase_key,
                                                       uint64_t fingerprint) const noexcept {
  // Contexts hold a handful of keys: a linear scan over fingerprints beats a
  // binary search over strings.
  for (const Entry& e : entries_) {
    if (e.fingerprint == fingerprint && internal::SameBytes(e.key, lowercase_key)) return &e.values;
  }
  return nullptr;
}

}  // namespace weir::iam
