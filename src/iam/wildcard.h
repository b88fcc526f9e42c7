#pragma once

// `*` / `?` wildcard matching as IAM uses it in Action, Resource, StringLike
// and the ARN operators. Internal to iam/.
//
// `*` matches any run of characters, including none; `?` matches exactly one
// character (one UTF-8 code point). Everything else matches itself, byte for
// byte (case-sensitive). In the *escaped* form a backslash makes the next
// character literal, so patterns assembled from policy variables can carry a
// literal `*` (from ${*} or from a substituted value).

#include <cstdint>
#include <string>
#include <string_view>

namespace weir::iam {

// Plain pattern (no escapes).
bool WildcardMatch(std::string_view pattern, std::string_view text) noexcept;

// Escaped pattern: `\x` is a literal x.
bool EscapedWildcardMatch(std::string_view escaped_pattern, std::string_view text) noexcept;

// True when `text` contains `*` or `?`.
bool HasWildcard(std::string_view text) noexcept;

// Appends `text` to `*out` with `\`, `*` and `?` escaped (and `:` when
// `escape_colon`), so that it matches only itself.
void AppendEscaped(std::string_view text, std::string* out, bool escape_colon = false);

// Appends plain-pattern `text` in escaped form: wildcards stay wildcards,
// backslashes become literal.
void AppendPatternAsEscaped(std::string_view pattern, std::string* out);

// A wildcard pattern classified once so that the common shapes ("*",
// "literal", "prefix*", "*suffix", "*infix*") match without the general
// algorithm. Copyable value.
class WildcardPattern {
 public:
  // Matches nothing.
  WildcardPattern() = default;

  static WildcardPattern FromPlain(std::string_view pattern);
  static WildcardPattern FromEscaped(std::string_view escaped_pattern);

  bool Matches(std::string_view text) const noexcept;
  bool MatchesEverything() const { return kind_ == Kind::kAnything; }

 private:
  enum class Kind : uint8_t { kNothing, kAnything, kExact, kPrefix, kSuffix, kInfix, kGeneral };
  Kind kind_ = Kind::kNothing;
  std::string text_;  // the literal (kExact..kInfix) or the escaped pattern (kGeneral)
};

}  // namespace weir::iam
