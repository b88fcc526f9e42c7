#pragma once

// How policy validation errors are made: one place for the
// "<path>: <problem>" form and for quoting offending values. Internal to iam/.

#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "iam/policy.h"

namespace weir::iam::internal {

// 'text' in single quotes, shortened when long.
inline std::string QuoteValue(std::string_view text) {
  constexpr size_t kMax = 80;
  std::string out = "'";
  out += text.size() > kMax ? std::string(text.substr(0, kMax)) + "..." : std::string(text);
  out += "'";
  return out;
}

// InvalidArgument "<path>: <problem>" (just the problem at the document
// root), also filling `*error` when not null.
inline Status InvalidAt(PolicyError* error, std::string path, std::string problem) {
  std::string message = path.empty() ? problem : path + ": " + problem;
  if (error != nullptr) {
    error->path = std::move(path);
    error->message = std::move(problem);
  }
  return Status::InvalidArgument(std::move(message));
}

}  // namespace weir::iam::internal
