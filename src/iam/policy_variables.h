#pragma once

// Policy variables (${aws:username}, ${aws:PrincipalTag/team, 'default'},
// ${*}, ${?}, ${$}) in Resource/NotResource and in String, ARN and Bool
// condition values. Internal to iam/.
//
// Semantics (IAM User Guide, "Policy variables"):
// * ${key} is replaced by the single value of `key` in the request context
//   (key looked up case-insensitively).
// * ${key, 'text'} uses `text` when the key has no value. Spaces around the
//   comma are tolerated; the default cannot contain a single quote.
// * A variable with no value and no default makes the value it appears in
//   match nothing (ResolvePlain/ResolveEscaped return false); negated
//   operators then match, as AWS documents.
// * A multi-valued key cannot be used as a variable: it counts as having no
//   value.
// * Substituted text is literal: a `*` or `?` in a tag value is not a
//   wildcard. ${*}, ${?} and ${$} stand for a literal `*`, `?`, `$`.
// * In "2008-10-17" policies, ${...} is literal text (wildcards included).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "iam/ascii.h"
#include "iam/policy.h"

namespace weir::iam::internal {

class ValueTemplate {
 public:
  ValueTemplate() = default;

  // Parses policy text. Errors are InvalidArgument with a message meant to
  // follow a JSON path ("unterminated policy variable in '...'").
  static Result<ValueTemplate> Parse(std::string_view text, bool variables_enabled);

  bool has_variables() const { return has_variables_; }
  // True when the whole value is one variable ("${aws:PrincipalArn}").
  bool is_single_variable() const { return parts_.size() == 1 && parts_[0].kind == Part::Kind::kVariable; }

  // Without variables: the value as plain text (escapes applied), and as an
  // escaped wildcard pattern (see wildcard.h).
  const std::string& plain() const { return plain_; }
  const std::string& escaped() const { return escaped_; }
  // The text as written in the policy.
  const std::string& source() const { return source_; }
  // With variables: the literal text before the first variable, wildcard or
  // escape. Every value the template resolves to starts with it, so a request
  // value that does not can be rejected without resolving anything.
  const std::string& literal_prefix() const { return literal_prefix_; }

  // Appends the resolved plain text to `*out`; false when a variable has no
  // value.
  bool ResolvePlain(const Context& context, std::string* out) const noexcept;
  // Appends the resolved escaped pattern: policy wildcards stay wildcards,
  // substituted values are literal (and their colons escaped when
  // `escape_colon`, so a value cannot split ARN components — except when the
  // whole value is one variable, which then stands for a whole ARN).
  bool ResolveEscaped(const Context& context, std::string* out, bool escape_colon) const noexcept;

  // The escaped pattern with every variable replaced by `placeholder`, for
  // checking the shape of a value at parse time.
  std::string EscapedWithPlaceholders(char placeholder) const;

 private:
  struct Part {
    enum class Kind : uint8_t { kText, kChar, kVariable };
    Kind kind = Kind::kText;
    std::string text;              // kText: policy text; kChar: the character; kVariable: lower-cased key
    uint64_t key_fingerprint = 0;  // kVariable
    bool has_default = false;
    std::string default_value;
  };
  const std::string* Lookup(const Part& part, const Context& context) const noexcept;

  std::vector<Part> parts_;  // kept only when has_variables_
  std::string plain_;
  std::string escaped_;
  std::string source_;
  std::string literal_prefix_;
  bool has_variables_ = false;
};

}  // namespace weir::iam::internal
