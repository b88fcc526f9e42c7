#include "iam/arn.h"

#include "iam/ascii.h"
#include "iam/wildcard.h"

namespace weir::iam {

namespace {

// True when the escaped component ends in an unescaped `*`.
bool EndsWithStar(std::string_view component) {
  if (component.empty() || component.back() != '*') return false;
  size_t backslashes = 0;
  for (size_t i = component.size() - 1; i > 0 && component[i - 1] == '\\'; --i) ++backslashes;
  return backslashes % 2 == 0;
}

bool HasEscapeOrWildcard(std::string_view s) { return s.find_first_of("\\*?") != std::string_view::npos; }

bool StartsWith(std::string_view s, std::string_view prefix) { return internal::HasPrefix(s, prefix); }

// Shared by the static and dynamic matchers: matches ARN text against the
// pattern's components (component i of n; the last one is a tail when n < 6).
template <typename MatchComponent>
bool MatchComponents(size_t n, const ArnParts& split, MatchComponent&& match_component) {
  const std::array<std::string_view, 6>& parts = split.parts;
  const size_t m = split.count;
  const std::string_view arn = split.text;
  if (n == 6) {
    if (m != 6) return false;
    for (size_t i = 0; i < 6; ++i) {
      if (!match_component(i, parts[i])) return false;
    }
    return true;
  }
  if (m < n) return false;
  for (size_t i = 0; i + 1 < n; ++i) {
    if (!match_component(i, parts[i])) return false;
  }
  // The tail: from the start of component n-1 to the end of the ARN.
  std::string_view tail = arn.substr(static_cast<size_t>(parts[n - 1].data() - arn.data()));
  return match_component(n - 1, tail);
}

}  // namespace

ArnParts::ArnParts(std::string_view t) noexcept : text(t) { count = SplitArnComponents(t, &parts); }

std::optional<Arn> ParseArn(std::string_view text) noexcept {
  std::array<std::string_view, 6> parts;
  if (SplitArnComponents(text, &parts) != 6) return std::nullopt;
  if (parts[0] != "arn" || parts[1].empty() || parts[2].empty() || parts[5].empty()) return std::nullopt;
  return Arn{parts[1], parts[2], parts[3], parts[4], parts[5]};
}

size_t SplitArnComponents(std::string_view text, std::array<std::string_view, 6>* out, bool escaped) noexcept {
  size_t count = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size() && count < 5; ++i) {
    if (escaped && text[i] == '\\') {
      ++i;
      continue;
    }
    if (text[i] == ':') {
      (*out)[count++] = text.substr(start, i - start);
      start = i + 1;
    }
  }
  (*out)[count++] = text.substr(start);
  return count;
}

bool IsArnPatternShape(std::string_view p, std::string* why) {
  auto fail = [why](const char* reason) {
    if (why) *why = reason;
    return false;
  };
  std::array<std::string_view, 6> parts;
  size_t n = SplitArnComponents(p, &parts, /*escaped=*/true);
  if (parts[0] != "arn") return fail("an ARN starts with 'arn:'");
  if (n < 6) {
    // Fewer components are fine only when the last one ends in `*`, which
    // then stands for the rest of the ARN.
    if (n < 2 || !EndsWithStar(parts[n - 1])) return fail("an ARN has six ':'-separated parts");
  }
  if (n > 1 && parts[1].empty()) return fail("the partition is empty");
  if (n > 2 && parts[2].empty()) return fail("the service is empty");
  if (n == 6 && parts[5].empty()) return fail("the resource part is empty");
  return true;
}

bool MatchArnEscaped(std::string_view escaped_pattern, std::string_view arn) noexcept {
  return MatchArnEscaped(escaped_pattern, ArnParts(arn));
}

bool MatchArnEscaped(std::string_view escaped_pattern, const ArnParts& arn) noexcept {
  if (!IsArnPatternShape(escaped_pattern)) return false;
  std::array<std::string_view, 6> comps;
  size_t n = SplitArnComponents(escaped_pattern, &comps, /*escaped=*/true);
  return MatchComponents(n, arn, [&](size_t i, std::string_view text) { return EscapedWildcardMatch(comps[i], text); });
}

std::optional<ArnPattern> ArnPattern::FromEscaped(std::string_view escaped_pattern) {
  if (!IsArnPatternShape(escaped_pattern) || escaped_pattern.size() > UINT16_MAX) return std::nullopt;
  ArnPattern out;
  out.pattern_ = std::string(escaped_pattern);
  std::array<std::string_view, 6> comps;
  size_t n = SplitArnComponents(out.pattern_, &comps, /*escaped=*/true);
  out.count_ = static_cast<uint8_t>(n);
  for (size_t i = 0; i < n; ++i) {
    std::string_view c = comps[i];
    out.begin_[i] = static_cast<uint16_t>(c.data() - out.pattern_.data());
    out.length_[i] = static_cast<uint16_t>(c.size());
    if (c.find_first_not_of('*') == std::string_view::npos && !c.empty()) {
      out.kind_[i] = Kind::kAnything;
    } else if (!HasEscapeOrWildcard(c)) {
      out.kind_[i] = Kind::kExact;
    } else if (c.back() == '*' && !HasEscapeOrWildcard(c.substr(0, c.size() - 1))) {
      out.kind_[i] = Kind::kPrefix;
      out.length_[i] = static_cast<uint16_t>(c.size() - 1);
    } else {
      out.kind_[i] = Kind::kGeneral;
    }
  }
  std::string_view p = out.pattern_;
  size_t special = p.find_first_of("\\*?");
  out.literal_prefix_ = std::string(p.substr(0, special));
  if (special == std::string_view::npos) {
    // Literal with all six components: equal text is the only match.
    if (n == 6) out.shape_ = Shape::kWholeExact;
  } else if (special == p.size() - 1 && p.back() == '*' && (n < 6 || comps[5].size() > 0)) {
    // One trailing `*`, in the resource part or standing for the rest: the
    // literal prefix already fixes every component boundary before it.
    out.shape_ = Shape::kWholePrefix;
  }
  return out;
}

bool ArnPattern::Matches(std::string_view arn) const noexcept {
  if (count_ == 0) return false;
  if (shape_ == Shape::kWholeExact) return internal::SameBytes(arn, pattern_);
  if (shape_ == Shape::kWholePrefix) return StartsWith(arn, literal_prefix_);
  return Matches(ArnParts(arn));
}

bool ArnPattern::Matches(const ArnParts& arn) const noexcept {
  if (count_ == 0) return false;
  // Every match starts with the literal prefix; one comparison rejects most.
  if (!StartsWith(arn.text, literal_prefix_)) return false;
  if (shape_ == Shape::kWholeExact) return arn.text.size() == pattern_.size();
  if (shape_ == Shape::kWholePrefix) return true;
  std::string_view pattern = pattern_;
  return MatchComponents(count_, arn, [&](size_t i, std::string_view text) {
    std::string_view c = pattern.substr(begin_[i], length_[i]);
    switch (kind_[i]) {
      case Kind::kAnything:
        return true;
      case Kind::kExact:
        return internal::SameBytes(text, c);
      case Kind::kPrefix:
        return internal::HasPrefix(text, c);
      case Kind::kGeneral:
        return EscapedWildcardMatch(c, text);
    }
    return false;
  });
}

}  // namespace weir::iam
