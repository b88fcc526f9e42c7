#include "iam/scram.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace weir::iam {

namespace {

std::string Hmac(const std::string& key, const std::string& message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &length);
  return {reinterpret_cast<char*>(out), length};
}

std::string Sha256(const std::string& bytes) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out);
  return {reinterpret_cast<char*>(out), SHA256_DIGEST_LENGTH};
}

Result<std::string> SaltedPassword(const std::string& password, const std::string& salt, int iterations) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()), iterations,
                        EVP_sha256(), sizeof(out), out) != 1) {
    return Status::Internal("PBKDF2 failed");
  }
  return std::string(reinterpret_cast<char*>(out), sizeof(out));
}

}  // namespace

std::string Base64Encode(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool Base64Decode(const std::string& text, std::string* bytes) {
  if (text.size() % 4 != 0) return false;
  std::string out(3 * text.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return false;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding++;
  if (text.size() > 1 && text[text.size() - 2] == '=') padding++;
  out.resize(static_cast<size_t>(n) - padding);
  *bytes = std::move(out);
  return true;
}

Result<ScramVerifier> MakeScramVerifier(const std::string& password, int iterations) {
  std::string salt(16, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1) {
    return Status::Internal("no randomness for a salt");
  }
  WEIR_ASSIGN_OR_RETURN(std::string salted, SaltedPassword(password, salt, iterations));
  ScramVerifier v;
  v.iterations = iterations;
  v.salt = Base64Encode(salt);
  v.stored_key = Base64Encode(Sha256(Hmac(salted, "Client Key")));
  v.server_key = Base64Encode(Hmac(salted, "Server Key"));
  return v;
}

bool CheckPassword(const ScramVerifier& verifier, const std::string& password) {
  std::string salt, stored;
  if (verifier.iterations <= 0 || !Base64Decode(verifier.salt, &salt) || !Base64Decode(verifier.stored_key, &stored)) {
    return false;
  }
  auto salted = SaltedPassword(password, salt, verifier.iterations);
  if (!salted.ok()) return false;
  std::string candidate = Sha256(Hmac(*salted, "Client Key"));
  return candidate.size() == stored.size() && CRYPTO_memcmp(candidate.data(), stored.data(), stored.size()) == 0;
}

std::string GeneratePassword(size_t length) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  unsigned char byte = 0;
  while (out.size() < length) {
    if (RAND_bytes(&byte, 1) != 1) continue;
    if (byte >= 248) continue;  // 248 = 4 * 62: keep the distribution uniform
    out.push_back(kAlphabet[byte % 62]);
  }
  return out;
}

}  // namespace weir::iam
