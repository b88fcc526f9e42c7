#include "pgwire/scram_exchange.h"

#include <utility>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "iam/scram.h"

namespace weir::pgwire {

namespace {

constexpr int kStepClientFirst = 0;
constexpr int kStepClientFinal = 1;
constexpr int kStepDone = 2;  // finished, successfully or not: no more messages

constexpr size_t kServerNonceBytes = 18;  // as PostgreSQL (SCRAM_RAW_NONCE_LEN)
constexpr size_t kKeyBytes = SHA256_DIGEST_LENGTH;

std::string Hmac(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &length);
  return {reinterpret_cast<char*>(out), length};
}

std::string Sha256(std::string_view bytes) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out);
  return {reinterpret_cast<char*>(out), SHA256_DIGEST_LENGTH};
}

bool Decode(std::string_view text, std::string* bytes) { return iam::Base64Decode(std::string(text), bytes); }

// True when the verifier can be used: its fields decode to a salt and two
// 32-byte keys. A damaged stored verifier is treated like an unknown user.
bool Usable(const iam::ScramVerifier& v) {
  std::string salt, stored, server;
  return v.iterations > 0 && Decode(v.salt, &salt) && !salt.empty() && Decode(v.stored_key, &stored) &&
         stored.size() == kKeyBytes && Decode(v.server_key, &server) && server.size() == kKeyBytes;
}

// A mock verifier that depends only on the seed and the name, so repeated
// attempts for one unknown user see the same salt (as for a real user).
iam::ScramVerifier MockVerifier(std::string_view seed, std::string_view user) {
  std::string name(user);
  iam::ScramVerifier v;
  v.iterations = iam::kScramIterations;
  v.salt = iam::Base64Encode(Hmac(seed, "weir-scram-mock-salt:" + name).substr(0, 16));
  v.stored_key = iam::Base64Encode(Hmac(seed, "weir-scram-mock-stored-key:" + name));
  v.server_key = iam::Base64Encode(Hmac(seed, "weir-scram-mock-server-key:" + name));
  return v;
}

// The next "x=value" attribute of a comma-separated SCRAM message. On
// success `*rest` is positioned after the attribute's trailing comma (or
// at the end).
Status ReadAttribute(std::string_view* rest, char name, std::string_view message, std::string_view* value) {
  if (rest->size() < 2 || (*rest)[0] != name || (*rest)[1] != '=') {
    return Status::InvalidArgument(std::string("malformed SCRAM ") + std::string(message) + ": expected attribute \"" +
                                   name + "=\"");
  }
  size_t comma = rest->find(',', 2);
  *value = rest->substr(2, comma == std::string_view::npos ? std::string_view::npos : comma - 2);
  *rest = comma == std::string_view::npos ? std::string_view() : rest->substr(comma + 1);
  return Status::Ok();
}

// RFC 5802: printable = %x21-2B / %x2D-7E (no comma).
bool PrintableNonce(std::string_view nonce) {
  if (nonce.empty()) return false;
  for (char c : nonce) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E || c == ',') return false;
  }
  return true;
}

}  // namespace

ScramExchange::ScramExchange(std::optional<iam::ScramVerifier> verifier, std::string_view mock_seed,
                             std::string nonce_for_tests)
    : verifier_(std::move(verifier)), mock_seed_(mock_seed) {
  mock_ = !verifier_.has_value() || !Usable(*verifier_);
  if (!mock_) effective_ = *verifier_;
  if (!nonce_for_tests.empty()) {
    server_nonce_ = std::move(nonce_for_tests);
  } else {
    std::string raw(kServerNonceBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size())) != 1) {
      // Leave the nonce empty: ClientFirst then refuses to proceed.
      raw.clear();
    }
    if (!raw.empty()) server_nonce_ = iam::Base64Encode(raw);
  }
}

