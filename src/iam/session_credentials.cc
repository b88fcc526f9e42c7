#include "iam/session_credentials.h"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "iam/scram.h"

namespace weir::iam {

namespace {

std::string Base64Url(const std::string& bytes) {
  std::string s = Base64Encode(bytes);
  for (char& c : s) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

bool FromBase64Url(std::string s, std::string* bytes) {
  for (char& c : s) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (s.size() % 4 != 0) s.push_back('=');
  return Base64Decode(s, bytes);
}

std::string Mac(const std::string& key, const std::string& message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &length);
  return {reinterpret_cast<char*>(out), length};
}

}  // namespace

std::optional<std::string> SessionUserFromName(const std::string& name) {
  const std::string prefix = kSessionUserPrefix;
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  return name.substr(prefix.size());
}

bool IsSessionPassword(const std::string& password) { return password.rfind(kSessionPasswordPrefix, 0) == 0; }

SessionCredentials IssueSessionCredentials(const std::string& key, const SessionClaims& claims) {
  nlohmann::json payload = {{"u", claims.user},
                            {"r", claims.role},
                            {"s", claims.session_name},
                            {"iat", claims.issued_s},
                            {"exp", claims.expires_s}};
  std::string body = kSessionPasswordPrefix + Base64Url(payload.dump());
  return {kSessionUserPrefix + claims.user, body + "." + Base64Url(Mac(key, body)), claims.expires_s};
}

Result<SessionClaims> VerifySessionPassword(const std::string& key, const std::string& username,
                                            const std::string& password, int64_t now_s) {
  auto invalid = [] { return Status::PermissionDenied("session credentials are invalid or were revoked"); };
  if (!IsSessionPassword(password)) return invalid();
  auto dot = password.rfind('.');
  if (dot == std::string::npos || dot < std::string(kSessionPasswordPrefix).size()) return invalid();
  std::string body = password.substr(0, dot);
  std::string mac;
  if (!FromBase64Url(password.substr(dot + 1), &mac)) return invalid();
  std::string expected = Mac(key, body);
  if (mac.size() != expected.size() || CRYPTO_memcmp(mac.data(), expected.data(), mac.size()) != 0) {
    return invalid();
  }
  std::string json;
  if (!FromBase64Url(body.substr(std::string(kSessionPasswordPrefix).size()), &json)) return invalid();
  auto payload = nlohmann::json::parse(json, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) return invalid();
  SessionClaims claims;
  try {
    claims.user = payload.at("u").get<std::string>();
    claims.role = payload.at("r").get<std::string>();
    claims.session_name = payload.at("s").get<std::string>();
    claims.issued_s = payload.at("iat").get<int64_t>();
    claims.expires_s = payload.at("exp").get<int64_t>();
  } catch (const nlohmann::json::exception&) {
    return invalid();
  }
  if (claims.user != username) return Status::PermissionDenied("session credentials belong to another user");
  if (now_s >= claims.expires_s) return Status::PermissionDenied("session credentials have expired");
  return claims;
}

std::string NewSessionKey() {
  std::string key(32, '\0');
  while (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
  }
  return Base64Encode(key);
}

}  // namespace weir::iam
