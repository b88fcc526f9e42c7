#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace weir::iam {

// Temporary credentials for a (user, runtime role) pair, as EMR's
// GetClusterSessionCredentials hands out: a user name and a password that,
// used as the wire-protocol password, open a session as that user and role.
//
// The password is self-contained and signed with the server's session key
// (HMAC-SHA-256): "weir-sts." + base64url(claims JSON) + "." + base64url(MAC).
// It expires; rotating the key revokes every outstanding one. Issuing is
// the caller's job only after iam::Directory::CanAssume allowed the pair.

struct SessionClaims {
  std::string user;
  std::string role;          // role name
  std::string session_name;  // shows in audit records
  int64_t issued_s = 0;      // Unix seconds
  int64_t expires_s = 0;
};

struct SessionCredentials {
  std::string username;
  std::string password;
  int64_t expires_s = 0;
};

inline constexpr const char* kSessionPasswordPrefix = "weir-sts.";
// The user name that goes with a session password: "sts:" + the user. The
// prefix tells a server to ask for the password itself (SCRAM cannot check
// a password the server never stored) before any password is sent; ':'
// never appears in a user's own name.
inline constexpr const char* kSessionUserPrefix = "sts:";

// "sts:alice" → "alice"; nullopt for a name without the prefix.
std::optional<std::string> SessionUserFromName(const std::string& name);

// True when `password` has the form of a session password (so a server can
// tell it from a user's own password without trying both).
bool IsSessionPassword(const std::string& password);

// Signs `claims` with `key` (raw bytes, at least 32).
SessionCredentials IssueSessionCredentials(const std::string& key, const SessionClaims& claims);

// Checks a session password presented with `username` (the user's name,
// without the prefix) at time `now_s`.
// kPermissionDenied for a bad signature (wrong or rotated key), a different
// user, or an expired password; the message says which.
Result<SessionClaims> VerifySessionPassword(const std::string& key, const std::string& username,
                                            const std::string& password, int64_t now_s);

// A fresh random key, base64-encoded for storage.
std::string NewSessionKey();

}  // namespace weir::iam
