#pragma once

// The CLI talking to a running server's admin API instead of opening the
// data directory (which the server holds): how it finds the server and
// which credentials it sends.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "http/http.h"

namespace weir::cli {

struct GlobalOptions;

struct Remote {
  http::Endpoint endpoint;
  std::string user;
  std::string password;
};

// The server to talk to: `server_url` when given (its certificate pinned
// to the fingerprint in D/server.json when that names the same URL), else
// the server D/server.json describes when its process is alive; nullopt
// when there is none (act on the data directory). Credentials: --user or
// $WEIR_USER with $WEIR_PASSWORD, else the bootstrap administrator `admin`
// with D/admin-password. kInvalidArgument when no credentials can be found.
Result<std::optional<Remote>> FindServer(const GlobalOptions& options, const std::string& server_url);

// Sends a JSON request (`body` null for none); the response's JSON body on
// success (2xx, keys in the server's order), else the error it carries as a
// Status with the server's code, so it prints as the same error would
// locally. A refused login is kPermissionDenied "authentication failed for
// user NAME", as admin::Authenticate reports it locally.
Result<nlohmann::ordered_json> CallApi(const Remote& remote, const std::string& method, const std::string& target,
                                       const nlohmann::ordered_json& body);

}  // namespace weir::cli
