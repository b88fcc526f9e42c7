#include "iam/wildcard.h"

#include <cstddef>

#include "iam/ascii.h"

namespace weir::iam {

namespace {

// Length of the UTF-8 sequence starting at text[i], clamped to the text; a
// stray continuation or invalid byte counts as one character.
size_t CharLength(std::string_view text, size_t i) {
  auto lead = static_cast<unsigned char>(text[i]);
  size_t n = 1;
  if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
  } else if (lead >= 0xE0) {
    n = lead <= 0xEF ? 3 : 1;
  } else if (lead >= 0xC2) {
    n = 2;
  }
  if (i + n > text.size()) return text.size() - i;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

// The classic single-backtrack glob: on a mismatch, only the most recent `*`
// needs to absorb one more character, because any earlier `*` could have
// absorbed the same text. Linear in practice, O(n*m) at worst.
template <bool kEscaped>
bool Glob(std::string_view p, std::string_view t) {
  size_t pi = 0, ti = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (ti < t.size()) {
    if (pi < p.size()) {
      char c = p[pi];
      if (c == '*') {
        star_p = ++pi;
        star_t = ti;
        continue;
      }
      if (c == '?') {
        ++pi;
        ti += CharLength(t, ti);
        continue;
      }
      size_t width = 1;
      if (kEscaped && c == '\\' && pi + 1 < p.size()) {
        c = p[pi + 1];
        width = 2;
      }
      if (t[ti] == c) {
        pi += width;
        ++ti;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    star_t += CharLength(t, star_t);
    ti = star_t;
    pi = star_p;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view text) noexcept { return Glob<false>(pattern, text); }

bool EscapedWildcardMatch(std::string_view escaped_pattern, std::string_view text) noexcept {
  return Glob<true>(escaped_pattern, text);
}

bool HasWildcard(std::string_view text) noexcept { return text.find_first_of("*?") != std::string_view::npos; }

void AppendEscaped(std::string_view text, std::string* out, bool escape_colon) {
  for (char c : text) {
    if (c == '\\' || c == '*' || c == '?' || (escape_colon && c == ':')) out->push_back('\\');
    out->push_back(c);
  }
}

void AppendPatternAsEscaped(std::string_view pattern, std::string* out) {
  for (char c : pattern) {
    if (c == '\\') out->push_back('\\');
    out->push_back(c);
  }
}

WildcardPattern WildcardPattern::FromPlain(std::string_view pattern) {
  std::string escaped;
  escaped.reserve(pattern.size());
  AppendPatternAsEscaped(pattern, &escaped);
  return FromEscaped(escaped);
}

WildcardPattern WildcardPattern::FromEscaped(std::string_view p) {
  WildcardPattern out;
  // Split into literal runs and wildcards to find the simple shapes.
  bool has_escape = p.find('\\') != std::string_view::npos;
  bool has_question = false;
  size_t stars = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
    } else if (p[i] == '*') {
      ++stars;
    } else if (p[i] == '?') {
      has_question = true;
    }
  }
  if (!has_escape && !has_question) {
    if (stars == 0) {
      out.kind_ = Kind::kExact;
      out.text_ = std::string(p);
      return out;
    }
    if (p.find_first_not_of('*') == std::string_view::npos) {
      out.kind_ = Kind::kAnything;
      return out;
    }
    if (stars == 1 && p.back() == '*') {
      out.kind_ = Kind::kPrefix;
      out.text_ = std::string(p.substr(0, p.size() - 1));
      return out;
    }
    if (stars == 1 && p.front() == '*') {
      out.kind_ = Kind::kSuffix;
      out.text_ = std::string(p.substr(1));
      return out;
    }
    if (stars == 2 && p.size() > 2 && p.front() == '*' && p.back() == '*') {
      out.kind_ = Kind::kInfix;
      out.text_ = std::string(p.substr(1, p.size() - 2));
      return out;
    }
  }
  out.kind_ = Kind::kGeneral;
  out.text_ = std::string(p);
  return out;
}

bool WildcardPattern::Matches(std::string_view text) const noexcept {
  switch (kind_) {
    case Kind::kNothing:
      return false;
    case Kind::kAnything:
      return true;
    case Kind::kExact:
      return internal::SameBytes(text, text_);
    case Kind::kPrefix:
      return internal::HasPrefix(text, text_);
    case Kind::kSuffix:
      return text.size() >= text_.size() &&
             internal::SameBytes(text.data() + text.size() - text_.size(), text_.data(), text_.size());
    case Kind::kInfix:
      return text.find(text_) != std::string_view::npos;
    case Kind::kGeneral:
      return EscapedWildcardMatch(text_, text);
  }
  return false;
}

}  // namespace weir::iam