Result<std::string> ScramExchange::ClientFirst(std::string_view message) {
  if (step_ != kStepClientFirst) {
    step_ = kStepDone;
    return Status::InvalidArgument("unexpected SCRAM client-first-message");
  }
  step_ = kStepDone;  // any failure below ends the exchange
  if (server_nonce_.empty()) return Status::Internal("no randomness for a SCRAM nonce");

  // gs2-header: cbind-flag "," [authzid] ","
  std::string_view rest = message;
  if (rest.empty()) return Status::InvalidArgument("malformed SCRAM client-first-message: empty");
  switch (rest[0]) {
    case 'n':
    case 'y':
      if (rest.size() < 2 || rest[1] != ',') {
        return Status::InvalidArgument("malformed SCRAM client-first-message: bad channel binding flag");
      }
      rest.remove_prefix(2);
      break;
    case 'p':
      return Status::NotSupported("SCRAM channel binding is not supported; use SCRAM-SHA-256, not SCRAM-SHA-256-PLUS");
    default:
      return Status::InvalidArgument("malformed SCRAM client-first-message: bad channel binding flag");
  }
  if (!rest.empty() && rest[0] == 'a') {
    return Status::NotSupported("SCRAM authorization identity is not supported");
  }
  if (rest.empty() || rest[0] != ',') {
    return Status::InvalidArgument("malformed SCRAM client-first-message: bad GS2 header");
  }
  rest.remove_prefix(1);
  gs2_header_ = std::string(message.substr(0, message.size() - rest.size()));
  client_first_bare_ = std::string(rest);

  if (!rest.empty() && rest[0] == 'm') {
    return Status::InvalidArgument("malformed SCRAM client-first-message: mandatory extensions are not supported");
  }
  std::string_view user, client_nonce;
  WEIR_RETURN_IF_ERROR(ReadAttribute(&rest, 'n', "client-first-message", &user));
  WEIR_RETURN_IF_ERROR(ReadAttribute(&rest, 'r', "client-first-message", &client_nonce));
  if (!PrintableNonce(client_nonce)) {
    return Status::InvalidArgument("malformed SCRAM client-first-message: invalid nonce");
  }
  // Optional extensions after the nonce are ignored, as PostgreSQL does.

  if (mock_) effective_ = MockVerifier(mock_seed_, user);
  combined_nonce_ = std::string(client_nonce) + server_nonce_;
  server_first_ = "r=" + combined_nonce_ + ",s=" + effective_.salt + ",i=" + std::to_string(effective_.iterations);
  step_ = kStepClientFinal;
  return server_first_;
}

Result<std::string> ScramExchange::ClientFinal(std::string_view message) {
  if (step_ != kStepClientFinal) {
    step_ = kStepDone;
    return Status::InvalidArgument("unexpected SCRAM client-final-message");
  }
  step_ = kStepDone;

  std::string_view rest = message;
  std::string_view binding, nonce;
  WEIR_RETURN_IF_ERROR(ReadAttribute(&rest, 'c', "client-final-message", &binding));
  std::string binding_bytes;
  if (!Decode(binding, &binding_bytes) || binding_bytes != gs2_header_) {
    return Status::InvalidArgument("SCRAM channel binding check failed");
  }
  WEIR_RETURN_IF_ERROR(ReadAttribute(&rest, 'r', "client-final-message", &nonce));
  if (nonce != combined_nonce_) return Status::InvalidArgument("SCRAM nonce mismatch");
  // Extensions until the proof, which must come last.
  std::string_view proof_b64;
  while (true) {
    if (rest.empty()) return Status::InvalidArgument("malformed SCRAM client-final-message: missing proof");
    if (rest[0] == 'p') break;
    std::string_view ignored;
    WEIR_RETURN_IF_ERROR(ReadAttribute(&rest, rest[0], "client-final-message", &ignored));
  }
  size_t proof_start = message.size() - rest.size();
  WEIR_RETURN_IF_ERROR(ReadAttribute(&rest, 'p', "client-final-message", &proof_b64));
  if (!rest.empty() || message[message.size() - 1] == ',') {
    return Status::InvalidArgument("malformed SCRAM client-final-message: garbage after the proof");
  }
  std::string proof;
  if (!Decode(proof_b64, &proof) || proof.size() != kKeyBytes) {
    return Status::InvalidArgument("malformed SCRAM client-final-message: invalid proof");
  }

  // client-final-message-without-proof excludes the comma before "p=".
  std::string_view without_proof = message.substr(0, proof_start - 1);
  std::string auth_message = client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);

  std::string stored_key, server_key;
  if (!Decode(effective_.stored_key, &stored_key) || !Decode(effective_.server_key, &server_key) ||
      stored_key.size() != kKeyBytes) {
    return Status::PermissionDenied("password authentication failed");
  }
  std::string signature = Hmac(stored_key, auth_message);
  std::string client_key(kKeyBytes, '\0');
  for (size_t i = 0; i < kKeyBytes; ++i) client_key[i] = static_cast<char>(proof[i] ^ signature[i]);
  std::string candidate = Sha256(client_key);
  bool match = CRYPTO_memcmp(candidate.data(), stored_key.data(), kKeyBytes) == 0;
  if (!match || mock_) return Status::PermissionDenied("password authentication failed");
  return "v=" + iam::Base64Encode(Hmac(server_key, auth_message));
}

}  // namespace weir::pgwire
