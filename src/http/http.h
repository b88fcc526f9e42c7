#pragma once

// A small HTTP/1.1 server and client for Weir's admin API: JSON over TLS
// (the query server's certificate), one thread per connection, keep-alive,
// bounded requests. Not a general web server: no chunked bodies, no
// pipelining beyond one request at a time, no compression.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace weir::server {
class TlsContext;
}

namespace weir::http {

inline constexpr size_t kMaxHeaderBytes = 16 * 1024;
inline constexpr size_t kMaxBodyBytes = 4 * 1024 * 1024;
// Connections open at once; more are closed as soon as they are accepted.
inline constexpr size_t kMaxConnections = 256;

struct Request {
  std::string method;                          // "GET"
  std::string path;                            // decoded, without the query: "/v1/roles/a b"
  std::vector<std::string> segments;           // the path's decoded segments: {"v1", "roles", "a b"}
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string peer;  // "127.0.0.1:5555"

  // The header's value, or "".
  std::string Header(const std::string& lower_name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  // A JSON error body {"error": {"code": ..., "sqlstate": ..., "message": ...}}
  // with the HTTP status that matches `status`'s code.
  static Response Error(const Status& status);
  static Response Json(int http_status, const std::string& json_text);
};

// The HTTP status for a Status code: 400 invalid argument, 401
// authentication, 403 permission denied, 404 not found, 409 already
// exists / failed precondition, 500 otherwise.
int HttpStatusFor(const Status& status);

using Handler = std::function<Response(const Request&)>;

// Percent-decoding ("a%20b" → "a b"; '+' stays '+'). false on a bad escape.
bool PercentDecode(const std::string& in, std::string* out);
// Percent-encoding of everything but unreserved characters.
std::string PercentEncode(const std::string& in);
// A request target: "/" + each segment percent-encoded, joined by "/", then
// "?key=value&..." for the query items whose value is not empty (both
// percent-encoded). ParseRequestHead gives back the same segments and query.
std::string BuildTarget(const std::vector<std::string>& segments,
                        const std::vector<std::pair<std::string, std::string>>& query = {});
// "Basic base64(user:password)" → {user, password}; false when malformed.
bool ParseBasicAuth(const std::string& header, std::string* user, std::string* password);
std::string Base64Encode(const std::string& in);

// Parses one request head (request line and headers, without the blank
// line). kInvalidArgument naming the problem.
Status ParseRequestHead(const std::string& head, Request* request);

class Server {
 public:
  // `tls` null: plaintext. `tls` must outlive the server.
  Server(std::string host, int port, const server::TlsContext* tls, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds. kIoError when the address cannot be bound.
  Status Start();
  int port() const { return port_; }
  // Accepts until RequestShutdown(); then waits for the connections to
  // finish the request they are answering.
  void Run();
  // Stops accepting and closes idle keep-alive connections. Thread-safe
  // (not async-signal-safe).
  void RequestShutdown();

 private:
  void Serve(int fd, std::string peer);

  std::string host_;
  int port_;
  const server::TlsContext* tls_;
  Handler handler_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::set<int> clients_;  // open connections, shut down by RequestShutdown
  std::condition_variable drained_;
};

// --- the client side (the CLI talking to a running server) ---

struct Endpoint {
  std::string host;
  int port = 0;
  bool tls = true;
  // The server certificate's SHA-256 fingerprint (colon-separated hex) the
  // peer must present; empty = do not check (only with --insecure).
  std::string fingerprint;
};

// "https://HOST:PORT" → endpoint (fingerprint empty). kInvalidArgument otherwise.
Result<Endpoint> ParseUrl(const std::string& url);

struct ClientResponse {
  int status = 0;
  std::string body;
};

// One request over a fresh connection; `user`/`password` as Basic
// authentication (empty user: none). kIoError when the server cannot be
// reached or its certificate does not match the fingerprint.
Result<ClientResponse> Call(const Endpoint& endpoint, const std::string& method, const std::string& target,
                            const std::string& body, const std::string& user, const std::string& password);

}  // namespace weir::http
