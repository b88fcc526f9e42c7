#pragma once

#include <string>

#include "common/status.h"
#include "iam/role.h"

namespace weir::iam {

// SCRAM-SHA-256 (RFC 5802, RFC 7677) verifiers, as PostgreSQL stores them:
// SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, iterations);
// StoredKey = SHA-256(HMAC(SaltedPassword, "Client Key"));
// ServerKey = HMAC(SaltedPassword, "Server Key").

inline constexpr int kScramIterations = 4096;

// A verifier for `password` with a fresh random 16-byte salt.
Result<ScramVerifier> MakeScramVerifier(const std::string& password, int iterations = kScramIterations);

// True when `password` matches `verifier` (constant-time comparison).
bool CheckPassword(const ScramVerifier& verifier, const std::string& password);

// A random password of `length` characters from [A-Za-z0-9].
std::string GeneratePassword(size_t length = 24);

// Base64 (standard alphabet, padded).
std::string Base64Encode(const std::string& bytes);
// false on malformed input.
bool Base64Decode(const std::string& text, std::string* bytes);

}  // namespace weir::iam
