#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "iam/role.h"

namespace weir::pgwire {

// The server side of one SCRAM-SHA-256 exchange (RFC 5802/7677) as
// PostgreSQL runs it: the user name inside the client-first-message is
// ignored (the startup packet's user counts), channel binding is not
// offered (gs2 flags "n" and "y" are accepted, "p" is refused).
//
// An unknown or disabled user is given a mock verifier derived from the
// name so that the exchange looks the same and fails only at the end
// (PostgreSQL does the same, so user names cannot be probed).
// Not thread-safe; one per authentication attempt.
class ScramExchange {
 public:
  // `verifier` nullopt (or one whose fields do not decode): run against a
  // mock and always fail in ClientFinal. `mock_seed` keys the mock's salt
  // (HMAC-SHA-256 of the client-first user name): pass a server secret plus
  // the startup user name, so one unknown user always sees the same salt and
  // nobody without the secret can tell a mock salt from a real one.
  // `nonce_for_tests`: a fixed server nonce part (base64 text); empty = random.
  explicit ScramExchange(std::optional<iam::ScramVerifier> verifier, std::string_view mock_seed = {},
                         std::string nonce_for_tests = {});

  // client-first-message → server-first-message. kInvalidArgument when
  // malformed (missing r=, bad gs2 header, extensions "m=") and
  // kFeatureNotSupported for channel binding ("p=").
  Result<std::string> ClientFirst(std::string_view message);

  // client-final-message → server-final-message ("v=…") when the proof
  // verifies. kInvalidArgument when malformed or out of order (nonce or
  // channel-binding mismatch); kPermissionDenied when the proof is wrong or
  // the verifier was a mock.
  Result<std::string> ClientFinal(std::string_view message);

 private:
  std::optional<iam::ScramVerifier> verifier_;
  std::string mock_seed_;
  bool mock_ = false;             // no usable verifier: the exchange must fail
  iam::ScramVerifier effective_;  // verifier_ or the mock
  std::string server_nonce_;
  std::string client_first_bare_;
  std::string server_first_;
  std::string combined_nonce_;
  std::string gs2_header_;
  int step_ = 0;
};

}  // namespace weir::pgwire
