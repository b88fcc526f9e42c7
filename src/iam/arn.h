#pragma once

// Amazon Resource Names: parsing, and matching against ARN patterns with
// wildcards. Internal to iam/.
//
// An ARN has six colon-separated components,
//   arn:partition:service:region:account-id:resource
// where the last one (resource) may itself contain colons. Patterns are
// matched component by component, each with `*`/`?` wildcards that stay
// inside their component — so "arn:aws:s3:*:111122223333:x" cannot be
// satisfied by colons hidden in a resource name. A pattern with fewer than
// six components whose last component ends in `*` ("arn:aws:s3:*") lets that
// last `*` expand over the rest of the ARN, colons included, as AWS documents
// for a trailing `*`.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace weir::iam {

struct Arn {
  std::string_view partition;
  std::string_view service;
  std::string_view region;
  std::string_view account;
  std::string_view resource;
};

// Parses a concrete ARN: "arn:" prefix, at least five colons, non-empty
// partition, service and resource. Views point into `text`.
std::optional<Arn> ParseArn(std::string_view text) noexcept;

// Splits `text` at its first five colons into at most six components;
// returns how many there are. When `escaped`, a colon preceded by a
// backslash does not split.
size_t SplitArnComponents(std::string_view text, std::array<std::string_view, 6>* out, bool escaped = false) noexcept;

// A string split once at its first five colons, for matching against many
// patterns. Views point into the text given to the constructor.
struct ArnParts {
  explicit ArnParts(std::string_view text) noexcept;
  std::string_view text;
  std::array<std::string_view, 6> parts;
  size_t count = 0;
};

// Whether `escaped_pattern` (the escaped wildcard form, see wildcard.h) has
// the shape of an ARN pattern; when not, `*why` says what is wrong.
bool IsArnPatternShape(std::string_view escaped_pattern, std::string* why = nullptr);

// Matches `arn` against an escaped pattern checked with IsArnPatternShape
// (false when the pattern does not have the shape).
bool MatchArnEscaped(std::string_view escaped_pattern, std::string_view arn) noexcept;
bool MatchArnEscaped(std::string_view escaped_pattern, const ArnParts& arn) noexcept;

// An ARN pattern compiled once from its escaped form. Copyable value.
class ArnPattern {
 public:
  // Matches nothing.
  ArnPattern() = default;

  // nullopt when the pattern does not have the shape of an ARN pattern.
  static std::optional<ArnPattern> FromEscaped(std::string_view escaped_pattern);

  bool Matches(std::string_view arn) const noexcept;
  bool Matches(const ArnParts& arn) const noexcept;

 private:
  enum class Kind : uint8_t { kAnything, kExact, kPrefix, kGeneral };
  // Shapes of the whole pattern that need no component split.
  enum class Shape : uint8_t { kComponents, kWholeExact, kWholePrefix };
  Shape shape_ = Shape::kComponents;
  std::string literal_prefix_;        // literal text before the first wildcard or escape
  std::string pattern_;               // escaped pattern
  std::array<uint16_t, 6> begin_{};   // component offsets into pattern_
  std::array<uint16_t, 6> length_{};  // component lengths
  std::array<Kind, 6> kind_{};        // how each component matches
  uint8_t count_ = 0;                 // 0 means "matches nothing"
};

}  // namespace weir::iam
